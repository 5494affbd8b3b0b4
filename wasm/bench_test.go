package main

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/suite"
)

// wallClock is the host's monotonic clock in seconds, standing in for
// performance.now(), which the js build uses.
func wallClock() clock {
	start := time.Now()
	return func() float64 { return time.Since(start).Seconds() }
}

// The run logic on the host, with a real registry body: calibration reaches
// the round time, the warm-up is reported and discarded, the stats are
// package stats' over exactly the reported samples.
func TestRunMeasuresInRounds(t *testing.T) {
	b, ok := suite.Lookup("BenchmarkSetDeterminism")
	if !ok {
		t.Fatal("BenchmarkSetDeterminism is not in the registry")
	}
	var msgs []progress
	res, err := run(b, runOptions{Rounds: 5, RoundTime: 0.005, WarmTime: 0.02, Fullname: "tests/benchmarks::BenchmarkSetDeterminism"}, wallClock(), func(p progress) { msgs = append(msgs, p) })
	if err != nil {
		t.Fatal(err)
	}
	rb := res.Benchmark
	if rb.Name != b.Name || rb.Fullname != "tests/benchmarks::BenchmarkSetDeterminism" || rb.Group != suite.GroupData {
		t.Errorf("name %q fullname %q group %q", rb.Name, rb.Fullname, rb.Group)
	}
	if len(msgs) != res.Calibration+1+5 {
		t.Fatalf("%d progress messages for %d calibration rounds + warm-up + 5 rounds: %+v", len(msgs), res.Calibration, msgs)
	}
	var samples []float64
	for i, m := range msgs {
		want := "calibrate"
		switch {
		case i == res.Calibration:
			want = "warmup"
		case i > res.Calibration:
			want = "round"
			samples = append(samples, m.Seconds)
			if m.Round != i-res.Calibration || m.Rounds != 5 || m.Iterations != rb.Stats.Iterations {
				t.Errorf("message %d: %+v", i, m)
			}
		}
		if m.Phase != want {
			t.Errorf("message %d: phase %q, want %q", i, m.Phase, want)
		}
	}
	// The last calibration round lasted at least the round time.
	last := msgs[res.Calibration-1]
	if last.Iterations != rb.Stats.Iterations || last.Seconds*float64(last.Iterations) < 0.005 {
		t.Errorf("last calibration round %+v is shorter than 5 ms or has another N than the rounds (%d)", last, rb.Stats.Iterations)
	}
	// Calibration ran the body for the warm-up time at least.
	var spent float64
	for _, m := range msgs[:res.Calibration] {
		spent += m.Seconds * float64(m.Iterations)
	}
	if spent < 0.02 {
		t.Errorf("calibration ran the body for %v s, want ≥ 20 ms of warm-up", spent)
	}
	if want := stats.Compute(samples, rb.Stats.Iterations); !reflect.DeepEqual(rb.Stats, want) {
		t.Errorf("stats %+v, want stats.Compute of the reported samples %+v", rb.Stats, want)
	}
	if !(rb.Stats.Median > 0) || math.IsInf(rb.Stats.Median, 0) || rb.Stats.Rounds != 5 {
		t.Errorf("median %v rounds %d", rb.Stats.Median, rb.Stats.Rounds)
	}
}

func TestRunReportsFailures(t *testing.T) {
	fails := suite.Benchmark{Name: "BenchmarkFails", Prepare: func() (func(), func() error) {
		return func() {}, func() error { return errors.New("wrong answer") }
	}}
	if _, err := run(fails, runOptions{Rounds: 1, RoundTime: 0.001, WarmTime: 0.002}, wallClock(), nil); err == nil || !strings.Contains(err.Error(), "BenchmarkFails: result check failed: wrong answer") {
		t.Errorf("failing check: err = %v", err)
	}
	panics := suite.Benchmark{Name: "BenchmarkPanics", Prepare: func() (func(), func() error) {
		return func() { panic("boom") }, func() error { return nil }
	}}
	if _, err := run(panics, runOptions{}, wallClock(), nil); err == nil || !strings.Contains(err.Error(), "BenchmarkPanics panicked: boom") {
		t.Errorf("panicking op: err = %v", err)
	}
	ok, _ := suite.Lookup("BenchmarkSetDeterminism")
	for _, opt := range []runOptions{{Rounds: -1}, {Rounds: maxRounds + 1}, {RoundTime: -1}, {RoundTime: 11}, {RoundTime: math.NaN()}, {WarmTime: -1}, {WarmTime: 61}} {
		if _, err := run(ok, opt, wallClock(), nil); err == nil {
			t.Errorf("options %+v accepted", opt)
		}
	}
}

func TestPredictN(t *testing.T) {
	for _, c := range []struct {
		prev int
		d    float64
		want int
	}{
		{1, 0, 100},     // below the timer's resolution: grow 100-fold
		{1, 0.001, 72},  // 60 ms × 1.2 / 1 ms
		{10, 0.059, 12}, // close: +20 %
		{10, 0.5, 11},   // already too long: still grow by one
		{maxIterations, 0, maxIterations},
	} {
		if got := predictN(0.06, c.prev, c.d); got != c.want {
			t.Errorf("predictN(60ms, %d, %v) = %d, want %d", c.prev, c.d, got, c.want)
		}
	}
}

// The browser's param/params are the native runs' (gobench.Params).
func TestParamsMatchGobench(t *testing.T) {
	names := []string{"BenchmarkX", "BenchmarkX/a", "BenchmarkX/a=1/b=2", "BenchmarkX/=1/plain/k=v=w"}
	for _, b := range suite.All() {
		names = append(names, b.Name)
	}
	for _, n := range names {
		p, ps := params(n)
		wp, wps := gobench.Params(n)
		if p != wp || !reflect.DeepEqual(ps, wps) {
			t.Errorf("params(%q) = %q %v, gobench.Params = %q %v", n, p, ps, wp, wps)
		}
	}
}

// A downloaded browser run is a valid result file that says it comes from
// a browser, keeps the page's machine_info, and cannot pass for a native run.
func TestBrowserFile(t *testing.T) {
	if _, err := browserFile(fileRequest{}); err == nil {
		t.Error("empty request accepted")
	}
	b, _ := suite.Lookup("BenchmarkSetDeterminism")
	res, err := run(b, runOptions{Rounds: 2, RoundTime: 0.001, WarmTime: 0.002}, wallClock(), nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := browserFile(fileRequest{
		Benchmarks:  []result.Benchmark{res.Benchmark},
		MachineInfo: result.MachineInfo{"user_agent": "Mozilla/5.0 </script>", "goos": "linux"},
		Datetime:    "2026-11-25T20:00:00.000000+00:00",
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := result.Decode(data, "browser.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	mi := f.MachineInfo
	if mi.String("user_agent") != "Mozilla/5.0 </script>" || mi.String("implementation") != "browser (WebAssembly)" || mi.String("system") != "Browser" {
		t.Errorf("machine_info %v", mi)
	}
	if mi.String("goos") == "linux" || strings.HasPrefix(mi.ID(), "Linux") {
		t.Errorf("a page's machine_info overrode goos: %v (id %s)", mi, mi.ID())
	}
	if len(f.Benchmarks) != 1 || f.Benchmarks[0].Stats.Median != res.Benchmark.Stats.Median || f.CommitInfo.ID != "unversioned" {
		t.Errorf("file %+v", f)
	}
}
