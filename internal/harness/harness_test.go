package harness

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// formatOf is the format each harness file in testdata is in. Files whose
// units do not tell a direction (custom JSON with "Megabytes", "Percent")
// are read with the format their github-action-benchmark users give as
// "tool"; TestCustomNeedsDirection checks they are refused without it.
var formatOf = map[string]string{
	"github-action-benchmark/benchmarkdotnet.json":               "benchmarkdotnet",
	"github-action-benchmark/benchmarkjs_output.txt":             "benchmarkjs",
	"github-action-benchmark/benchmarkluau_output.txt":           "benchmarkluau",
	"github-action-benchmark/cargo_output.txt":                   "cargo",
	"github-action-benchmark/cargo_output2.txt":                  "cargo",
	"github-action-benchmark/cargo_output3.txt":                  "cargo",
	"github-action-benchmark/cargo_output_units.txt":             "cargo",
	"github-action-benchmark/catch2_output_v2.txt":               "catch2",
	"github-action-benchmark/catch2_output_v3.txt":               "catch2",
	"github-action-benchmark/criterion_output.txt":               "cargo",
	"github-action-benchmark/customBiggerIsBetter_output.json":   "customBiggerIsBetter!",
	"github-action-benchmark/customSmallerIsBetter_output.json":  "customSmallerIsBetter!",
	"github-action-benchmark/customSmallerIsBetter_output2.json": "custom",
	"github-action-benchmark/googlecpp_output.json":              "googlecpp",
	"github-action-benchmark/issue16_output.txt":                 "catch2",
	"github-action-benchmark/jmh_output.json":                    "jmh",
	"github-action-benchmark/jmh_output_2.json":                  "jmh",
	"github-action-benchmark/julia_output.json":                  "julia",
	"made/catch2_v2.xml":                                         "catch2-xml",
	"made/catch2_v2_console.txt":                                 "catch2",
	"made/catch2_v3.xml":                                         "catch2-xml",
	"made/catch2_v3_console.txt":                                 "catch2",
	"made/googlebenchmark_repetitions.json":                      "googlecpp",
	"made/googlebenchmark_aggregates_only.json":                  "googlecpp",
	"made/hyperfine.json":                                        "hyperfine",
	"made/hyperfine_params.json":                                 "hyperfine",
	"criterion/kangarootwelve_output.txt":                        "criterion",
	"criterion/target/criterion/fib 20 - fast/new/sample.json":   "criterion-json",
	"criterion/target/criterion/fib 20 - slow/new/sample.json":   "criterion-json",
	// Read beside sample.json, never alone.
	"criterion/target/criterion/fib 20 - fast/new/benchmark.json": "-",
	"criterion/target/criterion/fib 20 - fast/new/estimates.json": "-",
	"criterion/target/criterion/fib 20 - slow/new/benchmark.json": "-",
	"criterion/target/criterion/fib 20 - slow/new/estimates.json": "-",
	// Read by package gobench and package result, never as a harness.
	"github-action-benchmark/go_fiber_duplicate_names_output.txt": "",
	"github-action-benchmark/go_fiber_output.txt":                 "",
	"github-action-benchmark/go_output.txt":                       "",
	"github-action-benchmark/go_single_package_output.txt":        "",
	"github-action-benchmark/pytest_output.json":                  "",
	"github-action-benchmark/pytest_several_units.json":           "",
}

// harnessFiles lists every output file in testdata (not licences, SOURCE.md,
// the scripts that made some of them, or the fuzz seeds, which go test
// replays through FuzzRead).
func harnessFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir // fuzz seeds, in Go's corpus format
			}
			return nil
		}
		switch filepath.Base(p) {
		case "LICENSE.txt", "SOURCE.md":
			return nil
		}
		if filepath.Ext(p) == ".sh" {
			return nil // the scripts that made some of them
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("found only %d files in testdata", len(out))
	}
	return out
}

