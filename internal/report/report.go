// Package report renders results for people and tools.
//
//   - RunTable: the end-of-run table, laid out as pytest-benchmark's terminal
//     table: one block per group, rows sorted by name, columns Min, Max,
//     Mean, StdDev, Median, IQR, Outliers, OPS, Rounds, Iterations (plus
//     B/op and allocs/op when the run recorded them), one time unit per
//     block chosen from the smallest Min as pytest-benchmark's time_unit
//     does (s, ms, us, ns), and each figure's ratio to the block's best in
//     parentheses when the block has more than one row.
//   - Comparison: a compare.Report as "table" (aligned text, then the
//     regression lines in pytest-benchmark's words, then warnings),
//     "markdown" (a GitHub-flavoured table for job summaries and PR
//     comments) or "json" (see ComparisonJSON).
//   - Targets: target statuses in the same three formats (see TargetsJSON).
//   - ProfileTable: a benchmark's profile summary (benchsite run --profile),
//     functions by cumulative value as `go tool pprof -top -cum` lists them.
//
// Every name, label and message comes from result files, which are
// untrusted: text output has control characters replaced so a name cannot
// drive the terminal, Markdown output escapes `|`, `<`, `>`, `&`, backticks
// and the other Markdown punctuation so a name cannot break the table or
// inject HTML, and JSON output is encoded with HTML escaping.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/timefmt"
	"github.com/mattn/go-runewidth"

	"github.com/benchsite/benchsite/internal/textenc"
)

// Formats accepted by Comparison and Targets.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

func badFormat(format string) error {
	return fmt.Errorf("unknown format %q; use table, markdown or json", format)
}

// errWriter keeps the first write error so rendering code can write freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, nil
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// clean makes untrusted text safe for a terminal: control and format
// characters (escape sequences, newlines, bidi overrides) become '?'.
func clean(s string) string { return textenc.Printable(s, '?') }

// mdEscape makes untrusted text inert inside a Markdown table cell or list
// item: HTML-significant characters become entities, Markdown punctuation is
// backslash-escaped, line breaks become spaces.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			b.WriteRune('\uFFFD')
		case strings.ContainsRune("\\`|*_[]!~$:.@", r):
			// The characters with inline meaning. Escaped text is only
			// placed where block syntax cannot start (table cells, after a
			// fixed prefix), so # and - need no escape. $ is GitHub's math
			// delimiter; escaping : . @ keeps GFM from autolinking URLs
			// and e-mail addresses in names.
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// width is the number of terminal cells s takes.
func width(s string) int { return runewidth.StringWidth(s) }

// maxNameWidth is the most terminal columns a benchmark or machine name
// takes in a table; longer names are cut with "…" (the JSON and Markdown
// output and the site keep them whole).
const maxNameWidth = 60

// clip cuts s to at most n terminal columns, ending it with "…" when cut.
func clip(s string, n int) string { return runewidth.Truncate(s, n, "…") }

func padRight(s string, w int) string {
	if n := width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func padLeft(s string, w int) string {
	if n := width(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// center is Python's str.center (the padding split follows CPython, so
// headers line up as pytest-benchmark's do).
func center(s string, w int, fill string) string {
	marg := w - width(s)
	if marg <= 0 {
		return s
	}
	left := marg/2 + (marg & w & 1)
	return strings.Repeat(fill, left) + s + strings.Repeat(fill, marg-left)
}

// grouped formats v with 4 decimals and thousands separators, like
// Python's "{0:,.4f}".
func grouped(v float64, decimals int) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// timeUnit is pytest-benchmark's utils.time_unit.
func timeUnit(v float64) (prefix string, scale float64) {
	switch {
	case v < 1e-6:
		return "n", 1e9
	case v < 1e-3:
		return "u", 1e6
	case v < 1:
		return "m", 1e3
	}
	return "", 1
}

// opsUnit is pytest-benchmark's utils.operations_unit.
func opsUnit(v float64) (prefix string, scale float64) {
	switch {
	case v > 1e6:
		return "M", 1e-6
	case v > 1e3:
		return "K", 1e-3
	}
	return "", 1
}

// percent and pValue are numfmt's, shared with the site; a missing p-value
// (no test run) is Missing too.
func percent(v float64) string { return numfmt.Percent(v) }

func pValue(ok bool, p float64) string {
	if !ok {
		return numfmt.Missing
	}
	return numfmt.PValue(p)
}

// seconds formats one time with 4 significant digits in its own unit
// ("217.3 ns", "1.235 ms"), for columns whose rows differ in size; "—" for
// a missing value (numfmt.Missing).
func seconds(v float64) string {
	if math.IsNaN(v) {
		return numfmt.Missing
	}
	return timefmt.Seconds(v, 4)
}

// finite returns &v, or nil for NaN and infinities (which JSON cannot hold).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Table writes rows under header in aligned columns, as benchsite's other
// terminal tables are laid out; right[i] right-aligns column i (nil: every
// column left-aligned).
func Table(w io.Writer, header []string, right []bool, rows [][]string) {
	if right == nil {
		right = make([]bool, len(header))
	}
	textTable(w, header, right, rows)
}

// columnWidths is the display width of each column of the table of header
// and rows: its widest cell.
func columnWidths(header []string, rows [][]string) []int {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], width(c))
		}
	}
	return widths
}

// textTable lays out rows of cells in aligned columns; right[i] right-aligns
// column i. Columns are separated by two spaces.
func textTable(w io.Writer, header []string, right []bool, rows [][]string) {
	widths := columnWidths(header, rows)
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(padLeft(c, widths[i]))
			} else if i == len(cells)-1 {
				b.WriteString(c)
			} else {
				b.WriteString(padRight(c, widths[i]))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header)
	total := 2 * (len(widths) - 1)
	for _, n := range widths {
		total += n
	}
	fmt.Fprintln(w, strings.Repeat("-", total))
	for _, r := range rows {
		line(r)
	}
}

// mdTable writes a GitHub-flavoured Markdown table. Cells must already be
// escaped.
func mdTable(w io.Writer, header []string, right []bool, rows [][]string) {
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
		if right[i] {
			seps[i] = "---:"
		}
	}
	fmt.Fprintln(w, "| "+strings.Join(seps, " | ")+" |")
	for _, r := range rows {
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
}
