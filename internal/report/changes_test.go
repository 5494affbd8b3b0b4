package report

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/golden"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/history/historytest"
)

// TestChangesGolden states the whole output of Changes in each format for
// a generated history (two steps, one of them in a benchmark whose name
// would break a Markdown table, a terminal or HTML). On a mismatch the
// output is written beside the golden file as .got; -update rewrites the
// golden files.
func TestChangesGolden(t *testing.T) {
	root := t.TempDir()
	spec := historytest.Spec{Machine: "m1", Runs: 30, Seed: 11, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1e-3, Steps: map[int]float64{21: 1.5}},
		{Name: "BenchmarkEvil|<b>x</b>\x1b[31m`*", Median: 4e-6, Steps: map[int]float64{11: 0.6}},
	}}
	if _, err := historytest.Write(root, spec); err != nil {
		t.Fatal(err)
	}
	h, err := history.Load(history.Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	cs := h.Changes()
	if len(cs) != 2 {
		t.Fatalf("%d changes, want 2", len(cs))
	}
	for _, format := range []string{FormatTable, FormatMarkdown, FormatJSON} {
		var buf bytes.Buffer
		if err := Changes(&buf, cs, format); err != nil {
			t.Fatal(err)
		}
		name := "changes." + format
		if format == FormatJSON && !golden.Updating() {
			// Floats may differ in their last bits where the platform
			// fuses multiply-adds; compare them to 1e-9, and only show a
			// difference beyond that.
			want, err := os.ReadFile(filepath.Join("testdata", "golden", name))
			if err == nil && jsonClose(t, buf.Bytes(), want) {
				continue
			}
		}
		golden.Check(t, name, buf.Bytes())
	}
	if err := Changes(&bytes.Buffer{}, cs, "xml"); err == nil {
		t.Error("an unknown format is accepted")
	}
	var buf bytes.Buffer
	if err := Changes(&buf, nil, FormatJSON); err != nil || buf.String() != "{\n  \"changes\": []\n}\n" {
		t.Errorf("no changes as JSON: %q, %v", buf.String(), err)
	}
}

// jsonClose reports whether two JSON documents are equal, numbers to a
// relative 1e-9.
func jsonClose(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	var eq func(x, y any) bool
	eq = func(x, y any) bool {
		switch x := x.(type) {
		case map[string]any:
			y, ok := y.(map[string]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for k, v := range x {
				if !eq(v, y[k]) {
					return false
				}
			}
			return true
		case []any:
			y, ok := y.([]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for i := range x {
				if !eq(x[i], y[i]) {
					return false
				}
			}
			return true
		case float64:
			y, ok := y.(float64)
			return ok && math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
		}
		return x == y
	}
	return eq(x, y)
}

// A 900-character benchmark name does not pad the terminal table to
// 1,000 columns: the table cuts it at maxNameWidth columns with "…"; the
// JSON keeps it whole.
func TestChangesLongName(t *testing.T) {
	root := t.TempDir()
	long := "BenchmarkLong/" + strings.Repeat("x", 900)
	if _, err := historytest.Write(root, historytest.Spec{Machine: "m1", Runs: 30, Seed: 11, Benchmarks: []historytest.Bench{
		{Name: long, Median: 1e-3, Steps: map[int]float64{21: 1.5}},
	}}); err != nil {
		t.Fatal(err)
	}
	h, err := history.Load(history.Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	cs := h.Changes()
	if len(cs) != 1 {
		t.Fatalf("%d changes, want 1", len(cs))
	}
	var buf bytes.Buffer
	if err := Changes(&buf, cs, FormatTable); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if w := width(line); w > 200 {
			t.Errorf("a line of %d columns: %.80q…", w, line)
		}
	}
	if !strings.Contains(buf.String(), "BenchmarkLong/xxx") || !strings.Contains(buf.String(), "x…") {
		t.Errorf("the name is not cut with …:\n%s", buf.String())
	}
	for _, line := range RecentRegressions(cs, 10) {
		if width(line) > 200 {
			t.Errorf("failure line of %d columns", width(line))
		}
	}
	buf.Reset()
	if err := Changes(&buf, cs, FormatJSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"name": "`+long+`"`) {
		t.Error("the JSON does not keep the whole name")
	}
}
