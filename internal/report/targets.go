package report

import (
	"io"
	"strings"

	"github.com/benchsite/benchsite/internal/target"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// TargetsJSON is the "json" format of Targets. Times are in seconds; Median
// is null for targets not found in the run.
type TargetsJSON struct {
	Missed  bool          `json:"missed"` // any found benchmark over its bound
	Targets []TargetEntry `json:"targets"`
}

// TargetEntry is one status of TargetsJSON.
type TargetEntry struct {
	Benchmark string   `json:"benchmark"` // as written in the targets table
	Name      string   `json:"name"`      // matched benchmark ("" when not found)
	Fullname  string   `json:"fullname"`
	Found     bool     `json:"found"`
	Met       bool     `json:"met"`
	Missed    bool     `json:"missed"`
	Median    *float64 `json:"median"`
	Limit     float64  `json:"limit"`
	Excess    float64  `json:"excess"` // fraction, 0.1 = 10 %
	Bound     float64  `json:"bound"`  // limit·(1+excess)
	Message   string   `json:"message"`
}

// NewTargetsJSON builds the "json" document for st.
func NewTargetsJSON(st []target.Status) TargetsJSON {
	doc := TargetsJSON{Missed: target.Missed(st), Targets: []TargetEntry{}}
	for _, s := range st {
		e := TargetEntry{Benchmark: s.Benchmark, Name: s.Name, Fullname: s.Fullname, Found: s.Found, Met: s.Met,
			Missed: s.Missed(), Limit: s.Limit, Excess: s.Excess, Bound: s.Bound(), Message: s.Message}
		if s.Found {
			e.Median = finite(s.Median)
		}
		doc.Targets = append(doc.Targets, e)
	}
	return doc
}

func targetVerdict(s target.Status) string {
	switch {
	case !s.Found:
		return "not found"
	case s.Met:
		return "met"
	}
	return "MISSED"
}

func targetEmoji(s target.Status) string {
	switch {
	case !s.Found:
		return "❔"
	case s.Met:
		return "✅"
	}
	return "❌"
}

func targetCells(s target.Status) []string {
	name := s.Name
	if !s.Found {
		name = s.Benchmark
	}
	median := ""
	if s.Found {
		median = timefmt.Short(s.Median)
	}
	return []string{name, median, s.Target.String(), timefmt.Short(s.Bound())}
}

// Targets writes target statuses in format "table", "markdown" or "json".
// Table and Markdown list the statuses in the given order, then the
// messages of misses and of targets not found.
func Targets(w io.Writer, st []target.Status, format string) error {
	ew := &errWriter{w: w}
	switch format {
	case FormatTable, "":
		ew.printf("Performance targets (median must not exceed the limit):\n")
		var rows [][]string
		for _, s := range st {
			cells := targetCells(s)
			for i := range cells {
				cells[i] = clean(cells[i])
			}
			rows = append(rows, append(cells, targetVerdict(s)))
		}
		textTable(ew, []string{"Benchmark", "Median", "Target", "Limit", "Status"}, []bool{false, true, true, true, false}, rows)
		var lines []string
		for _, s := range st {
			if !s.Met {
				lines = append(lines, clean(s.Message))
			}
		}
		if len(lines) > 0 {
			ew.printf("\n%s\n", strings.Join(lines, "\n"))
		}
	case FormatMarkdown:
		icon := "✅"
		if target.Missed(st) {
			icon = "❌"
		}
		ew.printf("### %s Performance targets\n\n", icon)
		var rows [][]string
		for _, s := range st {
			cells := targetCells(s)
			cells[0] = mdEscape(cells[0]) // the name is untrusted; the figures are ours
			for i := range cells {
				if cells[i] == "" {
					cells[i] = "—"
				}
			}
			rows = append(rows, append(cells, targetEmoji(s)+" "+targetVerdict(s)))
		}
		if len(rows) == 0 {
			ew.printf("No targets configured.\n")
			break
		}
		mdTable(ew, []string{"Benchmark", "Median", "Target", "Limit", "Status"}, []bool{false, true, true, true, false}, rows)
		first := true
		for _, s := range st {
			if !s.Met {
				if first {
					ew.printf("\n")
					first = false
				}
				ew.printf("- %s %s\n", targetEmoji(s), mdEscape(s.Message))
			}
		}
	case FormatJSON:
		if err := writeJSON(ew, NewTargetsJSON(st)); err != nil {
			return err
		}
	default:
		return badFormat(format)
	}
	return ew.err
}