func TestEveryFileReads(t *testing.T) {
	for _, p := range harnessFiles(t) {
		rel := filepath.ToSlash(strings.TrimPrefix(p, "testdata"+string(filepath.Separator)))
		want, ok := formatOf[rel]
		if !ok {
			t.Errorf("%s: not in formatOf; say which format it is", rel)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if want == "-" {
			continue
		}
		forced := strings.HasSuffix(want, "!")
		want = strings.TrimSuffix(want, "!")
		got := Detect(data)
		switch {
		case want == "" && got != nil:
			t.Errorf("%s: detected as %s; it is another reader's", rel, got.Name)
			continue
		case want == "":
			continue
		case forced && got == nil:
			t.Errorf("%s: not detected at all", rel)
		case !forced && (got == nil || got.Name != want):
			t.Errorf("%s: detected as %v, want %s", rel, got, want)
			continue
		}
		run, err := Read(data, p, want)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if len(run.Benchmarks) == 0 {
			t.Errorf("%s: no benchmarks", rel)
		}
		names := map[string]bool{}
		for _, b := range run.Benchmarks {
			st := b.Stats
			if b.Name == "" || b.Fullname == "" || st.Rounds < 1 || st.Iterations < 1 || st.Min < 0 || st.Mean < 0 || st.Min > st.Max ||
				st.Mean < st.Min || st.Mean > st.Max || st.Median < st.Min || st.Median > st.Max ||
				st.Q1 > st.Median || st.Q3 < st.Median || st.Q1 < st.Min || st.Q3 > st.Max || math.IsNaN(st.Mean) || names[b.Fullname] {
				t.Errorf("%s: implausible benchmark %q: %+v", rel, b.Name, st)
			}
			names[b.Fullname] = true
			if len(st.Data) > 0 && len(st.Data) != st.Rounds {
				t.Errorf("%s: %q has %d samples but %d rounds", rel, b.Name, len(st.Data), st.Rounds)
			}
		}
		if run.Machine["harness"] != run.Format.Harness {
			t.Errorf("%s: machine_info harness = %v", rel, run.Machine["harness"])
		}
	}
}

// read reads a testdata file in its detected (or the given) format.
func read(t *testing.T, rel, format string) *Run {
	t.Helper()
	p := filepath.Join("testdata", filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	run, err := Read(data, p, format)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func find(t *testing.T, r *Run, name string) result.Benchmark {
	t.Helper()
	for _, b := range r.Benchmarks {
		if b.Name == name {
			return b
		}
	}
	var names []string
	for _, b := range r.Benchmarks {
		names = append(names, b.Name)
	}
	t.Fatalf("no benchmark %q in %s; have %q", name, r.Format.Name, names)
	return result.Benchmark{}
}

// near is for figures the harness computed itself (its mean over the same
// samples): equal up to the last bits of a different summation.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-14*math.Abs(b) }

func sameData(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: sample %d = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

// The expected figures below are the file's own numbers, typed in from it
// and converted by hand to seconds (or kept in their unit).

func TestGoogleBenchmarkFigures(t *testing.T) {
	r := read(t, "made/googlebenchmark_repetitions.json", "")
	b := find(t, r, "BM_Fib/10")
	// The five "iteration" rows' real_time (4.0886428689500119e-02 us …),
	// converted on the text: a float64 product would be off in the last bit.
	sameData(t, b.Name, b.Stats.Data, []float64{4.0886428689500119e-08, 3.9648716735733988e-08, 4.2309596411547454e-08, 3.9893412405725019e-08, 4.1425204758014131e-08})
	if b.Stats.Rounds != 5 || b.Stats.Iterations != 1754510 {
		t.Errorf("rounds %d iterations %d, want 5 and 1754510", b.Stats.Rounds, b.Stats.Iterations)
	}
	// Google Benchmark's own aggregates over the same repetitions.
	if !near(b.Stats.Mean, 4.0832671800104144e-08) || b.Stats.Median != 4.0886428689500119e-08 || math.Abs(b.Stats.Stddev-1.0976394241315095e-09) > 1e-12*1.0976394241315095e-09 /* Google Benchmark's stddev is not computed exactly */ {
		t.Errorf("mean %.17g median %.17g stddev %.17g disagree with the file's aggregates", b.Stats.Mean, b.Stats.Median, b.Stats.Stddev)
	}
	c := find(t, r, "BM_Copy/4096")
	if bps, _ := c.Extra("bytes_per_second"); !near(bps, 8.5940885251567612e+10) {
		t.Errorf("bytes_per_second = %v, want the mean aggregate 8.5940885251567612e+10", bps)
	}
	if len(r.Benchmarks) != 3 {
		t.Errorf("%d benchmarks, want 3 (aggregate rows are not benchmarks)", len(r.Benchmarks))
	}
	old := find(t, read(t, "github-action-benchmark/googlecpp_output.json", ""), "fib_20")
	sameData(t, "fib_20", old.Stats.Data, []float64{2.7455600415007055e-05})
	if cpu, _ := old.Extra("cpu_time"); cpu != 2.7364903204272359e-05 || old.Stats.Iterations != 23968 {
		t.Errorf("cpu_time %v iterations %d", cpu, old.Stats.Iterations)
	}
}

// A Google Benchmark file without its "context" (machine description) is
// still read as Google Benchmark's, never as pytest-benchmark's.
func TestGoogleBenchmarkWithoutContext(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "github-action-benchmark", "googlecpp_output.json"))
	s := string(data)
	i, j := strings.Index(s, `"context"`), strings.Index(s, `"benchmarks"`)
	if i < 0 || j < i {
		t.Fatal("no context before benchmarks in the file")
	}
	r, err := Read([]byte(s[:i]+s[j:]), "nocontext.json", "")
	if err != nil || r.Format.Name != "googlecpp" || len(r.Benchmarks) != 2 || r.Benchmarks[0].Stats.Mean != 2.1498980114547953e-07 {
		t.Fatalf("%v %+v", err, r)
	}
}

// Without its context, a Google Benchmark file whose first row is not a
// measurement (a benchmark that called SkipWithError: no real_time) is
// still told by its rows' own keys (run_type, error_occurred), which no
// pytest-benchmark row has: never taken for pytest-benchmark JSON.
func TestGoogleBenchmarkWithoutContextErrorFirst(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "github-action-benchmark", "googlecpp_output.json"))
	s := string(data)
	i, j := strings.Index(s, `"context"`), strings.Index(s, `"benchmarks"`)
	if i < 0 || j < i {
		t.Fatal("no context before benchmarks in the file")
	}
	s = s[:i] + s[j:]
	k := strings.Index(s, "{\n      \"name\": \"fib_10\"")
	if k < 0 {
		t.Fatal("no fib_10 row")
	}
	for _, row := range []string{
		`{"name": "bad", "run_name": "bad", "run_type": "iteration", "repetitions": 0, "repetition_index": 0, "threads": 1, "iterations": 0, "error_occurred": true, "error_message": "oops"}, `,
		`{"name": "bad", "error_occurred": true, "error_message": "oops"}, `, // before run_type (v1.4)
	} {
		in := s[:k] + row + s[k:]
		if f := Detect([]byte(in)); f == nil || f.Name != "googlecpp" {
			t.Errorf("detected %v; want googlecpp", f)
		}
		if _, err := Read([]byte(in), "err.json", ""); err == nil || !strings.Contains(err.Error(), "reported an error: oops") {
			t.Errorf("err = %v; want the benchmark's error", err)
		}
	}
}

