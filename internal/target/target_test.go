package target

import (
	"math"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func file(medians map[string]float64) *result.File {
	f := &result.File{}
	for name, m := range medians {
		f.Benchmarks = append(f.Benchmarks, result.Benchmark{Name: name, Fullname: "github.com/x/tests/benchmarks." + name, Stats: result.Stats{Median: m}})
	}
	return f
}

func TestCheck(t *testing.T) {
	f := file(map[string]float64{
		"BenchmarkForward/batch=32": 1.23e-3,
		"BenchmarkSetup":            219e-6, // over 200 µs, within +10 %
		"BenchmarkGenerate/n=10":    2.5e-3, // over 2 ms +10 %
		"BenchmarkExact":            2.2e-3, // exactly at 2 ms +10 %
	})
	ts := []Target{
		{"BenchmarkForward/batch=32", 50e-3, 0.10},
		{"Setup", 200e-6, 0.10}, // "Benchmark" prefix left out
		{"BenchmarkGenerate/n=10", 2e-3, 0.10},
		{"BenchmarkExact", 2e-3, 0.10},
		{"BenchmarkMetrics/n=100", 2e-3, 0.10},
	}
	st := Check(f, ts)
	if len(st) != 5 {
		t.Fatalf("%d statuses", len(st))
	}
	want := []struct {
		found, met bool
		msg        string
	}{
		{true, true, "BenchmarkForward/batch=32: median 1.23 ms meets target 50 ms +10%"},
		{true, true, "BenchmarkSetup: median 219 µs meets target 200 µs +10%"},
		{true, false, "BenchmarkGenerate/n=10: median 2.5 ms exceeds target 2 ms +10% (limit 2.2 ms)"},
		{true, true, "BenchmarkExact: median 2.2 ms meets target 2 ms +10%"},
		{false, false, "BenchmarkMetrics/n=100: not found in this run (target 2 ms +10%)"},
	}
	for i, w := range want {
		s := st[i]
		if s.Found != w.found || s.Met != w.met || !strings.HasPrefix(s.Message, w.msg) {
			t.Errorf("%d: found=%v met=%v %q; want found=%v met=%v %q", i, s.Found, s.Met, s.Message, w.found, w.met, w.msg)
		}
	}
	if st[4].Missed() || !math.IsNaN(st[4].Median) {
		t.Error("a target not found counts as a miss or has a median")
	}
	if !Missed(st) {
		t.Error("Missed() = false with a median over the bound")
	}
	if Missed(append(st[:2:2], st[3:]...)) {
		t.Error("Missed() = true without a miss")
	}
}

func TestCheckMatchesEveryBenchmarkWithTheName(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{
		{Name: "BenchmarkA", Fullname: "p1.BenchmarkA", Stats: result.Stats{Median: 1}},
		{Name: "BenchmarkA", Fullname: "p2.BenchmarkA", Stats: result.Stats{Median: 3}},
	}}
	st := Check(f, []Target{{"BenchmarkA", 2, 0}})
	if len(st) != 2 || !st[0].Met || st[1].Met || st[1].Fullname != "p2.BenchmarkA" {
		t.Fatalf("%+v", st)
	}
	// By fullname: only that one.
	st = Check(f, []Target{{"p2.BenchmarkA", 2, 0}})
	if len(st) != 1 || st[0].Met {
		t.Fatalf("%+v", st)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		spec   string
		limit  float64
		excess float64
	}{
		{"200µs +10%", 200e-6, 0.10},
		{"200us+10%", 200e-6, 0.10},
		{"2 ms + 10 %", 2e-3, 0.10},
		{"50ms", 50e-3, 0},
		{"0.002", 2e-3, 0},
		{"1.5s +0%", 1.5, 0},
	}
	for _, c := range cases {
		tg, err := Parse("BenchmarkX", c.spec)
		if err != nil {
			t.Errorf("%q: %v", c.spec, err)
			continue
		}
		if math.Abs(tg.Limit-c.limit) > 1e-15 || math.Abs(tg.Excess-c.excess) > 1e-15 {
			t.Errorf("%q: %v %v", c.spec, tg.Limit, tg.Excess)
		}
	}
	for _, bad := range []struct{ spec, want string }{
		{"", `limit ""`},
		{"fast", `limit "fast": not a duration`},
		{"-2ms", "positive"},
		{"2ms +10", `excess "+10"`},
		{"2ms +ten%", `excess "+ten%"`},
	} {
		_, err := Parse("BenchmarkX", bad.spec)
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "BenchmarkX") {
			t.Errorf("%q: error %v, want it to name BenchmarkX and %q", bad.spec, err, bad.want)
		}
	}
}

func TestString(t *testing.T) {
	if got := (Target{Limit: 200e-6, Excess: 0.1}).String(); got != "200 µs +10%" {
		t.Errorf("String = %q", got)
	}
}

// A target's limit is a time: a benchmark imported in another unit (ops/s)
// is neither met nor missed, and the message says why.
func TestCheckOtherUnit(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{{Name: "fib(20)", Fullname: "fib(20)",
		Stats:     result.Stats{Median: 12146},
		ExtraInfo: map[string]any{result.KeyUnit: "ops/s", result.KeyHigherIsBetter: true}}}}
	tg, err := Parse("fib(20)", "2ms")
	if err != nil {
		t.Fatal(err)
	}
	st := Check(f, []Target{tg})
	if len(st) != 1 || st[0].Missed() || st[0].Met || !strings.Contains(st[0].Message, "figures in ops/s") {
		t.Errorf("%+v", st)
	}
}
