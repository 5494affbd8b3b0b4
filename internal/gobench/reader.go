// Package gobench reads the output of Go benchmarks — plain `go test -bench`
// text or `go test -json` events — and turns it into benchsite results.
//
// Text is parsed by golang.org/x/perf/benchfmt (the Go benchmark format,
// golang.org/design/14313-benchmark-format): benchmark lines, "key: value"
// configuration lines (goos, goarch, pkg, cpu, note, ...) and Unit lines;
// everything else (PASS, ok, logs) is ignored. `go test -json` input is
// recognised by its first non-blank byte being '{': the Output fields of its
// events are joined per package and parsed as text, and errors are reported at
// the line of the JSON event that carried the bad text.
//
// One result line is one round. Results of the same benchmark (one per
// -count) are grouped into one result.Benchmark by Collector:
//
//   - name:     full name without the -GOMAXPROCS suffix, "BenchmarkForward/batch=32"
//   - param:    the sub-benchmark part, "batch=32"
//   - params:   its key=value parts, {"batch": "32"} (null when there are none)
//   - fullname: "<package path relative to the module>::<name>", e.g.
//     "tests/benchmarks::BenchmarkForward/batch=32"; the import path when the
//     package is outside the module (or no module is known); "." for the
//     module's root package; just the name when the input names no package
//   - group:    the relative package path, as for fullname
//   - stats:    per-round seconds per op (ns/op, or any time unit) via stats.Compute
//   - extra_info: B/op, allocs/op and every other unit (MB/s, b.ReportMetric
//     units) under its unit name as written, median across rounds
//
// Results that carry no time per op (files of only custom units) cannot be
// measured in pytest-benchmark's terms; they are left out and listed in
// Output.Untimed, and an input where no result has a time is an error.
// 0 ns/op is a time (an empty benchmark), as in benchfmt. A line whose
// figures no measurement gives (a negative time, B/op, allocs/op or MB/s; a
// NaN or infinite value; an iteration count below 1) or whose name is over
// result.MaxNameLen is a *SyntaxError naming the line and the value, as is a
// malformed line; Options.SkipInvalid skips such lines, listing each, as
// benchstat does. Lines of any length are read (benchfmt alone stops at
// 64 KiB): a long log line is ignored and line numbers stay right.
package gobench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"

	"github.com/benchsite/benchsite/internal/result"
)

// Result is one benchmark result line: one round of one benchmark.
type Result struct {
	Pkg        string  // import path from the "pkg:" line (or the JSON event); "" when unknown
	Name       string  // "BenchmarkForward/batch=32": full name without the -GOMAXPROCS suffix
	Procs      int     // GOMAXPROCS from the name's suffix; 0 when the name has none
	Iterations int     // b.N of the round
	SecPerOp   float64 // seconds per op; valid when HasTime
	HasTime    bool
	// Metrics holds every other value by its unit as written in the input
	// ("B/op", "allocs/op", "MB/s", custom b.ReportMetric units), in input
	// order.
	Metrics []Metric
	// Config is the configuration in effect for this line (goos, goarch,
	// pkg, cpu, note, ...).
	Config map[string]string
	File   string // name given to the reader
	Line   int    // 1-based line of the input that held the result
}

// Metric is one value/unit pair of a result line other than the time.
type Metric struct {
	Unit  string
	Value float64
}

