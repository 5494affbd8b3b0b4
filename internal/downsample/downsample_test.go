package downsample

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func series(n int, seed uint64) (xs, ys []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range n {
		xs = append(xs, float64(i))
		ys = append(ys, 100+r.NormFloat64())
	}
	return xs, ys
}

func TestShortSeriesKept(t *testing.T) {
	xs, ys := series(10, 1)
	if got := LTTB(xs, ys, 10, nil); len(got) != 10 || got[9] != 9 {
		t.Errorf("a series of 10 reduced to 10 = %v, want every index", got)
	}
	if got := LTTB(nil, nil, 5, nil); len(got) != 0 {
		t.Errorf("empty series gave %v", got)
	}
}

func TestBudgetAndOrder(t *testing.T) {
	xs, ys := series(10000, 2)
	for _, n := range []int{3, 50, 500, 2000} {
		got := LTTB(xs, ys, n, nil)
		if len(got) < n-1 || len(got) > n+1 {
			t.Errorf("n=%d: %d points", n, len(got))
		}
		if got[0] != 0 || got[len(got)-1] != len(xs)-1 {
			t.Errorf("n=%d: ends not kept: %d … %d", n, got[0], got[len(got)-1])
		}
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Errorf("n=%d: indices not strictly increasing", n)
		}
	}
}

// TestPeaksAndKeep: a single spike and a step survive a 50-fold reduction,
// and indices asked to be kept are kept even in flat stretches.
func TestPeaksAndKeep(t *testing.T) {
	xs, ys := series(5000, 3)
	ys[1234] = 1000 // an outlier run
	for i := 3000; i < len(ys); i++ {
		ys[i] += 50 // a step
	}
	keep := []int{777, 4321, -5, 99999}
	got := LTTB(xs, ys, 100, keep)
	for _, k := range []int{1234, 777, 4321} {
		if !slices.Contains(got, k) {
			t.Errorf("index %d missing from the reduced series", k)
		}
	}
	// The step is visible: points on both sides of it.
	var before, after bool
	for _, i := range got {
		before = before || (i > 2900 && i < 3000)
		after = after || (i >= 3000 && i < 3100)
	}
	if !before || !after {
		t.Errorf("step at 3000 not drawn: points just before %v, just after %v", before, after)
	}
	if len(got) > 100+len(keep) {
		t.Errorf("%d points, asked for 100 plus %d kept", len(got), len(keep))
	}
}

func BenchmarkLTTB(b *testing.B) {
	xs, ys := series(100000, 4)
	for b.Loop() {
		LTTB(xs, ys, 1000, []int{500, 50000})
	}
}
