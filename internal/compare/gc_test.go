package compare

import (
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func withGC(b result.Benchmark, off any) result.Benchmark {
	if off != nil {
		b.Options = map[string]any{result.OptDisableGC: off}
	}
	return b
}

func TestGCWarnings(t *testing.T) {
	base := &result.File{Benchmarks: []result.Benchmark{
		withGC(bench("BenchmarkA", 1, 1, 1), false),
		withGC(bench("BenchmarkB", 1, 1, 1), nil), // not recorded: collector on
		withGC(bench("BenchmarkC", 1, 1, 1), true),
		withGC(bench("BenchmarkD", 1, 1, 1), true),
		withGC(bench("BenchmarkOnlyBase", 1), false),
	}}
	cur := &result.File{Benchmarks: []result.Benchmark{
		withGC(bench("BenchmarkA", 1, 1, 1), true),
		withGC(bench("BenchmarkB", 1, 1, 1), true),
		withGC(bench("BenchmarkC", 1, 1, 1), false),
		withGC(bench("BenchmarkD", 1, 1, 1), true), // same setting: no warning
		withGC(bench("BenchmarkOnlyCur", 1), true), // nothing to compare with
	}}
	r := Compare(base, cur, "0001_baseline", "0002_gcoff", Options{Checks: mustChecks(t, "mean:10%")})
	want := []string{
		"garbage collector settings differ: BenchmarkA and BenchmarkB ran with the collector off (options.disable_gc, --disable-gc) in 0002_gcoff but on in 0001_baseline; their timings are not comparable",
		"garbage collector settings differ: BenchmarkC ran with the collector off (options.disable_gc, --disable-gc) in 0001_baseline but on in 0002_gcoff; their timings are not comparable",
	}
	if strings.Join(r.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(want, "\n"))
	}
	if r.Failed() {
		t.Error("a GC difference failed the comparison by itself")
	}
	// Same settings everywhere: no warning.
	if r := Compare(cur, cur, "a", "b", Options{}); len(r.Warnings) != 0 {
		t.Errorf("warnings = %q", r.Warnings)
	}
	if got := nameList([]string{"A", "B", "C", "D", "E"}); got != "A, B, C and 2 more benchmarks" {
		t.Errorf("nameList = %q", got)
	}
}
