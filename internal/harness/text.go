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
