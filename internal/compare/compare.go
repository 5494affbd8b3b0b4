// Package compare compares two result files the way pytest-benchmark's
// --benchmark-compare/--benchmark-compare-fail do, with one addition: a noise
// rule based on a significance test.
//
// Contract:
//
//   - Checks use pytest-benchmark's --compare-fail grammar (see ParseChecks):
//     FIELD:N% fails when the field grew by more than N % of the baseline,
//     FIELD:SECONDS when it grew by more than that many seconds; FIELD is one
//     of min, max, mean, median, stddev, iqr. Failures are worded exactly as
//     upstream: "test_x (0001_baseline) - Field 'mean' has failed
//     PercentageRegressionCheck: 23.331641765 > 10.000000000".
//   - Benchmarks are matched by fullname. Those on one side only are rows
//     with Status Added or Removed; they never fail a comparison. Rows are
//     sorted by name (then fullname).
//   - Options.PerBenchmark replaces Options.Checks for the benchmarks it
//     names (keys match by result.Benchmark.Match: fullname, name, or name
//     without Go's "Benchmark" prefix).
//   - Noise rule: when both sides carry at least MinSamples per-round data
//     points (and neither array was cut short), a threshold breach on a
//     location field (min, mean, median) is a regression only if a
//     Mann-Whitney U test (golang.org/x/perf/benchmath, as benchstat uses)
//     finds the two samples different at Options.Alpha and their medians
//     moved in the breach's direction. Otherwise the row is Noise. Breaches on max, stddev and iqr, comparisons without data (old
//     pytest-benchmark files) and Options.Strict use upstream's plain rule.
//   - Direction: figures are times (or counts), where higher is worse,
//     unless a benchmark's extra_info marks them higher-is-better (rates
//     imported from other harnesses: ops/s, MB/s; see package harness).
//     For those every check is applied to the change with its sign turned,
//     so a drop of throughput is the regression. Benchmarks whose units
//     differ between the two files are not compared (a note says so).
//     Imported estimates without samples (Catch2, libtest, benchmark.js …)
//     always get the plain rule, and a note says so.
//   - Machine differences (CPU model, language runtime version) are
//     Warnings, never failures.
//   - Paired verdicts: when the current file carries a paired verdict
//     (result.Paired, saved by `benchsite run --compare/--against`) measured
//     against the baseline file's commit, its rows show that verdict (the
//     change and its interval over process pairs, package paired) instead of
//     the unpaired comparison above, and Report.Paired is set. PairedVerdicts
//     and PairedStop decide them while a paired run measures (paired.go).
package compare

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/benchsite/benchsite/internal/result"
)

// DefaultAlpha is the significance level used when Options.Alpha is 0.
const DefaultAlpha = 0.05

// MinSamples is the number of per-round data points each side needs for the
// significance test. With 4+4 samples the smallest possible Mann-Whitney p
// is 0.029, so a real shift can be detected at α = 0.05; with fewer it
// never can, and the plain rule applies instead.
const MinSamples = 4

// Options configure a comparison.
type Options struct {
	Checks []Check
	// PerBenchmark overrides Checks for single benchmarks; the key is a
	// fullname or a name, with or without "Benchmark" (see
	// result.Benchmark.Match; the best match wins). An empty list disables checks.
	PerBenchmark map[string][]Check
	// Strict applies pytest-benchmark's plain rule (any breach fails) even
	// when samples are available.
	Strict bool
	// Alpha is the significance level of the noise rule; 0 means 0.05.
	Alpha float64
}

// Status is a row's verdict.
type Status string

const (
	Same        Status = "same"        // no check breached
	Regression  Status = "regression"  // a check failed
	Improvement Status = "improvement" // a check's threshold was passed in the good direction, significantly
	Noise       Status = "noise"       // a location check breached, but the shift is not significant
	Added       Status = "added"       // only in the current file
	Removed     Status = "removed"     // only in the baseline file
)

// CheckResult is one check applied to one benchmark.
type CheckResult struct {
	Check             Check
	Baseline, Current float64 // the field's values, in seconds
	// Value is Check.Compute(Baseline, Current): change in percent or seconds.
	Value float64
	// Breached: Value > Threshold (pytest-benchmark's failure condition).
	Breached bool
	// Improved: the mirror image, the field shrank by more than the threshold.
	Improved bool
	// Dismissed: Breached or Improved on a location field, but the
	// significance test did not confirm the shift (noise rule).
	Dismissed bool
	// Failed: the check counts as a regression.
	Failed bool
	// Message is pytest-benchmark's text when Failed, e.g. "Field 'mean' has
	// failed PercentageRegressionCheck: 23.331641765 > 10.000000000".
	Message string
}

