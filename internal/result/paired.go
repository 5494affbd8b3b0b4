package result

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Failure is a benchmark that failed during a run (b.Fatal, b.Error, a
// panic): it is left out of Benchmarks and named here with its output, so
// that the other benchmarks of the run are still measured and kept.
// Stored under the top-level key "failures", which pytest-benchmark's
// reader ignores.
//
// A benchmark that failed only in the extra profiled rounds of
// benchsite run --profile has Profiling set: its timed rounds passed, so it
// is also in Benchmarks, without a profile.
type Failure struct {
	Name    string `json:"name"`              // e.g. "BenchmarkForward/batch=32"
	Package string `json:"package,omitempty"` // Go import path
	// Arm is "baseline" or "current" in a paired run, "" otherwise.
	Arm    string `json:"arm,omitempty"`
	Output string `json:"output"` // the benchmark's log lines, or the process's last output
	// Profiling is true when the failure was in the profiled rounds only.
	Profiling bool `json:"profiling,omitempty"`
}

// Paired is the outcome of a paired run (benchsite run --against or
// --compare): the file's benchmarks are the current arm, measured in
// interleaved process pairs with the baseline arm, and Benchmarks holds the
// verdict per benchmark. Stored under the top-level key "paired", which
// pytest-benchmark's reader ignores; every figure is also plain JSON that
// any reader can use.
type Paired struct {
	// Baseline is the revision measured as the baseline arm: its
	// commit_info (id, time, message…); Ref is the revision as the user
	// named it ("HEAD~1", a commit id). Label names the baseline in
	// messages, e.g. "0004_baseline" or "HEAD~1".
	Baseline CommitInfo `json:"baseline"`
	Ref      string     `json:"ref,omitempty"`
	Label    string     `json:"label,omitempty"`
	// Method names the statistics, e.g. "Hodges-Lehmann on per-pair log
	// ratios, Wilcoxon signed-rank interval".
	Method string `json:"method"`
	// Confidence of the intervals (0.95).
	Confidence float64 `json:"confidence"`
	// Check is the regression check the verdicts use, e.g. "mean:10%".
	Check string `json:"check"`
	// Seeds are the code-layout seeds (-ldflags=-randlayout) both arms
	// were built with; RoundsPerProcess the rounds each process measured.
	Seeds            []int64 `json:"seeds,omitempty"`
	RoundsPerProcess int     `json:"rounds_per_process,omitempty"`
	// Benchmarks maps fullname → the verdict; benchmarks only in the
	// current arm are absent here (they are in the file's benchmarks),
	// those only in the baseline arm are listed in Removed.
	Benchmarks map[string]PairedBenchmark `json:"benchmarks"`
	Removed    []string                   `json:"removed,omitempty"`
}

// PairedBenchmark is one benchmark's paired verdict.
type PairedBenchmark struct {
	Name string `json:"name"`
	// Field is the location statistic compared per process ("mean").
	Field string `json:"field"`
	// Verdict is "same", "regression", "improvement", "noise" or
	// "undecided".
	Verdict string `json:"verdict"`
	// Pairs is the number of process pairs measured.
	Pairs int `json:"pairs"`
	// ChangePercent is the estimated change (current ÷ baseline − 1) in
	// percent; CILowPercent and CIHighPercent bound its confidence
	// interval (null when there were too few pairs for one).
	ChangePercent float64  `json:"change_percent"`
	CILowPercent  *float64 `json:"ci_low_percent"`
	CIHighPercent *float64 `json:"ci_high_percent"`
	// ThresholdPercent is the check's threshold as a percent of the
	// baseline.
	ThresholdPercent float64 `json:"threshold_percent"`
	// Base and Cur are Field over all rounds of each arm (seconds).
	Base float64 `json:"base"`
	Cur  float64 `json:"cur"`
	// BaseValues and CurValues are Field per process, pair by pair
	// (seconds): the data the interval was computed from.
	BaseValues []float64 `json:"base_values"`
	CurValues  []float64 `json:"cur_values"`
}

// PairedVerdicts are the verdicts a PairedBenchmark may hold.
var PairedVerdicts = []string{"same", "regression", "improvement", "noise", "undecided"}

// checkPaired returns the field (a path under "paired", e.g.
// "paired.benchmarks.<fullname>.ci_low_percent") and the reason of the
// first thing in p that no paired run writes: text over the limits, a
// confidence outside [0, 1) (0: not given), a verdict or field benchsite does not know, a
// negative or inconsistent pair count, a change or interval bound that is
// not finite or not above −100 %, an interval that does not hold its
// change, a negative or non-finite time, or a regression or improvement the
// stored interval does not support. Everything in the key is shown on pages
// and decides exit statuses, so a file that fails is refused whole.
func checkPaired(p *Paired) (field, msg string) {
	if p == nil {
		return "", ""
	}
	ts := append(commitText("baseline.", &p.Baseline), textField{"ref", p.Ref, MaxIDLen}, textField{"label", p.Label, MaxIDLen},
		textField{"method", p.Method, MaxIDLen}, textField{"check", p.Check, MaxIDLen})
	if field, msg := firstTooLong(ts); field != "" {
		return "paired." + field, msg
	}
	if !(p.Confidence >= 0 && p.Confidence < 1) { // 0: absent, not known
		return "paired.confidence", fmt.Sprintf("%v is not a confidence level; a paired run writes one between 0 and 1 (0.99)", p.Confidence)
	}
	if p.RoundsPerProcess < 0 {
		return "paired.rounds_per_process", fmt.Sprintf("%d rounds; a count cannot be negative", p.RoundsPerProcess)
	}
	for i, name := range p.Removed {
		if m := CheckName("fullname", name); m != "" {
			return fmt.Sprintf("paired.removed.%d", i), m
		}
	}
	for _, full := range slices.Sorted(maps.Keys(p.Benchmarks)) {
		path := "paired.benchmarks." + full
		if m := CheckName("fullname", full); m != "" {
			return path, m
		}
		b := p.Benchmarks[full]
		if m := CheckName("name", b.Name); m != "" {
			return path + ".name", m
		}
		if !slices.Contains(PairedVerdicts, b.Verdict) {
			return path + ".verdict", fmt.Sprintf("%s is not a verdict; a paired run writes one of %s", quote(b.Verdict), strings.Join(PairedVerdicts, ", "))
		}
		switch b.Field {
		case "min", "mean", "median":
		default:
			return path + ".field", fmt.Sprintf("%s is not a field a paired verdict compares; expected min, mean or median", quote(b.Field))
		}
		if b.Pairs < 0 {
			return path + ".pairs", fmt.Sprintf("%d pairs; a count cannot be negative", b.Pairs)
		}
		// A pair with a value of 0 s (a timer's quantum) has no ratio and
		// is not counted, so there may be more values than pairs, never
		// fewer.
		if len(b.BaseValues) != len(b.CurValues) || len(b.BaseValues) > 0 && len(b.BaseValues) < b.Pairs {
			return path + ".base_values", fmt.Sprintf("%d baseline and %d current values for %d pairs; a paired run keeps one value per process of each pair", len(b.BaseValues), len(b.CurValues), b.Pairs)
		}
		for _, v := range []struct {
			field string
			vs    []float64
		}{{"base", []float64{b.Base}}, {"cur", []float64{b.Cur}}, {"base_values", b.BaseValues}, {"cur_values", b.CurValues}} {
			for i, x := range v.vs {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					f := path + "." + v.field
					if len(v.vs) > 1 || strings.HasSuffix(v.field, "_values") {
						f += "." + strconv.Itoa(i)
					}
					return f, fmt.Sprintf("%v seconds; a time is a finite number, not negative", x)
				}
			}
		}
		if t := b.ThresholdPercent; math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
			return path + ".threshold_percent", fmt.Sprintf("%v; a threshold is a finite percentage, not negative", t)
		}
		change := func(field string, v float64) (string, string) {
			if math.IsNaN(v) || math.IsInf(v, 0) || v <= -100 {
				return path + "." + field, fmt.Sprintf("%v%%; a change of a time is a finite percentage above −100%%", v)
			}
			return "", ""
		}
		if f, m := change("change_percent", b.ChangePercent); f != "" {
			return f, m
		}
		if (b.CILowPercent == nil) != (b.CIHighPercent == nil) {
			return path + ".ci_low_percent", "one bound of the interval without the other; a paired run writes both or neither (null)"
		}
		if b.CILowPercent != nil {
			lo, hi := *b.CILowPercent, *b.CIHighPercent
			if f, m := change("ci_low_percent", lo); f != "" {
				return f, m
			}
			if f, m := change("ci_high_percent", hi); f != "" {
				return f, m
			}
			if !(lo <= b.ChangePercent && b.ChangePercent <= hi) {
				return path + ".ci_low_percent", fmt.Sprintf("the interval [%v, %v] does not hold the change %v%%; a confidence interval holds its estimate", lo, hi, b.ChangePercent)
			}
		}
		switch b.Verdict {
		case "regression":
			if b.CILowPercent == nil || *b.CILowPercent <= 0 || b.ChangePercent < b.ThresholdPercent {
				return path + ".verdict", fmt.Sprintf("a regression needs the change above the threshold (%v%% > %v%%) and the whole interval above no change; this one has neither or one", b.ChangePercent, b.ThresholdPercent)
			}
		case "improvement":
			if b.CIHighPercent == nil || *b.CIHighPercent >= 0 || b.ChangePercent > -b.ThresholdPercent {
				return path + ".verdict", fmt.Sprintf("an improvement needs the change below minus the threshold (%v%% < −%v%%) and the whole interval below no change; this one has neither or one", b.ChangePercent, b.ThresholdPercent)
			}
		}
	}
	return "", ""
}
