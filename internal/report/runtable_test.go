package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func readFixture(t *testing.T, glob string) *result.File {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil || len(m) != 1 {
		t.Fatalf("fixture %s: %v %v", glob, m, err)
	}
	f, err := result.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The two upstream fixtures in one table, named as pytest-benchmark names
// them in its compare table. Upstream's test_compare_1 expects these cells.
func TestRunTableMatchesPytestBenchmark(t *testing.T) {
	a := readFixture(t, "0001_*.json")
	b := readFixture(t, "0030_*.json")
	a.Benchmarks[0].Name = "test_xfast_parametrized[0] (0001)"
	b.Benchmarks[0].Name = "test_xfast_parametrized[0] (NOW)"
	f := &result.File{Benchmarks: []result.Benchmark{b.Benchmarks[0], a.Benchmarks[0]}}

	var buf bytes.Buffer
	RunTable(&buf, f)
	lines := strings.Split(buf.String(), "\n")

	if !strings.Contains(lines[0], " benchmark: 2 tests ") || strings.Trim(lines[0], "-") == lines[0] {
		t.Errorf("title line %q", lines[0])
	}
	if len(lines[0]) != len(lines[2]) {
		t.Errorf("title (%d) and rule (%d) differ in width", len(lines[0]), len(lines[2]))
	}
	head := strings.Fields(lines[1])
	wantHead := "Name (time in ns) Min Max Mean StdDev Median IQR Outliers OPS (Mops/s) Rounds Iterations"
	if strings.Join(head, " ") != wantHead {
		t.Errorf("header %q\nwant   %q", strings.Join(head, " "), wantHead)
	}
	// Rows sorted by name: "(0001)" before "(NOW)".
	want := [][]string{
		{"test_xfast_parametrized[0]", "(0001)", "217.3145", "(1.0)", "11,447.3891", "(1.0)", "262.2408", "(1.00)", "214.0442", "(1.0)",
			"220.1664", "(1.00)", "38.2154", "(2.03)", "90;1878", "3.8133", "(1.00)", "9987", "418"},
		{"test_xfast_parametrized[0]", "(NOW)", "217.9511", "(1.00)", "13,290.0380", "(1.16)", "261.2051", "(1.0)", "263.9842", "(1.23)",
			"220.1638", "(1.0)", "18.8080", "(1.0)", "160;1726", "3.8284", "(1.0)", "9710", "431"},
	}
	for i, w := range want {
		got := strings.Fields(lines[3+i])
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("row %d:\n got %q\nwant %q", i, strings.Join(got, " "), strings.Join(w, " "))
		}
	}
	// Right-aligned columns: each label ends where its numbers end.
	for _, label := range []string{"Rounds", "Iterations"} {
		end := strings.Index(lines[1], label) + len(label)
		for _, row := range lines[3:5] {
			if end > len(row) || row[end-1] == ' ' || (end < len(row) && row[end] != ' ') {
				t.Errorf("column %s not aligned in %q", label, row)
			}
		}
	}
	if !strings.Contains(buf.String(), "Legend:\n  Outliers: 1 Standard Deviation from Mean;") {
		t.Error("legend missing")
	}
}

func bm(name, group string, median float64, extra map[string]any) result.Benchmark {
	return result.Benchmark{Name: name, Fullname: "pkg." + name, Group: group, ExtraInfo: extra,
		Stats: result.Stats{Min: median * 0.9, Max: median * 1.2, Mean: median, Median: median, Rounds: 10, Iterations: 3, Outliers: "1;0"}}
}

func TestRunTableUnitsGroupsAndMemory(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{
		bm("BenchmarkZ", "b", 5e-3, nil),
		bm("BenchmarkY", "b", 2e-3, nil),
		bm("BenchmarkSlow", "a", 2, map[string]any{result.KeyBytesPerOp: 1234567.0, result.KeyAllocsPerOp: 12.0}),
		bm("BenchmarkMicro", "", 300e-6, nil),
	}}
	var buf bytes.Buffer
	RunTable(&buf, f)
	out := buf.String()
	blocks := strings.Split(out, "\n\n")
	// Groups in name order: "" (no group), "a", "b"; then the legend.
	if len(blocks) != 4 {
		t.Fatalf("%d blocks:\n%s", len(blocks), out)
	}
	checks := []struct{ title, unit string }{
		{" benchmark: 1 tests ", "Name (time in us)"},
		{" benchmark 'a': 1 tests ", "Name (time in s)"},
		{" benchmark 'b': 2 tests ", "Name (time in ms)"},
	}
	for i, c := range checks {
		if !strings.Contains(blocks[i], c.title) || !strings.Contains(blocks[i], c.unit) {
			t.Errorf("block %d lacks %q / %q:\n%s", i, c.title, c.unit, blocks[i])
		}
	}
	// Memory columns only where recorded.
	if !strings.Contains(blocks[1], "B/op") || !strings.Contains(blocks[1], "allocs/op") || !strings.Contains(blocks[1], "1,234,567") {
		t.Errorf("block a lacks memory columns:\n%s", blocks[1])
	}
	if strings.Contains(blocks[2], "B/op") {
		t.Errorf("block b shows memory columns it has no data for")
	}
	// Sorted by name within a group: Y before Z.
	if strings.Index(blocks[2], "BenchmarkY") > strings.Index(blocks[2], "BenchmarkZ") {
		t.Error("rows not sorted by name")
	}
	// OPS computed as 1/mean when the file has no ops (older files).
	if !strings.Contains(blocks[2], "500.0000") {
		t.Errorf("OPS of a 2 ms benchmark missing:\n%s", blocks[2])
	}
}

func TestRunTableUntrustedNames(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{bm("Benchmark\x1b[2J\x1b[31mEvil\nline", "g\x07", 1e-3, nil)}}
	var buf bytes.Buffer
	RunTable(&buf, f)
	if strings.ContainsAny(buf.String(), "\x1b\x07") {
		t.Fatalf("control characters reached the terminal: %q", buf.String())
	}
	if strings.Contains(buf.String(), "Evil\nline") {
		t.Fatal("a name broke a table line")
	}
}

func TestRunTableEmpty(t *testing.T) {
	var buf bytes.Buffer
	RunTable(&buf, &result.File{})
	if !strings.Contains(buf.String(), "No benchmarks") {
		t.Errorf("empty run: %q", buf.String())
	}
}

// The OPS column is 1 / mean only for times: an imported throughput keeps
// its stored ops (the throughput itself), another unit its 0 (unknown),
// never 1 / (MB/s). The figures are those package harness reads from
// cargo_output_units.txt ("download": 9001 MS/s) and jmh_output_2.json.
func TestOpsOfImportedUnits(t *testing.T) {
	for _, c := range []struct {
		unit string
		st   result.Stats
		want float64
	}{
		{"MS/s", result.Stats{Mean: 9001, OPS: 0}, 0},
		{"ops/s", result.Stats{Mean: 3.3762388731228185e9, OPS: 3.3762388731228185e9}, 3.3762388731228185e9},
		{"", result.Stats{Mean: 0.25}, 4}, // a file older than the ops field
	} {
		b := &result.Benchmark{Name: "x", Stats: c.st, ExtraInfo: map[string]any{}}
		if c.unit != "" {
			b.ExtraInfo[result.KeyUnit] = c.unit
		}
		if got := ops(b); got != c.want {
			t.Errorf("unit %q: ops %g, want %g", c.unit, got, c.want)
		}
	}
}