// A user counter named like one of the row's own keys but for case
// ("Real_Time", "Iterations") is a counter: encoding/json's matching of
// keys without regard to case must not read it as real_time.
func TestGoogleBenchmarkCounterNamedLikeAField(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "github-action-benchmark", "googlecpp_output.json"))
	s := strings.Replace(string(data), `"time_unit": "ns"`, `"time_unit": "ns", "Real_Time": 1000000, "Iterations": 7`, 1)
	r, err := Read([]byte(s), "ctr.json", "")
	if err != nil {
		t.Fatal(err)
	}
	b := r.Benchmarks[0]
	if b.Name != "fib_10" || b.Stats.Mean != 2.1498980114547953e-07 || b.Stats.Iterations != 3070566 ||
		b.ExtraInfo["Real_Time"] != 1000000.0 || b.ExtraInfo["Iterations"] != 7.0 {
		t.Errorf("%s: mean %g, iterations %d, extra_info %v; want 2.1498980114547953e-07 s, 3070566 and the two counters",
			b.Name, b.Stats.Mean, b.Stats.Iterations, b.ExtraInfo)
	}
}

// With --benchmark_report_aggregates_only there are no samples: the mean,
// median and stddev rows are the figures, an estimate.
func TestGoogleBenchmarkAggregatesOnly(t *testing.T) {
	r := read(t, "made/googlebenchmark_aggregates_only.json", "")
	b := find(t, r, "BM_Fib/10")
	if b.Stats.Mean != 4.3071728879995136e-07 || b.Stats.Median != 4.2762061499979620e-07 || b.Stats.Stddev != 1.2281398232054593e-07 ||
		len(b.Stats.Data) != 0 || b.Stats.Rounds != 5 || b.ExtraInfo["estimate"] == nil {
		t.Errorf("%+v %v", b.Stats, b.ExtraInfo)
	}
	// min and max are not in the file: never min = mean above the printed
	// median, never 0 iterations. They are the smallest and largest
	// printed figures, and extra_info says so.
	if b.Stats.Min != 4.2762061499979620e-07 || b.Stats.Max != 4.3071728879995136e-07 || b.Stats.Iterations != 1 ||
		b.ExtraInfo["not_in_output"] != "min, max, q1, q3, iterations" {
		t.Errorf("min %.17g max %.17g iterations %d not_in_output %q; want the median, the mean, 1 and what was filled",
			b.Stats.Min, b.Stats.Max, b.Stats.Iterations, b.ExtraInfo["not_in_output"])
	}
	if len(r.Benchmarks) != 2 {
		t.Errorf("%d benchmarks, want 2 (the aggregate rows of two)", len(r.Benchmarks))
	}
}