// SyntaxError is a malformed line of benchmark output.
type SyntaxError struct {
	File string
	Line int
	Msg  string
	// Figure is set when the line is well formed but a figure on it is no
	// measurement (negative, NaN, infinite), or its name is too long.
	Figure bool
	// Config is set for a configuration line that is refused (a value
	// over result.MaxNameLen): Options.SkipInvalid does not skip it, as
	// the results after it would be read under the wrong configuration
	// (two packages' benchmarks of one name would merge).
	Config bool
	// Bench is the benchmark name on a malformed benchmark line, as
	// printed (a skipped line loses that benchmark's round); "" otherwise.
	Bench string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Reader reads results one at a time from Go benchmark output; it streams:
// each call to Next returns as soon as the line holding the next text result
// has been read, so a caller can show progress while a benchmark runs. (JSON
// input is parsed one package at a time, when the package's end event or the
// end of input arrives, because the events of several packages may
// interleave and each package has its own configuration lines.)
type Reader struct {
	name   string
	br     *bufio.Reader
	mode   int // 0 undetected, 1 text, 2 json
	text   *textStream
	queue  []any // *Result or error, for JSON mode
	jsonLn int   // JSON mode: current input line
	pkgs   map[string]*pkgText
	order  []string // packages in order of first output, for EOF flushing
	done   bool
}

// pkgText is the output text of one package in JSON mode, with the JSON line
// of every text line.
type pkgText struct {
	buf     bytes.Buffer
	lines   []int // JSON line where each complete text line started
	partial int   // JSON line where the unfinished last line started; 0 if none
}

// NewReader returns a Reader of r; name is used in errors (usually the file
// name).
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next result. At the end of input it returns io.EOF. A
// malformed line gives a *SyntaxError; reading may go on after it. Other
// errors are I/O errors.
func (r *Reader) Next() (*Result, error) {
	if r.mode == 0 {
		if err := r.detect(); err != nil {
			return nil, err
		}
	}
	if r.mode == 1 {
		return r.text.next()
	}
	for {
		if len(r.queue) > 0 {
			x := r.queue[0]
			r.queue = r.queue[1:]
			if e, ok := x.(error); ok {
				return nil, e
			}
			return x.(*Result), nil
		}
		if r.done {
			return nil, io.EOF
		}
		if err := r.readEvent(); err != nil {
			return nil, err
		}
	}
}

// detect peeks at the first non-blank byte: '{' means go test -json.
func (r *Reader) detect() error {
	r.mode = 1
scan:
	for {
		b, err := r.br.Peek(1)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			if b[0] == '\n' {
				r.jsonLn++
			}
			r.br.ReadByte()
		case '{':
			r.mode = 2
			r.pkgs = map[string]*pkgText{}
			break scan
		default:
			break scan
		}
	}
	if r.mode == 1 {
		// The newlines skipped above are lines too: start counting from
		// there by feeding them back.
		pre := strings.Repeat("\n", r.jsonLn)
		lf := newLineFilter(io.MultiReader(strings.NewReader(pre), r.br), r.name, 1)
		r.text = &textStream{name: r.name, tr: benchfmt.NewReader(lf, r.name), lf: lf}
	}
	return nil
}

// textStream reads results from benchmark text.
type textStream struct {
	name string
	tr   *benchfmt.Reader
	lf   *lineFilter // the filter tr reads through
	// lineMap, when not nil, maps the text's 1-based lines to the lines of
	// the input (JSON mode).
	lineMap []int
	held    []any // *Result or error, to return before reading on
}

func (s *textStream) mapLine(l int) int {
	if s.lineMap != nil && l >= 1 && l <= len(s.lineMap) {
		return s.lineMap[l-1]
	}
	return l
}