// Row is one benchmark in the comparison.
type Row struct {
	Name, Fullname, Group string
	Status                Status
	// Baseline or Current is nil for Added or Removed rows.
	Baseline, Current *result.Benchmark
	// Field is the field shown for the row: the first check's, or "mean";
	// for a paired row what the paired change compares (PairedField).
	Field string
	// StatField is, for a paired row, the checked stats field ("mean")
	// whose paired verdict the row shows; "" otherwise.
	StatField string
	// Base and Cur are that field's values (seconds); Change is the change
	// in percent of Base (+Inf when Base is 0 and Cur is not, NaN when not
	// both sides exist).
	Base, Cur, Change float64
	// HasP tells whether the significance test ran; P is its p-value and
	// Significant is P < Alpha.
	HasP        bool
	P           float64
	Significant bool
	Checks      []CheckResult
	// Failures are the row's regression lines in pytest-benchmark's words:
	// "<name> (<baseline label>) - <CheckResult.Message>".
	Failures []string
	// Notes explain the row's statistics (e.g. why no test was run).
	Notes []string
	// NotCompared says why the two sides were not compared (their units
	// differ: "the baseline is in ops/s, the current run in seconds"); ""
	// when they were. Such a row has Status Same and Change NaN: no
	// verdict, no change.
	NotCompared string
	// Paired: the row shows the paired verdict stored in the current
	// file (measured in Pairs interleaved process pairs against the
	// baseline's revision) instead of a comparison of two unpaired
	// files; Change is then the paired estimate and CILow, CIHigh bound
	// its confidence interval (percent; NaN without one).
	Paired        bool
	Pairs         int
	CILow, CIHigh float64
}

// Report is the outcome of Compare.
type Report struct {
	BaseLabel, CurLabel string
	Alpha               float64
	Strict              bool
	Rows                []Row
	// Warnings are differences that do not fail the comparison: machine
	// info, duplicate fullnames, per-benchmark thresholds that match nothing.
	Warnings []string
	// Paired: the current file carries a paired verdict measured against
	// the baseline's revision, and the rows show it (see Row.Paired).
	// Otherwise the comparison is of two unpaired files, measured at
	// different times.
	Paired bool
}

// Regressions returns every failure line, in row order.
func (r *Report) Regressions() []string {
	var out []string
	for _, row := range r.Rows {
		out = append(out, row.Failures...)
	}
	return out
}

// Failed reports whether any row is a regression.
func (r *Report) Failed() bool {
	for _, row := range r.Rows {
		if row.Status == Regression {
			return true
		}
	}
	return false
}

// Count returns how many rows have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, row := range r.Rows {
		if row.Status == s {
			n++
		}
	}
	return n
}

// Compare compares cur against base. The labels name the files in messages;
// by convention they are the file names without ".json", e.g.
// "0001_baseline". Either file may be nil (treated as empty).
func Compare(base, cur *result.File, baseLabel, curLabel string, opt Options) *Report {
	alpha := opt.Alpha
	if alpha <= 0 || alpha >= 1 {
		alpha = DefaultAlpha
	}
	r := &Report{BaseLabel: baseLabel, CurLabel: curLabel, Alpha: alpha, Strict: opt.Strict}
	if base == nil {
		base = &result.File{}
	}
	if cur == nil {
		cur = &result.File{}
	}
	r.Warnings = append(r.Warnings, machineWarnings(base, cur, baseLabel, curLabel)...)

	baseIdx, w := index(base, baseLabel)
	r.Warnings = append(r.Warnings, w...)
	curIdx, w := index(cur, curLabel)
	r.Warnings = append(r.Warnings, w...)
	r.Warnings = append(r.Warnings, gcWarnings(baseIdx, curIdx, baseLabel, curLabel)...)

	pv := pairedFor(base, cur)
	r.Paired = pv != nil
	used := map[string]bool{}
	for _, cb := range curIdx.order {
		bb := baseIdx.byFull[cb.Fullname]
		checks, key := checksFor(cb, opt)
		if key != "" {
			used[key] = true
		}
		if bb == nil {
			r.Rows = append(r.Rows, oneSided(cb, Added, checks))
			continue
		}
		row := compareOne(bb, cb, checks, baseLabel, alpha, opt.Strict)
		if pv != nil {
			if pb, ok := pv.Benchmarks[cb.Fullname]; ok {
				applyPaired(&row, pb, checks, baseLabel)
			}
		}
		r.Rows = append(r.Rows, row)
	}
	if pv != nil {
		// Benchmarks the paired run found in the baseline revision only.
		for _, full := range pv.Removed {
			if baseIdx.byFull[full] == nil && curIdx.byFull[full] == nil {
				name := full
				if _, n, ok := strings.Cut(full, "::"); ok {
					name = n
				}
				checks, _ := checksFor(&result.Benchmark{Name: name, Fullname: full}, opt)
				row := oneSided(&result.Benchmark{Name: name, Fullname: full}, Removed, checks)
				// The paired run names it but keeps no measurement of it:
				// its baseline figure is unknown, not 0 s.
				row.Base = math.NaN()
				r.Rows = append(r.Rows, row)
			}
		}
	}
	for _, bb := range baseIdx.order {
		if curIdx.byFull[bb.Fullname] == nil {
			checks, key := checksFor(bb, opt)
			if key != "" {
				used[key] = true
			}
			r.Rows = append(r.Rows, oneSided(bb, Removed, checks))
		}
	}
	var unused []string
	for k := range opt.PerBenchmark {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		r.Warnings = append(r.Warnings, fmt.Sprintf("per-benchmark thresholds for %q match no benchmark in either file (check the name)", k))
	}
	sort.SliceStable(r.Rows, func(i, j int) bool {
		a, b := r.Rows[i], r.Rows[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Fullname < b.Fullname
	})
	return r
}

type fileIndex struct {
	order  []*result.Benchmark
	byFull map[string]*result.Benchmark
}

// index maps fullname → benchmark, keeping the first of duplicates.
func index(f *result.File, label string) (fileIndex, []string) {
	idx := fileIndex{byFull: map[string]*result.Benchmark{}}
	var warnings []string
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		if _, dup := idx.byFull[b.Fullname]; dup {
			warnings = append(warnings, fmt.Sprintf("%s: benchmark %q appears more than once; only the first is compared", label, b.Fullname))
			continue
		}
		idx.byFull[b.Fullname] = b
		idx.order = append(idx.order, b)
	}
	return idx, warnings
}

