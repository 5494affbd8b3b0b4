package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// update rewrites the golden files from the current output:
// go test ./internal/report -run Golden -update.
var update = flag.Bool("update", false, "rewrite testdata/golden/* from the current output")

// golden compares got with testdata/golden/name, as x/perf's
// cmd/benchstat tests do: on a mismatch it writes the output beside the
// golden file as name.got (so `diff` shows the change) and fails; with
// -update it rewrites the golden file instead.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		os.Remove(path + ".got")
		return
	}
	if err := os.WriteFile(path+".got", got, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Errorf("%s differs from the golden file; the output is in %s.got (diff them; -update accepts it)", path, path)
}

// The comparison of the test report (a regression, noise, an added and a
// removed benchmark, a hostile name, a machine warning) in each format.
func TestGoldenComparison(t *testing.T) {
	r := testReport(t)
	for _, c := range []struct{ format, file string }{
		{FormatTable, "comparison.txt"},
		{FormatMarkdown, "comparison.md"},
		{FormatJSON, "comparison.json"},
	} {
		var buf bytes.Buffer
		if err := Comparison(&buf, r, c.format); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, buf.Bytes())
	}
}

// The run table of pytest-benchmark's two upstream files at full width
// (what a pipe gets) and fitted to an 80-column terminal.
func TestGoldenRunTable(t *testing.T) {
	a := readFixture(t, "0001_*.json")
	b := readFixture(t, "0030_*.json")
	a.Benchmarks[0].Name = "test_xfast_parametrized[0] (0001)"
	b.Benchmarks[0].Name = "test_xfast_parametrized[0] (NOW)"
	b.Benchmarks[0].ExtraInfo = map[string]any{result.KeyBytesPerOp: 231456.0, result.KeyAllocsPerOp: 4.0}
	f := &result.File{Benchmarks: []result.Benchmark{b.Benchmarks[0], a.Benchmarks[0]}}
	for _, c := range []struct {
		width int
		file  string
	}{{0, "runtable.txt"}, {80, "runtable-80.txt"}, {120, "runtable-120.txt"}} {
		var buf bytes.Buffer
		RunTableFit(&buf, f, c.width)
		if c.width > 0 {
			for i, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
				if n := width(string(line)); n > c.width {
					t.Errorf("%s: line %d is %d columns wide, more than %d: %q", c.file, i+1, n, c.width, line)
				}
			}
		}
		golden(t, c.file, buf.Bytes())
	}
}
