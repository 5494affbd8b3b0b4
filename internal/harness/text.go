package harness

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/benchsite/benchsite/internal/result"
)

// lines splits text output into lines without their line ends.
func lines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.Split(s, "\n")
}

// lineErr is an error at line n (1-based) of file name, column col (in
// runes, 1-based; 0 when the whole line is meant).
func lineErr(name string, n int, col int, format string, args ...any) *result.Error {
	return &result.Error{File: name, Line: n, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// colOf is the 1-based rune column of sub's first occurrence in line (1 if
// absent).
func colOf(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return 1
	}
	return 1 + utf8.RuneCountInString(line[:i])
}

// timeValue reads num printed in unit unit on line n, which must be a time.
func timeValue(name string, n int, line, num, unit string) (float64, error) {
	u, err := ParseUnit(unit)
	if err == nil && !u.IsTime() {
		err = fmt.Errorf("unit %q is not a time", unit)
	}
	if err != nil {
		return 0, lineErr(name, n, colOf(line, unit), "%v", err)
	}
	v, err := u.Value(num)
	if err != nil {
		return 0, lineErr(name, n, colOf(line, num), "%v", err)
	}
	return v, nil
}

// cutLine returns the 1-based number and the text of the last line of data
// when data does not end in a line end and that line holds more than
// spaces: a harness ends every line it prints, so such a line was most
// likely cut off (a copy stopped, a disk filled). It returns 0, "" when the
// file ends in a line end.
func cutLine(data []byte, ls []string) (int, string) {
	if len(data) == 0 || data[len(data)-1] == '\n' || len(ls) == 0 {
		return 0, ""
	}
	last := ls[len(ls)-1]
	if strings.TrimSpace(last) == "" {
		return 0, ""
	}
	return len(ls), last
}

// checkCut is what every text reader does with its last line when the file
// does not end in a line end and that line was not read as a benchmark
// (read is the 1-based number of the last line the reader used): a line
// that looks like the start of a result (resultLike) is an error naming
// it, since a benchmark would otherwise be lost without a word; any other
// line is named in a warning.
func checkCut(run *Run, data []byte, ls []string, name string, read int, resultLike func(string) bool) error {
	n, last := cutLine(data, ls)
	if n == 0 || n == read {
		return nil
	}
	if resultLike(last) {
		return lineErr(name, n, 1, "the file ends in the middle of a benchmark result (%q, no line end): it was cut off; restore the whole output or delete this line", strings.TrimSpace(last))
	}
	run.Warnings = append(run.Warnings, fmt.Sprintf("line %d, the last, has no line end and was not read as a benchmark (cut off?): %q", n, strings.TrimSpace(last)))
	return nil
}