// checksFor picks the checks for b and the PerBenchmark key that chose them:
// the key that names b best by result.Benchmark.Match (fullname, then name,
// then name without "Benchmark"), the smallest key among equals.
func checksFor(b *result.Benchmark, opt Options) ([]Check, string) {
	best, bestKey := 0, ""
	for k := range opt.PerBenchmark {
		if m := b.Match(k); m > best || m == best && m > 0 && k < bestKey {
			best, bestKey = m, k
		}
	}
	if best == 0 {
		return opt.Checks, ""
	}
	return opt.PerBenchmark[bestKey], bestKey
}

func displayField(checks []Check) string {
	if len(checks) > 0 {
		return checks[0].Field
	}
	return "mean"
}

func oneSided(b *result.Benchmark, s Status, checks []Check) Row {
	row := Row{Name: b.Name, Fullname: b.Fullname, Group: b.Group, Status: s,
		Field: displayField(checks), Change: math.NaN(), Base: math.NaN(), Cur: math.NaN(), P: math.NaN(),
		CILow: math.NaN(), CIHigh: math.NaN()}
	v, _ := Field(b.Stats, row.Field)
	if s == Added {
		row.Current, row.Cur = b, v
	} else {
		row.Baseline, row.Base = b, v
	}
	return row
}

