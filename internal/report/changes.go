package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/numfmt"
)

// ChangesJSON is the document `benchsite changes --format json` writes.
type ChangesJSON struct {
	Changes []ChangeJSON `json:"changes"`
}

// ChangeJSON is one change point. Before and After are seconds, or the
// benchmark's unit for one imported in another (extra_info stats_unit) (the
// medians of the runs' medians on each side); Date is the first run's
// datetime as stored (ISO 8601), Commit its commit id, Run its label.
// ChangePercent is null for a change from a median of 0 (infinitely many
// percent).
type ChangeJSON struct {
	Name          string   `json:"name"`
	Fullname      string   `json:"fullname"`
	Machine       string   `json:"machine"`
	Run           string   `json:"run"`
	Commit        string   `json:"commit"`
	Date          string   `json:"date"`
	Before        float64  `json:"before"`
	After         float64  `json:"after"`
	ChangePercent *float64 `json:"change_percent"`
	Direction     string   `json:"direction"`
	PValue        float64  `json:"p_value"`
	// The evidence beyond the medians (history.Change): Drift is set (not
	// null) for a slow drift, reported once, from Run to its last run;
	// Paired is true when a paired verdict confirms the change, Doubtful
	// when one found no change and its interval excludes the step;
	// PairedVerdict is that verdict (null when none bears on the change).
	Drift         *DriftJSON  `json:"drift"`
	Paired        bool        `json:"paired"`
	Doubtful      bool        `json:"doubtful"`
	PairedVerdict *PairedJSON `json:"paired_verdict"`
}

// DriftJSON is the extent of a slow drift: the first run after its last
// change point (label, commit id, datetime as stored) and how many change
// points were merged into it.
type DriftJSON struct {
	LastRun      string `json:"last_run"`
	LastCommit   string `json:"last_commit"`
	LastDate     string `json:"last_date"`
	ChangePoints int    `json:"change_points"`
}

// PairedJSON is a paired verdict that bears on a change: the run that
// stored it (label), its status ("regression", "improvement", "same",
// "noise"), the change it measured and its confidence interval (percent;
// null when it had too few pairs for one), and the process pairs.
type PairedJSON struct {
	Run           string   `json:"run"`
	Status        string   `json:"status"`
	ChangePercent *float64 `json:"change_percent"`
	CILowPercent  *float64 `json:"ci_low_percent"`
	CIHighPercent *float64 `json:"ci_high_percent"`
	Pairs         int      `json:"pairs"`
}

// NewChangesJSON converts changes (in their order) to the JSON document.
func NewChangesJSON(cs []*history.Change) ChangesJSON {
	doc := ChangesJSON{Changes: []ChangeJSON{}}
	for _, c := range cs {
		cj := ChangeJSON{
			Name: c.Series.Benchmark.Name, Fullname: c.Series.Benchmark.Fullname,
			Machine: c.Series.Machine.ID, Run: c.Run.Label,
			Commit: c.Run.File.CommitInfo.ID, Date: c.Run.File.Datetime,
			Before: c.Before, After: c.After, ChangePercent: finite(c.Percent),
			Direction: string(c.Direction), PValue: c.PValue,
			Paired: c.Confirmed, Doubtful: c.Doubtful,
		}
		if c.Drift() {
			cj.Drift = &DriftJSON{LastRun: c.Last.Label, LastCommit: c.Last.File.CommitInfo.ID,
				LastDate: c.Last.File.Datetime, ChangePoints: c.Steps}
		}
		if p := c.Paired; p != nil {
			v := p.Verdict
			cj.PairedVerdict = &PairedJSON{Run: p.Run.Label, Status: v.PairedVerdict,
				ChangePercent: finite(v.Change), CILowPercent: finite(v.CILow), CIHighPercent: finite(v.CIHigh), Pairs: v.Pairs}
		}
		doc.Changes = append(doc.Changes, cj)
	}
	return doc
}

