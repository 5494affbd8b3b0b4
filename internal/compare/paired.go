package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/paired"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// PairedMethod names the statistics of a paired verdict (stored in files).
const PairedMethod = "Hodges-Lehmann estimate of per-pair log ratios, Wilcoxon signed-rank confidence interval (package paired)"

// ChecksFor returns the checks that apply to a benchmark: opt.PerBenchmark
// by fullname, then by name, else opt.Checks.
func ChecksFor(name, fullname string, opt Options) []Check {
	c, _ := checksFor(&result.Benchmark{Name: name, Fullname: fullname}, opt)
	return c
}

// pairedCheck is the check a paired verdict decides: the first location
// check (min, mean, median). ok is false when there is none.
func pairedCheck(checks []Check) (Check, bool) {
	for _, c := range checks {
		if isLocation(c.Field) {
			return c, true
		}
	}
	return Check{}, false
}

// processValues returns each process's location (seconds): the minimum of
// its rounds for a min check, else their median. A mean check is judged on
// the median per process too: a round that the scheduler interrupted
// inflates a process's mean, and with a handful of rounds per process that
// one round would decide the pair; the median is robust to it and moves
// with the mean when the code gets slower.
func ProcessValues(rounds [][]float64, field string) []float64 {
	out := make([]float64, len(rounds))
	for i, r := range rounds {
		f := "median"
		if field == "min" {
			f = "min"
		}
		v, _ := Field(stats.Compute(append([]float64(nil), r...), 1), f)
		out[i] = v
	}
	return out
}

// processStat names the statistic each process contributes to a paired
// comparison of field: "min" for min, else "median" (see ProcessValues).
func processStat(field string) string {
	if field == "min" {
		return "min"
	}
	return "median"
}

// PairedField is the label of what a paired verdict on field compares, as
// every output shows it: "median (paired)" — the Hodges–Lehmann change of
// the per-process medians — or "min (paired)".
func PairedField(field string) string {
	return processStat(field) + " (paired)"
}

// pairedRule returns the rule for a check: a percentage threshold as a
// fraction; an absolute one (seconds) relative to the baseline's median
// process value.
func pairedRule(c Check, baseValues []float64, ok bool) paired.Rule {
	t := math.Inf(1)
	switch {
	case !ok:
	case c.Percent:
		t = c.Threshold / 100
	default:
		if m := stats.Median(baseValues); m > 0 {
			t = c.Threshold / m
		}
	}
	return paired.DefaultRule(t)
}

// PairedStop returns the stopping rule for runner.PairedOptions.Stop: the
// sequential rule of package paired on the benchmark's check, with a
// progress status such as "median (paired) +2.1% [−0.8, +4.9]", named as
// the comparison that follows names the field.
func PairedStop(opt Options, minPairs, maxPairs int) func(name, fullname string, base, cur [][]float64) (bool, string) {
	return func(name, fullname string, base, cur [][]float64) (bool, string) {
		c, ok := pairedCheck(ChecksFor(name, fullname, opt))
		field := "mean"
		if ok {
			field = c.Field
		}
		bv, cv := ProcessValues(base, field), ProcessValues(cur, field)
		rule := pairedRule(c, bv, ok)
		rule.MinPairs, rule.MaxPairs = max(rule.MinPairs, minPairs), maxPairs
		e, err := paired.Compare(bv, cv, 0)
		if err != nil {
			return true, err.Error()
		}
		return rule.Done(e), fmt.Sprintf("%s %s", PairedField(field), FormatInterval(e.Change*100, e.Low*100, e.High*100))
	}
}

// FormatInterval formats a change and its interval in percent:
// "+2.1% [−0.8, +4.9]", with numfmt.Percent's signs, so that the change reads
// as in the table's Change column ("±0.0%", never "−0.0%"; "—" for NaN).
func FormatInterval(change, low, high float64) string {
	return numfmt.Percent(change) + " " + FormatBounds(low, high)
}

// FormatBounds writes the bounds of an interval (percent) alone, as
// FormatInterval writes them: "[+1.2, +7.3]".
func FormatBounds(low, high float64) string {
	bound := func(v float64) string { return strings.TrimSuffix(numfmt.Percent(v), "%") }
	return fmt.Sprintf("[%s, %s]", bound(low), bound(high))
}

// FormatChange is FormatInterval, or the change alone when a bound is
// missing (NaN): a stored paired verdict without its interval.
func FormatChange(change, low, high float64) string {
	if math.IsNaN(low) || math.IsNaN(high) {
		return numfmt.Percent(change)
	}
	return FormatInterval(change, low, high)
}