func TestHyperfineFigures(t *testing.T) {
	r := read(t, "made/hyperfine.json", "")
	b := find(t, r, "sleep 0.01")
	sameData(t, b.Name, b.Stats.Data, []float64{0.01848005172, 0.01043451772, 0.01039362672, 0.01035975672, 0.01032761872,
		0.01038836972, 0.01068568272, 0.01035508972, 0.01031402772, 0.010377943720000001})
	if !near(b.Stats.Mean, 0.01121166852) || !near(b.Stats.Median, 0.010383156720000002) || !near(b.Stats.Stddev, 0.0025560149782825267) ||
		b.Stats.Min != 0.01031402772 || b.Stats.Max != 0.01848005172 {
		t.Errorf("stats %+v disagree with hyperfine's mean/median/stddev/min/max", b.Stats)
	}
	if u, _ := b.Extra("user"); u != 0.0006444599999999998 {
		t.Errorf("user = %v", u)
	}
	p := find(t, read(t, "made/hyperfine_params.json", ""), "sleep 0.002")
	if p.Params["n"] != "2" || p.Param != "2" {
		t.Errorf("params %v param %q, want n=2", p.Params, p.Param)
	}
}

func TestJMHFigures(t *testing.T) {
	b := read(t, "github-action-benchmark/jmh_output_2.json", "").Benchmarks[0]
	if b.Name != "org.openjdk.jmh.samples.JMHSample_01_HelloWorld.wellHelloThere[paramA=17,paramB=33]" ||
		b.Fullname != b.Name+" (thrpt)" || b.Params["paramB"] != "33" {
		t.Errorf("name %q fullname %q params %v", b.Name, b.Fullname, b.Params)
	}
	sameData(t, b.Name, b.Stats.Data, []float64{3.376842765688582e9, 3.37651988895058e9, 3.375353964729294e9})
	if !near(b.Stats.Mean, 3.3762388731228185e9) || b.Unit() != "ops/s" || !b.HigherIsBetter() {
		t.Errorf("mean %.17g unit %q higher-is-better %v; want JMH's score 3.3762388731228185E9 ops/s, higher is better", b.Stats.Mean, b.Unit(), b.HigherIsBetter())
	}
}

// Modes other than thrpt report a time per operation: stored in seconds,
// lower is better.
func TestJMHAverageTime(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "github-action-benchmark", "jmh_output.json"))
	s := strings.NewReplacer(`"mode" : "thrpt"`, `"mode" : "avgt"`, `"scoreUnit" : "ops/s"`, `"scoreUnit" : "us/op"`).Replace(string(data))
	r, err := Read([]byte(s), "avgt.json", "")
	if err != nil {
		t.Fatal(err)
	}
	b := r.Benchmarks[0]
	if b.Unit() != "" || b.HigherIsBetter() || b.Stats.Data[0] != 3376.842765688582 || b.Fullname != b.Name+" (avgt)" {
		t.Errorf("unit %q higher %v data %v fullname %q", b.Unit(), b.HigherIsBetter(), b.Stats.Data, b.Fullname)
	}
}

// JMH's minutes, hours and days (@OutputTimeUnit(TimeUnit.MINUTES)) read
// exactly, as a throughput and as a time per operation.
func TestJMHMinutes(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "github-action-benchmark", "jmh_output.json"))
	for _, c := range []struct {
		mode, unit string
		want       float64 // the first rawData 3.376842765688582E9 in ops/s or seconds
		higher     bool
	}{
		{"thrpt", "ops/min", 56280712.76147637, true},
		{"avgt", "min/op", 202610565941.3149, false},
		{"ss", "day/op", 3.376842765688582e9 * 86400, false},
	} {
		s := strings.NewReplacer(`"mode" : "thrpt"`, `"mode" : "`+c.mode+`"`, `"scoreUnit" : "ops/s"`, `"scoreUnit" : "`+c.unit+`"`).Replace(string(data))
		r, err := Read([]byte(s), c.unit+".json", "")
		if err != nil {
			t.Errorf("%s: %v", c.unit, err)
			continue
		}
		b := r.Benchmarks[0]
		if b.Stats.Data[0] != c.want || b.HigherIsBetter() != c.higher {
			t.Errorf("%s: first sample %.17g higher-is-better %v, want %.17g %v", c.unit, b.Stats.Data[0], b.HigherIsBetter(), c.want, c.higher)
		}
	}
}

func TestBenchmarkDotNetFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/benchmarkdotnet.json", ""), "Sample.Benchmarks.Fib10")
	if b.Stats.Rounds != 14 || b.Stats.Data[0] != 2.4805462032556534e-08 || b.Stats.Data[13] != 2.417329317331314e-08 {
		t.Errorf("rounds %d data %v; want the 14 OriginalValues in seconds", b.Stats.Rounds, b.Stats.Data)
	}
	if !near(b.Stats.Mean, 2.44202085009643e-08) || !near(b.Stats.Median, 2.4419498533010483e-08) || b.Stats.Min != 2.406129601597786e-08 {
		t.Errorf("mean %.17g median %.17g min %.17g disagree with Statistics", b.Stats.Mean, b.Stats.Median, b.Stats.Min)
	}
	// The file keeps only the pilot stages: the last one's operations.
	if b.Stats.Iterations != 524288 {
		t.Errorf("iterations %d, want the last Workload Pilot's 524288 operations", b.Stats.Iterations)
	}
	if b.Group != "Sample.Benchmarks" {
		t.Errorf("group %q", b.Group)
	}
}

func TestJuliaFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/julia_output.json", ""), "fib/10")
	if b.Stats.Mean != 2.4603846153846155e-07 || b.Stats.Median != 2.4603846153846155e-07 || len(b.Stats.Data) != 0 {
		t.Errorf("stats %+v; want the TrialEstimate time 246.03846153846155 ns and no samples", b.Stats)
	}
	if b.Stats.Iterations != 390 {
		t.Errorf("iterations %d, want the params' 390 evals", b.Stats.Iterations)
	}
	if m, ok := b.Extra(result.KeyBytesPerOp); !ok || m != 0 {
		t.Errorf("B/op = %v %v", m, ok)
	}
}

func TestCustomFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/customSmallerIsBetter_output2.json", ""), "Binary file")
	if b.Stats.Mean != 3.88675e-06 || b.Unit() != "" || b.ExtraInfo["range"] != "87.1657" || b.Stats.Rounds != 1 {
		t.Errorf("stats %+v extra %v; want 3886.75 ns in seconds, range kept", b.Stats, b.ExtraInfo)
	}
	r := read(t, "github-action-benchmark/customBiggerIsBetter_output.json", "customBiggerIsBetter")
	m := find(t, r, "My Custom Bigger Is Better Benchmark - Free Memory")
	if m.Stats.Mean != 150 || m.Unit() != "Megabytes" || !m.HigherIsBetter() || m.ExtraInfo["range"] != "3" ||
		m.ExtraInfo["extra"] != "Optional Value #1: 25\nHelpful Num #2: 100\nAnything Else!" {
		t.Errorf("%+v %v", m.Stats, m.ExtraInfo)
	}
	s := find(t, read(t, "github-action-benchmark/customSmallerIsBetter_output.json", "customSmallerIsBetter"), "My Custom Smaller Is Better Benchmark - CPU Load")
	if s.Stats.Mean != 50 || s.Unit() != "Percent" || s.HigherIsBetter() || s.ExtraInfo["range"] != "5%" {
		t.Errorf("%+v %v", s.Stats, s.ExtraInfo)
	}
}

func TestCustomNeedsDirection(t *testing.T) {
	p := filepath.Join("testdata", "github-action-benchmark", "customBiggerIsBetter_output.json")
	data, _ := os.ReadFile(p)
	_, err := Read(data, p, "")
	var re *result.Error
	if !errors.As(err, &re) || re.Line != 9 || !strings.Contains(err.Error(), "Megabytes") || !strings.Contains(err.Error(), "import --format customBiggerIsBetter") ||
		!strings.Contains(err.Error(), "compare --input-format customBiggerIsBetter") {
		t.Fatalf("err = %v; want an error at line 9 (the unit) naming the unit and the two formats", err)
	}
}

