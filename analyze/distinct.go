package analyze

import (
	"net/netip"

	"github.com/axiomhq/hyperloglog"
)

// Distinct client addresses are counted exactly while a bounded number of
// addresses is remembered over all counters of a Run; past that, a counter
// that meets a new address switches to a HyperLogLog sketch, whose
// estimate is within distinctError of the truth in 99% of cases (the
// standard error of precision 14 is 0.81%; three of them is 2.4%).
const (
	maxExactAddrs = 1 << 20
	// distinctError is the bound printed beside an estimated count, in
	// percent.
	distinctError = 3
)

// addrBudget is how many more addresses the exact counters may remember.
type addrBudget struct{ left int }

func newAddrBudget() *addrBudget { return &addrBudget{left: maxExactAddrs} }

// distinct counts distinct addresses: the first one inline, then in a set,
// then, once the budget is spent, estimated.
type distinct struct {
	one    netip.Addr
	set    map[netip.Addr]struct{}
	sketch *hyperloglog.Sketch
}

func (d *distinct) add(a netip.Addr, b *addrBudget) {
	switch {
	case d.sketch != nil:
		insert(d.sketch, a)
	case !d.one.IsValid():
		d.one = a
	case d.one == a:
	default:
		if _, ok := d.set[a]; ok {
			return
		}
		if b.left > 0 {
			if d.set == nil {
				d.set = make(map[netip.Addr]struct{})
			}
			d.set[a] = struct{}{}
			b.left--
			return
		}
		d.sketch = hyperloglog.New14()
		insert(d.sketch, d.one)
		for x := range d.set {
			insert(d.sketch, x)
		}
		b.left += len(d.set)
		d.set = nil
		insert(d.sketch, a)
	}
}

// count is the number of distinct addresses added, and whether it is an
// estimate.
func (d *distinct) count() (int, bool) {
	switch {
	case d.sketch != nil:
		return int(d.sketch.Estimate()), true
	case !d.one.IsValid():
		return 0, false
	}
	return 1 + len(d.set), false
}

func insert(s *hyperloglog.Sketch, a netip.Addr) {
	b := a.As16()
	s.Insert(b[:])
}
