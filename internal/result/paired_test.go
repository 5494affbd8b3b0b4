package result

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestPairedKey feeds Decode a real paired run's file with one value of its
// key "paired" made hostile or inconsistent at a time: each must be refused
// with an *Error naming the field, never read as a verdict (compare and the
// site would show it and decide exit statuses by it).
func TestPairedKey(t *testing.T) {
	data, err := os.ReadFile("testdata/paired/comparison.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, "comparison.json"); err != nil {
		t.Fatalf("the unaltered file: %v", err)
	}
	const k = "tests/benchmarks::BenchmarkDeterminismInfo"
	bench := func(m map[string]any) map[string]any {
		return m["paired"].(map[string]any)["benchmarks"].(map[string]any)[k].(map[string]any)
	}
	pairedKey := func(m map[string]any) map[string]any { return m["paired"].(map[string]any) }
	// What a paired run does write must pass: a pair whose value is 0 s
	// (a timer's quantum) has no ratio and is not counted.
	{
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(string(data)))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatal(err)
		}
		bench(m)["base_values"].([]any)[0] = 0.0
		bench(m)["pairs"] = 19
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(out, "comparison.json"); err != nil {
			t.Errorf("a pair left out for a value of 0 s: %v", err)
		}
	}
	for _, tc := range []struct {
		name, field string
		alter       func(m map[string]any)
	}{
		{"change as a string", "paired.benchmarks." + k + ".change_percent", func(m map[string]any) { bench(m)["change_percent"] = "12" }},
		{"pairs as a string", "paired.benchmarks." + k + ".pairs", func(m map[string]any) { bench(m)["pairs"] = "20" }},
		{"a value as a string", "paired.benchmarks." + k + ".base_values.0", func(m map[string]any) { bench(m)["base_values"] = []any{"a"} }},
		{"paired as a string", "paired", func(m map[string]any) { m["paired"] = "hello" }},
		{"huge change", "paired.benchmarks." + k + ".ci_low_percent", func(m map[string]any) { bench(m)["change_percent"] = 1e308 }},
		{"huge interval", "paired.benchmarks." + k + ".ci_low_percent", func(m map[string]any) { bench(m)["ci_low_percent"] = -1e308 }},
		{"change of −100 %", "paired.benchmarks." + k + ".change_percent", func(m map[string]any) { bench(m)["change_percent"] = -100.0 }},
		{"inverted interval", "paired.benchmarks." + k + ".ci_low_percent", func(m map[string]any) {
			bench(m)["ci_low_percent"], bench(m)["ci_high_percent"] = 50.0, -50.0
		}},
		{"one bound only", "paired.benchmarks." + k + ".ci_low_percent", func(m map[string]any) { bench(m)["ci_high_percent"] = nil }},
		{"negative pairs", "paired.benchmarks." + k + ".pairs", func(m map[string]any) { bench(m)["pairs"] = -5 }},
		{"fewer values than pairs", "paired.benchmarks." + k + ".base_values", func(m map[string]any) { bench(m)["pairs"] = 21 }},
		{"values of one arm only", "paired.benchmarks." + k + ".base_values", func(m map[string]any) { bench(m)["cur_values"] = []any{} }},
		{"negative time", "paired.benchmarks." + k + ".cur_values.0", func(m map[string]any) {
			bench(m)["cur_values"].([]any)[0] = -1.0
		}},
		{"negative threshold", "paired.benchmarks." + k + ".threshold_percent", func(m map[string]any) { bench(m)["threshold_percent"] = -10.0 }},
		{"HTML verdict", "paired.benchmarks." + k + ".verdict", func(m map[string]any) { bench(m)["verdict"] = "<script>alert(1)</script>" }},
		{"HTML field", "paired.benchmarks." + k + ".field", func(m map[string]any) { bench(m)["field"] = "<img src=x onerror=alert(1)>" }},
		{"null benchmark", "paired.benchmarks." + k + ".verdict", func(m map[string]any) { pairedKey(m)["benchmarks"].(map[string]any)[k] = nil }},
		{"regression against its interval", "paired.benchmarks." + k + ".verdict", func(m map[string]any) { bench(m)["verdict"] = "regression" }},
		{"improvement of a slowdown", "paired.benchmarks." + k + ".verdict", func(m map[string]any) { bench(m)["verdict"] = "improvement" }},
		{"confidence 1e300", "paired.confidence", func(m map[string]any) { pairedKey(m)["confidence"] = 1e300 }},
		{"confidence as a string", "paired.confidence", func(m map[string]any) { pairedKey(m)["confidence"] = "99%" }},
		{"huge seed", "paired.seeds.0", func(m map[string]any) { pairedKey(m)["seeds"] = []any{json.Number("1000000000000000000000000000000")} }},
		{"long removed name", "paired.removed.0", func(m map[string]any) { pairedKey(m)["removed"] = []any{strings.Repeat("x", 3*MaxNameLen)} }},
		{"long label", "paired.label", func(m map[string]any) { pairedKey(m)["label"] = strings.Repeat("<b>", MaxIDLen) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			d := json.NewDecoder(strings.NewReader(string(data)))
			d.UseNumber()
			if err := d.Decode(&m); err != nil {
				t.Fatal(err)
			}
			// Numbers stay json.Number; the test's own values are plain.
			tc.alter(m)
			out, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Decode(out, "comparison.json")
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("accepted (err %v); paired = %+v", err, f.Paired)
			}
			if re.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", re.Field, tc.field, err)
			}
			if re.Line == 0 {
				t.Errorf("no position: %v", err)
			}
			if !strings.Contains(err.Error(), "comparison.json") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}
