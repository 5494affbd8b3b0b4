package report

import (
	"bytes"
	"testing"

	"github.com/benchsite/benchsite/internal/golden"
	"github.com/benchsite/benchsite/internal/result"
)

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
		golden.Check(t, c.file, buf.Bytes())
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
		golden.Check(t, c.file, buf.Bytes())
	}
}
