package analyze

// fragmentsLost warns of the fragmented TCP datagrams the decoders never
// completed: a SYN in one is not counted, so the count is said.
func (a *analyzer) fragmentsLost(decs []*decoder) {
	lost, evicted := 0, 0
	for _, d := range decs {
		l, e := d.d.FragmentsLost()
		lost, evicted = lost+l, evicted+e
	}
	if lost > 0 {
		a.warn(Warning{Kind: WarnFragments, File: -1, Count: lost, Attempts: evicted})
	}
}
