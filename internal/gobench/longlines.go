package gobench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/benchsite/benchsite/internal/result"
)

// maxLine is the longest line handed to benchfmt, whose bufio.Scanner
// stops at 64 KiB ("token too long") and then loses the rest of the input.
// Longer lines are replaced by an empty line, so line numbers stay right: a
// long log line is nothing to us, and a benchmark line that long has a name
// far over result.MaxNameLen, which is reported as an error for that line.
const maxLine = 60 << 10

// lineFilter passes its input through, line by line, with every line
// longer than maxLine replaced by an empty one, and every configuration
// line ("key: value", benchfmt's rule) whose value is over
// result.MaxNameLen replaced by an empty one and reported: configuration
// values become part of benchmark groups and names (pkg, and the
// " [key=value]" that tells apart benchmarks of one name), so a value no
// name may have is refused, never dropped — dropping a "pkg:" line would
// merge two packages' benchmarks of the same name.
type lineFilter struct {
	br   *bufio.Reader
	name string
	line int // lines read so far
	out  []byte
	// long lists the benchmark lines dropped for their length, in order.
	long []*SyntaxError
	// benches are the names on the benchmark lines read and not yet
	// parsed, in order (benchfmt reads ahead), so that an error for a
	// malformed line can name the benchmark it loses.
	benches []benchLine
	err     error
}

func newLineFilter(r io.Reader, name string, firstLine int) *lineFilter {
	return &lineFilter{br: bufio.NewReaderSize(r, maxLine), name: name, line: firstLine - 1}
}

func (f *lineFilter) Read(p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.next()
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// next reads one line into f.out (or sets f.err).
func (f *lineFilter) next() {
	chunk, err := f.br.ReadSlice('\n')
	if len(chunk) == 0 && err != nil {
		f.err = err
		return
	}
	f.line++
	if bytes.HasPrefix(chunk, []byte("Benchmark")) {
		name, _, _ := bytes.Cut(chunk[:min(len(chunk), 200)], []byte(" "))
		name, _, _ = bytes.Cut(name, []byte("\t"))
		f.benches = append(f.benches, benchLine{f.line, string(bytes.TrimRight(name, "\r\n"))})
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		if len(chunk) > result.MaxNameLen {
			if key, val, ok := configLine(chunk); ok && len(val) > result.MaxNameLen {
				f.refuseConfig(key, val, len(val))
				chunk = []byte("\n")
			}
		}
		f.out = chunk
		if err != nil && err != io.EOF {
			f.err = err
		}
		return
	}
	// Longer than the buffer: skip to the end of the line.
	bench := bytes.HasPrefix(chunk, []byte("Benchmark"))
	key, val, config := configLine(chunk)
	head := len(chunk) - len(val)
	// chunk is f.br's buffer, which the reads below overwrite.
	key, val = bytes.Clone(key[:min(len(key), 100)]), bytes.Clone(val[:min(len(val), 40)])
	n := len(chunk)
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = f.br.ReadSlice('\n')
		n += len(chunk)
	}
	switch {
	case bench:
		f.long = append(f.long, &SyntaxError{File: f.name, Line: f.line, Figure: true,
			Msg: fmt.Sprintf("a benchmark line of %d bytes; benchmark names over %d bytes are refused (shorten the name)", n, result.MaxNameLen)})
	case config:
		f.refuseConfig(key, val, n-head)
	}
	f.out = []byte("\n")
	if err != nil && err != io.EOF {
		f.err = err
	}
}

type benchLine struct {
	line int
	name string
}

// benchName returns the benchmark name on line (as printed, with its
// -GOMAXPROCS suffix), "" when the line is not a benchmark line, and
// forgets the names of lines before it.
func (f *lineFilter) benchName(line int) string {
	for len(f.benches) > 0 && f.benches[0].line < line {
		f.benches = f.benches[1:]
	}
	if len(f.benches) > 0 && f.benches[0].line == line {
		return f.benches[0].name
	}
	return ""
}

// refuseConfig records the error for a configuration line whose value,
// starting with val, is n bytes long.
func (f *lineFilter) refuseConfig(key, val []byte, n int) {
	v := string(val[:min(len(val), 40)])
	f.long = append(f.long, &SyntaxError{File: f.name, Line: f.line, Config: true,
		Msg: fmt.Sprintf("configuration line %q with a value of %d bytes (%q…); benchsite takes configuration values of at most %d bytes, as they become part of benchmark groups and names: shorten it (or, if it is log output, print it on a line that does not start with \"%s:\")",
			string(key)+": …", n, v, result.MaxNameLen, key)})
}

// configLine reports whether line (or the start of a line) is a
// configuration line by benchfmt's rule — a key that begins with a lower
// case letter and holds no space or upper case letter, then ':' and a blank
// or the end of the line — and returns its key and value. A line whose key
// runs past what is given (over maxLine) is taken for log output.
func configLine(line []byte) (key, val []byte, ok bool) {
	for i := 0; i < len(line); {
		r, n := utf8.DecodeRune(line[i:])
		if i == 0 && !unicode.IsLower(r) {
			return nil, nil, false
		}
		if unicode.IsSpace(r) || unicode.IsUpper(r) {
			return nil, nil, false
		}
		if i > 0 && r == ':' {
			val = bytes.TrimRight(line[i+1:], "\r\n")
			if len(val) > 0 && val[0] != ' ' && val[0] != '\t' {
				return nil, nil, false
			}
			return line[:i], bytes.TrimLeft(val, " \t"), true
		}
		i += n
	}
	return nil, nil, false
}

// takeLong returns, and forgets, the errors for dropped benchmark lines
// before line (all of them when line is 0).
func (f *lineFilter) takeLong(line int) []*SyntaxError {
	i := 0
	for i < len(f.long) && (line == 0 || f.long[i].Line < line) {
		i++
	}
	out := f.long[:i]
	f.long = f.long[i:]
	return out
}
