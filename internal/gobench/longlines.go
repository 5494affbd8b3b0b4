package gobench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/benchsite/benchsite/internal/result"
)

// maxLine is the longest line handed to benchfmt, whose bufio.Scanner
// stops at 64 KiB ("token too long") and then loses the rest of the input.
// Longer lines are replaced by an empty line, so line numbers stay right: a
// long log line is nothing to us, and a benchmark line that long has a name
// far over result.MaxNameLen, which is reported as an error for that line.
const maxLine = 60 << 10

// lineFilter passes its input through, line by line, with every line
// longer than maxLine replaced by an empty one.
type lineFilter struct {
	br   *bufio.Reader
	name string
	line int // lines read so far
	out  []byte
	// long lists the benchmark lines dropped for their length, in order.
	long []*SyntaxError
	err  error
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
	if !errors.Is(err, bufio.ErrBufferFull) {
		f.out = chunk
		if err != nil && err != io.EOF {
			f.err = err
		}
		return
	}
	// Longer than the buffer: skip to the end of the line.
	bench := bytes.HasPrefix(chunk, []byte("Benchmark"))
	n := len(chunk)
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = f.br.ReadSlice('\n')
		n += len(chunk)
	}
	if bench {
		f.long = append(f.long, &SyntaxError{File: f.name, Line: f.line, Figure: true,
			Msg: fmt.Sprintf("a benchmark line of %d bytes; benchmark names over %d bytes are refused (shorten the name)", n, result.MaxNameLen)})
	}
	f.out = []byte("\n")
	if err != nil && err != io.EOF {
		f.err = err
	}
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
