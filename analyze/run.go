package analyze

import (
	"container/heap"
	"context"
	"errors"
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// Source yields captured frames; pcapgo readers, pcap handles and
// capture.File satisfy it. The data returned may be reused by the next call.
// A frame's ci.AncillaryData[0], when it is a layers.LinkType, overrides
// LinkType (pcapng files with several link types).
//
// A live source may return an error with a method IdleUntil() time.Time
// when no frame came for a while: the capture went on, without traffic,
// until that time. The Run does not stop: its clock moves on, so attempts
// whose horizon passed become final without waiting for the next frame,
// and it reads again. Only inputs read inline (not ReadAhead) see it.
type Source interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// Input is one named source of frames.
type Input struct {
	Name   string
	Format string
	Source Source
}

// Config says what to look for.
type Config struct {
	Ports PortSet
	VIPs  PrefixSet     // nil: infer the VIPs
	Grace time.Duration // how long a single unanswered SYN waits before it counts as unanswered
	// ProbeNets are health-probe source ranges in addition to
	// DefaultProbeNets: probes and clients are always judged apart.
	ProbeNets PrefixSet

	// HostAddrs are the capture host's own addresses as the OS reports
	// them (live capture): they are host addresses even if they never send.
	HostAddrs PrefixSet
	// Progress, when set, is called with the counts so far about once per
	// second of capture time (packet timestamps), for a live status line.
	Progress func(Progress)
	// ReadAhead reads and decodes each input on its own goroutine, ahead
	// of the analysis, in batches. It is for files, whose reads never
	// wait for traffic; a live source would hold frames back until a
	// batch fills. The result is the same either way.
	ReadAhead bool
	// Horizon is how long after its first SYN an attempt stays open
	// (DefaultHorizon when zero); see DefaultHorizon.
	Horizon time.Duration
	// OnAttempt, when set, is called with every attempt once its outcome
	// is final, in order of first SYN, during the Run: the only way to see
	// every attempt, as the Result keeps totals and a few examples. An
	// error stops the Run and is returned by it.
	OnAttempt func(*Attempt) error
}

// Progress is a snapshot of the counts while a Run goes on.
type Progress struct {
	Frames     int
	Attempts   int
	Unanswered int // attempts that would be unanswered if the capture ended now
}

// progressEvery is how much capture time passes between Progress calls.
const progressEvery = time.Second

// DefaultGrace is the grace time of DESIGN.md.
const DefaultGrace = time.Second

// Run reads every input to its end, merged in timestamp order, and returns
// what it found. Damaged inputs yield what was readable and a warning; a
// cancelled ctx stops reading and the result covers what was read. The
// error is the one cfg.OnAttempt returned, if any; the Result then covers
// what was read until then.
func Run(ctx context.Context, cfg Config, inputs []Input) (*Result, error) {
	a := newAnalyzer(cfg, len(inputs))
	var streams []stream
	var ra *readAhead
	if cfg.ReadAhead {
		ra = a.readAhead(ctx, inputs)
		streams = ra.streams
	} else {
		for i := range inputs {
			streams = append(streams, &inlineStream{src: inputs[i].Source, file: i, dec: a.dec})
		}
	}
	m := newMerger(inputs, streams, a)
	for i := 0; m.Len() > 0 && a.tr.emitFail == nil; i++ {
		// Inputs read ahead end by themselves when ctx is done, after
		// the frames already read; those read inline end here.
		if i%4096 == 0 && ra == nil && ctx.Err() != nil {
			a.interrupted()
			break
		}
		m.step()
	}
	decs := []*decoder{a.dec}
	if ra != nil {
		// The readers write the copy counts: stop them before anything
		// reads those.
		ra.stop()
		for _, s := range ra.streams {
			decs = append(decs, s.(*aheadStream).dec)
		}
	}
	a.fragmentsLost(decs)
	r := a.finish(inputs)
	return r, a.tr.emitFail
}

// analyzer holds the state of one Run.
type analyzer struct {
	cfg     Config
	dec     *decoder
	pkt     packet
	tr      *tracker
	infos   []InputInfo
	warns   []Warning
	unknown map[layers.LinkType]int
	encaps  encaps
	frames  int
	start   time.Time
	end     time.Time

	lastLT       []layers.LinkType   // per input, its last frame's link type plus one (0: none yet)
	times        []oddTimes          // per input, its frames with odd timestamps
	lastProgress time.Time           // capture time of the last Progress call
	ifaceAddrs   map[netip.Addr]bool // the capture interfaces' own addresses, from the inputs
}

func newAnalyzer(cfg Config, n int) *analyzer {
	if cfg.Grace == 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Horizon <= 0 {
		cfg.Horizon = DefaultHorizon
	}
	a := &analyzer{cfg: cfg, dec: newDecoder(), infos: make([]InputInfo, n), unknown: map[layers.LinkType]int{},
		lastLT: make([]layers.LinkType, n), times: make([]oddTimes, n)}
	a.tr = newTracker(&a.cfg.Ports)
	a.tr.grace, a.tr.horizon = cfg.Grace, cfg.Horizon
	a.tr.totals = newRunTotals(probeNets(cfg.ProbeNets))
	a.tr.totals.emit = cfg.OnAttempt
	a.tr.totals.hops.inputs = n
	for i := range min(n, 64) {
		a.tr.totals.hops.all |= 1 << i
	}
	return a
}

func (a *analyzer) warn(w Warning) { a.warns = append(a.warns, w) }

// interrupted warns that reading stopped before the end, once however
// many inputs a stop interrupted.
func (a *analyzer) interrupted() {
	for _, w := range a.warns {
		if w.Kind == WarnInterrupted {
			return
		}
	}
	a.warn(Warning{Kind: WarnInterrupted, File: -1})
}

// take counts one frame and hands its packet to the tracker.
func (a *analyzer) take(f *frame) {
	info := &a.infos[f.file]
	info.Frames++
	a.frames++
	ts := f.ts
	a.checkTime(f.file, info, info.Frames, ts)
	if info.Frames == 1 || ts.Before(info.First) {
		info.First = ts
	}
	if ts.After(info.Last) {
		info.Last = ts
	}
	if a.frames == 1 || ts.Before(a.start) {
		a.start = ts
	}
	if ts.After(a.end) {
		a.end = ts
	}
	a.noteLinkType(f.file, info, f.lt)
	if f.kept > 0 {
		if info.Cut == 0 || f.kept < info.Kept {
			info.Kept = f.kept
		}
		info.Cut++
	}
	if !f.supported {
		a.unknown[f.lt]++
		return
	}
	if f.ip {
		a.encaps.note(f.file, &f.pkt)
		ref := FrameRef{File: f.file, Frame: info.Frames}
		switch {
		case f.pkt.IsARP:
			a.tr.arp(&f.pkt, ref)
		case f.checked:
			a.tr.addIP(&f.pkt, ref, ts, f.dup)
		default:
			a.tr.addIP(&f.pkt, ref, ts, a.tr.dups.copyOf(&f.pkt, f.file, ts))
		}
	}
	if a.cfg.Progress != nil && ts.Sub(a.lastProgress) >= progressEvery {
		a.lastProgress = ts
		a.cfg.Progress(a.progress())
	}
}

// progress counts the attempts so far: those final, and those open as
// they would be decided if the capture ended now.
func (a *analyzer) progress() Progress {
	c := &a.tr.totals.counts
	return Progress{Frames: a.frames, Attempts: a.tr.win.len() + c.Total(), Unanswered: a.tr.openUnanswered() + c[Unanswered]}
}

func (a *analyzer) noteLinkType(file int, info *InputInfo, lt layers.LinkType) {
	// Most inputs have one link type: naming it for every frame cost a
	// twentieth of the run.
	if a.lastLT[file] == lt+1 {
		return
	}
	a.lastLT[file] = lt + 1
	name := decode.LinkTypeName(lt)
	for _, s := range info.LinkTypes {
		if s == name {
			return
		}
	}
	info.LinkTypes = append(info.LinkTypes, name)
}

// readError records why an input stopped before its end.
func (a *analyzer) readError(file int, err error) {
	a.infos[file].Damaged = err.Error()
	w := Warning{Kind: WarnDamaged, File: file, Count: a.infos[file].Frames, Detail: err.Error(), Offset: -1}
	var at damageLocator
	if errors.As(err, &at) {
		w.Offset, w.Truncated = at.DamageAt()
	}
	a.warn(w)
}

// idler is a read error saying that the capture went on without traffic
// until a time (see Source).
type idler interface {
	IdleUntil() time.Time
}

// damageLocator is a read error that says where the damage starts (the
// capture package's ReadError), so reports can word it in any language.
type damageLocator interface {
	DamageAt() (offset int64, truncated bool)
}

// merger interleaves the inputs' frames in timestamp order (ties keep input
// order). Each input holds at most one frame at a time, so a frame stays
// valid until it is used.
type merger struct {
	inputs  []Input
	streams []stream
	a       *analyzer
	pending []*frame
}

func newMerger(inputs []Input, streams []stream, a *analyzer) *merger {
	m := &merger{inputs: inputs, streams: streams, a: a}
	for i := range inputs {
		a.infos[i] = InputInfo{Name: inputs[i].Name, Format: inputs[i].Format}
		if f, ok := m.next(i); ok {
			m.pending = append(m.pending, f)
		}
	}
	heap.Init(m)
	return m
}

// next reads input i's next frame; idle reports move the clock on.
func (m *merger) next(i int) (*frame, bool) {
	f, err := m.streams[i].next()
	var idle idler
	for err != nil && errors.As(err, &idle) {
		m.a.tr.idle(idle.IdleUntil())
		f, err = m.streams[i].next()
	}
	if err != nil {
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			// A source that a stop interrupted while it waited (a
			// stalled pipe): the input ends there, undamaged.
			m.a.interrupted()
		case !errors.Is(err, io.EOF):
			m.a.readError(i, err)
		}
		return nil, false
	}
	return f, true
}

// step hands the earliest frame to the analyzer, then replaces it with its
// input's next frame. The frame is used before its input is read again.
func (m *merger) step() {
	f := m.pending[0]
	m.a.take(f)
	if next, ok := m.next(f.file); ok {
		m.pending[0] = next
	} else {
		last := len(m.pending) - 1
		m.pending[0] = m.pending[last]
		m.pending = m.pending[:last]
	}
	if len(m.pending) > 1 {
		heap.Fix(m, 0)
	}
}

func (m *merger) Len() int { return len(m.pending) }
func (m *merger) Less(i, j int) bool {
	a, b := m.pending[i], m.pending[j]
	if !a.ts.Equal(b.ts) {
		return a.ts.Before(b.ts)
	}
	return a.file < b.file
}
func (m *merger) Swap(i, j int) { m.pending[i], m.pending[j] = m.pending[j], m.pending[i] }
func (m *merger) Push(x any)    { m.pending = append(m.pending, x.(*frame)) }
func (m *merger) Pop() any {
	last := m.pending[len(m.pending)-1]
	m.pending = m.pending[:len(m.pending)-1]
	return last
}
