package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// Each format is recognised by content, whatever the file is called.
func TestFormats(t *testing.T) {
	cases := []struct{ path, format string }{
		{"../gobench/testdata/benchstat/old.txt", "go test -bench output"},
		{"../gobench/testdata/gotestjson/tiny.json", "go test -json output"},
		{"../result/testdata/pytest-benchmark/hand-written-5.x/0001_baseline.json", "pytest-benchmark JSON"},
	}
	for _, c := range cases {
		data, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		run, err := Read(data, "renamed.dat", "2026-01-02T03:04:05.000000+00:00", Options{})
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if run.Format != c.format || len(run.File.Benchmarks) == 0 {
			t.Errorf("%s: read as %q with %d benchmarks, want %q", c.path, run.Format, len(run.File.Benchmarks), c.format)
		}
		// What was read encodes to a file that reads back.
		enc, err := result.Encode(run.File)
		if err == nil {
			_, err = result.Decode(enc, "x.json")
		}
		if err != nil {
			t.Errorf("%s: round trip: %v", c.path, err)
		}
	}
}

// Adding a format is adding one entry to Formats.
func TestAddFormat(t *testing.T) {
	saved := Formats
	defer func() { Formats = saved }()
	Formats = append([]Format{{
		Name:  "test CSV",
		Sniff: func(h []byte) bool { return bytes.HasPrefix(h, []byte("name,ns\n")) },
		Read: func(in *Input, _ Options) (*Run, error) {
			return nil, errors.New(in.Path + ": CSV seen")
		},
	}}, saved...)
	_, err := Read([]byte("name,ns\nA,5\n"), "x.csv", "", Options{})
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "x.csv: CSV seen") {
		t.Errorf("error %v; want the new format to read the input", err)
	}
	_, err = Read([]byte("nothing\n"), "y.txt", "", Options{})
	if err == nil || !strings.Contains(err.Error(), "test CSV") {
		t.Errorf("error %v; want the formats, the new one too, listed", err)
	}
}

// Warnings name what did not arrive: skipped lines and untimed benchmarks.
func TestWarnings(t *testing.T) {
	in := "pkg: p\nBenchmarkA 10 5 ns/op\nBenchmarkB 10 zz ns/op\nBenchmarkC 10 3 MB/s\n"
	if _, err := Read([]byte(in), "w.txt", "", Options{}); err == nil || !strings.Contains(err.Error(), "w.txt:3") || !strings.Contains(err.Error(), "--skip-invalid") {
		t.Errorf("strict: %v", err)
	}
	run, err := Read([]byte(in), "w.txt", "", Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(run.Warnings, "\n")
	if len(run.File.Benchmarks) != 1 || len(run.Warnings) != 2 || !strings.Contains(all, "w.txt:3") || !strings.Contains(all, "BenchmarkC") {
		t.Errorf("%d benchmarks, warnings:\n%s", len(run.File.Benchmarks), all)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none.txt"), Options{}); err == nil {
		t.Error("a missing file read")
	}
}
