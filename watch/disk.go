package watch

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"

	"github.com/slbdiag/slbdiag/internal/english"
)

// incidentName matches the folders watch writes incidents to.
var incidentName = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(-\d+)?$`)

// diskBudget keeps the incidents in --out within --max-disk: the oldest
// kept are removed first, the log says which. Incidents from earlier runs
// in the same folder count and go first, but only once a new incident
// needs room; only the files a manifest lists count and go.
type diskBudget struct {
	mu   sync.Mutex
	dir  string
	max  int64
	kept []keptIncident // oldest first
	used int64          // of kept
	busy int64          // of incidents still being written
	logf func(string, ...any)
}

type keptIncident struct {
	name string
	size int64
}

func newDiskBudget(dir string, max int64, logf func(string, ...any)) *diskBudget {
	d := &diskBudget{dir: dir, max: max, logf: logf}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && incidentName.MatchString(e.Name()) {
			if _, err := readManifest(filepath.Join(dir, e.Name())); err == nil {
				d.kept = append(d.kept, keptIncident{e.Name(), incidentSize(filepath.Join(dir, e.Name()))})
				d.used += d.kept[len(d.kept)-1].size
			}
		}
	}
	slices.SortFunc(d.kept, func(a, b keptIncident) int { return compareNames(a.name, b.name) })
	return d
}

// add counts a finished incident, then makes room for the budget.
func (d *diskBudget) add(name string, size int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.kept = append(d.kept, keptIncident{name, size})
	slices.SortFunc(d.kept, func(a, b keptIncident) int { return compareNames(a.name, b.name) })
	d.used += size
	d.makeRoom(0, name)
}

// pending counts bytes of incidents still being written (negative once done).
func (d *diskBudget) pending(n int64) {
	d.mu.Lock()
	d.busy += n
	d.mu.Unlock()
}

// room reports whether an open incident of n bytes fits, removing old
// incidents to make it fit; false when even all of them would not do.
func (d *diskBudget) room(n int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.makeRoom(n, "")
}

// makeRoom removes the oldest incidents, never spare, until the kept ones
// and extra bytes fit.
func (d *diskBudget) makeRoom(extra int64, spare string) bool {
	for d.used+d.busy+extra > d.max {
		i := slices.IndexFunc(d.kept, func(k keptIncident) bool { return k.name != spare })
		if i < 0 {
			return false
		}
		k := d.kept[i]
		d.kept = slices.Delete(d.kept, i, i+1)
		d.used -= k.size
		kept, err := removeIncident(filepath.Join(d.dir, k.name))
		if err != nil {
			d.logf("incident %s could not be removed for --max-disk: %v", k.name, err)
			continue
		}
		d.logf("incident %s removed (%s) to stay within --max-disk %s", k.name, english.Size(float64(k.size)), english.Size(float64(d.max)))
		if kept {
			d.logf("  its folder stays: it holds files slbdiag watch did not write")
		}
	}
	return true
}

// usedNow is the disk the incidents take.
func (d *diskBudget) usedNow() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.used + d.busy
}

// compareNames orders incident names by time, then by their -N suffix.
func compareNames(a, b string) int {
	if len(a) != len(b) && a[:20] == b[:20] {
		return len(a) - len(b)
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}
