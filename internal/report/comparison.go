package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/words"
)

// ComparisonJSON is the "json" format of Comparison. Field names are
// stable; times are in seconds; numbers that are not finite (a change from a
// baseline of 0, a p-value that was not computed) are null.
type ComparisonJSON struct {
	Baseline    string          `json:"baseline"` // label of the baseline file
	Current     string          `json:"current"`  // label of the current file
	Alpha       float64         `json:"alpha"`    // significance level of the noise rule
	Strict      bool            `json:"strict"`   // noise rule off
	Failed      bool            `json:"failed"`   // any row is a regression
	Counts      map[string]int  `json:"counts"`   // rows per status (all six statuses present)
	Rows        []ComparisonRow `json:"rows"`     // sorted by name
	Regressions []string        `json:"regressions"`
	Warnings    []string        `json:"warnings"`
	// Paired: the rows carry a paired verdict measured in one session;
	// false for a comparison of two unpaired files.
	Paired bool `json:"paired"`
}

// ComparisonRow is one benchmark of ComparisonJSON.
type ComparisonRow struct {
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	Group    string `json:"group"`
	// Status: same, regression, improvement, noise, added or removed.
	Status string `json:"status"`
	// Field is the stats field checked (e.g. "mean").
	Field string `json:"field"`
	// Compared names what Baseline/Current/ChangePercent compare when it
	// is not Field itself: "median (paired)" for a paired verdict (the
	// Hodges–Lehmann change of the per-process medians); "" otherwise.
	Compared      string            `json:"compared,omitempty"`
	Baseline      *float64          `json:"baseline"`       // null for added rows
	Current       *float64          `json:"current"`        // null for removed rows
	ChangePercent *float64          `json:"change_percent"` // null when one-sided or infinite
	PValue        *float64          `json:"p_value"`        // Mann-Whitney U; null when not run
	Significant   bool              `json:"significant"`
	Checks        []ComparisonCheck `json:"checks"`
	Failures      []string          `json:"failures"` // pytest-benchmark's lines
	Notes         []string          `json:"notes"`
	// Paired rows carry the paired verdict stored in the current file:
	// the change's confidence interval in percent and the process pairs
	// measured (null and 0 on unpaired rows).
	Paired        bool     `json:"paired"`
	CILowPercent  *float64 `json:"ci_low_percent,omitempty"`
	CIHighPercent *float64 `json:"ci_high_percent,omitempty"`
	Pairs         int      `json:"pairs,omitempty"`
}

// ComparisonCheck is one check of a ComparisonRow.
type ComparisonCheck struct {
	Check     string   `json:"check"` // as written, e.g. "mean:10%"
	Kind      string   `json:"kind"`  // PercentageRegressionCheck or DifferenceRegressionCheck
	Field     string   `json:"field"`
	Percent   bool     `json:"percent"` // threshold in percent (else seconds)
	Threshold float64  `json:"threshold"`
	Baseline  float64  `json:"baseline"`
	Current   float64  `json:"current"`
	Value     *float64 `json:"value"`     // change in percent or seconds; null when infinite
	Breached  bool     `json:"breached"`  // value > threshold
	Improved  bool     `json:"improved"`  // -value > threshold
	Dismissed bool     `json:"dismissed"` // breach not confirmed by the significance test
	Failed    bool     `json:"failed"`
	Message   string   `json:"message,omitempty"`
}