func compareOne(bb, cb *result.Benchmark, checks []Check, baseLabel string, alpha float64, strict bool) Row {
	row := Row{Name: cb.Name, Fullname: cb.Fullname, Group: cb.Group, Baseline: bb, Current: cb,
		Field: displayField(checks), P: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	row.Base, _ = Field(bb.Stats, row.Field)
	row.Cur, _ = Field(cb.Stats, row.Field)
	row.Change = Check{Percent: true}.Compute(row.Base, row.Cur)

	var shift float64
	row.HasP, row.P, shift, row.Notes = significance(bb.Stats, cb.Stats, alpha)
	row.Significant = row.HasP && row.P < alpha
	noiseRule := row.HasP && !strict
	// Figures where higher is better (throughput: ops/s, MB/s) regress when
	// they drop: every change is judged with its sign turned.
	dir := direction(bb, cb)
	if bb.Unit() != cb.Unit() {
		row.NotCompared = fmt.Sprintf("the baseline is in %s, the current run in %s", unitName(bb), unitName(cb))
		row.Notes = append(row.Notes, "not compared: "+row.NotCompared)
		row.Status, row.Change = Same, math.NaN()
		return row
	}
	if len(bb.Stats.Data) == 0 || len(cb.Stats.Data) == 0 {
		if e := estimateOf(bb, cb); e != "" {
			row.Notes = append(row.Notes, "plain threshold rule: the harness reported an estimate ("+e+"), no samples")
		}
	}

	anyDismissed, anyImproved := false, false
	for _, c := range checks {
		cr := CheckResult{Check: c}
		cr.Baseline, _ = Field(bb.Stats, c.Field)
		cr.Current, _ = Field(cb.Stats, c.Field)
		cr.Value = dir * c.Compute(cr.Baseline, cr.Current)
		cr.Breached = cr.Value > c.Threshold
		// The mirror of the check: how much the field shrank, measured the
		// same way (in percent of the baseline, or in seconds).
		cr.Improved = -cr.Value > c.Threshold
		// The U test is two-sided, so a significant result only confirms a
		// breach when the samples' medians moved the same way.
		confirmed := row.Significant && ((cr.Breached && dir*shift > 0) || (cr.Improved && dir*shift < 0))
		if (cr.Breached || cr.Improved) && noiseRule && isLocation(c.Field) && !confirmed {
			cr.Dismissed = true
			anyDismissed = true
		}
		if cr.Breached && !cr.Dismissed {
			cr.Failed = true
			cr.Message = c.message(cr.Value)
			row.Failures = append(row.Failures, fmt.Sprintf("%s (%s) - %s", cb.Name, baseLabel, cr.Message))
		}
		if cr.Improved && !cr.Dismissed {
			anyImproved = true
		}
		row.Checks = append(row.Checks, cr)
	}
	// A row shows one field: the first check's, unless another check
	// failed, which is then the figure the reader needs to see.
	for _, cr := range row.Checks {
		if cr.Failed {
			if cr.Check.Field != row.Field {
				row.Field, row.Base, row.Cur = cr.Check.Field, cr.Baseline, cr.Current
				row.Change = Check{Percent: true}.Compute(row.Base, row.Cur)
			}
			break
		}
	}
	switch {
	case len(row.Failures) > 0:
		row.Status = Regression
	case anyImproved:
		row.Status = Improvement
	case anyDismissed:
		row.Status = Noise
	default:
		row.Status = Same
	}
	return row
}

// direction is +1 when a rise of the benchmarks' figures is worse (times,
// counts) and -1 when it is better (rates: extra_info higher_is_better, set
// for imported throughput metrics).
func direction(bb, cb *result.Benchmark) float64 {
	if cb.HigherIsBetter() || bb.HigherIsBetter() {
		return -1
	}
	return 1
}

func unitName(b *result.Benchmark) string {
	if u := b.Unit(); u != "" {
		return u
	}
	return "seconds"
}

// estimateOf says what an imported benchmark without samples holds (its
// extra_info "estimate", e.g. "mean ± std dev"), "" for other benchmarks.
func estimateOf(bs ...*result.Benchmark) string {
	for _, b := range bs {
		if e, _ := b.ExtraInfo["estimate"].(string); e != "" && len(b.Stats.Data) == 0 {
			return e
		}
	}
	return ""
}

// significance runs the Mann-Whitney U test on the per-round samples when
// both sides have enough of them. shift is the sign of the change of the
// samples' medians (current minus baseline).
func significance(b, c result.Stats, alpha float64) (ok bool, p, shift float64, notes []string) {
	switch {
	case b.Truncated || c.Truncated:
		return false, math.NaN(), 0, []string{"no significance test: a data array was cut short in the file"}
	case len(b.Data) < MinSamples || len(c.Data) < MinSamples:
		return false, math.NaN(), 0, []string{fmt.Sprintf("no significance test: needs at least %d per-round samples on both sides (have %d and %d)", MinSamples, len(b.Data), len(c.Data))}
	}
	thr := &benchmath.Thresholds{CompareAlpha: alpha}
	// NewSample sorts in place; the files' data keep their round order.
	s1 := benchmath.NewSample(append([]float64(nil), b.Data...), thr)
	s2 := benchmath.NewSample(append([]float64(nil), c.Data...), thr)
	cmp := uTest(s1, s2, alpha)
	for _, w := range cmp.Warnings {
		notes = append(notes, w.Error())
	}
	m1 := benchmath.AssumeNothing.Summary(s1, 0.95).Center
	m2 := benchmath.AssumeNothing.Summary(s2, 0.95).Center
	switch {
	case m2 > m1:
		shift = 1
	case m2 < m1:
		shift = -1
	}
	return true, cmp.P, shift, notes
}

// machineWarnings reports machine differences that make timings hard to
// compare. Missing information is not a difference.
func machineWarnings(base, cur *result.File, baseLabel, curLabel string) []string {
	var out []string
	diff := func(what, b, c string) {
		if b != "" && c != "" && b != c {
			out = append(out, fmt.Sprintf("machine_info differs: %s is %q in %s but %q in %s; timings may not be comparable", what, b, baseLabel, c, curLabel))
		}
	}
	diff("CPU model", base.MachineInfo.CPUModel(), cur.MachineInfo.CPUModel())
	diff("runtime version", base.MachineInfo.Runtime(), cur.MachineInfo.Runtime())
	return out
}