// next returns the next result, a *SyntaxError for a malformed line, or
// io.EOF; errors for over-long lines come in line order with the rest.
func (s *textStream) next() (*Result, error) {
	for len(s.held) == 0 {
		if !s.tr.Scan() {
			for _, e := range s.lf.takeLong(0) {
				e.Line = s.mapLine(e.Line)
				s.held = append(s.held, e)
			}
			if len(s.held) > 0 {
				break
			}
			if err := s.tr.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		var item any
		var line int
		switch rec := s.tr.Result().(type) {
		case *benchfmt.SyntaxError:
			line = rec.Line
			se := &SyntaxError{File: s.name, Line: s.mapLine(rec.Line), Msg: rec.Msg, Bench: s.lf.benchName(rec.Line)}
			if se.Bench != "" {
				se.Msg = se.Bench + ": " + se.Msg
			}
			if strings.Contains(rec.Msg, "out of range") {
				// benchfmt's "parsing measurement: value out of range": a
				// well-formed line whose figure does not fit a float64.
				se.Msg, se.Figure = rec.Msg+" (a figure beyond ±1.8e308, which no measurement gives): fix the figure, or delete the line", true
			}
			item = se
		case *benchfmt.Result:
			res, msg := convert(rec)
			line = res.Line
			res.File = s.name
			res.Line = s.mapLine(res.Line)
			item = res
			if msg != "" {
				item = &SyntaxError{File: s.name, Line: res.Line, Msg: msg, Figure: true}
			}
		default:
			// *benchfmt.UnitMetadata: unit assumptions are benchstat's
			// business, not ours.
			continue
		}
		s.lf.benchName(line) // forgets the names of the lines before
		for _, e := range s.lf.takeLong(line) {
			e.Line = s.mapLine(e.Line)
			s.held = append(s.held, e)
		}
		s.held = append(s.held, item)
	}
	x := s.held[0]
	s.held = s.held[1:]
	if e, ok := x.(error); ok {
		return nil, e
	}
	return x.(*Result), nil
}

// convert copies what we need out of benchfmt's reused Result. msg, when
// not empty, says why the line must be refused: a name over
// result.MaxNameLen, an iteration count below 1, a time, B/op, allocs/op or
// MB/s that is negative, or any figure that is NaN or infinite.
func convert(rec *benchfmt.Result) (res *Result, msg string) {
	_, line := rec.Pos()
	res = &Result{Iterations: rec.Iters, Line: line, Config: make(map[string]string, len(rec.Config))}
	for _, c := range rec.Config {
		res.Config[c.Key] = string(c.Value)
	}
	res.Pkg = res.Config["pkg"]
	for _, c := range rec.Config {
		// Lines over the limit are refused by lineFilter; this catches a
		// package from a go test -json event.
		if len(c.Value) > result.MaxNameLen {
			return res, fmt.Sprintf("configuration %s of %d bytes (%.40q…); benchsite takes configuration values of at most %d bytes", c.Key, len(c.Value), c.Value, result.MaxNameLen)
		}
	}
	base, parts := rec.Name.Parts()
	var name strings.Builder
	name.WriteString("Benchmark")
	name.Write(base)
	for _, p := range parts {
		if p[0] == '-' {
			res.Procs, _ = strconv.Atoi(string(p[1:]))
			continue
		}
		name.Write(p)
	}
	res.Name = name.String()
	if len(res.Name) > result.MaxNameLen {
		return res, fmt.Sprintf("a benchmark name of %d bytes (%.40q…); names over %d bytes are refused (shorten the name)", len(res.Name), res.Name, result.MaxNameLen)
	}
	if rec.Iters < 1 {
		return res, fmt.Sprintf("Benchmark%s: iteration count %d; go test runs a benchmark at least once", rec.Name, rec.Iters)
	}
	for _, v := range rec.Values {
		unit, val := v.Unit, v.Value
		if v.OrigUnit != "" {
			unit, val = v.OrigUnit, v.OrigValue
		}
		if m := badFigure(val, unit, v.Unit); m != "" {
			return res, fmt.Sprintf("Benchmark%s: %s %s: %s", rec.Name, strconv.FormatFloat(val, 'g', -1, 64), unit, m)
		}
		if v.Unit != "sec/op" && v.OrigUnit == "" {
			// benchunit.Tidy leaves a 0 in its own unit (0 × 1e-9 == 0):
			// 0 ns/op is a time too (an empty benchmark), as benchfmt
			// keeps it.
			if f, tidy := benchunit.Tidy(1, v.Unit); tidy == "sec/op" {
				v.Unit, v.Value, v.OrigUnit, v.OrigValue = "sec/op", v.Value*f, v.Unit, v.Value
			}
		}
		if v.Unit == "sec/op" && !res.HasTime {
			res.SecPerOp, res.HasTime = v.Value, true
			if v.OrigUnit == "ns/op" {
				// benchunit multiplies by 1e-9, which is off in the
				// last bit for many printed figures (100 ns →
				// 1.0000000000000001e-07); shifting the decimal
				// exponent of the shortest form gives the correctly
				// rounded seconds of what was printed.
				s := strconv.FormatFloat(v.OrigValue, 'e', -1, 64)
				if m, e, ok := strings.Cut(s, "e"); ok {
					if exp, err := strconv.Atoi(e); err == nil {
						if f, err := strconv.ParseFloat(m+"e"+strconv.Itoa(exp-9), 64); err == nil {
							res.SecPerOp = f
						}
					}
				}
			}
			continue
		}
		res.Metrics = append(res.Metrics, Metric{Unit: unit, Value: val})
	}
	return res, ""
}

// badFigure says why val in unit (tidy, benchunit's tidied unit) is no
// measurement: NaN or infinite anywhere; negative as a time, a size or a
// rate (custom b.ReportMetric units may be negative).
func badFigure(val float64, unit, tidy string) string {
	switch {
	case math.IsNaN(val) || math.IsInf(val, 0):
		return "not a finite number; fix the input (every figure must be one)"
	case val < 0 && (tidy == "sec/op" || unit == "B/op" || unit == "allocs/op" || unit == "MB/s" || tidy == "B/s"):
		return "a negative figure, which no measurement gives; fix the input"
	}
	return ""
}

// event is the part of a test2json event we use.
type event struct {
	Action  string
	Package string
	Test    string
	Output  *string
}

// readEvent reads one JSON line and queues whatever it completes.
func (r *Reader) readEvent() error {
	line, err := r.br.ReadBytes('\n')
	if len(line) == 0 && err != nil {
		if err != io.EOF {
			return fmt.Errorf("%s:%d: %w", r.name, r.jsonLn+1, err)
		}
		r.done = true
		for _, p := range r.order {
			r.flush(p)
		}
		return nil
	}
	r.jsonLn++
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	var ev event
	if err := json.Unmarshal(line, &ev); err != nil {
		msg := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg = "invalid JSON: " + msg
		}
		r.queue = append(r.queue, &SyntaxError{File: r.name, Line: r.jsonLn,
			Msg: msg + " (expected one `go test -json` event per line)"})
		return nil
	}
	if ev.Output != nil && *ev.Output != "" {
		p := r.pkgs[ev.Package]
		if p == nil {
			p = &pkgText{}
			r.pkgs[ev.Package] = p
			r.order = append(r.order, ev.Package)
		}
		out := *ev.Output
		for out != "" {
			if p.partial == 0 {
				p.partial = r.jsonLn
			}
			i := strings.IndexByte(out, '\n')
			if i < 0 {
				p.buf.WriteString(out)
				break
			}
			p.buf.WriteString(out[:i+1])
			p.lines = append(p.lines, p.partial)
			p.partial = 0
			out = out[i+1:]
		}
	}
	// The package's own end event (no Test) closes its output.
	if ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip") {
		r.flush(ev.Package)
	}
	return nil
}

// flush parses the buffered text of package pkg and queues its results.
func (r *Reader) flush(pkg string) {
	p := r.pkgs[pkg]
	if p == nil {
		return
	}
	delete(r.pkgs, pkg)
	if p.partial != 0 {
		p.buf.WriteByte('\n')
		p.lines = append(p.lines, p.partial)
	}
	var init []string
	if pkg != "" {
		// Test binaries print "pkg:" themselves; this covers output that
		// lacks it.
		init = []string{"pkg", pkg}
	}
	lf := newLineFilter(&p.buf, r.name, 1)
	tr := new(benchfmt.Reader)
	tr.Reset(lf, r.name, init...)
	ts := &textStream{name: r.name, tr: tr, lf: lf, lineMap: p.lines}
	for {
		res, err := ts.next()
		if err == io.EOF {
			return
		}
		if err != nil {
			r.queue = append(r.queue, err)
			var se *SyntaxError
			if errors.As(err, &se) {
				continue
			}
			return
		}
		r.queue = append(r.queue, res)
	}
}
