// Package textenc checks the text encoding of input files. Result files and
// benchmark output are UTF-8; files saved by some tools carry a UTF-8
// byte-order mark (accepted and dropped), and a shell redirect in Windows
// PowerShell 5 writes UTF-16 (refused with a message that says so, rather
// than being misread as a file without benchmarks).
package textenc

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// EncodingError says an input is not UTF-8.
type EncodingError struct {
	Encoding string // "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"
}

func (e *EncodingError) Error() string {
	return fmt.Sprintf("the file is encoded in %s; benchsite reads UTF-8: convert it (iconv -f %s -t UTF-8 FILE > FILE.utf8; in PowerShell, write it with Out-File -Encoding utf8)", e.Encoding, e.Encoding)
}

// UTF8 returns data without a leading UTF-8 byte-order mark, or an
// *EncodingError when data starts with a UTF-16 or UTF-32 byte-order mark,
// or looks like UTF-16 text without one (a NUL byte beside an ASCII byte in
// its first two bytes; NUL never occurs in benchmark output or JSON).
func UTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, bom):
		return data[len(bom):], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return nil, &EncodingError{"UTF-32LE"}
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return nil, &EncodingError{"UTF-32BE"}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return nil, &EncodingError{"UTF-16LE"}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, &EncodingError{"UTF-16BE"}
	case len(data) >= 2 && data[0] != 0 && data[0] < 0x80 && data[1] == 0:
		return nil, &EncodingError{"UTF-16LE"}
	case len(data) >= 2 && data[0] == 0 && data[1] != 0 && data[1] < 0x80:
		return nil, &EncodingError{"UTF-16BE"}
	}
	return data, nil
}

// Printable returns s with every control character (C0, C1: escape
// sequences, newlines, NUL), format character (Unicode Cf: bidi overrides,
// zero-width joiners) and invalid UTF-8 replaced by repl. It is the one
// rule for showing untrusted names (benchmarks, machines, labels) in a
// terminal ('?') or on the site (U+FFFD).
func Printable(s string, repl rune) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return repl
		}
		return r
	}, s)
}