func TestCatch2Figures(t *testing.T) {
	r := read(t, "github-action-benchmark/catch2_output_v2.txt", "")
	b := find(t, r, "Fibonacci 20")
	if b.Stats.Mean != 4.1731e-05 || b.Stats.Stddev != 3.256e-06 || b.Stats.Rounds != 100 || b.Stats.Iterations != 2 ||
		b.Group != "Fibonacci" || len(b.Stats.Data) != 0 {
		t.Errorf("%q: %+v group %q", b.Name, b.Stats, b.Group)
	}
	if ci := b.ExtraInfo["mean_ci"].([]float64); ci[0] != 4.125e-05 || ci[1] != 4.2622e-05 {
		t.Errorf("mean_ci %v", ci)
	}
	if s := find(t, r, "Fibonacci~ 5!"); s.Stats.Mean != 3.6e-08 || s.Group != "More Fibonacci" {
		t.Errorf("%+v %q", s.Stats, s.Group)
	}
	x := find(t, read(t, "made/catch2_v2.xml", ""), "Fibonacci 20")
	if x.Stats.Mean != 5.21507e-06 || x.Stats.Stddev != 8.45823e-07 || x.Stats.Rounds != 20 || x.Stats.Iterations != 5 || x.Group != "Fibonacci" {
		t.Errorf("XML %q: %+v group %q", x.Name, x.Stats, x.Group)
	}
}