// Evidence describes in a few words what besides the medians bears on c:
// "drift to 0080 (5 change points)"; "confirmed: paired +12.1% [+9.0,
// +15.2] in 0081_comparison" when a paired verdict confirms it;
// "doubtful: paired same +0.2% [−1.0, +1.3] in 0081_comparison" when one
// contradicts it; "" when nothing does. The terminal shows it; the site
// says the same from history.Change's fields.
func Evidence(c *history.Change) string {
	var parts []string
	if c.Drift() {
		parts = append(parts, fmt.Sprintf("drift to %s (%d change points)", c.Last.Label, c.Steps))
	}
	if p := c.Paired; p != nil {
		v := p.Verdict
		iv := compare.FormatChange(v.Change, v.CILow, v.CIHigh)
		switch {
		case c.Confirmed:
			parts = append(parts, fmt.Sprintf("confirmed: paired %s in %s", iv, p.Run.Label))
		case c.Doubtful:
			parts = append(parts, fmt.Sprintf("doubtful: paired %s %s in %s", v.PairedVerdict, iv, p.Run.Label))
		}
	}
	return strings.Join(parts, "; ")
}

// Changes writes change points as "table", "markdown" or "json".
func Changes(w io.Writer, cs []*history.Change, format string) error {
	ew := &errWriter{w: w}
	switch format {
	case FormatJSON:
		return writeJSON(w, NewChangesJSON(cs))
	case FormatTable, FormatMarkdown:
	default:
		return badFormat(format)
	}
	md := format == FormatMarkdown
	esc, name := clean, func(s string) string { return clip(clean(s), maxNameWidth) }
	if md {
		esc, name = mdEscape, mdEscape
		ew.printf("### Change points\n\n")
	}
	if len(cs) == 0 {
		ew.printf("No change points found.\n")
		return ew.err
	}
	header := []string{"Date", "Machine", "Benchmark", "Run", "Commit", "Before", "After", "Change", "p-value", "Direction", "Evidence"}
	right := []bool{false, false, false, false, false, true, true, true, true, false, false}
	var rows [][]string
	for _, c := range cs {
		date := numfmt.Missing
		if !c.Run.Time.IsZero() {
			date = c.Run.Time.UTC().Format("2006-01-02 15:04")
		}
		commit := c.Run.File.CommitInfo.ID
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if commit == "" {
			commit = numfmt.Missing
		}
		rows = append(rows, []string{
			date, name(c.Series.Machine.ID), name(c.Series.Benchmark.Name), esc(c.Run.Label), esc(commit),
			figure(c.Before, c.Series.Points[c.Index].Sum.Unit()), figure(c.After, c.Series.Points[c.Index].Sum.Unit()), numfmt.Percent(c.Percent), numfmt.PValue(c.PValue),
			string(c.Direction), esc(Evidence(c)),
		})
	}
	if md {
		mdTable(ew, header, right, rows)
		ew.printf("\n<sub>%s. %s.</sub>\n", changesMethod, changesEvidence)
	} else {
		textTable(ew, header, right, rows)
		ew.printf("\n%s.\n%s.\n", changesMethod, changesEvidence)
	}
	return ew.err
}

// changesMethod and changesEvidence are the notes under the table, a
// line each.
const (
	changesMethod   = "Change points: E-divisive means on each series' run medians, permutation test at α = 0.01, steps within the runs' own noise left out; Before/After are the medians between neighbouring change points"
	changesEvidence = "Evidence: a slow drift reported once; a paired verdict (run --against/--compare) within 2 runs that confirms the change, or that found none and makes it doubtful (never open)"
)

// RecentRegressions describes, one line each, the open regressions whose
// first run is among the newest n runs of their machine.
func RecentRegressions(cs []*history.Change, n int) []string {
	var out []string
	for _, c := range history.OpenRegressions(cs, n) {
		out = append(out, fmt.Sprintf("%s on %s: %s since %s (%d of the machine's runs since)",
			clip(clean(c.Series.Benchmark.Name), maxNameWidth), clip(clean(c.Series.Machine.ID), maxNameWidth), numfmt.Percent(c.Percent), clean(c.Run.Label), c.Age+1))
	}
	return out
}
