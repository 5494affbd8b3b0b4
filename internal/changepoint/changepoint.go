// Package changepoint finds the points at which a series of measurements
// changed level: the runs of a benchmark's history, in time order, at which
// its median moved and stayed moved.
//
// # Method
//
// E-divisive means (D. S. Matteson and N. A. James, "A Nonparametric
// Approach for Multiple Change Point Analysis of Multivariate Data", Journal
// of the American Statistical Association 109(505), 2014), as used for
// performance histories by MongoDB (signal-processing-algorithms; D. Daly et
// al., "The Use of Change Point Detection to Identify Software Performance
// Regressions in a Continuous Integration System", ICPE 2020) and Apache
// Otava (formerly Hunter; M. Fleming et al., ICPE 2023):
//
//   - For a segment x[a:b] and each split τ, the energy statistic
//     Q(τ) = m·n/(m+n) · (2/(m·n)·Σ|xᵢ−yⱼ| − Σ|xᵢ−xₖ|/C(m,2) − Σ|yⱼ−yₖ|/C(n,2))
//     compares the m values before τ with the n values from τ on (the
//     exponent α of the paper is 1). The split with the largest Q is the
//     candidate; as in MongoDB's and Otava's implementations, the right end of
//     the segment is fixed (the paper's κ search is left out).
//   - A permutation test decides whether the candidate is real: the
//     segment's values are shuffled, the largest Q is found again, and the
//     p-value is (1 + #{shuffles with Q ≥ observed})/(1 + shuffles). The
//     shuffles stop early once [Options.Exceed] of them reached the observed
//     value (Besag and Clifford, "Sequential Monte Carlo p-values",
//     Biometrika 78, 1991): an insignificant candidate then costs a few
//     dozen shuffles instead of [Options.Permutations].
//   - A significant candidate splits the segment and both halves are searched
//     again (binary segmentation), until no candidate is significant at
//     [Options.Alpha].
//   - A significant change that moves the median by less than
//     [Options.MinEffect] standard deviations of the run-to-run noise (a
//     robust estimate, see noiseScale) is not reported. A long history is
//     tested many times over, and the permutation test alone then lets
//     through a few shifts of the size of the noise (see
//     BenchmarkLongHistories and the README's figures).
//   - Nor is a change of less than [Options.MinRelative] of the larger
//     level (1 % by default), nor one whose medians on the two sides are
//     equal. The noise floor alone does nothing when the noise is zero: a
//     timer's resolution makes a fast benchmark's medians exactly equal run
//     after run (1 ns, 1 ns, …), and the energy statistic then finds
//     "significant" splits between identical levels. Relative to the larger
//     level, a step from 0 (a valid 0 ns/op) to anything is 100 % and kept.
//
// The sums of |xᵢ−xₖ| within and across the two parts, for every split of
// a segment, come from one pass that moves the values from the right part
// to the left one by one, a Fenwick tree over the values' ranks giving each
// value's distances to the left part, and each value's distances to all
// others from the sorted values' prefix sums; so a scan over all splits
// costs O(n log n) rather than the O(n²) of the direct formula (our own
// code: no Go library implements E-divisive, and gonum has no energy
// statistics).
//
// Long histories are searched in overlapping windows of [Options.Window]
// values (Otava does the same); the candidates of all windows are then
// merged and each is tested again on the segment between its neighbours,
// dropping those that are no longer significant, until none is dropped. This
// bounds the cost at O(n·w log w) for a series of n values.
//
// # Outliers
//
// A single outlying run (a noisy neighbour, a cold cache) is not a change of
// level. Before the search, a Hampel filter replaces each value that lies
// more than [Options.OutlierK] robust standard deviations from the median of
// itself and its two neighbours on each side by that median; the noise scale
// is the median absolute difference of neighbouring values divided by
// 0.9539 (σ·√2·0.6745), so it is not inflated by the steps themselves. One
// or two outlying runs in a row are removed this way; a level that holds for
// three runs or more is kept. The newest run alone is therefore never a
// change: a change needs [Options.MinSize] runs on each side to be reported.
//
// # The runs' own spread
//
// Each value is a run's median, and a run measured in rounds knows how
// precise its median is: [DetectSE] takes each value's standard error
// (package history gives √(π/2)·σ/√rounds from the run's IQR or standard
// deviation; NaN where the run has no spread). A change whose step is less
// than [Options.SpreadZ] (by default the two-sided normal quantile of
// Alpha, 2.576) standard errors of the step is not reported, the step's
// standard error being √(π/2·(v₁/m + v₂/n)) for the medians of the m and n
// runs on the two sides, with v₁ and v₂ the mean squared standard error of
// each side's runs (the other side's where a side has none). This is the
// z test of the difference of the two levels (with the classical
// large-sample variance of the median of n normal values, πσ²/(2n)) with
// the run-to-run noise left out, so the
// standard error is a lower bound and the floor never holds back a change
// the runs' own noise cannot explain. It is local: runs with a wide spread
// (a stretch when the machine was loaded) raise the floor of the changes
// next to them and leave the rest of the history alone, so a noisy run
// weighs less in the decision than a quiet one. The energy statistic
// itself is not weighted: weights would break the exchangeability the
// permutation test rests on. Runs without a spread keep the rules above.
//
// # Drifts
//
// A slow drift has no single change point: binary segmentation cuts it
// into a staircase of changes of the same direction, each about one
// noise standard deviation high. Consecutive change points of the same
// direction are reported as one change (a drift, [Change.Drift]) when the
// values between them keep moving that way: the stratified Mann–Kendall
// test (one stratum per stretch between two of the change points, the
// seasonal Kendall test of Hirsch, Slack and Smith, 1982; see trend) finds
// a trend in that direction at [Options.DriftAlpha] (one-sided, 0.05), and
// the stretches rise (fall) by at least driftShare (15 %) of the steps
// they join. In a true staircase the stretches are flat: the test alone
// would merge two steps with probability DriftAlpha, and a long flat
// stretch tests as a trend at the slightest slope, which the share rules
// out. The drift runs from its first change point
// (Change.Index) to its last (Change.Last), with the medians of the
// stretches before the first and after the last.
//
// # Assumptions
//
// Runs are in time order and independent given their level (no
// autocorrelation beyond the level itself); between change points the
// values are exchangeable, which is what the permutation test needs. No
// distribution is assumed by the permutation test; the spread floor and
// the trend test use normal approximations.
//
// The output is deterministic: every permutation test draws from a PCG
// generator seeded with [Options.Seed] and the segment's bounds.
package changepoint

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Options tune [Detect]. The zero value of a field means its default, from
// [DefaultOptions].
type Options struct {
	// Alpha is the significance level of the permutation test.
	Alpha float64
	// Permutations is the most shuffles one test draws.
	Permutations int
	// Exceed stops a test early once this many shuffles reached the
	// observed statistic (the candidate is then clearly not significant).
	Exceed int
	// MinSize is the fewest values on either side of a change point.
	MinSize int
	// Window is the length of the windows a long series is searched in.
	Window int
	// OutlierK is the Hampel filter's threshold in robust standard
	// deviations; negative turns the filter off.
	OutlierK float64
	// MinEffect is the smallest change of level reported, in robust
	// standard deviations of the run-to-run noise; negative reports every
	// significant change.
	MinEffect float64
	// MinRelative is the smallest change of level reported, as a fraction
	// of the larger of the two levels (0.01: 1 %); negative reports every
	// change that passes MinEffect. A change between equal medians is
	// never reported.
	MinRelative float64
	// SpreadZ is how many standard errors of the step, from the runs' own
	// spread (see [DetectSE]), a change of level must exceed to be
	// reported; zero means the two-sided normal quantile of Alpha (2.576
	// for α = 0.01); negative turns the floor off.
	SpreadZ float64
	// DriftAlpha is the level of the trend test that merges consecutive
	// change points of the same direction into one drift (see [Change]);
	// negative merges none.
	DriftAlpha float64
	// Seed seeds the permutation tests' generator.
	Seed uint64
}

