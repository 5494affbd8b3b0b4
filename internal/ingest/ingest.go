// Package ingest reads an input file of any format benchsite takes into a
// run (a result.File): the one rule that `benchsite import` and
// `benchsite compare` both follow, so that whatever one reads the other
// reads too.
//
// Formats are told apart by content, never by file name: Formats lists
// them, each with a Sniff that recognises its content and a Read that turns
// it into a run; the first whose Sniff matches reads the file. Adding a
// harness's format is adding one entry there.
//
// Before sniffing, a UTF-8 byte-order mark is dropped and UTF-16 is refused
// with a message that says so (package textenc). Every benchmark of an input
// either arrives intact in the run or is named: in the error that refuses
// the input, or in one of Run.Warnings (lines skipped under
// Options.SkipInvalid, benchmarks without a time per op, samples cut short).
package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/harness"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/textenc"
	"github.com/benchsite/benchsite/internal/version"
)

// Options tune reading.
type Options struct {
	// Module is the import path of the module in the working directory, so
	// Go results get the fullnames runs of it get (gobench.Options.Module).
	Module string
	// SkipInvalid skips malformed lines of line-oriented formats, each named
	// in a warning, instead of refusing the input.
	SkipInvalid bool
	// Format, when set, reads every input in that format instead of telling
	// it by content: "go", "pytest" or a harness.Format name (see
	// CheckFormat).
	Format string
}

// Run is one input read into a result file.
type Run struct {
	File   *result.File
	Format string // Format.Name of the format it was read as
	// Warnings name what of the input did not arrive intact, each with the
	// file (and line, where there is one).
	Warnings []string
}

// Input is one file to read.
type Input struct {
	Path string // as given; used in messages
	Data []byte // UTF-8, without a byte-order mark
	// ModTime is the file's modification time as RFC 3339 with
	// microseconds, the run's datetime for formats that carry none.
	ModTime string
}

// Format is one input format.
type Format struct {
	Name string // e.g. "pytest-benchmark JSON", for messages
	// Sniff reports whether head, the input's first bytes with leading
	// white space removed (never empty), is in this format.
	Sniff func(head []byte) bool
	// Read reads the input. Its errors name in.Path.
	Read func(in *Input, opt Options) (*Run, error)
}

// Formats are tried in order; the first whose Sniff matches reads the input.
// Go benchmark text comes last: it takes anything, and an input without a
// single benchmark line is an error there.
var Formats []Format

func init() {
	// Set here, not in the declaration: messages list Formats' names.
	Formats = []Format{
		{Name: "go test -json output", Sniff: isGoTestJSON, Read: readGo},
		// Before pytest-benchmark's: other harnesses' JSON objects (Google
		// Benchmark's has "benchmarks" too) must never be read as its.
		{Name: "another harness's output (" + harnessList() + ")", Sniff: func(h []byte) bool { return harness.Detect(h) != nil }, Read: readHarness},
		{Name: "pytest-benchmark JSON", Sniff: func(h []byte) bool { return h[0] == '{' }, Read: readPytest},
		{Name: "go test -bench output", Sniff: func([]byte) bool { return true }, Read: readGo},
	}
}

// Error is an input that cannot be read. Every Error is the user's to fix:
// the command exits 2.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func errorf(format string, args ...any) error { return &Error{fmt.Errorf(format, args...)} }

// ReadFile reads the file at path in whichever format it is in. A folder
// is read as Criterion.rs's target/criterion (see readDir).
func ReadFile(path string, opt Options) (*Run, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return readDir(path, st.ModTime().Format("2006-01-02T15:04:05.000000-07:00"), opt)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf("%s: no such file; name an existing file of benchmark results (%s)", path, formatNames())
	}
	if err != nil {
		return nil, &Error{err}
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{err}
	}
	return Read(data, path, st.ModTime().Format("2006-01-02T15:04:05.000000-07:00"), opt)
}

