package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/benchsite/benchsite/internal/harness"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/version"
)

// harnessList names the harnesses package harness reads, for messages.
func harnessList() string {
	seen := map[string]bool{}
	var names []string
	for _, f := range harness.Formats() {
		h, _, _ := strings.Cut(f.Harness, " (")
		if !seen[h] {
			seen[h] = true
			names = append(names, h)
		}
	}
	return strings.Join(names, ", ")
}

// FormatNames lists the names Options.Format takes.
func FormatNames() string {
	return "go, pytest, " + harness.Names()
}

// CheckFormat returns an error unless name is "" or a name Options.Format
// takes.
func CheckFormat(name string) error {
	if _, ok := harness.Lookup(name); ok || name == "" || name == "go" || name == "pytest" {
		return nil
	}
	return fmt.Errorf("unknown format %q; use one of %s", name, FormatNames())
}

// readAs reads in in the format opt.Format names.
func readAs(in *Input, opt Options) (*Run, error) {
	var f Format
	switch opt.Format {
	case "go":
		f = Format{Name: "go test -bench output", Read: readGo}
	case "pytest":
		f = Format{Name: "pytest-benchmark JSON", Read: readPytest}
	default:
		if err := CheckFormat(opt.Format); err != nil {
			return nil, &Error{err}
		}
		f = Format{Name: opt.Format, Read: readHarness}
	}
	run, err := f.Read(in, opt)
	if err != nil {
		if _, ok := err.(*Error); !ok {
			err = &Error{err}
		}
		// A file in another format than the one forced fails with that
		// format's error (a JSON parser on text: "invalid character");
		// name the format the content looks like instead.
		if other := sniffed(in.Data); other != "" && other != opt.Format {
			what := map[string]string{"go": "go test output", "pytest": "pytest-benchmark JSON"}[other]
			if h, ok := harness.Lookup(other); ok {
				what = h.Harness + " output"
			}
			return nil, errorf("%v; the file looks like %s, not %s: drop --format to tell the format by content, or give --format %s", err, what, f.Name, other)
		}
		return nil, err
	}
	run.Format = f.Name
	return run, nil
}

// sniffed returns the --format name of the format data's content shows, ""
// when none.
func sniffed(data []byte) string {
	head := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(head) == 0 {
		return ""
	}
	for _, f := range Formats {
		if f.Sniff(head[:min(len(head), 64<<10)]) {
			// Only where the content says so plainly: a cut JSON file
			// of one format must not be taken for another.
			switch f.Name {
			case "go test -json output":
				return "go"
			case "go test -bench output":
				if head[0] == '{' || head[0] == '[' {
					return ""
				}
				return "go"
			case "pytest-benchmark JSON":
				if !json.Valid(head) {
					return ""
				}
				return "pytest"
			}
			if h := harness.Detect(data); h != nil {
				return h.Name
			}
			return ""
		}
	}
	return ""
}

// readHarness reads another harness's output (package harness), in the
// format opt.Format names or the one its content shows. Like Go text, such
// output names neither the machine nor the language runtime, so the run is
// filed under "<system>-<harness>-unknown-<bits>bit" (or the importer's
// --machine); its datetime is the file's own when it has one.
func readHarness(in *Input, opt Options) (*Run, error) {
	f, ok := harness.Lookup(opt.Format)
	if !ok {
		head := bytes.TrimLeft(in.Data, " \t\r\n")
		if f = harness.Detect(head[:min(len(head), 64<<10)]); f == nil {
			return nil, errorf("%s: not the output of a harness benchsite reads", in.Path)
		}
	}
	hr, err := f.Read(in.Data, in.Path)
	if err != nil {
		return nil, &Error{err}
	}
	return harnessRun(hr, in), nil
}

// readDir reads a folder: the only folder benchsite reads is Criterion.rs's
// target/criterion, every benchmark's new/sample.json in it (with the
// benchmark.json and estimates.json beside it) into one run.
func readDir(path, modTime string, opt Options) (*Run, error) {
	if opt.Format != "" && opt.Format != "criterion-json" {
		return nil, errorf("%s: a folder; the format %s reads a file (only criterion-json reads a folder, target/criterion)", path, opt.Format)
	}
	hr, err := harness.ReadCriterionDir(path)
	if err != nil {
		return nil, &Error{err}
	}
	run := harnessRun(hr, &Input{Path: path, ModTime: modTime})
	run.Format = "Criterion.rs target/criterion folder"
	return run, nil
}

// harnessRun makes the result file of a harness's run read from in.
func harnessRun(hr *harness.Run, in *Input) *Run {
	info := result.MachineInfo{"system": "Unknown", "imported_from": filepath.Base(in.Path)}
	for k, v := range hr.Machine {
		info[k] = v
	}
	file := &result.File{
		MachineInfo: info,
		CommitInfo:  result.CommitInfo{ID: "unversioned"},
		Benchmarks:  hr.Benchmarks,
		Datetime:    hr.Datetime,
		Version:     "benchsite " + version.String(),
	}
	if _, err := file.Time(); err != nil || file.Datetime == "" {
		file.Datetime = in.ModTime
	}
	run := &Run{File: file}
	for _, w := range hr.Warnings {
		run.Warnings = append(run.Warnings, in.Path+": "+w)
	}
	return run
}