// DefaultOptions are the options [Detect] uses for fields left zero:
// α = 0.01 with up to 199 shuffles (so the smallest p-value is 0.005),
// early stop after 5 exceedances, 4 values on each side of a change,
// windows of 200 values, outliers beyond 5 robust standard deviations,
// changes of at least 1 robust standard deviation and 1 % of the level and,
// where the runs' own spread is known, of at least z(1−α/2) = 2.576
// standard errors of the step (SpreadZ 0: derived from Alpha); drifts
// merged by a trend test at 0.05.
var DefaultOptions = Options{
	Alpha:        0.01,
	Permutations: 199,
	Exceed:       5,
	MinSize:      4,
	Window:       200,
	OutlierK:     5,
	MinEffect:    1,
	MinRelative:  0.01,
	DriftAlpha:   0.05,
	Seed:         0x62656e6368, // "bench"
}

func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.Alpha > 0 {
		d.Alpha = o.Alpha
	}
	if o.Permutations > 0 {
		d.Permutations = o.Permutations
	}
	if o.Exceed > 0 {
		d.Exceed = o.Exceed
	}
	if o.MinSize > 0 {
		d.MinSize = o.MinSize
	}
	if o.Window > 0 {
		d.Window = o.Window
	}
	if o.OutlierK != 0 {
		d.OutlierK = o.OutlierK
	}
	if o.MinEffect != 0 {
		d.MinEffect = o.MinEffect
	}
	if o.MinRelative != 0 {
		d.MinRelative = o.MinRelative
	}
	if o.SpreadZ != 0 {
		d.SpreadZ = o.SpreadZ
	}
	if d.SpreadZ == 0 {
		d.SpreadZ = math.Sqrt2 * math.Erfinv(1-d.Alpha)
	}
	if o.DriftAlpha != 0 {
		d.DriftAlpha = o.DriftAlpha
	}
	if o.Seed != 0 {
		d.Seed = o.Seed
	}
	if d.Window < 4*d.MinSize {
		d.Window = 4 * d.MinSize
	}
	return d
}

