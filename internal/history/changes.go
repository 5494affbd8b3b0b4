package history

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"

	"github.com/benchsite/benchsite/internal/changepoint"
	"github.com/benchsite/benchsite/internal/compare"
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
	// Steps is the number of change points merged into this change: more
	// than 1 for a slow drift, whose level kept moving from Run to Last
	// (LastIndex in Series.Points); for a step Last is Run.
	Steps     int
	LastIndex int
	Last      *Run
	// Paired is the paired verdict (saved by `run --against/--compare`)
	// that bears on the change, nil when none does (see evidence):
	// Confirmed when it found a change of the same direction, Doubtful
	// when it found none and its interval excludes Percent.
	Paired              *PairedEvidence
	Confirmed, Doubtful bool
}

// Drift reports whether c is a slow drift rather than a step.
func (c *Change) Drift() bool { return c.Steps > 1 }

// PairedEvidence is a paired verdict of one run of a change's series: the
// run measured in process pairs with its baseline's revision.
type PairedEvidence struct {
	Run     *Run
	Verdict Verdict
}

// PairedRuns is how far (in the series' runs) from a change point a paired
// verdict may be and still bear on it: the detector finds a change within
// about two runs of where it happened (the ±2 runs its precision and
// recall are measured with).
const PairedRuns = 2

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
// series, a regression, not Doubtful, and its first run among its
// machine's newest recent runs (Age < recent; recent ≤ 0: none is open).
// Age counts the machine's runs, so a regression of a benchmark since
// removed closes too. A doubtful regression stays listed but is not open:
// a paired measurement of the two revisions, which the machine's own drift
// does not bias, found no change of its size.
// This is the one definition of an open regression: `benchsite changes`
// fails on them (--fail-recent is recent), the site counts them on
// badges/status.svg and marks them on the Changes page (with RecentRuns).
func (c *Change) Open(recent int) bool {
	return c.Direction == Regression && !c.Doubtful && c.Latest() && c.Age < recent
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

// detect finds the series' change points on the runs' medians, with each
// run's own spread (SpreadOf, Spread.MedianSE) as the medians' standard
// errors; runs without a usable median (missing, negative, not finite) are
// left out. A median of 0 is kept: 0 ns/op is a valid measurement. Where the
// unit of the figures changes (ops/s, then seconds: the harness or the
// metric changed), the medians on either side are not levels of one figure:
// each stretch of one unit is searched on its own, and no change point spans
// two units. Paired verdicts then confirm or cast doubt on each change
// (evidence).
func (s *Series) detect(opt changepoint.Options) {
	for start := 0; start < len(s.Points); {
		end := start + 1
		for end < len(s.Points) && s.Points[end].Sum.Unit() == s.Points[start].Sum.Unit() {
			end++
		}
		s.detectIn(start, end, opt)
		start = end
	}
	for k, ch := range s.Changes {
		var prev *Change
		if k > 0 {
			prev = s.Changes[k-1]
		}
		ch.evidence(prev)
	}
}

// detectIn is detect on the points [start, end), all of one unit, without
// the evidence.
func (s *Series) detectIn(start, end int, opt changepoint.Options) {
	var xs, se []float64
	var at []int // xs index → point index
	for i := start; i < end; i++ {
		sp := SpreadOf(s.Points[i])
		if m := sp.Median; m >= 0 && !math.IsInf(m, 0) {
			xs = append(xs, m)
			se = append(se, sp.MedianSE())
			at = append(at, i)
		}
	}
	res := changepoint.DetectSE(xs, se, opt)
	for _, o := range res.Outliers {
		s.Outliers = append(s.Outliers, at[o])
	}
	for _, c := range res.Changes {
		i, last := at[c.Index], at[c.Last]
		ch := &Change{
			Series: s, Index: i, Run: s.Points[i].Run,
			Before: c.Before, After: c.After, Percent: c.Percent(),
			PValue: c.PValue, Age: len(s.Machine.Runs) - 1 - s.Points[i].Run.Index,
			Direction: Improvement,
			Steps:     c.Steps, LastIndex: last, Last: s.Points[last].Run,
		}
		// A rise is worse for times; for rates imported from other
		// harnesses (ops/s: extra_info higher_is_better) a drop is.
		if (c.After > c.Before) != s.Points[i].Sum.HigherIsBetter() {
			ch.Direction = Regression
		}
		s.Changes = append(s.Changes, ch)
	}
}

// evidence looks for a paired verdict (Point.Verdict.PairedVerdict, as the
// run stored it whatever the checks) among the
// points within PairedRuns of the change's first run, whose baseline
// (Run.Base) is older than the change's first run and not older than the
// previous change's last run, so that the pair straddles this change
// alone:
//   - a verdict of the change's direction (regression or improvement)
//     confirms it;
//   - a verdict of no change ("same" or "noise") at or after the change's
//     first run, whose confidence interval excludes the change's Percent,
//     makes it doubtful. A drift is never doubtful: a pair straddles only
//     part of it.
//
// The nearest confirming verdict wins, then the nearest contradicting one
// (the earlier of two as near).
func (c *Change) evidence(prev *Change) {
	pts := c.Series.Points
	var confirm, doubt *PairedEvidence
	for d := 0; d <= PairedRuns; d++ {
		for k, j := range []int{c.Index - d, c.Index + d} {
			if j < 0 || j >= len(pts) || d == 0 && k == 1 {
				continue
			}
			p := pts[j]
			v, base := p.Verdict(), p.Run.Base
			if !v.Paired || base == nil || base.Index >= c.Run.Index || prev != nil && base.Index < prev.Last.Index {
				continue
			}
			ev := &PairedEvidence{Run: p.Run, Verdict: v}
			switch {
			case v.PairedVerdict == string(c.Direction) && (v.Change > 0) == (c.After > c.Before):
				if confirm == nil {
					confirm = ev
				}
			case (v.PairedVerdict == string(compare.Same) || v.PairedVerdict == string(compare.Noise)) && j >= c.Index && !c.Drift() &&
				!math.IsNaN(v.CILow) && !math.IsNaN(v.CIHigh) && (c.Percent < v.CILow || c.Percent > v.CIHigh):
				if doubt == nil {
					doubt = ev
				}
			}
		}
	}
	switch {
	case confirm != nil:
		c.Paired, c.Confirmed = confirm, true
	case doubt != nil:
		c.Paired, c.Doubtful = doubt, true
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
