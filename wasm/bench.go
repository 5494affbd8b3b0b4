package main

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/suite"
)

// Defaults of a browser run. A round of ~60–90 ms is long enough that even
// the 100 µs timer of a page that is not crossOriginIsolated adds well under
// 1 % of noise, and short enough that ten rounds of every browser benchmark
// take seconds, not minutes.
const (
	defaultRounds    = 10
	defaultRoundTime = 60 * time.Millisecond
	warmTime         = 300 * time.Millisecond // run time before the rounds count
	maxRounds        = 1000
	maxIterations    = 1_000_000_000
)

// runOptions is the JSON the page passes to run().
type runOptions struct {
	Rounds    int     `json:"rounds"`    // timed rounds; default defaultRounds
	RoundTime float64 `json:"roundTime"` // seconds a round should last at least; default 0.06
	WarmTime  float64 `json:"warmTime"`  // seconds the body runs before the rounds, at least 2 rounds' worth; default 0.3
	// Fullname and Group as the published history has them (the registry
	// knows only the Go name), so a downloaded browser run matches the
	// native benchmark in `benchsite compare`. Default: name and the
	// registry's group.
	Fullname string `json:"fullname"`
	Group    string `json:"group"`
}

// progress is one message sent while a run goes on.
type progress struct {
	Name       string  `json:"name"`
	Phase      string  `json:"phase"` // "calibrate", "warmup" or "round"
	Round      int     `json:"round"` // 1-based, for phase "round"
	Rounds     int     `json:"rounds"`
	Iterations int     `json:"iterations"`
	Seconds    float64 `json:"seconds"` // the round's time per iteration
}

// runResult is what run() returns: the benchmark in the result file's
// schema (stats computed by package stats, exactly as for native runs).
type runResult struct {
	Benchmark result.Benchmark `json:"benchmark"`
	// Calibration is the number of calibration rounds (not in the stats);
	// one warm-up round at the final iteration count follows them.
	Calibration int     `json:"calibration"`
	Elapsed     float64 `json:"elapsed"` // seconds the whole run took
}

// clock returns the time in seconds from an arbitrary origin: the page's
// performance.now() in the browser.
type clock func() float64

// run measures b in the native runner's model: calibrate the iterations
// per round, one discarded warm-up round (V8 compiles wasm with a baseline
// compiler first and tiers hot functions up while they run), then
// opt.Rounds rounds of that many iterations; each sample is the round's time
// divided by the iterations. The loop is timed here, not with
// testing.Benchmark, because that would need goroutine hand-offs the
// single-threaded js/wasm port cannot make while the worker runs it.
func run(b suite.Benchmark, opt runOptions, now clock, report func(progress)) (res *runResult, err error) {
	if opt.Rounds == 0 {
		opt.Rounds = defaultRounds
	}
	if opt.Rounds < 1 || opt.Rounds > maxRounds {
		return nil, fmt.Errorf("rounds = %d; want 1 to %d", opt.Rounds, maxRounds)
	}
	goal := opt.RoundTime
	if goal == 0 {
		goal = defaultRoundTime.Seconds()
	}
	if !(goal > 0 && goal <= 10) {
		return nil, fmt.Errorf("roundTime = %v s; want more than 0 and at most 10", opt.RoundTime)
	}
	if report == nil {
		report = func(progress) {}
	}
	// A panicking body must not take the worker's Go runtime down: the
	// page would only see the worker die without a message.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%s panicked: %v", b.Name, p)
		}
	}()

	start := now()
	op, check := b.Prepare()
	round := func(n int) float64 {
		// As testing.B does before each run, so that garbage from the
		// previous round is not collected on this round's time.
		runtime.GC()
		t0 := now()
		for range n {
			op()
		}
		return now() - t0
	}

	// Calibration doubles as warm-up: it goes on until the body has run
	// for warmTime in all and a round at the current count lasts the
	// round time. A count found while V8 still ran baseline code would
	// make the rounds of the optimised code too short, so the count is
	// raised again whenever a round falls short.
	n, calib, spent := 1, 0, 0.0
	warm := opt.WarmTime
	if warm == 0 {
		warm = warmTime.Seconds()
	}
	if !(warm > 0 && warm <= 60) {
		return nil, fmt.Errorf("warmTime = %v s; want more than 0 and at most 60", opt.WarmTime)
	}
	warm = max(warm, 2*goal)
	for {
		d := round(n)
		calib++
		spent += d
		report(progress{Name: b.Name, Phase: "calibrate", Iterations: n, Seconds: d / float64(n)})
		if n >= maxIterations || d >= goal && spent >= warm {
			break
		}
		if d < goal {
			n = predictN(goal, n, d)
		}
	}
	d := round(n)
	report(progress{Name: b.Name, Phase: "warmup", Iterations: n, Seconds: d / float64(n), Rounds: opt.Rounds})

	data := make([]float64, opt.Rounds)
	for i := range data {
		data[i] = round(n) / float64(n)
		report(progress{Name: b.Name, Phase: "round", Round: i + 1, Rounds: opt.Rounds, Iterations: n, Seconds: data[i]})
	}
	if err := check(); err != nil {
		return nil, fmt.Errorf("%s: result check failed: %w", b.Name, err)
	}
	for _, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, errors.New(b.Name + ": the timer went backwards or failed; performance.now() is unusable here")
		}
	}

	rb := result.Benchmark{
		Group:     opt.Group,
		Name:      b.Name,
		Fullname:  opt.Fullname,
		ExtraInfo: map[string]any{},
		Options:   map[string]any{"timer": "performance.now", "min_time": goal, "warmup": true, "calibration_rounds": calib},
		Stats:     stats.Compute(data, n),
	}
	if rb.Group == "" {
		rb.Group = b.Group
	}
	if rb.Fullname == "" {
		rb.Fullname = b.Name
	}
	rb.Param, rb.Params = params(b.Name)
	return &runResult{Benchmark: rb, Calibration: calib, Elapsed: now() - start}, nil
}