// PairedVerdicts decides every benchmark measured in pairs. pairs maps
// fullname → per-pair rounds (base[i], cur[i] of pair i); base and cur are
// the pooled arms. The result is what a saved run stores under "paired";
// the caller fills in Baseline, Ref, Label and Seeds.
func PairedVerdicts(pairs map[string][2][][]float64, base, cur *result.File, opt Options, checkExpr string) *result.Paired {
	p := &result.Paired{Method: PairedMethod, Confidence: paired.DefaultConfidence, Check: checkExpr, Benchmarks: map[string]result.PairedBenchmark{}}
	baseIdx, _ := index(base, "")
	for _, cb := range cur.Benchmarks {
		pr, ok := pairs[cb.Fullname]
		bb := baseIdx.byFull[cb.Fullname]
		if !ok || bb == nil {
			continue
		}
		c, hasCheck := pairedCheck(ChecksFor(cb.Name, cb.Fullname, opt))
		field := "mean"
		if hasCheck {
			field = c.Field
		}
		bv, cv := ProcessValues(pr[0], field), ProcessValues(pr[1], field)
		rule := pairedRule(c, bv, hasCheck)
		e, err := paired.Compare(bv, cv, 0)
		if err != nil {
			continue
		}
		pb := result.PairedBenchmark{
			Name: cb.Name, Field: field, Verdict: string(rule.Verdict(e)), Pairs: e.Pairs,
			ChangePercent: e.Change * 100, ThresholdPercent: rule.Threshold * 100,
			BaseValues: bv, CurValues: cv,
		}
		if math.IsInf(rule.Threshold, 1) {
			pb.ThresholdPercent = 0
			if pb.Verdict == string(paired.Regression) || pb.Verdict == string(paired.Noise) || pb.Verdict == string(paired.Improvement) {
				pb.Verdict = string(paired.Same)
			}
		}
		if e.Confidence > 0 {
			lo, hi := e.Low*100, e.High*100
			pb.CILowPercent, pb.CIHighPercent = &lo, &hi
		}
		pb.Base, _ = Field(bb.Stats, field)
		pb.Cur, _ = Field(cb.Stats, field)
		p.Benchmarks[cb.Fullname] = pb
	}
	return p
}

// pairedFor returns cur's stored paired verdicts when they were measured
// against base's revision, else nil.
func pairedFor(base, cur *result.File) *result.Paired {
	if cur == nil || cur.Paired == nil || base == nil {
		return nil
	}
	id := cur.Paired.Baseline.ID
	if id == "" || id == "unversioned" || id != base.CommitInfo.ID {
		return nil
	}
	return cur.Paired
}

// applyPaired replaces a row's location checks by the stored paired verdict.
func applyPaired(row *Row, pb result.PairedBenchmark, checks []Check, baseLabel string) {
	row.Paired = true
	row.Pairs = pb.Pairs
	row.Field = PairedField(pb.Field)
	row.StatField = pb.Field
	row.Base, row.Cur, row.Change = pb.Base, pb.Cur, pb.ChangePercent
	if len(pb.BaseValues) > 0 && len(pb.CurValues) > 0 {
		// The figures beside the change are what the change compares: the
		// median over processes of each process's median (or min).
		row.Base = stats.Compute(append([]float64(nil), pb.BaseValues...), 1).Median
		row.Cur = stats.Compute(append([]float64(nil), pb.CurValues...), 1).Median
	}
	row.CILow, row.CIHigh = math.NaN(), math.NaN()
	if pb.CILowPercent != nil && pb.CIHighPercent != nil {
		row.CILow, row.CIHigh = *pb.CILowPercent, *pb.CIHighPercent
	}
	row.HasP, row.P, row.Significant = false, math.NaN(), false
	row.Notes = []string{fmt.Sprintf("paired: %d process pairs, change of the per-process %s %s (%.0f%% interval)", pb.Pairs, processStat(pb.Field), FormatInterval(row.Change, row.CILow, row.CIHigh), paired.DefaultConfidence*100)}
	row.Failures = nil
	var kept []CheckResult
	for _, cr := range row.Checks {
		if !isLocation(cr.Check.Field) {
			kept = append(kept, cr)
			if cr.Failed {
				row.Failures = append(row.Failures, fmt.Sprintf("%s (%s) - %s", row.Name, baseLabel, cr.Message))
			}
		}
	}
	c, ok := pairedCheck(checks)
	if ok {
		// The check's figures are the row's: what the paired change
		// compares (the medians over processes), not the pooled means,
		// which may move the other way.
		cr := CheckResult{Check: c, Baseline: row.Base, Current: row.Cur, Value: pb.ChangePercent}
		if !c.Percent {
			cr.Value = row.Base * pb.ChangePercent / 100
		}
		switch Status(pb.Verdict) {
		case Regression:
			cr.Breached, cr.Failed = true, true
			cr.Message = c.message(cr.Value)
			row.Failures = append(row.Failures, fmt.Sprintf("%s (%s) - %s", row.Name, baseLabel, cr.Message))
		case Improvement:
			cr.Improved = true
		case Noise:
			cr.Breached = cr.Value > c.Threshold
			cr.Improved = !cr.Breached
			cr.Dismissed = true
		}
		kept = append([]CheckResult{cr}, kept...)
	}
	row.Checks = kept
	switch {
	case len(row.Failures) > 0:
		row.Status = Regression
	case pb.Verdict == string(Improvement):
		row.Status = Improvement
	case pb.Verdict == string(Noise):
		row.Status = Noise
	default:
		row.Status = Same
	}
}

// PairedLimits returns the pair counts of the default rule: min, confirm,
// max.
func PairedLimits() (minPairs, confirm, maxPairs int) {
	return paired.DefaultRule(0.1).Limits()
}
