package changepoint

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// steps returns a series of n values at noise (relative) whose level is
// multiplied by factor[i] at index at[i].
func steps(seed uint64, n int, noise float64, at []int, factor []float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	level := 1e-3
	k := 0
	for i := range xs {
		if k < len(at) && i == at[k] {
			level *= factor[k]
			k++
		}
		xs[i] = level * (1 + noise*rng.NormFloat64())
	}
	return xs
}

func indexes(cs []Change) []int {
	var out []int
	for _, c := range cs {
		out = append(out, c.Index)
	}
	return out
}

func TestTwoLargeSteps(t *testing.T) {
	xs := steps(1, 120, 0.01, []int{40, 80}, []float64{1.5, 0.5})
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, []int{40, 80}) {
		t.Fatalf("changes at %v, want [40 80]", got)
	}
	up, down := res.Changes[0], res.Changes[1]
	if p := up.Percent(); math.Abs(p-50) > 3 {
		t.Errorf("first step %+.1f %%, want +50 %%", p)
	}
	if p := down.Percent(); math.Abs(p+50) > 3 {
		t.Errorf("second step %+.1f %%, want −50 %%", p)
	}
	for _, c := range res.Changes {
		if c.PValue > 0.01 || c.PValue <= 0 {
			t.Errorf("change at %d: p = %g, want (0, 0.01]", c.Index, c.PValue)
		}
	}
}

func TestFlatSeriesHasNoChange(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		xs := steps(seed, 150, 0.03, nil, nil)
		if res := Detect(xs, Options{}); len(res.Changes) != 0 {
			t.Errorf("seed %d: changes at %v in a flat series", seed, indexes(res.Changes))
		}
	}
}

func TestOutlierRunsAreNotChanges(t *testing.T) {
	xs := steps(2, 100, 0.02, nil, nil)
	xs[30] *= 3
	xs[60] *= 3
	xs[61] *= 3 // two in a row
	xs[99] *= 3 // the newest run alone
	res := Detect(xs, Options{})
	if len(res.Changes) != 0 {
		t.Fatalf("changes at %v, want none (outliers only)", indexes(res.Changes))
	}
	if want := []int{30, 60, 61, 99}; !reflect.DeepEqual(res.Outliers, want) {
		t.Errorf("outliers %v, want %v", res.Outliers, want)
	}
}

func TestOutlierNextToStep(t *testing.T) {
	xs := steps(3, 100, 0.01, []int{50}, []float64{1.3})
	xs[20] *= 3
	xs[52] *= 3
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, []int{50}) {
		t.Fatalf("changes at %v, want [50]", got)
	}
}

func TestLongHistoryAcrossWindows(t *testing.T) {
	// Steps at and near the window boundaries (windows of 200 every 100).
	at := []int{100, 203, 499, 650, 998}
	xs := steps(4, 1200, 0.02, at, []float64{1.3, 0.7, 1.4, 0.75, 1.5})
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, at) {
		t.Fatalf("changes at %v, want %v", got, at)
	}
}

func TestDriftIsReported(t *testing.T) {
	// 50 flat runs, then +1 % per run for 50 runs (+64 % in all).
	rng := rand.New(rand.NewPCG(5, 5))
	s := driftSeries(rng, 100, 50, 0.01, 0.01)
	res := Detect(s.xs, Options{})
	if len(res.Changes) == 0 {
		t.Fatal("no change in a +64 % drift")
	}
	for _, c := range res.Changes {
		if c.Index < 48 {
			t.Errorf("change at %d, before the drift starts at 50", c.Index)
		}
		if c.Percent() <= 0 {
			t.Errorf("change at %d is %+.1f %%, want upwards", c.Index, c.Percent())
		}
	}
}

func TestShortSeries(t *testing.T) {
	for n := range 8 {
		xs := steps(6, n, 0.01, nil, nil)
		if n > 4 {
			xs[n-1] *= 2
		}
		if res := Detect(xs, Options{}); len(res.Changes) != 0 {
			t.Errorf("%d values: changes %v", n, indexes(res.Changes))
		}
	}
}

func TestDeterministic(t *testing.T) {
	xs := steps(7, 400, 0.05, []int{100, 250}, []float64{1.08, 0.93})
	a := Detect(xs, Options{})
	b := Detect(xs, Options{})
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two detections differ:\n%+v\n%+v", a, b)
	}
}

// TestScanMatchesDirectFormula checks the O(n log n) statistic against
// Matteson and James's formula computed pair by pair.
func TestScanMatchesDirectFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{8, 9, 30, 101} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Round(rng.Float64()*20) / 4 // ties too
		}
		d := detector{opt: DefaultOptions}
		at, q := d.scan(xs, rankOf(xs, nil))
		wantAt, wantQ := -1, math.Inf(-1)
		for t := d.opt.MinSize; t <= n-d.opt.MinSize; t++ {
			if q := directQ(xs[:t], xs[t:]); q > wantQ {
				wantAt, wantQ = t, q
			}
		}
		if at != wantAt || math.Abs(q-wantQ) > 1e-9*math.Abs(wantQ) {
			t.Errorf("n=%d: scan (%d, %g), direct (%d, %g)", n, at, q, wantAt, wantQ)
		}
	}
}

func directQ(x, y []float64) float64 {
	m, n := float64(len(x)), float64(len(y))
	var cross, wx, wy float64
	for _, a := range x {
		for _, b := range y {
			cross += math.Abs(a - b)
		}
	}
	for i := range x {
		for k := i + 1; k < len(x); k++ {
			wx += math.Abs(x[i] - x[k])
		}
	}
	for i := range y {
		for k := i + 1; k < len(y); k++ {
			wy += math.Abs(y[i] - y[k])
		}
	}
	e := 2*cross/(m*n) - wx/(m*(m-1)/2) - wy/(n*(n-1)/2)
	return m * n / (m + n) * e
}

// A shift smaller than the noise (0.7 σ) over 100 runs on each side is
// significant, yet below MinEffect (1 σ by default): reported only when
// MinEffect is turned off.
func TestMinEffect(t *testing.T) {
	xs := steps(9, 200, 0.01, []int{100}, []float64{1.007})
	if res := Detect(xs, Options{}); len(res.Changes) != 0 {
		t.Errorf("a 0.7σ shift reported by default: %v", indexes(res.Changes))
	}
	res := Detect(xs, Options{MinEffect: -1})
	if got := indexes(res.Changes); len(got) != 1 || got[0] < 95 || got[0] > 105 {
		t.Errorf("without MinEffect: changes at %v, want one near 100", got)
	}
}