// Change is one detected change point, or one drift: consecutive change
// points of the same direction merged because the level kept moving
// between them (see the package doc, "Drifts").
type Change struct {
	// Index is the first value after the change (0-based). For a drift it
	// is the first merged change point's, and Last the last one's; for a
	// step Last equals Index.
	Index, Last int
	// Steps is the number of change points merged into the change (1 for
	// a step).
	Steps int
	// Before and After are the medians of the values (outliers replaced)
	// between the previous change and this one (Index), and between this
	// one (Last) and the next.
	Before, After float64
	// PValue is the permutation test's p-value on that stretch; for a
	// drift, the largest of its change points' p-values.
	PValue float64
	// Q is the energy statistic at the change (larger: clearer); for a
	// drift, the largest of its change points'.
	Q float64
	// DriftP is the trend test's p-value for a drift (see the package
	// doc); 1 for a step.
	DriftP float64
}

// Drift reports whether c is a drift: several change points of the same
// direction merged into one.
func (c Change) Drift() bool { return c.Steps > 1 }

// Percent is the change of level in percent of Before (+ slower when the
// values are times); +Inf (−Inf) for a rise (fall) from a Before of 0.
func (c Change) Percent() float64 {
	if c.Before == 0 {
		return math.Copysign(math.Inf(1), c.After)
	}
	return (c.After - c.Before) / c.Before * 100
}

// Result is what [Detect] found in one series.
type Result struct {
	// Changes are in index order.
	Changes []Change
	// Outliers are the indexes of the values the Hampel filter replaced.
	Outliers []int
}

// Detect finds the change points of xs (in time order). NaN and infinite
// values are not allowed: the caller leaves such runs out. A series shorter
// than 2·MinSize has no change points.
func Detect(xs []float64, opt Options) Result { return DetectSE(xs, nil, opt) }