// Catch2 v3.5.0's own output (made/make_catch2_v3.sh): the figures as
// printed, a name the console wraps over two lines and the XML escapes,
// the version in v3's wording, and a benchmark that threw, named.
func TestCatch2V3(t *testing.T) {
	r := read(t, "made/catch2_v3_console.txt", "")
	// Fibonacci 20   20   3   1.3323 ms
	//   5.91133 us    5.77395 us    6.17228 us
	//   418.962 ns    175.833 ns    618.035 ns
	b := find(t, r, "Fibonacci 20")
	if b.Stats.Mean != 5.91133e-06 || b.Stats.Stddev != 4.18962e-07 || b.Stats.Rounds != 20 || b.Stats.Iterations != 3 ||
		b.Group != "Fibonacci" || len(b.Stats.Data) != 0 {
		t.Errorf("console %q: %+v group %q", b.Name, b.Stats, b.Group)
	}
	if ci := b.ExtraInfo["mean_ci"].([]float64); ci[0] != 5.77395e-06 || ci[1] != 6.17228e-06 {
		t.Errorf("mean_ci %v", ci)
	}
	long := "vector<int> push_back of 1000 ints, reserved beforehand"
	if v := find(t, r, long); v.Stats.Mean != 4.18927e-07 || v.Stats.Iterations != 35 || v.Group != "Containers" {
		t.Errorf("console %q: %+v group %q", v.Name, v.Stats, v.Group)
	}
	if len(r.Benchmarks) != 4 || r.Machine["harness_version"] != "3.5.0" {
		t.Errorf("console: %d benchmarks, version %v", len(r.Benchmarks), r.Machine["harness_version"])
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"throws" failed (no input file)`) {
		t.Errorf("console warnings %q; want the failed benchmark named", r.Warnings)
	}

	x := read(t, "made/catch2_v3.xml", "")
	// <BenchmarkResults name="Fibonacci 30" samples="20" … iterations="1" …>
	//   <mean value="921808" …/> <standardDeviation value="668896" …/>
	f := find(t, x, "Fibonacci 30")
	if f.Stats.Mean != 9.21808e-04 || f.Stats.Stddev != 6.68896e-04 || f.Stats.Rounds != 20 || f.Stats.Iterations != 1 || f.Group != "Fibonacci" {
		t.Errorf("XML %q: %+v group %q", f.Name, f.Stats, f.Group)
	}
	if v := find(t, x, long); v.Stats.Mean != 4.23558e-07 || v.Stats.Iterations != 102 || v.Group != "Containers" {
		t.Errorf("XML %q: %+v group %q", v.Name, v.Stats, v.Group)
	}
	if len(x.Benchmarks) != 4 || x.Machine["harness_version"] != "3.5.0" {
		t.Errorf("XML: %d benchmarks, version %v", len(x.Benchmarks), x.Machine["harness_version"])
	}
	if len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `"throws" failed (no input file)`) {
		t.Errorf("XML warnings %q; want the failed benchmark named", x.Warnings)
	}
}

func TestCargoFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/cargo_output3.txt", ""), "bench_fib_20")
	if b.Stats.Median != 1.879412e-05 || b.Stats.Mean != 1.879412e-05 || b.ExtraInfo["deviation"] != 4.4025e-07 {
		t.Errorf("%+v %v; want 18,794.12 ns ± 440.25 in seconds", b.Stats, b.ExtraInfo)
	}
	r := read(t, "github-action-benchmark/cargo_output_units.txt", "")
	if c := find(t, r, "cmov"); c.Stats.Mean != 2835 || c.Unit() != "cycles/iter" || c.HigherIsBetter() {
		t.Errorf("cmov: %+v %v", c.Stats, c.ExtraInfo)
	}
	if d := find(t, r, "download"); d.Stats.Mean != 9001 || d.Unit() != "MS/s" || !d.HigherIsBetter() {
		t.Errorf("download: %+v %v", d.Stats, d.ExtraInfo)
	}
}

func TestCriterionFigures(t *testing.T) {
	r := read(t, "criterion/kangarootwelve_output.txt", "")
	if len(r.Benchmarks) != 24 {
		t.Errorf("%d benchmarks, want the file's 24 time lines", len(r.Benchmarks))
	}
	// A long name stands on its own line above its time line.
	b := find(t, r, "K12/16777216/32 (cached)")
	if b.Stats.Mean != 0.019465 || b.ExtraInfo["ci_lower"] != 0.019412 || b.ExtraInfo["ci_upper"] != 0.019524 ||
		b.ExtraInfo["throughput"] != "[819.51 MiB/s 821.99 MiB/s 824.23 MiB/s]" {
		t.Errorf("%+v %v", b.Stats, b.ExtraInfo)
	}
	if f := find(t, r, "K12/1024/32 (cached)"); f.Stats.Mean != 1.5674e-06 {
		t.Errorf("1.5674 µs read as %.17g s", f.Stats.Mean)
	}
}

func TestBenchmarkJSFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/benchmarkjs_output.txt", ""), "createObjectBuffer with 200 comments")
	if b.Stats.Mean != 81.61 || b.Stats.Rounds != 69 || b.Unit() != "ops/s" || !b.HigherIsBetter() || b.ExtraInfo["rme_percent"] != 1.70 {
		t.Errorf("%+v %v", b.Stats, b.ExtraInfo)
	}
}

func TestBenchmarkJSNameWithX(t *testing.T) {
	r, err := Read([]byte("matrix 3 x 3 x 1,000 ops/sec ±1.5% (90 runs sampled)\n"), "x.txt", "")
	if err != nil || r.Benchmarks[0].Name != "matrix 3 x 3" || r.Benchmarks[0].Stats.Mean != 1000 {
		t.Errorf("%v %+v", err, r)
	}
}

func TestLuauFigures(t *testing.T) {
	b := find(t, read(t, "github-action-benchmark/benchmarkluau_output.txt", ""), "base64")
	if b.Stats.Mean != 0.015041 || b.Stats.Min != 0.014831 || b.ExtraInfo["stddev_percent"] != 0.636 || b.ExtraInfo["driver"] != "luau" {
		t.Errorf("%+v %v", b.Stats, b.ExtraInfo)
	}
}

func TestCriterionJSONFigures(t *testing.T) {
	r, err := ReadCriterionDir(filepath.Join("testdata", "criterion", "target", "criterion"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Benchmarks) != 2 || r.Format.Name != "criterion-json" {
		t.Fatalf("%d benchmarks as %s", len(r.Benchmarks), r.Format.Name)
	}
	b := r.Benchmarks[1]
	// sample.json: iters [55.0, 110.0, 165.0 …], times [1022840.0,
	// 2016796.0, 3612162.0 …] ns.
	if b.Name != "fib 20 - slow" || b.Stats.Rounds != 100 || b.Stats.Data[0] != 1022840.0/55/1e9 ||
		b.Stats.Data[2] != 3612162.0/165/1e9 {
		t.Errorf("%q rounds %d data %v", b.Name, b.Stats.Rounds, b.Stats.Data[:3])
	}
	if b.Stats.Iterations != 55 || b.ExtraInfo["iterations_per_sample"] != "55 to 5500" {
		t.Errorf("iterations %d (%v), want the fewest, 55, and the range", b.Stats.Iterations, b.ExtraInfo["iterations_per_sample"])
	}
	// Criterion's own estimates of the mean and median of the same samples.
	if !near(b.Stats.Mean, 17986.931042012304e-9) || !near(b.Stats.Median, 17933.606987522282e-9) {
		t.Errorf("mean %.17g median %.17g disagree with estimates.json", b.Stats.Mean, b.Stats.Median)
	}
	// One sample.json reads alone too, by content.
	one := read(t, "criterion/target/criterion/fib 20 - fast/new/sample.json", "")
	if one.Format.Name != "criterion-json" || one.Benchmarks[0].Name != "fib 20 - fast" {
		t.Errorf("%s %q", one.Format.Name, one.Benchmarks[0].Name)
	}
	if _, err := ReadCriterionDir("testdata/made"); err == nil || !strings.Contains(err.Error(), "no Criterion.rs results") {
		t.Errorf("a folder without results: %v", err)
	}
}

// What does not arrive as a benchmark, or arrives with a caveat, is named.
func TestWarnings(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "made", "hyperfine.json"))
	s := strings.Replace(string(data), "\"exit_codes\": [\n        0,", "\"exit_codes\": [\n        1,", 1)
	r, err := Read([]byte(s), "h.json", "")
	if err != nil || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"sleep 0.01": 1 of 10 runs exited`) {
		t.Errorf("%v %q", err, r.Warnings)
	}
	gb := `{"context": {}, "benchmarks": [
	{"name": "BM_a", "run_type": "iteration", "real_time": 5, "time_unit": "ns"},
	{"name": "BM_b_BigO", "run_name": "BM_b", "run_type": "aggregate", "aggregate_name": "BigO", "real_time": 1.2, "time_unit": "ns"}]}`
	r, err = Read([]byte(gb), "gb.json", "")
	if err != nil || len(r.Benchmarks) != 1 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"BM_b" left out`) {
		t.Errorf("%v %d %q", err, len(r.Benchmarks), r.Warnings)
	}
}

// ops is pytest-benchmark's operations per second: 1 / mean for times,
// the throughput itself for ops/s, and not known (0) for other units.
func TestOPS(t *testing.T) {
	jmh := read(t, "github-action-benchmark/jmh_output_2.json", "").Benchmarks[0]
	js := find(t, read(t, "github-action-benchmark/benchmarkjs_output.txt", ""), "createObjectBuffer with 200 comments")
	units := read(t, "github-action-benchmark/cargo_output_units.txt", "")
	catch := find(t, read(t, "github-action-benchmark/catch2_output_v2.txt", ""), "Fibonacci 20")
	gb := find(t, read(t, "made/googlebenchmark_repetitions.json", ""), "BM_Fib/10")
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"JMH thrpt (ops/s)", jmh.Stats.OPS, jmh.Stats.Mean},
		{"benchmark.js 81.61 ops/sec", js.Stats.OPS, 81.61},
		{"cargo MS/s", find(t, units, "download").Stats.OPS, 0},
		{"cargo cycles/iter", find(t, units, "cmov").Stats.OPS, 0},
		{"Catch2 41.731 us (an estimate)", catch.Stats.OPS, 1 / 4.1731e-05},
		{"Google Benchmark (samples)", gb.Stats.OPS, float64(gb.Stats.Rounds) / gb.Stats.Total},
	} {
		if c.got != c.want {
			t.Errorf("%s: ops = %.17g, want %.17g", c.what, c.got, c.want)
		}
	}
	if jmh.Stats.OPS < 3e9 {
		t.Errorf("JMH ops %g is not the throughput", jmh.Stats.OPS)
	}
}

// JMH's sample mode writes no rawData but rawDataHistogram ([fork]
// [iteration] [[value, count]…]): a hand-built file in the shape of JMH's
// JSON (no real one here: JMH comes from Maven Central, which this
// project's machines cannot reach; see testdata/SOURCE.md). The score is
// an estimate, with the 0th, 50th and 100th percentiles as min, median
// and max, in seconds.
func TestJMHSampleMode(t *testing.T) {
	const file = `[{"jmhVersion": "1.37", "benchmark": "org.sample.MyBenchmark.testMethod", "mode": "sample",
	"threads": 1, "forks": 1, "measurementBatchSize": 1,
	"primaryMetric": {"score": 0.0353, "scoreError": 0.0012, "scoreConfidence": [0.0341, 0.0365],
		"scorePercentiles": {"0.0": 0.031, "50.0": 0.034, "90.0": 0.036, "100.0": 0.512},
		"scoreUnit": "us/op",
		"rawDataHistogram": [[[[0.031, 120], [0.034, 800], [0.512, 1]]]]},
	"secondaryMetrics": {}}]`
	r, err := Read([]byte(file), "sample.json", "")
	if err != nil {
		t.Fatal(err)
	}
	b := r.Benchmarks[0]
	if b.Stats.Data != nil || b.Stats.Mean != 3.53e-8 || b.Stats.Min != 3.1e-8 || b.Stats.Median != 3.4e-8 || b.Stats.Max != 5.12e-7 ||
		b.Fullname != "org.sample.MyBenchmark.testMethod (sample)" || b.ExtraInfo["score_error"] != 1.2e-9 {
		t.Errorf("%+v %v", b.Stats, b.ExtraInfo)
	}
}
