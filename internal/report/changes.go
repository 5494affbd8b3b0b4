package report

import (
	"fmt"
	"io"

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
}

// NewChangesJSON converts changes (in their order) to the JSON document.
func NewChangesJSON(cs []*history.Change) ChangesJSON {
	doc := ChangesJSON{Changes: []ChangeJSON{}}
	for _, c := range cs {
		doc.Changes = append(doc.Changes, ChangeJSON{
			Name: c.Series.Benchmark.Name, Fullname: c.Series.Benchmark.Fullname,
			Machine: c.Series.Machine.ID, Run: c.Run.Label,
			Commit: c.Run.File.CommitInfo.ID, Date: c.Run.File.Datetime,
			Before: c.Before, After: c.After, ChangePercent: finite(c.Percent),
			Direction: string(c.Direction), PValue: c.PValue,
		})
	}
	return doc
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
	header := []string{"Date", "Machine", "Benchmark", "Run", "Commit", "Before", "After", "Change", "p-value", "Direction"}
	right := []bool{false, false, false, false, false, true, true, true, true, false}
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
			string(c.Direction),
		})
	}
	if md {
		mdTable(ew, header, right, rows)
		ew.printf("\n<sub>%s.</sub>\n", changesMethod)
	} else {
		textTable(ew, header, right, rows)
		ew.printf("\n%s.\n", changesMethod)
	}
	return ew.err
}

const changesMethod = "Change points: E-divisive means on each series' run medians, permutation test at α = 0.01; Before/After are the medians between neighbouring change points"

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
