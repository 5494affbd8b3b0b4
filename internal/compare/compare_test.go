package compare

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/target"
)

const (
	file0001 = "testdata/0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json"
	file0002 = "testdata/0002_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190348_uncommitted-changes.json"
	file0030 = "testdata/0030_5b78858eb718649a31fb93d8dc96ca2cee41a4cd_20150815_030419_uncommitted-changes.json"
)

func load(t *testing.T, path string) (*result.File, string) {
	t.Helper()
	f, err := result.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f, strings.TrimSuffix(filepath.Base(path), ".json")
}

func mustChecks(t *testing.T, expr string) []Check {
	t.Helper()
	c, err := ParseChecks(expr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The upstream fixtures: pytest-benchmark's own test_regression_checks
// expects exactly these two lines for 0030 against 0001.
func TestUpstreamFixtures0030Against0001(t *testing.T) {
	base, baseLabel := load(t, file0001)
	cur, curLabel := load(t, file0030)
	r := Compare(base, cur, baseLabel, curLabel, Options{Checks: mustChecks(t, "stddev:5%,max:0.000001")})

	want := []string{
		"test_xfast_parametrized[0] (0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes) - Field 'stddev' has failed PercentageRegressionCheck: 23.331641765 > 5.000000000",
		"test_xfast_parametrized[0] (0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes) - Field 'max' has failed DifferenceRegressionCheck: 0.000001843 > 0.000001000",
	}
	got := r.Regressions()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("regressions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !r.Failed() {
		t.Error("Failed() = false with two failing checks")
	}
	if len(r.Rows) != 1 {
		t.Fatalf("%d rows, want 1", len(r.Rows))
	}
	row := r.Rows[0]
	if row.Status != Regression || row.Fullname != "tests/test_normal.py::test_xfast_parametrized[0]" {
		t.Errorf("row = %s %q", row.Status, row.Fullname)
	}
	// No data in 2.5.0 files: plain rule, no p-value.
	if row.HasP || !math.IsNaN(row.P) {
		t.Errorf("HasP=%v P=%v for files without data", row.HasP, row.P)
	}
	if got := pyFixed9(row.Checks[1].Value); got != "0.000001843" {
		t.Errorf("max difference = %s s, want +0.000001843", got)
	}
	if row.Field != "stddev" || math.Abs(row.Change-23.331641765) > 1e-6 {
		t.Errorf("row shows %s change %v, want stddev 23.33", row.Field, row.Change)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings for identical machines: %q", r.Warnings)
	}
}

// Only stddev:5% (the wording): one failure, 23.331641765 %.
func TestStddevOnly(t *testing.T) {
	base, bl := load(t, file0001)
	cur, cl := load(t, file0030)
	r := Compare(base, cur, bl, cl, Options{Checks: mustChecks(t, "stddev:5%")})
	reg := r.Regressions()
	if len(reg) != 1 || !strings.HasSuffix(reg[0], "- Field 'stddev' has failed PercentageRegressionCheck: 23.331641765 > 5.000000000") ||
		!strings.HasPrefix(reg[0], "test_xfast_parametrized[0] (0001_") {
		t.Fatalf("regressions = %q", reg)
	}
	// A looser threshold passes.
	r = Compare(base, cur, bl, cl, Options{Checks: mustChecks(t, "stddev:24%")})
	if r.Failed() || r.Rows[0].Status != Same {
		t.Fatalf("stddev:24%% failed: %q", r.Regressions())
	}
}

// Upstream's test_regression_checks_inf: the baseline's stddev is 0.
func TestInfinity(t *testing.T) {
	base, bl := load(t, file0002)
	cur, cl := load(t, file0030)
	r := Compare(base, cur, bl, cl, Options{Checks: mustChecks(t, "stddev:5%,max:0.000001")})
	reg := r.Regressions()
	if len(reg) != 2 ||
		!strings.HasSuffix(reg[0], "Field 'stddev' has failed PercentageRegressionCheck: inf > 5.000000000") ||
		!strings.HasSuffix(reg[1], "Field 'max' has failed DifferenceRegressionCheck: 0.000005551 > 0.000001000") {
		t.Fatalf("regressions = %q", reg)
	}
	// Zero against zero is no change (upstream would say inf).
	if v := (Check{Field: "stddev", Percent: true}).Compute(0, 0); v != 0 {
		t.Errorf("0 → 0 = %v %%", v)
	}
}

func bench(name string, data ...float64) result.Benchmark {
	b := result.Benchmark{Name: name, Fullname: "pkg/" + name, Group: "g"}
	b.Stats = statsOf(data)
	return b
}

// statsOf fills the fields the comparison reads; package stats does the
// real thing, which this test must not depend on.
func statsOf(data []float64) result.Stats {
	s := result.Stats{Data: data, Rounds: len(data)}
	if len(data) == 0 {
		return s
	}
	sorted := append([]float64(nil), data...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j] < sorted[i] {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	for _, v := range data {
		s.Mean += v
	}
	s.Mean /= float64(len(data))
	if len(data) > 1 {
		for _, v := range data {
			s.Stddev += (v - s.Mean) * (v - s.Mean)
		}
		s.Stddev = math.Sqrt(s.Stddev / float64(len(data)-1))
	}
	n := len(sorted)
	s.Median = sorted[n/2]
	if n%2 == 0 {
		s.Median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return s
}

func noisy(rng *rand.Rand, n int, center, spread float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = center + spread*rng.NormFloat64()
	}
	return out
}

func TestSignificance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	baseData := noisy(rng, 20, 1e-3, 2e-5)
	slowData := noisy(rng, 20, 1.3e-3, 2e-5) // clear 30 % shift

	// Same distribution, but one round hit a huge outlier: the mean is 15 %
	// up, the samples are not significantly different.
	sameData := noisy(rng, 20, 1e-3, 2e-5)
	sameData[7] = 4e-3

	base := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", baseData...), bench("BenchmarkB", baseData...)}}
	cur := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", slowData...), bench("BenchmarkB", sameData...)}}
	orig := append([]float64(nil), cur.Benchmarks[0].Stats.Data...)

	r := Compare(base, cur, "0001_baseline", "0002_comparison", Options{Checks: mustChecks(t, "mean:10%")})
	a, b := r.Rows[0], r.Rows[1]
	if a.Name != "BenchmarkA" || b.Name != "BenchmarkB" {
		t.Fatalf("rows %q %q", a.Name, b.Name)
	}
	if a.Status != Regression || !a.HasP || !a.Significant || a.P >= 0.05 {
		t.Errorf("clear shift: status %s, P %v, significant %v", a.Status, a.P, a.Significant)
	}
	if b.Checks[0].Value <= 10 {
		t.Fatalf("test setup: B's mean moved only %.1f %%", b.Checks[0].Value)
	}
	if b.Status != Noise || b.Significant || !b.Checks[0].Dismissed || len(b.Failures) != 0 {
		t.Errorf("outlier only: status %s, P %v, failures %q", b.Status, b.P, b.Failures)
	}
	if got := r.Regressions(); len(got) != 1 || !strings.HasPrefix(got[0], "BenchmarkA (0001_baseline) - Field 'mean' has failed PercentageRegressionCheck: ") {
		t.Errorf("regressions = %q", got)
	}
	for i, v := range cur.Benchmarks[0].Stats.Data {
		if v != orig[i] {
			t.Fatal("Compare reordered the file's data")
		}
	}

	// Strict restores the plain rule.
	r = Compare(base, cur, "0001_baseline", "0002_comparison", Options{Checks: mustChecks(t, "mean:10%"), Strict: true})
	if r.Rows[1].Status != Regression || !r.Failed() {
		t.Errorf("strict: B is %s", r.Rows[1].Status)
	}
	if !r.Rows[1].HasP {
		t.Error("strict: p-value should still be shown")
	}

	// The noise rule covers location fields only: stddev rose a lot, and
	// that fails even though the samples are not significantly different.
	r = Compare(base, cur, "b", "c", Options{Checks: mustChecks(t, "stddev:50%")})
	if r.Rows[1].Status != Regression {
		t.Errorf("stddev breach dismissed: %s", r.Rows[1].Status)
	}

	// Too few samples: the plain rule.
	few := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkB", sameData[5:8]...)}}
	fewBase := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkB", baseData[:3]...)}}
	r = Compare(fewBase, few, "b", "c", Options{Checks: mustChecks(t, "mean:10%")})
	if r.Rows[0].HasP || r.Rows[0].Status != Regression {
		t.Errorf("3 samples: HasP %v status %s", r.Rows[0].HasP, r.Rows[0].Status)
	}

	// A cut-short data array: the plain rule.
	trunc := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkB", sameData...)}}
	trunc.Benchmarks[0].Stats.Truncated = true
	r = Compare(base, trunc, "b", "c", Options{Checks: mustChecks(t, "mean:10%")})
	if r.Rows[1].HasP || r.Rows[1].Status != Regression {
		t.Errorf("truncated: HasP %v status %s", r.Rows[1].HasP, r.Rows[1].Status)
	}
}

// A significant shift the other way does not confirm a breach: the mean
// rose because of one outlier while the bulk got faster.
func TestSignificantShiftOppositeDirection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	baseData := noisy(rng, 30, 1e-3, 1e-5)
	curData := noisy(rng, 30, 0.95e-3, 1e-5)
	curData[0] = 10e-3
	base := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", baseData...)}}
	cur := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", curData...)}}
	r := Compare(base, cur, "b", "c", Options{Checks: mustChecks(t, "mean:10%")})
	row := r.Rows[0]
	if !row.Significant || !row.Checks[0].Breached {
		t.Fatalf("setup: significant %v breached %v", row.Significant, row.Checks[0].Breached)
	}
	if row.Status == Regression {
		t.Errorf("faster bulk with one outlier counted as a regression")
	}
}

func TestImprovementAddedRemovedAndOrder(t *testing.T) {
	base := &result.File{Benchmarks: []result.Benchmark{
		bench("BenchmarkZeta", 1, 1, 1), bench("BenchmarkGone", 1), bench("BenchmarkFast", 2, 2, 2),
	}}
	cur := &result.File{Benchmarks: []result.Benchmark{
		bench("BenchmarkNew", 1), bench("BenchmarkFast", 1, 1, 1), bench("BenchmarkZeta", 1, 1, 1),
	}}
	r := Compare(base, cur, "b", "c", Options{Checks: mustChecks(t, "mean:10%")})
	var got []string
	for _, row := range r.Rows {
		got = append(got, row.Name+"="+string(row.Status))
	}
	want := "BenchmarkFast=improvement BenchmarkGone=removed BenchmarkNew=added BenchmarkZeta=same"
	if strings.Join(got, " ") != want {
		t.Fatalf("rows %s, want %s", strings.Join(got, " "), want)
	}
	if r.Failed() {
		t.Error("added/removed/improved rows failed the comparison")
	}
	if r.Rows[1].Baseline == nil || r.Rows[1].Current != nil || r.Rows[2].Current == nil || r.Rows[2].Baseline != nil {
		t.Error("one-sided rows carry the wrong side")
	}
	if r.Count(Added) != 1 || r.Count(Removed) != 1 {
		t.Errorf("counts added %d removed %d", r.Count(Added), r.Count(Removed))
	}
}

func TestMatchByFullname(t *testing.T) {
	a := bench("BenchmarkX", 1)
	b := bench("BenchmarkX", 2)
	b.Fullname = "other/BenchmarkX"
	r := Compare(&result.File{Benchmarks: []result.Benchmark{a}}, &result.File{Benchmarks: []result.Benchmark{b}}, "b", "c",
		Options{Checks: mustChecks(t, "mean:1%")})
	if len(r.Rows) != 2 || r.Failed() {
		t.Fatalf("same name, different fullname should be added+removed, got %d rows failed=%v", len(r.Rows), r.Failed())
	}
}

func TestPerBenchmark(t *testing.T) {
	base := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", 1), bench("BenchmarkB", 1), bench("BenchmarkC", 1)}}
	cur := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", 1.2), bench("BenchmarkB", 1.2), bench("BenchmarkC", 1.2)}}
	r := Compare(base, cur, "b", "c", Options{
		Checks: mustChecks(t, "mean:10%"),
		PerBenchmark: map[string][]Check{
			"BenchmarkA":     mustChecks(t, "mean:25%"), // by name
			"pkg/BenchmarkB": mustChecks(t, "mean:30%"), // by fullname
			"BenchmarkTypo":  mustChecks(t, "mean:1%"),
		},
	})
	for _, row := range r.Rows {
		want := Same
		if row.Name == "BenchmarkC" {
			want = Regression
		}
		if row.Status != want {
			t.Errorf("%s: %s, want %s", row.Name, row.Status, want)
		}
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"BenchmarkTypo"`) {
		t.Errorf("warnings = %q", r.Warnings)
	}
	// Fullname beats name.
	r = Compare(base, cur, "b", "c", Options{PerBenchmark: map[string][]Check{
		"BenchmarkA": mustChecks(t, "mean:50%"), "pkg/BenchmarkA": mustChecks(t, "mean:5%"),
	}})
	if r.Rows[0].Status != Regression {
		t.Errorf("fullname override not preferred: %s", r.Rows[0].Status)
	}
}

func TestMachineWarnings(t *testing.T) {
	base := &result.File{MachineInfo: result.MachineInfo{"cpu_model": "Intel Xeon", "go_version": "go1.26.8"}}
	cur := &result.File{MachineInfo: result.MachineInfo{"cpu": map[string]any{"brand_raw": "AMD EPYC"}, "go_version": "go1.27.0"}}
	r := Compare(base, cur, "0001_baseline", "0002_x", Options{})
	if len(r.Warnings) != 2 ||
		!strings.Contains(r.Warnings[0], `CPU model is "Intel Xeon" in 0001_baseline but "AMD EPYC" in 0002_x`) ||
		!strings.Contains(r.Warnings[1], `"Go 1.26.8"`) || !strings.Contains(r.Warnings[1], `"Go 1.27.0"`) {
		t.Fatalf("warnings = %q", r.Warnings)
	}
	if r.Failed() {
		t.Error("machine differences failed the comparison")
	}
	// Missing info on one side is not a difference.
	r = Compare(&result.File{}, cur, "a", "b", Options{})
	if len(r.Warnings) != 0 {
		t.Errorf("warnings = %q", r.Warnings)
	}
}

func TestDuplicateFullname(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", 1), bench("BenchmarkA", 5)}}
	r := Compare(f, f, "b", "c", Options{Checks: mustChecks(t, "mean:10%")})
	if len(r.Rows) != 1 || len(r.Warnings) != 2 || r.Failed() {
		t.Fatalf("rows %d warnings %q", len(r.Rows), r.Warnings)
	}
}

func TestNilFiles(t *testing.T) {
	r := Compare(nil, &result.File{Benchmarks: []result.Benchmark{bench("BenchmarkA", 1)}}, "b", "c", Options{})
	if len(r.Rows) != 1 || r.Rows[0].Status != Added {
		t.Fatalf("rows %+v", r.Rows)
	}
}

// A row shows the field of the check that failed, not only the first
// check's: the figure behind the verdict is on the row.
func TestRowShowsFailedField(t *testing.T) {
	base, bl := load(t, file0001)
	cur, cl := load(t, file0030)
	checks, err := ParseChecks("mean:100000%,max:0.000001")
	if err != nil {
		t.Fatal(err)
	}
	r := Compare(base, cur, bl, cl, Options{Checks: checks, Strict: true})
	failed := 0
	for _, row := range r.Rows {
		if row.Status != Regression {
			continue
		}
		failed++
		if row.Field != "max" || row.Base != row.Baseline.Stats.Max || row.Cur != row.Current.Stats.Max {
			t.Errorf("%s: row shows %s %g → %g, want the failed max check", row.Name, row.Field, row.Base, row.Cur)
		}
	}
	if failed == 0 {
		t.Fatal("no regression under max:0.000001; the fixture changed?")
	}
}

// TestThresholdKeysMatchLikeTargets: a [compare.thresholds] key is matched
// by the same rule as a target (result.Benchmark.Match), so
// "Forward/batch=1024" (no "Benchmark") applies to both.
func TestThresholdKeysMatchLikeTargets(t *testing.T) {
	name := "BenchmarkForward/batch=1024"
	base := &result.File{Benchmarks: []result.Benchmark{bench(name, 1, 1, 1, 1, 1), bench("BenchmarkOther", 1)}}
	cur := &result.File{Benchmarks: []result.Benchmark{bench(name, 1.2, 1.2, 1.2, 1.2, 1.2), bench("BenchmarkOther", 1)}}
	for _, key := range []string{"Forward/batch=1024", name, "pkg/" + name} {
		r := Compare(base, cur, "b", "c", Options{
			Checks:       mustChecks(t, "mean:10%"),
			PerBenchmark: map[string][]Check{key: mustChecks(t, "mean:50%")},
		})
		if r.Rows[0].Name != name || r.Rows[0].Status != Same {
			t.Errorf("key %q: %s is %s, want the 50%% threshold to apply (same)", key, r.Rows[0].Name, r.Rows[0].Status)
		}
		if len(r.Warnings) != 0 {
			t.Errorf("key %q: warnings %q", key, r.Warnings)
		}
		tg, err := target.Parse(key, "1s")
		if err != nil {
			t.Fatal(err)
		}
		st := target.Check(cur, []target.Target{tg})
		if len(st) != 1 || !st[0].Found || st[0].Name != name {
			t.Errorf("target %q: %+v, want it to find %s like the threshold key", key, st, name)
		}
	}
	// The better match wins: fullname over name over name without prefix.
	r := Compare(base, cur, "b", "c", Options{PerBenchmark: map[string][]Check{
		"Forward/batch=1024": mustChecks(t, "mean:50%"), name: mustChecks(t, "mean:5%"),
	}})
	if r.Rows[0].Status != Regression {
		t.Errorf("exact name not preferred over the prefix-less key: %s", r.Rows[0].Status)
	}
}
