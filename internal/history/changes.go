package history

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"

	"github.com/benchsite/benchsite/internal/changepoint"
)

// Direction is which way a change went: for times lower is better, for
// rates imported from other harnesses (result.Benchmark.HigherIsBetter)
// higher is.
type Direction string

// The directions of a change.
const (
	Regression  Direction = "regression"  // the median went up (a rate: down)
	Improvement Direction = "improvement" // the median went down (a rate: up)
)

// Change is a change point of one series: the level of its medians moved
// at Run and stayed moved.
type Change struct {
	Series *Series
	// Index is the position in Series.Points of the first run after the
	// change; Run is that run.
	Index int
	Run   *Run
	// Before and After are the medians (seconds, or the benchmark's unit) of the runs' medians
	// between the previous change point and this one, and between this one
	// and the next.
	Before, After float64
	// Percent is the change of level, (After − Before)/Before × 100;
	// ±Inf when Before is 0.
	Percent   float64
	Direction Direction
	// PValue is the permutation test's p-value (see package changepoint).
	PValue float64
	// Age is the number of the machine's runs after Run (0: Run is the
	// machine's newest run). It counts the machine's runs, not the
	// series', so a benchmark that left the suite ages too.
	Age int
}

// ID is a stable identifier of the change: the same machine, benchmark
// and first run give the same id in every build (a feed's entry id).
func (c *Change) ID() string {
	sum := sha256.Sum256([]byte(c.Series.Machine.ID + "\x00" + c.Series.Benchmark.Fullname + "\x00" + c.Run.Label))
	return "urn:benchsite:change:" + hex.EncodeToString(sum[:16])
}

// RecentRuns is how long a regression stays open by default: until its
// machine has made this many runs from the change's first run on. A change
// point needs at least changepoint.DefaultOptions.MinSize (4) runs after
// it before it can be detected, often a few more in noisy series; ten runs
// give it that time, and a regression that was accepted stops counting ten
// runs later.
const RecentRuns = 10

// Latest reports whether c is the newest change of its series: its level
// still holds.
func (c *Change) Latest() bool {
	ch := c.Series.Changes
	return len(ch) > 0 && ch[len(ch)-1] == c
}

// Open reports whether c is an open regression: the newest change of its
// series, a regression, and its first run among its machine's newest
// recent runs (Age < recent; recent ≤ 0: none is open). Age counts the
// machine's runs, so a regression of a benchmark since removed closes too.
// This is the one definition of an open regression: `benchsite changes`
// fails on them (--fail-recent is recent), the site counts them on
// badges/status.svg and marks them on the Changes page (with RecentRuns).
func (c *Change) Open(recent int) bool {
	return c.Direction == Regression && c.Latest() && c.Age < recent
}

// OpenRegressions returns the changes of cs that are open regressions
// (Change.Open(recent)), in their order.
func OpenRegressions(cs []*Change, recent int) []*Change {
	var out []*Change
	for _, c := range cs {
		if c.Open(recent) {
			out = append(out, c)
		}
	}
	return out
}

// detect runs change-point detection on every series, on all CPUs.
func (h *History) detect(opt changepoint.Options) {
	var all []*Series
	for _, bn := range h.Benchmarks {
		for _, s := range bn.Series {
			if s != nil {
				all = append(all, s)
			}
		}
	}
	Parallel(all, func(_ int, s *Series) { s.detect(opt) })
}

// detect finds the series' change points on the runs' medians; runs
// without a usable median (missing, negative, not finite) are left out. A
// median of 0 is kept: 0 ns/op is a valid measurement. Where the unit of
// the figures changes (ops/s, then seconds: the harness or the metric
// changed), the medians on either side are not levels of one figure: each
// stretch of one unit is searched on its own, and no change point spans
// two units.
func (s *Series) detect(opt changepoint.Options) {
	for start := 0; start < len(s.Points); {
		end := start + 1
		for end < len(s.Points) && s.Points[end].Bench.Unit() == s.Points[start].Bench.Unit() {
			end++
		}
		s.detectIn(start, end, opt)
		start = end
	}
}

// detectIn is detect on the points [start, end), all of one unit.
func (s *Series) detectIn(start, end int, opt changepoint.Options) {
	var xs []float64
	var at []int // xs index → point index
	for i := start; i < end; i++ {
		m := s.Points[i].Bench.Stats.Median
		if m >= 0 && !math.IsInf(m, 0) {
			xs = append(xs, m)
			at = append(at, i)
		}
	}
	res := changepoint.Detect(xs, opt)
	for _, o := range res.Outliers {
		s.Outliers = append(s.Outliers, at[o])
	}
	for _, c := range res.Changes {
		i := at[c.Index]
		ch := &Change{
			Series: s, Index: i, Run: s.Points[i].Run,
			Before: c.Before, After: c.After, Percent: c.Percent(),
			PValue: c.PValue, Age: len(s.Machine.Runs) - 1 - s.Points[i].Run.Index,
			Direction: Improvement,
		}
		// A rise is worse for times; for rates imported from other
		// harnesses (ops/s: extra_info higher_is_better) a drop is.
		if (c.After > c.Before) != s.Points[i].Bench.HigherIsBetter() {
			ch.Direction = Regression
		}
		s.Changes = append(s.Changes, ch)
	}
}

// Changes returns every series' change points, newest first: by the date
// of the first run after the change (runs without a date last), then
// machine, run number (higher first), benchmark name and fullname.
func (h *History) Changes() []*Change {
	var out []*Change
	for _, bn := range h.Benchmarks {
		for _, s := range bn.Series {
			if s != nil {
				out = append(out, s.Changes...)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *Change) int {
		ta, tb := a.Run.Time, b.Run.Time
		switch {
		case ta.IsZero() != tb.IsZero():
			if ta.IsZero() {
				return 1
			}
			return -1
		case !ta.Equal(tb):
			return tb.Compare(ta)
		}
		return cmp.Or(
			cmp.Compare(a.Series.Machine.ID, b.Series.Machine.ID),
			cmp.Compare(b.Run.Number, a.Run.Number),
			cmp.Compare(a.Series.Benchmark.Name, b.Series.Benchmark.Name),
			cmp.Compare(a.Series.Benchmark.Fullname, b.Series.Benchmark.Fullname),
		)
	})
	return out
}