// DetectSE is [Detect] with each value's standard error from its run's own
// samples: se[i] is the standard error of xs[i] (same unit), NaN or
// negative where the run has no spread to go by; se may be nil (none
// known). A change of level smaller than [Options.SpreadZ] standard errors
// of the step that the runs' own spread implies is not reported (see the
// package doc, "The runs' own spread").
func DetectSE(xs, se []float64, opt Options) Result {
	opt = opt.withDefaults()
	clean, outliers := hampel(xs, opt.OutlierK)
	var res Result
	res.Outliers = outliers
	n := len(clean)
	if n < 2*opt.MinSize {
		return res
	}
	d := detector{opt: opt, xs: clean, sigma: noiseScale(clean)}
	d.spread(se)
	// Candidates from overlapping windows (one window when the series fits).
	var cands []int
	if n <= opt.Window {
		cands = d.segment(0, n, nil)
	} else {
		step := opt.Window / 2
		for a := 0; ; a += step {
			b := min(a+opt.Window, n)
			cands = d.segment(a, b, cands)
			if b == n {
				break
			}
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	// Merge candidates closer than MinSize, then prune until every change
	// is significant between its neighbours.
	cps := d.prune(cands)
	// Judged between its final neighbours (prune looks at most half a
	// window each side), a change may be too small after all; dropping it
	// widens its neighbours' stretches, so repeat until none is dropped.
	for dropped := true; dropped; {
		dropped = false
		for i := 0; i < len(cps); i++ {
			lo, hi := bounds(cps, i, n)
			if d.small(lo, cps[i].at, hi) {
				cps = slices.Delete(cps, i, i+1)
				dropped = true
				break
			}
		}
	}
	for _, g := range d.drifts(cps) {
		first, last := cps[g.first], cps[g.last]
		lo, _ := bounds(cps, g.first, n)
		_, hi := bounds(cps, g.last, n)
		c := Change{
			Index: first.at, Last: last.at, Steps: g.last - g.first + 1,
			Before: median(clean[lo:first.at]),
			After:  median(clean[last.at:hi]),
			DriftP: g.p,
		}
		for _, cp := range cps[g.first : g.last+1] {
			c.PValue, c.Q = math.Max(c.PValue, cp.p), math.Max(c.Q, cp.q)
		}
		res.Changes = append(res.Changes, c)
	}
	return res
}

// bounds is the stretch of a series of n values that change point i of
// cps is judged on: from the previous change point to the next.
func bounds(cps []point, i, n int) (lo, hi int) {
	lo, hi = 0, n
	if i > 0 {
		lo = cps[i-1].at
	}
	if i+1 < len(cps) {
		hi = cps[i+1].at
	}
	return lo, hi
}

type detector struct {
	opt   Options
	xs    []float64
	sigma float64 // robust standard deviation of the run-to-run noise
	// seSum[i] and seN[i] are the sum of the squared standard errors of
	// the values before i that have one, and their count (nil: none).
	seSum []float64
	seN   []int
	memo  map[[3]int]point // test's results by stretch and shuffles
	// scratch
	vals  []float64
	ranks []int
	buf   []float64
	fw    fenwick
}

type point struct {
	at   int
	p, q float64
}

// The search for candidates screens with fewer shuffles at a looser level;
// every candidate is then tested in full ([Options.Permutations],
// [Options.Alpha]) between its neighbours by prune, which alone decides
// what is reported. Screening only saves the shuffles of the clear cases.
const (
	screen      = 49 // shuffles of a screening test (smallest p-value 0.02)
	screenAlpha = 0.05
	full        = 0 // test's perms for the full test
)

// segment runs binary segmentation on xs[a:b] and appends the candidate
// change points found to out.
func (d *detector) segment(a, b int, out []int) []int {
	if b-a < 2*d.opt.MinSize {
		return out
	}
	at, _, p := d.test(a, b, screen)
	if at < 0 || p > screenAlpha {
		return out
	}
	out = d.segment(a, at, out)
	out = append(out, at)
	return d.segment(at, b, out)
}

// prune moves each candidate to the best split between its neighbours and
// drops it when that stretch is too short for two MinSize parts or the
// split is not significant, repeating until nothing changes. Of two
// candidates closer than MinSize the first goes; the second then moves to
// the best split of the joint stretch.
func (d *detector) prune(cands []int) []point {
	n := len(d.xs)
	cps := make([]point, 0, len(cands))
	for _, c := range cands {
		cps = append(cps, point{at: c})
	}
	// Each pass only removes or moves change points; a few passes settle.
	for pass := 0; pass < 20; pass++ {
		changed := false
		// Re-locate and re-test each change point between its neighbours.
		for i := 0; i < len(cps); i++ {
			lo, hi := 0, n
			if i > 0 {
				lo = cps[i-1].at
			}
			if i+1 < len(cps) {
				hi = cps[i+1].at
			}
			// Judge a change on at most half a window each side, so a
			// long history costs O(n·w log w).
			lo = max(lo, cps[i].at-d.opt.Window/2)
			hi = min(hi, cps[i].at+d.opt.Window/2)
			if hi-lo < 2*d.opt.MinSize {
				cps = slices.Delete(cps, i, i+1)
				changed = true
				i--
				continue
			}
			at, q, p := d.test(lo, hi, full)
			if at < 0 || p > d.opt.Alpha || d.small(lo, at, hi) {
				cps = slices.Delete(cps, i, i+1)
				changed = true
				i--
				continue
			}
			if at != cps[i].at {
				changed = true
			}
			cps[i] = point{at: at, p: p, q: q}
		}
		if !changed {
			break
		}
	}
	return cps
}

// small reports whether the change at at, judged on xs[lo:hi], is too
// small to report: its medians are equal, or they differ by less than
// MinEffect noise standard deviations or by less than MinRelative of the
// larger of the two.
func (d *detector) small(lo, at, hi int) bool {
	if at < 0 {
		return false
	}
	before, after := median(d.xs[lo:at]), median(d.xs[at:hi])
	diff := math.Abs(after - before)
	switch {
	case diff == 0:
		return true
	case d.opt.MinEffect >= 0 && diff < d.opt.MinEffect*d.sigma:
		return true
	case d.opt.MinRelative >= 0 && diff < d.opt.MinRelative*math.Max(math.Abs(before), math.Abs(after)):
		return true
	case d.opt.SpreadZ >= 0 && diff < d.opt.SpreadZ*d.stepSE(lo, at, hi):
		return true
	}
	return false
}

// spread keeps the prefix sums of the known standard errors' squares.
func (d *detector) spread(se []float64) {
	if se == nil {
		return
	}
	n := len(d.xs)
	d.seSum, d.seN = make([]float64, n+1), make([]int, n+1)
	known := 0
	for i := range n {
		d.seSum[i+1], d.seN[i+1] = d.seSum[i], d.seN[i]
		if i < len(se) && se[i] >= 0 && !math.IsInf(se[i], 0) {
			d.seSum[i+1] += se[i] * se[i]
			d.seN[i+1]++
			known++
		}
	}
	if known == 0 {
		d.seSum, d.seN = nil, nil
	}
}

// stepSE is the standard error of the step at at, judged on xs[lo:hi],
// that the runs' own spread alone implies; 0 when no value of the stretch
// has a standard error. Each side's level is the median of its m values;
// with the mean squared standard error v of the side's values that have
// one (the other side's when it has none), the median of m values of
// variance v has variance π/2·v/m (large-sample, normal values), and the
// step the sum of both sides'. The runs' run-to-run noise adds to this,
// so it is a lower bound of the step's standard error.
func (d *detector) stepSE(lo, at, hi int) float64 {
	if d.seN == nil {
		return 0
	}
	nb, na := d.seN[at]-d.seN[lo], d.seN[hi]-d.seN[at]
	if nb+na == 0 {
		return 0
	}
	pooled := (d.seSum[hi] - d.seSum[lo]) / float64(nb+na)
	vb, va := pooled, pooled
	if nb > 0 {
		vb = (d.seSum[at] - d.seSum[lo]) / float64(nb)
	}
	if na > 0 {
		va = (d.seSum[hi] - d.seSum[at]) / float64(na)
	}
	return math.Sqrt(math.Pi / 2 * (vb/float64(at-lo) + va/float64(hi-at)))
}

// test finds the split of xs[a:b] with the largest energy statistic and
// its permutation p-value. at is the index (in xs) of the first value of
// the right part; at < 0 when the stretch is too short. Results are
// remembered per stretch: a stretch is tested once.
func (d *detector) test(a, b int, perms int) (at int, q, p float64) {
	if perms == full {
		perms = d.opt.Permutations
	}
	key := [3]int{a, b, perms}
	if r, ok := d.memo[key]; ok {
		return r.at, r.q, r.p
	}
	vals := append(d.vals[:0], d.xs[a:b]...)
	ranks := rankOf(vals, d.ranks)
	d.vals, d.ranks = vals, ranks
	t, q := d.scan(vals, ranks)
	at, p = -1, 1
	if t >= 0 {
		at, p = a+t, d.pvalue(a, b, q, perms)
	}
	if d.memo == nil {
		d.memo = map[[3]int]point{}
	}
	d.memo[key] = point{at: at, q: q, p: p}
	return at, q, p
}

// pvalue is the permutation test of the largest statistic q on d.vals
// (the values of xs[a:b], ranked in d.ranks). Shuffling values and ranks
// together spares a sort per shuffle.
func (d *detector) pvalue(a, b int, q float64, perms int) float64 {
	rng := rand.New(rand.NewPCG(d.opt.Seed, uint64(a)<<32|uint64(b)))
	vals, ranks := d.vals, d.ranks
	exceed, draws := 0, 0
	for draws < perms {
		rng.Shuffle(len(vals), func(i, j int) {
			vals[i], vals[j] = vals[j], vals[i]
			ranks[i], ranks[j] = ranks[j], ranks[i]
		})
		draws++
		if _, pq := d.scan(vals, ranks); pq >= q*(1-1e-12) {
			exceed++
			if exceed >= d.opt.Exceed {
				// Besag–Clifford: stopped after draws shuffles with
				// exceed of them at least as large.
				return float64(exceed) / float64(draws)
			}
		}
	}
	return float64(exceed+1) / float64(draws+1)
}

// scan returns the split t of seg (MinSize ≤ t ≤ len−MinSize, the index of
// the first value of the right part) with the largest energy statistic,
// and that statistic; t < 0 when seg is too short. ranks are the values'
// ranks within seg.
func (d *detector) scan(seg []float64, ranks []int) (int, float64) {
	n := len(seg)
	ms := d.opt.MinSize
	if n < 2*ms {
		return -1, math.Inf(-1)
	}
	// row[i] = Σ_k |x_i − x_k| over the whole segment, from the values in
	// rank order and their prefix sums: O(n).
	sorted := grow(d.buf, 3*n+1)
	d.buf = sorted
	prefix, row := sorted[n:2*n+1], sorted[2*n+1:3*n+1]
	sorted = sorted[:n]
	for i, r := range ranks {
		sorted[r] = seg[i]
	}
	prefix[0] = 0
	for r, x := range sorted {
		prefix[r+1] = prefix[r] + x
	}
	total := 0.0
	for i, r := range ranks {
		x := seg[i]
		row[i] = x*float64(r) - prefix[r] + (prefix[n] - prefix[r+1]) - x*float64(n-1-r)
		total += row[i]
	}
	total /= 2
	// Moving the values one by one from the right part to the left: a
	// value's distances to the left part (from the Fenwick tree) turn from
	// cross to within-left, its other distances from within-right to cross.
	d.fw.reset(n)
	left, cross := 0.0, 0.0
	best, bestQ := -1, math.Inf(-1)
	for t := 1; t <= n-ms; t++ {
		dist := d.fw.addDistance(ranks[t-1], seg[t-1])
		left += dist
		cross += row[t-1] - 2*dist
		if t < ms {
			continue
		}
		m, k := float64(t), float64(n-t)
		right := total - left - cross
		e := 2*cross/(m*k) - within(left, m) - within(right, k)
		if q := m * k / (m + k) * e; q > bestQ {
			best, bestQ = t, q
		}
	}
	return best, bestQ
}

// within is the mean distance of the size·(size−1)/2 pairs summing to sum.
func within(sum, size float64) float64 {
	if size < 2 {
		return 0
	}
	return sum / (size * (size - 1) / 2)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// rankOf returns each value's rank (0-based, ties broken by position),
// reusing buf.
func rankOf(xs []float64, buf []int) []int {
	if cap(buf) < 2*len(xs) {
		buf = make([]int, 2*len(xs))
	}
	idx, ranks := buf[:len(xs)], buf[len(xs):2*len(xs)]
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	for r, i := range idx {
		ranks[i] = r
	}
	return ranks
}

// fenwick keeps, over value ranks, the count and the sum of the values
// added so far (one array of pairs: both are read together).
type fenwick struct {
	t     []cell
	all   float64
	total float64
}

type cell struct{ cnt, sum float64 }

func (f *fenwick) reset(n int) {
	if cap(f.t) < n+1 {
		f.t = make([]cell, n+1)
	}
	f.t = f.t[:n+1]
	clear(f.t)
	f.all, f.total = 0, 0
}

// addDistance returns Σ|x − s| over the values s added so far, then adds x
// (of rank r).
func (f *fenwick) addDistance(r int, x float64) float64 {
	t := f.t
	// Values of lower rank.
	c, s := 0.0, 0.0
	for i := r; i > 0; i &= i - 1 {
		c += t[i].cnt
		s += t[i].sum
	}
	d := (c*x - s) + (f.total - s) - (f.all-c)*x
	for i := r + 1; i < len(t); i += i & -i {
		t[i].cnt++
		t[i].sum += x
	}
	f.all++
	f.total += x
	return d
}

// hampel replaces each value farther than k robust standard deviations from
// the median of its neighbourhood (two on each side) by that median.
func hampel(xs []float64, k float64) ([]float64, []int) {
	out := slices.Clone(xs)
	if k < 0 || len(xs) < 5 {
		return out, nil
	}
	sigma := noiseScale(xs)
	if sigma == 0 {
		return out, nil
	}
	var outliers []int
	var win [5]float64
	for i := range xs {
		lo, hi := max(0, i-2), min(len(xs), i+3)
		w := win[:0]
		w = append(w, xs[lo:hi]...)
		m := median(w)
		if math.Abs(xs[i]-m) > k*sigma {
			out[i] = m
			outliers = append(outliers, i)
		}
	}
	return out, outliers
}

// noiseScale is a robust estimate of the standard deviation of the noise
// around the level: the median absolute difference of neighbouring values
// divided by 0.9539 (for independent normal values, |x−y| has median
// 0.6745·√2·σ). Steps and outliers move few differences, so they hardly
// change it.
func noiseScale(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	diffs := make([]float64, len(xs)-1)
	for i := range diffs {
		diffs[i] = math.Abs(xs[i+1] - xs[i])
	}
	return median(diffs) / 0.9539
}

// median of xs (sorted in a copy); NaN for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.SortFunc(s, cmp.Compare[float64])
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// group is a run of change points cps[first..last] reported as one
// change; p is the trend test's p-value when last > first, else 1.
type group struct {
	first, last int
	p           float64
}

// drifts groups the change points: a run of consecutive change points of
// the same direction is one drift when the values between them keep
// moving that way (the stratified Mann–Kendall test, see trend); each
// other change point is its own group. Of a run of same-direction change
// points, the longest prefix whose stretches between them test as a trend
// is merged, and the rest is grouped the same way.
func (d *detector) drifts(cps []point) []group {
	n := len(d.xs)
	up := make([]bool, len(cps))
	step := make([]float64, len(cps)) // each change point's step, upwards > 0
	for i, cp := range cps {
		lo, hi := bounds(cps, i, n)
		step[i] = median(d.xs[cp.at:hi]) - median(d.xs[lo:cp.at])
		up[i] = step[i] > 0
	}
	var out []group
	for i := 0; i < len(cps); {
		g := group{first: i, last: i, p: 1}
		if d.opt.DriftAlpha > 0 {
			// The stretches between cps[i] and each next change point of
			// the same direction: their trend statistics and their rise.
			var ks []kendall
			var rise []float64
			for j := i + 1; j < len(cps) && up[j] == up[i]; j++ {
				mid := d.xs[cps[j-1].at:cps[j].at]
				ks = append(ks, kendallS(mid))
				rise = append(rise, riseOf(mid))
			}
			for j := len(ks); j > 0; j-- {
				// The stretches must rise (fall) by a share of the steps
				// they join: in a drift they rise about as much as each
				// step, in a staircase not at all, and a long flat
				// stretch may still test as a slight trend.
				var r, st float64
				for k := range j {
					r += rise[k]
				}
				for k := i; k <= i+j; k++ {
					st += step[k]
				}
				if !up[i] {
					r, st = -r, -st
				}
				if p := trend(ks[:j], up[i]); p <= d.opt.DriftAlpha && r >= driftShare*st {
					g.last, g.p = i+j, p
					break
				}
			}
		}
		out = append(out, g)
		i = g.last + 1
	}
	return out
}

// driftShare is the least share of the steps of the change points merged
// into a drift by which the stretches between them must rise (fall)
// themselves (riseOf). In a drift the stretches rise too, but less than
// the steps: binary segmentation puts the change points where the values
// jump, so the stretches look flatter than the drift (about 20–30 % of the
// steps in the +0.3 %/run drift of BenchmarkAccuracy at 1 % noise); in a
// staircase they rise by noise alone, a few percent of large steps. 0.15
// is where BenchmarkAccuracy merged no pair of true steps at 1–3 % noise
// and one at 4 % and 5 % (0.25 split drifts; 0.1 merged two at 5 %).
const driftShare = 0.15

// riseOf estimates how much a stretch rose from its start to its end:
// the difference of the medians of its last and first thirds, times 3/2
// (their centres are two thirds of the stretch apart). Medians keep it
// robust; it costs O(n log n), unlike the Theil–Sen slope's O(n²) pairs.
func riseOf(xs []float64) float64 {
	third := max(len(xs)/3, 1)
	return 1.5 * (median(xs[len(xs)-third:]) - median(xs[:third]))
}

// kendall is the Mann–Kendall statistic of one stretch: S, the number of
// later values above an earlier one minus the number below, and its
// variance under no trend (with the correction for ties).
type kendall struct {
	s int
	v float64
}

// kendallS computes the Mann–Kendall statistic of xs in O(n log n): the
// values' dense ranks (equal values share one) and a Fenwick tree of the
// counts of the ranks seen so far give, for each value, how many earlier
// values are below and above it. The sorted values give the ties too.
func kendallS(xs []float64) kendall {
	n := len(xs)
	var k kendall
	if n < 2 {
		return k
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	distinct := slices.Compact(slices.Clone(sorted))
	tree := make([]int, len(distinct)+1)
	for i, x := range xs {
		r, _ := slices.BinarySearch(distinct, x) // 0-based dense rank
		below, atOrBelow := 0, 0                 // earlier values of rank < r, ≤ r
		for j := r; j > 0; j &= j - 1 {
			below += tree[j]
		}
		for j := r + 1; j > 0; j &= j - 1 {
			atOrBelow += tree[j]
		}
		k.s += below - (i - atOrBelow)
		for j := r + 1; j < len(tree); j += j & -j {
			tree[j]++
		}
	}
	tie := func(t float64) float64 { return t * (t - 1) * (2*t + 5) }
	k.v = tie(float64(n))
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		k.v -= tie(float64(j - i))
		i = j
	}
	k.v /= 18
	return k
}

// trend is the one-sided p-value of the stratified Mann–Kendall test
// (the sum of the strata's S and of their variances, as in the seasonal
// Kendall test of R. M. Hirsch, J. R. Slack and R. A. Smith, "Techniques
// of trend analysis for monthly water quality data", Water Resources
// Research 18(1), 1982) for a trend upwards (up) or downwards within the
// strata ks, with a continuity correction of 1; 1 when there is no
// variance.
func trend(ks []kendall, up bool) float64 {
	s, v := 0, 0.0
	for _, k := range ks {
		s += k.s
		v += k.v
	}
	if !up {
		s = -s
	}
	if v <= 0 || s <= 0 {
		return 1
	}
	z := (float64(s) - 1) / math.Sqrt(v)
	return math.Erfc(z/math.Sqrt2) / 2
}