// NewComparisonJSON builds the "json" document for r.
func NewComparisonJSON(r *compare.Report) ComparisonJSON {
	doc := ComparisonJSON{
		Baseline: r.BaseLabel, Current: r.CurLabel, Alpha: r.Alpha, Strict: r.Strict, Failed: r.Failed(),
		Counts: map[string]int{}, Rows: []ComparisonRow{}, Regressions: r.Regressions(), Warnings: r.Warnings,
		Paired: r.Paired,
	}
	if doc.Regressions == nil {
		doc.Regressions = []string{}
	}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for _, s := range []compare.Status{compare.Same, compare.Regression, compare.Improvement, compare.Noise, compare.Added, compare.Removed} {
		doc.Counts[string(s)] = r.Count(s)
	}
	for _, row := range r.Rows {
		field, compared := row.Field, ""
		if row.StatField != "" {
			field, compared = row.StatField, row.Field
		}
		jr := ComparisonRow{
			Name: row.Name, Fullname: row.Fullname, Group: row.Group, Status: string(row.Status), Field: field, Compared: compared,
			Baseline: finite(row.Base), Current: finite(row.Cur), ChangePercent: finite(row.Change),
			Significant: row.Significant, Checks: []ComparisonCheck{}, Failures: row.Failures, Notes: row.Notes,
		}
		if row.HasP {
			jr.PValue = finite(row.P)
		}
		if row.Paired {
			jr.Paired, jr.Pairs = true, row.Pairs
			jr.CILowPercent, jr.CIHighPercent = finite(row.CILow), finite(row.CIHigh)
		}
		if jr.Failures == nil {
			jr.Failures = []string{}
		}
		if jr.Notes == nil {
			jr.Notes = []string{}
		}
		for _, c := range row.Checks {
			jr.Checks = append(jr.Checks, ComparisonCheck{
				Check: c.Check.String(), Kind: c.Check.Kind(), Field: c.Check.Field, Percent: c.Check.Percent,
				Threshold: c.Check.Threshold, Baseline: c.Baseline, Current: c.Current, Value: finite(c.Value),
				Breached: c.Breached, Improved: c.Improved, Dismissed: c.Dismissed, Failed: c.Failed, Message: c.Message,
			})
		}
		doc.Rows = append(doc.Rows, jr)
	}
	return doc
}

// Comparison writes r in format "table", "markdown" or "json".
func Comparison(w io.Writer, r *compare.Report, format string) error {
	return ComparisonFit(w, r, format, 0)
}

// ComparisonFit is Comparison with the table format fitted to maxWidth
// columns (a terminal's width; 0 for full width): names, then
// intervals and verdicts are cut with "…" and a line says how to get
// them whole.
func ComparisonFit(w io.Writer, r *compare.Report, format string, maxWidth int) error {
	ew := &errWriter{w: w}
	switch format {
	case FormatTable, "":
		comparisonTable(ew, r, maxWidth)
	case FormatMarkdown:
		comparisonMarkdown(ew, r)
	case FormatJSON:
		if err := writeJSON(ew, NewComparisonJSON(r)); err != nil {
			return err
		}
	default:
		return badFormat(format)
	}
	return ew.err
}

func verdictWord(s compare.Status) string {
	if s == compare.Noise {
		return "noise (not significant)"
	}
	return string(s)
}

// rowVerdict is a row's verdict in words; a paired row's noise is an
// interval that includes no change, not a failed significance test.
func rowVerdict(row compare.Row) string {
	if row.NotCompared != "" {
		return "not compared (units differ)"
	}
	if row.Paired && row.Status == compare.Noise {
		return "noise (interval includes no change)"
	}
	return verdictWord(row.Status)
}

func verdictEmoji(s compare.Status) string {
	switch s {
	case compare.Regression:
		return "❌"
	case compare.Improvement:
		return "🚀"
	case compare.Same:
		return "✅"
	case compare.Noise:
		return "〰️"
	case compare.Added:
		return "🆕"
	case compare.Removed:
		return "➖"
	}
	return ""
}