// Read reads data, the content of the file at path (used in messages);
// modTime is as Input.ModTime.
func Read(data []byte, path, modTime string, opt Options) (*Run, error) {
	data, err := textenc.UTF8(data)
	if err != nil {
		return nil, errorf("%s: %v", path, err)
	}
	head := bytes.TrimLeft(data, " \t\r\n")
	if len(head) == 0 {
		return nil, errorf("%s: empty file; expected %s", path, formatNames())
	}
	in := &Input{Path: path, Data: data, ModTime: modTime}
	if opt.Format != "" {
		return readAs(in, opt)
	}
	for _, f := range Formats {
		if !f.Sniff(head[:min(len(head), 64<<10)]) {
			continue
		}
		run, err := f.Read(in, opt)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				err = &Error{err}
			}
			return nil, err
		}
		run.Format = f.Name
		return run, nil
	}
	return nil, errorf("%s: not in any format benchsite reads (%s)", path, formatNames())
}

func formatNames() string {
	var b bytes.Buffer
	for i, f := range Formats {
		if i > 0 {
			b.WriteString(", ")
			if i == len(Formats)-1 {
				b.WriteString("or ")
			}
		}
		b.WriteString(f.Name)
	}
	return b.String()
}

// isGoTestJSON: go test -json is one event object per line, so its first
// line is a whole JSON object with an Action (a pytest-benchmark file's
// first line is "{" or, minified, the whole file).
func isGoTestJSON(head []byte) bool {
	if head[0] != '{' {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	var ev struct{ Action *string }
	return json.Unmarshal(line, &ev) == nil && ev.Action != nil
}

func readPytest(in *Input, _ Options) (*Run, error) {
	f, err := result.Decode(in.Data, in.Path)
	if err != nil {
		return nil, &Error{err}
	}
	if len(f.Benchmarks) == 0 {
		return nil, errorf("%s: no benchmarks in the file; nothing to read", in.Path)
	}
	return &Run{File: f, Warnings: f.Notes}, nil
}

// readGo reads go test -bench text and go test -json output (gobench tells
// them apart by itself).
func readGo(in *Input, opt Options) (*Run, error) {
	out, err := gobench.ParseWith(bytes.NewReader(in.Data), in.Path, gobench.Options{Module: opt.Module, SkipInvalid: opt.SkipInvalid})
	if err != nil {
		var se *gobench.SyntaxError
		if errors.As(err, &se) && !se.Figure && !se.Config {
			return nil, errorf("%v; the line is not a benchmark result as go test prints it (log output printed inside it?): fix the file, or skip such lines with --skip-invalid", err)
		}
		return nil, &Error{err}
	}
	run := &Run{}
	for _, s := range out.Skipped {
		if s.Bench != "" {
			run.Warnings = append(run.Warnings, fmt.Sprintf("%v (line skipped: this round of %s is not imported)", s, s.Bench))
			continue
		}
		run.Warnings = append(run.Warnings, fmt.Sprintf("%v (line skipped)", s))
	}
	for _, u := range out.Untimed {
		run.Warnings = append(run.Warnings, fmt.Sprintf("%s: benchmark %s left out: none of its results has a time per op (ns/op), which benchsite records", in.Path, u))
	}
	if len(out.Benchmarks) == 0 {
		if len(out.Skipped) > 0 {
			return nil, errorf("%s: no valid benchmark result; %d malformed line(s) skipped, the first %v", in.Path, len(out.Skipped), out.Skipped[0])
		}
		return nil, errorf("%s: no benchmark results found; expected %s", in.Path, formatNames())
	}
	run.File = &result.File{
		MachineInfo: importedMachine(in.Path, out.MachineInfo()),
		CommitInfo:  result.CommitInfo{ID: "unversioned"},
		Benchmarks:  out.Benchmarks,
		Datetime:    in.ModTime,
		Version:     "benchsite " + version.String(),
	}
	return run, nil
}

// importedMachine describes the machine of imported Go benchmark output.
// The text tells goos, goarch and the CPU at most, and never the Go version
// or the machine it ran on, so nothing of this machine is assumed: the run
// is filed under "<system>-Go-unknown-<bits>bit" (or the importer's
// --machine), never mixed into this machine's own history.
func importedMachine(path string, told result.MachineInfo) result.MachineInfo {
	info := result.MachineInfo{"go_version": "unknown", "imported_from": filepath.Base(path)}
	for k, v := range told {
		info[k] = v
	}
	if info["system"] == nil {
		info["system"] = "Unknown"
	}
	return info
}
