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

// A shift smaller than the noise (0.7 σ, 1.4 %) over 100 runs on each side
// is significant, yet below MinEffect (1 σ by default): reported only when
// MinEffect is turned off.
func TestMinEffect(t *testing.T) {
	xs := steps(9, 200, 0.02, []int{100}, []float64{1.014})
	if res := Detect(xs, Options{}); len(res.Changes) != 0 {
		t.Errorf("a 0.7σ shift reported by default: %v", indexes(res.Changes))
	}
	res := Detect(xs, Options{MinEffect: -1})
	if got := indexes(res.Changes); len(got) != 1 || got[0] < 95 || got[0] > 105 {
		t.Errorf("without MinEffect: changes at %v, want one near 100", got)
	}
}

// A fast benchmark's medians are quantised by the timer: exactly equal run
// after run, so the noise floor is zero. The reviewer's series: 1 ns for
// runs 1–20, then 2 ns. Only the real step (+100 % at index 20) is a
// change; a split between equal levels is never one.
func TestQuantisedSeries(t *testing.T) {
	xs := make([]float64, 40)
	for i := range xs {
		xs[i] = 1e-9
		if i >= 20 {
			xs[i] = 2e-9
		}
	}
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, []int{20}) {
		t.Fatalf("changes at %v, want [20]", got)
	}
	if p := res.Changes[0].Percent(); p != 100 {
		t.Errorf("step %+.1f %%, want +100 %%", p)
	}
	for _, c := range res.Changes {
		if c.Before == c.After {
			t.Errorf("change at %d between equal medians %g", c.Index, c.Before)
		}
	}
}

// Any change reported moves the level by at least MinRelative: a series
// quantised to whole nanoseconds, 1000 ns for 30 runs and then 1005 ns, has
// no noise at all (so MinEffect lets anything through), and its 0.5 % step
// is below the 1 % floor.
func TestChangeBelowMinRelative(t *testing.T) {
	xs := make([]float64, 60)
	for i := range xs {
		xs[i] = 1000e-9
		if i >= 30 {
			xs[i] = 1005e-9
		}
	}
	if res := Detect(xs, Options{}); len(res.Changes) != 0 {
		t.Errorf("changes at %v (%+.2f %%), want none below 1 %%", indexes(res.Changes), res.Changes[0].Percent())
	}
	// With the floor off the same step is found: the test above checks
	// the floor, not a blind detector.
	if got := indexes(Detect(xs, Options{MinRelative: -1}).Changes); !reflect.DeepEqual(got, []int{30}) {
		t.Errorf("with MinRelative off: changes at %v, want [30]", got)
	}
}

// 0 s is a valid median (a benchmark the compiler optimised away); a step
// from 0 to 1 ns is a change of +∞ %.
func TestStepFromZero(t *testing.T) {
	xs := make([]float64, 30)
	for i := 15; i < 30; i++ {
		xs[i] = 1e-9
	}
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, []int{15}) {
		t.Fatalf("changes at %v, want [15]", got)
	}
	if c := res.Changes[0]; c.Before != 0 || c.After != 1e-9 || !math.IsInf(c.Percent(), 1) {
		t.Errorf("change %+v, percent %g; want 0 → 1e-9, +Inf", c, c.Percent())
	}
}

// sameSE is a standard error of se for each of n values.
func sameSE(n int, se float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = se
	}
	return out
}

func TestStepHiddenInRunsOwnNoise(t *testing.T) {
	// +3 % at run 40, run-to-run noise 1 %: the medians alone show it.
	xs := steps(11, 80, 0.01, []int{40}, []float64{1.03})
	if got := indexes(Detect(xs, Options{}).Changes); !reflect.DeepEqual(got, []int{40}) {
		t.Fatalf("medians alone: changes at %v, want [40]", got)
	}
	// Runs whose own medians are known to ±0.3 %: still a change.
	if got := indexes(DetectSE(xs, sameSE(80, 0.003e-3), Options{}).Changes); !reflect.DeepEqual(got, []int{40}) {
		t.Errorf("quiet runs: changes at %v, want [40]", got)
	}
	// Runs whose own medians are uncertain by ±8 %: the step's standard
	// error from them is √(π/2·2·0.08²/40) ≈ 2.2 %, and 3 % is less than
	// 2.576 of those.
	if got := indexes(DetectSE(xs, sameSE(80, 0.08e-3), Options{}).Changes); len(got) != 0 {
		t.Errorf("runs with a wide spread: changes at %v, want none", got)
	}
	// The floor turned off, or no spread known: the medians' rule.
	if got := indexes(DetectSE(xs, sameSE(80, 0.08e-3), Options{SpreadZ: -1}).Changes); !reflect.DeepEqual(got, []int{40}) {
		t.Errorf("SpreadZ < 0: changes at %v, want [40]", got)
	}
	if got := indexes(DetectSE(xs, sameSE(80, math.NaN()), Options{}).Changes); !reflect.DeepEqual(got, []int{40}) {
		t.Errorf("no spread known: changes at %v, want [40]", got)
	}
}

