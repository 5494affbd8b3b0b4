// Package target checks a run against performance targets: for each
// benchmark of a targets table, its median must not exceed the target's
// limit plus the allowed excess, e.g. "BenchmarkForward/batch=32 < 50 ms
// +10 %" is met by any median ≤ 55 ms.
//
// A target names a benchmark by fullname or name; the "Benchmark" prefix of
// Go benchmark names may be left out on either side. A target that matches
// no benchmark of the run is reported as not found: visible in every
// output, but not a miss. A target that matches several benchmarks (the
// same name in two packages) gives one Status each.
package target

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// Target is one row of the targets table.
type Target struct {
	Benchmark string
	Limit     float64 // seconds
	Excess    float64 // allowed fraction above Limit, e.g. 0.10
}

// Bound is the largest median that meets the target: Limit·(1+Excess).
func (t Target) Bound() float64 { return t.Limit * (1 + t.Excess) }

// String gives the target as people write it: "50 ms +10%".
func (t Target) String() string {
	s := timefmt.Short(t.Limit)
	if t.Excess != 0 {
		s += " +" + strconv.FormatFloat(t.Excess*100, 'g', 6, 64) + "%"
	}
	return s
}

// Status is the outcome of one target for one benchmark.
type Status struct {
	Target
	// Found is false when no benchmark of the run matches the target.
	Found bool
	// Name and Fullname of the matched benchmark ("" when not found).
	Name, Fullname string
	Median         float64 // seconds
	// Met: Found and Median ≤ Bound(). A target not found is neither met
	// nor missed.
	Met bool
	// Message is one line for people, e.g. "BenchmarkForward/batch=32:
	// median 61.2 ms exceeds target 50 ms +10% (limit 55 ms)".
	Message string
}

// Missed reports whether the status is a miss (found and over the bound).
func (s Status) Missed() bool { return s.Found && !s.Met }

// Check checks every target against f's benchmarks' medians, in the order of
// ts.
func Check(f *result.File, ts []Target) []Status {
	var out []Status
	for _, t := range ts {
		found := false
		if f != nil {
			for i := range f.Benchmarks {
				b := &f.Benchmarks[i]
				if b.Match(t.Benchmark) == 0 {
					continue
				}
				found = true
				s := Status{Target: t, Found: true, Name: b.Name, Fullname: b.Fullname, Median: b.Stats.Median}
				// A small relative tolerance keeps a median that equals the
				// bound (up to float rounding of Limit·(1+Excess)) a pass.
				s.Met = s.Median <= t.Bound()*(1+1e-12)
				if s.Met {
					s.Message = fmt.Sprintf("%s: median %s meets target %s", b.Name, timefmt.Short(s.Median), t)
				} else {
					s.Message = fmt.Sprintf("%s: median %s exceeds target %s (limit %s)", b.Name, timefmt.Short(s.Median), t, timefmt.Short(t.Bound()))
				}
				out = append(out, s)
			}
		}
		if !found {
			out = append(out, Status{Target: t, Median: math.NaN(),
				Message: fmt.Sprintf("%s: not found in this run (target %s); check the benchmark name in the targets table", t.Benchmark, t)})
		}
	}
	return out
}

// Missed reports whether any status is a miss.
func Missed(statuses []Status) bool {
	for _, s := range statuses {
		if s.Missed() {
			return true
		}
	}
	return false
}

// Parse reads a target written as "LIMIT [+EXCESS%]", e.g. "200µs +10%",
// "2ms+10%", "50 ms" or "0.05". LIMIT is a Go duration (ns, us, µs, ms, s,
// spaces allowed before the unit) or a plain number of seconds.
func Parse(benchmark, spec string) (Target, error) {
	t := Target{Benchmark: benchmark}
	if strings.TrimSpace(benchmark) == "" {
		return t, fmt.Errorf("target %q: empty benchmark name", spec)
	}
	limit, excess, hasExcess := strings.Cut(spec, "+")
	limit = strings.ReplaceAll(strings.TrimSpace(limit), " ", "")
	var err error
	if t.Limit, err = parseSeconds(limit); err != nil {
		return t, fmt.Errorf("target for %s: limit %q: %v; write e.g. \"200µs +10%%\", \"50ms\" or \"0.002\" (seconds)", benchmark, limit, err)
	}
	if hasExcess {
		e := strings.TrimSpace(excess)
		p, ok := strings.CutSuffix(e, "%")
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if !ok || err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return t, fmt.Errorf("target for %s: excess %q: want a percentage such as +10%%", benchmark, "+"+e)
		}
		t.Excess = v / 100
	}
	return t, nil
}

func parseSeconds(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing")
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, fmt.Errorf("must be a positive duration")
		}
		return v, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("not a duration")
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be a positive duration")
	}
	return d.Seconds(), nil
}
