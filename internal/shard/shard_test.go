package shard

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Spec{"1/1": {1, 1}, "2/4": {2, 4}, " 5/5 ": {5, 5}} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
		if err == nil && strings.TrimSpace(in) != got.String() {
			t.Errorf("Parse(%q).String() = %q", in, got.String())
		}
	}
	for _, in := range []string{"", "1", "0/3", "4/3", "1/0", "-1/2", "a/b", "1/2/3", "1/1001"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q): no error", in)
		}
	}
}

func TestUnit(t *testing.T) {
	for in, want := range map[string]string{
		"tests/benchmarks::BenchmarkForward/batch=32": "tests/benchmarks::BenchmarkForward",
		"tests/benchmarks::BenchmarkSetDeterminism":   "tests/benchmarks::BenchmarkSetDeterminism",
		"BenchmarkX/a/b":             "BenchmarkX",
		"test_foo.py::test_bar[a/b]": "test_foo.py::test_bar[a",
		"plain":                      "plain",
	} {
		if got := Unit(in); got != want {
			t.Errorf("Unit(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlanCovers checks that shards 1..N of a plan cover every unit exactly
// once, for N = 1..5 and more shards than units, with and without durations,
// and that the plan does not depend on the order units are listed in.
func TestPlanCovers(t *testing.T) {
	units := []string{"p::BenchmarkA", "p::BenchmarkB", "p::BenchmarkC", "q::BenchmarkD", "q::BenchmarkE", "q::BenchmarkF"}
	durations := map[string]float64{"p::BenchmarkA": 9, "p::BenchmarkB": 1, "q::BenchmarkE": 4}
	for _, d := range []map[string]float64{nil, durations} {
		for n := 1; n <= 8; n++ {
			p := NewPlan(units, d, n)
			rev := slices.Clone(units)
			slices.Reverse(rev)
			if q := NewPlan(append(rev, rev[0]), d, n); !p.Equal(q) {
				t.Errorf("n=%d: plan depends on the order of units: %v vs %v", n, p.Units, q.Units)
			}
			var all []string
			for i := 1; i <= n; i++ {
				all = append(all, p.UnitsOf(i)...)
			}
			slices.Sort(all)
			if !slices.Equal(all, units) {
				t.Errorf("n=%d durations=%v: shards cover %v, want each of %v once", n, d != nil, all, units)
			}
			if n <= len(units) {
				for i := 1; i <= n; i++ {
					if len(p.UnitsOf(i)) == 0 {
						t.Errorf("n=%d: shard %d is empty although there are %d units", n, i, len(units))
					}
				}
			}
		}
	}
}

// TestPlanBalances checks the longest-first rule on durations whose best
// split is known: 8+2 | 5+5 | 6+3+1 has makespan 10, and LPT finds it.
func TestPlanBalances(t *testing.T) {
	d := map[string]float64{"a": 8, "b": 6, "c": 5, "d": 5, "e": 3, "f": 2, "g": 1}
	p := NewPlan(slices.Collect(maps.Keys(d)), d, 3)
	for i := 1; i <= 3; i++ {
		sum := 0.0
		for _, u := range p.UnitsOf(i) {
			sum += d[u]
		}
		if sum > 11 {
			t.Errorf("shard %d has %v s of work (%v); LPT keeps every shard ≤ 11 here", i, sum, p.UnitsOf(i))
		}
	}
	// Without durations, units are dealt out evenly by name.
	p = NewPlan([]string{"a", "b", "c", "d", "e"}, nil, 2)
	if got := fmt.Sprint(p.UnitsOf(1), p.UnitsOf(2)); got != "[a c e] [b d]" {
		t.Errorf("plan without durations = %s, want [a c e] [b d]", got)
	}
}

func bench(fullname string) result.Benchmark {
	return result.Benchmark{Name: fullname[strings.Index(fullname, "::")+2:], Fullname: fullname,
		Stats: result.Stats{Min: 1, Max: 1, Mean: 1, Median: 1, Rounds: 1, Total: 2, Iterations: 3}}
}

func shardFiles(t *testing.T, n int) ([]Part, Plan) {
	t.Helper()
	full := []string{"p::BenchmarkA/x=1", "p::BenchmarkA/x=2", "p::BenchmarkB", "q::BenchmarkC", "q::BenchmarkD/y"}
	var units []string
	for _, f := range full {
		units = append(units, Unit(f))
	}
	plan := NewPlan(units, nil, n)
	var parts []Part
	for i := 1; i <= n; i++ {
		f := &result.File{
			MachineInfo: result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "machine": "x86_64"},
			CommitInfo:  result.CommitInfo{ID: "abc"},
			Datetime:    fmt.Sprintf("2026-11-30T10:0%d:00+00:00", 9-i),
			Shard:       Info(Spec{i, n}, plan),
		}
		for _, name := range full {
			if plan.Includes(Spec{i, n}, name) {
				f.Benchmarks = append(f.Benchmarks, bench(name))
			}
		}
		parts = append(parts, Part{Name: fmt.Sprintf("shard%d.json", i), File: f})
	}
	return parts, plan
}

func TestMerge(t *testing.T) {
	for n := 1; n <= 5; n++ {
		parts, _ := shardFiles(t, n)
		slices.Reverse(parts) // any order
		m, err := Merge(parts)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		var names []string
		for _, b := range m.Benchmarks {
			names = append(names, b.Fullname)
		}
		slices.Sort(names)
		if want := "p::BenchmarkA/x=1 p::BenchmarkA/x=2 p::BenchmarkB q::BenchmarkC q::BenchmarkD/y"; strings.Join(names, " ") != want {
			t.Errorf("n=%d: merged benchmarks %v, want %s", n, names, want)
		}
		if m.Shard != nil {
			t.Errorf("n=%d: merged run still carries shard info", n)
		}
		if want := fmt.Sprintf("2026-11-30T10:0%d:00+00:00", 9-n); m.Datetime != want {
			t.Errorf("n=%d: merged datetime %s, want the earliest shard's %s", n, m.Datetime, want)
		}
	}
}

func TestMergeRefuses(t *testing.T) {
	cases := map[string]struct {
		edit func(ps []Part) []Part
		want string
	}{
		"missing shard": {func(ps []Part) []Part { return ps[:2] }, "shard missing: 3/3"},
		"same shard twice": {func(ps []Part) []Part {
			return append(ps, ps[1])
		}, "are both shard 2/3"},
		"mixed commits": {func(ps []Part) []Part {
			ps[2].File.CommitInfo.ID = "def"
			return ps
		}, "measured commit def"},
		"clean and dirty tree": {func(ps []Part) []Part {
			ps[1].File.CommitInfo.Dirty = true
			return ps
		}, "shard2.json measured commit abc with uncommitted changes but shard1.json clean"},
		"other machine type": {func(ps []Part) []Part {
			ps[1].File.MachineInfo["go_version"] = "go1.25.1"
			return ps
		}, "one machine type"},
		"benchmark in two shards": {func(ps []Part) []Part {
			ps[1].File.Benchmarks = append(ps[1].File.Benchmarks, ps[0].File.Benchmarks[0])
			return ps
		}, "shard1.json and shard2.json both have benchmark"},
		"benchmark in the wrong shard": {func(ps []Part) []Part {
			ps[1].File.Benchmarks = append(ps[1].File.Benchmarks, ps[0].File.Benchmarks[0])
			ps[0].File.Benchmarks = ps[0].File.Benchmarks[1:]
			return ps
		}, "which belongs to shard 1/3"},
		"other plan": {func(ps []Part) []Part {
			ps[2].File.Shard = &result.ShardInfo{Index: 3, Count: 3, Units: map[string]int{"x": 3}}
			return ps
		}, "plan differs"},
		"not a shard": {func(ps []Part) []Part {
			ps[0].File.Shard = nil
			return ps
		}, "shard1.json: not a shard's result"},
	}
	for name, c := range cases {
		parts, _ := shardFiles(t, 3)
		_, err := Merge(c.edit(parts))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Merge error %v, want one containing %q", name, err, c.want)
		}
	}
}

// Paired verdicts and failures of the shards are joined; shards paired
// against different revisions, or paired and unpaired, are refused.
func TestMergePaired(t *testing.T) {
	parts, _ := shardFiles(t, 2)
	for i, p := range parts {
		pb := map[string]result.PairedBenchmark{}
		for _, b := range p.File.Benchmarks {
			pb[b.Fullname] = result.PairedBenchmark{Name: b.Name, Verdict: "same", Pairs: 6}
		}
		p.File.Paired = &result.Paired{Baseline: result.CommitInfo{ID: "base"}, Check: "mean:10%", Benchmarks: pb, Seeds: []int64{int64(i), 7}}
		p.File.Failures = []result.Failure{{Name: fmt.Sprintf("BenchmarkFail%d", i)}}
	}
	m, err := Merge(parts)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Paired.Benchmarks) != len(m.Benchmarks) || len(m.Benchmarks) != 5 {
		t.Errorf("merged %d paired verdicts for %d benchmarks, want 5 each", len(m.Paired.Benchmarks), len(m.Benchmarks))
	}
	if len(m.Failures) != 2 || !slices.Equal(m.Paired.Seeds, []int64{0, 7, 1}) {
		t.Errorf("failures %v, seeds %v: want both shards' failures and seeds 0 7 1", m.Failures, m.Paired.Seeds)
	}
	if parts[0].File.Paired.Seeds[0] != 0 || len(parts[0].File.Paired.Benchmarks) == 5 {
		t.Error("Merge changed its input")
	}

	parts[1].File.Paired.Baseline.ID = "other"
	if _, err := Merge(parts); err == nil || !strings.Contains(err.Error(), "same revision") {
		t.Errorf("shards paired against different revisions: %v", err)
	}
	parts[1].File.Paired = nil
	if _, err := Merge(parts); err == nil || !strings.Contains(err.Error(), "run every shard alike") {
		t.Errorf("paired and unpaired shards: %v", err)
	}
}

// A unit of the plan that its shard's file has no benchmark of, and no
// failure, is named; one that failed is named by its failure instead.
func TestUnmeasured(t *testing.T) {
	parts, plan := shardFiles(t, 2)
	if got := Unmeasured(parts); len(got) != 0 {
		t.Fatalf("complete shards: unmeasured %v", got)
	}
	// Shard 2's file loses its benchmarks; one of its units failed.
	lost := plan.UnitsOf(2)
	if len(lost) < 2 {
		t.Fatalf("shard 2 has %v, want 2 units or more", lost)
	}
	parts[1].File.Benchmarks = nil
	_, failed, _ := strings.Cut(lost[0], "::")
	parts[1].File.Failures = []result.Failure{{Name: failed + "/sub"}}
	if _, err := Merge(parts); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range lost[1:] {
		want = append(want, u+" (shard 2/2, shard2.json)")
	}
	if got := Unmeasured(parts); !slices.Equal(got, want) {
		t.Errorf("unmeasured %q, want %q", got, want)
	}
}

// Shards of one machine type on different CPU models are merged, and named.
func TestMixedCPUs(t *testing.T) {
	parts, _ := shardFiles(t, 3)
	if got := MixedCPUs(parts); len(got) != 0 {
		t.Errorf("one CPU model: %v", got)
	}
	parts[2].File.MachineInfo["cpu_model"] = "Other CPU"
	if _, err := Merge(parts); err != nil {
		t.Fatalf("shards on two CPU models of one machine type: %v", err)
	}
	want := []string{`shard3.json ran on a CPU "Other CPU", shard1.json on ""`}
	if got := MixedCPUs(parts); !slices.Equal(got, want) {
		t.Errorf("MixedCPUs = %q, want %q", got, want)
	}
}