func TestWideSpreadIsLocal(t *testing.T) {
	// A +30 % step at 30 next to quiet runs, and a +5 % step at 70 among
	// runs with a wide spread (70 on): only the first is reported.
	xs := steps(12, 110, 0.01, []int{30, 70}, []float64{1.3, 1.05})
	if got := indexes(Detect(xs, Options{}).Changes); !reflect.DeepEqual(got, []int{30, 70}) {
		t.Fatalf("medians alone: changes at %v, want [30 70]", got)
	}
	se := sameSE(110, 0.002e-3)
	for i := 70; i < len(se); i++ {
		se[i] = 0.15e-3
	}
	if got := indexes(DetectSE(xs, se, Options{}).Changes); !reflect.DeepEqual(got, []int{30}) {
		t.Errorf("changes at %v, want [30]", got)
	}
}

func TestDriftIsOneChange(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		for _, noise := range []float64{0.01, 0.02} {
			// 40 flat runs, then +0.3 % per run for 100 runs (+35 %).
			s := driftSeries(rand.New(rand.NewPCG(seed, 9)), 140, 40, 0.003, noise)
			if n := len(Detect(s.xs, Options{DriftAlpha: -1}).Changes); n < 2 {
				t.Errorf("seed %d, noise %.0f%%: %d change points without merging; the test needs a staircase", seed, noise*100, n)
			}
			res := Detect(s.xs, Options{})
			if len(res.Changes) != 1 {
				t.Errorf("seed %d, noise %.0f%%: %d changes, want one drift: %+v", seed, noise*100, len(res.Changes), res.Changes)
				continue
			}
			c := res.Changes[0]
			if !c.Drift() || c.Steps < 2 || c.Index < 38 || c.Last <= c.Index || c.Percent() < 15 || c.DriftP > 0.05 {
				t.Errorf("seed %d, noise %.0f%%: %+v (%+.1f%%), want a drift upwards from run 38 on", seed, noise*100, c, c.Percent())
			}
		}
	}
}

func TestStaircaseIsNotMerged(t *testing.T) {
	// Two steps up, 40 runs apart, the level flat between them: two
	// changes, not one drift.
	xs := steps(13, 120, 0.01, []int{40, 80}, []float64{1.2, 1.2})
	res := Detect(xs, Options{})
	if got := indexes(res.Changes); !reflect.DeepEqual(got, []int{40, 80}) {
		t.Fatalf("changes at %v, want [40 80]", got)
	}
	for _, c := range res.Changes {
		if c.Drift() || c.Last != c.Index || c.Steps != 1 || c.DriftP != 1 {
			t.Errorf("%+v: a step reported as a drift", c)
		}
	}
}

func TestTrendTest(t *testing.T) {
	// Strictly rising values: S = n(n−1)/2 per stratum.
	k := kendallS([]float64{1, 2, 3, 4, 5})
	if k.s != 10 || k.v != 5*4*15/18.0 {
		t.Fatalf("kendallS = %+v, want S 10, variance %g", k, 5*4*15/18.0)
	}
	// Ties: 1,1,2 has S 2 and variance (3·2·11 − 2·1·9)/18.
	if k := kendallS([]float64{1, 1, 2}); k.s != 2 || k.v != (66-18)/18.0 {
		t.Errorf("kendallS with ties = %+v", k)
	}
	up := []kendall{kendallS([]float64{1, 2, 3, 4, 5, 6}), kendallS([]float64{3, 4, 5, 6, 7, 8})}
	if p := trend(up, true); p > 0.01 {
		t.Errorf("two rising strata: p = %g upwards", p)
	}
	if p := trend(up, false); p != 1 {
		t.Errorf("two rising strata: p = %g downwards, want 1", p)
	}
	if p := trend([]kendall{kendallS([]float64{1, 1, 1, 1})}, true); p != 1 {
		t.Errorf("all equal: p = %g, want 1", p)
	}
}

func TestKendallMatchesPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	for n := range 40 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(8)) // many ties
		}
		want := 0
		for i := range xs {
			for j := i + 1; j < n; j++ {
				switch {
				case xs[j] > xs[i]:
					want++
				case xs[j] < xs[i]:
					want--
				}
			}
		}
		if got := kendallS(xs).s; got != want {
			t.Fatalf("%v: S = %d, want %d (by pairs)", xs, got, want)
		}
	}
}