// predictN is testing.B's rule for the next iteration count: aim 20 % past
// the goal, grow at least by one and at most 100-fold.
func predictN(goal float64, prev int, d float64) int {
	next := 100 * float64(prev)
	if d > 0 {
		next = min(next, goal*1.2*float64(prev)/d)
	}
	next = max(next, float64(prev)+1)
	return int(min(next, maxIterations))
}

// params splits a Go benchmark name into pytest-style param and params, as
// gobench.Params does for native runs (a test checks they agree). Copied
// rather than imported: gobench pulls x/perf's parsers into the module,
// which the browser would download for nothing.
func params(name string) (string, map[string]any) {
	_, param, ok := strings.Cut(name, "/")
	if !ok {
		return "", nil
	}
	var ps map[string]any
	for _, part := range strings.Split(param, "/") {
		if k, v, ok := strings.Cut(part, "="); ok && k != "" {
			if ps == nil {
				ps = map[string]any{}
			}
			ps[k] = v
		}
	}
	return param, ps
}

// benchInfo lists a registry entry for the page.
type benchInfo struct {
	Name  string `json:"name"`
	Group string `json:"group"`
	Slow  bool   `json:"slow"`
}

func list() []benchInfo {
	var out []benchInfo
	for _, b := range suite.All() {
		out = append(out, benchInfo{b.Name, b.Group, b.Slow})
	}
	return out
}

// fileRequest is the JSON the page passes to file(): the browser runs to
// put into one result file, and what the page knows about the browser.
type fileRequest struct {
	Benchmarks  []result.Benchmark `json:"benchmarks"`
	MachineInfo result.MachineInfo `json:"machine_info"`
	Datetime    string             `json:"datetime"` // from the page's clock, RFC 3339
	Version     string             `json:"version"`
}

// browserFile returns the runs as a pytest-benchmark result file. Its
// machine_info says it is a browser (goos "js", goarch "wasm", the page's
// user agent), so it never passes for a native run; commit_info has no
// commit, since what ran is the published site's build.
func browserFile(req fileRequest) ([]byte, error) {
	if len(req.Benchmarks) == 0 {
		return nil, errors.New("no browser runs to save yet")
	}
	mi := result.MachineInfo{}
	for k, v := range req.MachineInfo {
		mi[k] = v
	}
	mi["go_version"] = runtime.Version()
	// Constants, not runtime.GOOS: the file describes the browser build
	// even when this code runs in a host test.
	mi["goos"] = "js"
	mi["goarch"] = "wasm"
	mi["gomaxprocs"] = runtime.GOMAXPROCS(0)
	mi["implementation"] = "browser (WebAssembly)"
	if _, ok := mi["system"]; !ok {
		mi["system"] = "Browser"
	}
	f := &result.File{
		MachineInfo: mi,
		CommitInfo:  result.CommitInfo{ID: "unversioned", Message: "run in a web browser from the published site"},
		Benchmarks:  req.Benchmarks,
		Datetime:    req.Datetime,
		Version:     req.Version,
	}
	if f.Version == "" {
		f.Version = "benchsite (browser)"
	}
	return result.Encode(f)
}