// summary is e.g. "3 benchmarks: 1 regression, 2 same", counts in
// English (package words).
func summary(r *compare.Report) string {
	var parts []string
	for _, s := range []compare.Status{compare.Regression, compare.Improvement, compare.Noise, compare.Same, compare.Added, compare.Removed} {
		n := r.Count(s)
		if n == 0 {
			continue
		}
		switch s {
		case compare.Regression, compare.Improvement:
			parts = append(parts, words.Count(n, string(s)))
		case compare.Noise:
			parts = append(parts, fmt.Sprintf("%d within noise", n))
		default: // same, added, removed: adjectives
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		return "no benchmarks in either file"
	}
	return words.Count(len(r.Rows), "benchmark") + ": " + strings.Join(parts, ", ")
}

func method(r *compare.Report) string {
	if r.Paired {
		return "paired: both revisions measured in one session, in interleaved process pairs; a regression needs the estimated change above the threshold and its 99% interval above no change"
	}
	if r.Strict {
		return "strict: every threshold breach fails"
	}
	return "breaches of min/mean/median must be significant (Mann-Whitney U, α = " + strconv.FormatFloat(r.Alpha, 'g', -1, 64) + ") when both sides have per-round data"
}

// rowCells are a row's display cells, unescaped: name, field, baseline,
// current, change, p-value.
func rowCells(row compare.Row) []string {
	last := pValue(row.HasP, row.P)
	if row.Paired {
		last = fmt.Sprintf("%s %d pairs", compare.FormatBounds(row.CILow, row.CIHigh), row.Pairs)
	}
	bu, cu := rowUnit(row), rowUnit(row)
	if row.NotCompared != "" { // each side in its own unit
		bu, cu = row.Baseline.Unit(), row.Current.Unit()
	}
	return []string{row.Name, row.Field, figure(row.Base, bu), figure(row.Cur, cu), percent(row.Change), last}
}

// lastColumn names the column that holds the p-value, or, in a paired
// comparison, the interval.
func lastColumn(r *compare.Report) string {
	if r.Paired {
		return "99% interval"
	}
	return "p-value"
}

// rowUnit is the unit of a row's figures: "" for seconds, else the unit of
// an imported benchmark (ops/s, cycles/iter …).
func rowUnit(row compare.Row) string {
	for _, b := range []*result.Benchmark{row.Current, row.Baseline} {
		if b != nil {
			return b.Unit()
		}
	}
	return ""
}

// figure formats v in unit ("" = seconds, through timefmt); other units
// are scaled with an SI prefix as benchstat does ("3.376G ops/s").
func figure(v float64, unit string) string {
	if unit == "" || math.IsNaN(v) {
		return seconds(v)
	}
	return benchunit.Scale(v, benchunit.Decimal) + " " + unit
}

// plainRuleNotices say which rows a threshold alone decided because the
// significance test could not run, one notice per reason: the harness
// reported estimates (no samples), a side has fewer than
// compare.MinSamples per-round samples (Google Benchmark without
// repetitions, JMH with 3 iterations), or a data array was cut short. A
// strict or paired comparison says its rule in method; rows not compared
// (units differ) or one-sided are left out.
func plainRuleNotices(r *compare.Report) []plainNotice {
	if r.Strict || r.Paired {
		return nil
	}
	var estimates, few, cut []string
rows:
	for _, row := range r.Rows {
		if row.HasP || row.Baseline == nil || row.Current == nil {
			continue
		}
		for _, n := range row.Notes {
			switch {
			case strings.HasPrefix(n, "not compared:"):
				continue rows
			case strings.HasPrefix(n, "plain threshold rule: the harness reported"):
				estimates = append(estimates, row.Name)
				continue rows
			}
		}
		b, c := row.Baseline.Stats, row.Current.Stats
		if b.Truncated || c.Truncated {
			cut = append(cut, row.Name)
		} else {
			few = append(few, fmt.Sprintf("%s (%d and %d)", row.Name, len(b.Data), len(c.Data)))
		}
	}
	var out []plainNotice
	for _, n := range []plainNotice{
		{"the harness reported estimates such as mean ± error, no samples to test", estimates},
		{fmt.Sprintf("too few per-round samples for the significance test, which needs %d on each side; baseline and current", compare.MinSamples), few},
		{"a data array was cut short in the file", cut},
	} {
		if len(n.rows) > 0 {
			out = append(out, n)
		}
	}
	return out
}

// notComparedNotice names the rows whose two sides were not compared
// (units differ), each with its reason; "" when there are none.
func notComparedNotice(r *compare.Report) string {
	var rows []string
	for _, row := range r.Rows {
		if row.NotCompared != "" {
			rows = append(rows, row.Name+": "+row.NotCompared)
		}
	}
	if len(rows) == 0 {
		return ""
	}
	return "Not compared, the units differ (a changed harness or metric; compare runs of one unit): " + strings.Join(rows, "; ")
}

// plainNotice is why the rows were compared by the plain threshold rule.
type plainNotice struct {
	why  string
	rows []string // untrusted names
}

func (n plainNotice) text() string {
	return "Compared by the plain threshold rule (" + n.why + "): " + clean(strings.Join(n.rows, ", "))
}

func (n plainNotice) markdown() string {
	return "Compared by the plain threshold rule (" + n.why + "): " + mdEscape(strings.Join(n.rows, ", "))
}

func comparisonTable(w *errWriter, r *compare.Report, maxWidth int) {
	w.printf("Comparing %s with the baseline %s\n", runName(r.CurLabel), clean(r.BaseLabel))
	w.printf("%s; %s\n\n", summary(r), method(r))
	header := []string{"Name", "Field", "Baseline", "Current", "Change", lastColumn(r), "Verdict"}
	right := []bool{false, false, true, true, true, true, false}
	var rows [][]string
	for _, row := range r.Rows {
		cells := rowCells(row)
		for i := range cells {
			cells[i] = clean(cells[i])
		}
		if cells[5] == "" && (row.Status != compare.Added && row.Status != compare.Removed) {
			cells[5] = "n/a"
		}
		rows = append(rows, append(cells, rowVerdict(row)))
	}
	cut := fitColumns(header, rows, maxWidth, []int{0, 5, 6}, []int{12, 10, 12})
	textTable(w, header, right, rows)
	if cut {
		w.printf("(cut with … to fit %d columns; --wide or a pipe prints the table whole)\n", maxWidth)
	}

	if reg := r.Regressions(); len(reg) > 0 {
		// pytest-benchmark's logger.error text.
		w.printf("\nPerformance has regressed:\n")
		for _, line := range reg {
			w.printf("\t%s\n", clean(line))
		}
	}
	for _, n := range plainRuleNotices(r) {
		w.printf("\n%s\n", n.text())
	}
	if n := notComparedNotice(r); n != "" {
		w.printf("\n%s\n", clean(n))
	}
	if noise := noiseLines(r); len(noise) > 0 {
		w.printf("\nNot counted as regressions (threshold passed, shift not significant):\n")
		for _, line := range noise {
			w.printf("\t%s\n", clean(line))
		}
	}
	for _, warn := range r.Warnings {
		w.printf("\nWARNING: %s", clean(warn))
	}
	if len(r.Warnings) > 0 {
		w.printf("\n")
	}
}

// fitColumns cuts the cells of columns cols (in order, each to no less
// than its minimum mins[i]) with "…" until the table of header and rows,
// with two spaces between columns, fits maxWidth; it reports whether it
// cut anything. maxWidth 0 leaves the table whole.
func fitColumns(header []string, rows [][]string, maxWidth int, cols, mins []int) bool {
	if maxWidth <= 0 {
		return false
	}
	widths := columnWidths(header, rows)
	total := 2 * (len(widths) - 1)
	for _, n := range widths {
		total += n
	}
	cut := false
	for k, col := range cols {
		excess := total - maxWidth
		if excess <= 0 {
			break
		}
		to := max(mins[k], widths[col]-excess, width(header[col]))
		if to >= widths[col] {
			continue
		}
		for _, r := range rows {
			if width(r[col]) > to {
				r[col] = clip(r[col], to)
				cut = true
			}
		}
		total -= widths[col] - to
		widths[col] = to
	}
	return cut
}

// runName names the current run: its label, or "this run (not saved)" for
// the label "current" an unsaved run gets, which would otherwise read
// "current (current)".
func runName(label string) string {
	if label == "current" {
		return "this run (not saved)"
	}
	return clean(label)
}

// noiseLines describe dismissed breaches in upstream's words plus the p-value.
func noiseLines(r *compare.Report) []string {
	var out []string
	for _, row := range r.Rows {
		for _, c := range row.Checks {
			if c.Dismissed && c.Breached && row.Paired {
				out = append(out, fmt.Sprintf("%s (%s) - Field '%s' changed %s, but its 99%% interval %s includes no change",
					row.Name, r.BaseLabel, c.Check.Field, changeOf(c), compare.FormatInterval(row.Change, row.CILow, row.CIHigh)))
			} else if c.Dismissed && c.Breached {
				out = append(out, fmt.Sprintf("%s (%s) - Field '%s' changed %s, p = %s ≥ α = %g",
					row.Name, r.BaseLabel, c.Check.Field, changeOf(c), pValue(row.HasP, row.P), r.Alpha))
			}
		}
	}
	return out
}

func changeOf(c compare.CheckResult) string {
	if c.Check.Percent {
		return percent(c.Value)
	}
	if math.IsInf(c.Value, 0) {
		return percent(c.Value)
	}
	return fmt.Sprintf("%+.9f s", c.Value)
}

func comparisonMarkdown(w *errWriter, r *compare.Report) {
	icon := "✅"
	if r.Failed() {
		icon = "❌"
	}
	w.printf("### %s Benchmark comparison\n\n", icon)
	w.printf("Current **%s** against baseline **%s** — %s.\n\n", mdEscape(r.CurLabel), mdEscape(r.BaseLabel), summary(r))
	header := []string{"Benchmark", "Field", "Baseline", "Current", "Change", lastColumn(r), "Verdict"}
	right := []bool{false, false, true, true, true, true, false}
	var rows [][]string
	for _, row := range r.Rows {
		cells := rowCells(row)
		cells[0] = mdEscape(cells[0]) // the name is untrusted; the figures are ours
		for i := range cells {
			if cells[i] == "" {
				cells[i] = "—"
			}
		}
		rows = append(rows, append(cells, verdictEmoji(row.Status)+" "+rowVerdict(row)))
	}
	if len(rows) > 0 {
		mdTable(w, header, right, rows)
		w.printf("\n")
	}
	w.printf("<sub>%s.</sub>\n", method(r))
	for _, n := range plainRuleNotices(r) {
		w.printf("\n<sub>%s.</sub>\n", n.markdown())
	}
	if n := notComparedNotice(r); n != "" {
		w.printf("\n<sub>%s.</sub>\n", mdEscape(n))
	}
	if reg := r.Regressions(); len(reg) > 0 {
		// A code block keeps pytest-benchmark's exact words. Each line is
		// indented by a tab, so no line (whatever a name holds) can close
		// the fence, and control characters are replaced.
		w.printf("\n**Performance has regressed:**\n\n```\n")
		for _, line := range reg {
			w.printf("\t%s\n", clean(line))
		}
		w.printf("```\n")
	}
	if noise := noiseLines(r); len(noise) > 0 {
		w.printf("\n<details><summary>Not counted as regressions (shift not significant)</summary>\n\n```\n")
		for _, line := range noise {
			w.printf("\t%s\n", clean(line))
		}
		w.printf("```\n\n</details>\n")
	}
	if len(r.Warnings) > 0 {
		w.printf("\n")
		for _, warn := range r.Warnings {
			w.printf("> ⚠️ %s\n>\n", mdEscape(warn))
		}
	}
}
