package result

// Failure is a benchmark that failed during a run (b.Fatal, b.Error, a
// panic): it is left out of Benchmarks and named here with its output, so
// that the other benchmarks of the run are still measured and kept.
// Stored under the top-level key "failures", which pytest-benchmark's
// reader ignores.
//
// A benchmark that failed only in the extra profiled rounds of
// benchsite run --profile has Profiling set: its timed rounds passed, so it
// is also in Benchmarks, without a profile.
type Failure struct {
	Name    string `json:"name"`              // e.g. "BenchmarkForward/batch=32"
	Package string `json:"package,omitempty"` // Go import path
	// Arm is "baseline" or "current" in a paired run, "" otherwise.
	Arm    string `json:"arm,omitempty"`
	Output string `json:"output"` // the benchmark's log lines, or the process's last output
	// Profiling is true when the failure was in the profiled rounds only.
	Profiling bool `json:"profiling,omitempty"`
}

// Paired is the outcome of a paired run (benchsite run --against or
// --compare): the file's benchmarks are the current arm, measured in
// interleaved process pairs with the baseline arm, and Benchmarks holds the
// verdict per benchmark. Stored under the top-level key "paired", which
// pytest-benchmark's reader ignores; every figure is also plain JSON that
// any reader can use.
type Paired struct {
	// Baseline is the revision measured as the baseline arm: its
	// commit_info (id, time, message…); Ref is the revision as the user
	// named it ("HEAD~1", a commit id). Label names the baseline in
	// messages, e.g. "0004_baseline" or "HEAD~1".
	Baseline CommitInfo `json:"baseline"`
	Ref      string     `json:"ref,omitempty"`
	Label    string     `json:"label,omitempty"`
	// Method names the statistics, e.g. "Hodges-Lehmann on per-pair log
	// ratios, Wilcoxon signed-rank interval".
	Method string `json:"method"`
	// Confidence of the intervals (0.95).
	Confidence float64 `json:"confidence"`
	// Check is the regression check the verdicts use, e.g. "mean:10%".
	Check string `json:"check"`
	// Seeds are the code-layout seeds (-ldflags=-randlayout) both arms
	// were built with; RoundsPerProcess the rounds each process measured.
	Seeds            []int64 `json:"seeds,omitempty"`
	RoundsPerProcess int     `json:"rounds_per_process,omitempty"`
	// Benchmarks maps fullname → the verdict; benchmarks only in the
	// current arm are absent here (they are in the file's benchmarks),
	// those only in the baseline arm are listed in Removed.
	Benchmarks map[string]PairedBenchmark `json:"benchmarks"`
	Removed    []string                   `json:"removed,omitempty"`
}

// PairedBenchmark is one benchmark's paired verdict.
type PairedBenchmark struct {
	Name string `json:"name"`
	// Field is the location statistic compared per process ("mean").
	Field string `json:"field"`
	// Verdict is "same", "regression", "improvement", "noise" or
	// "undecided".
	Verdict string `json:"verdict"`
	// Pairs is the number of process pairs measured.
	Pairs int `json:"pairs"`
	// ChangePercent is the estimated change (current ÷ baseline − 1) in
	// percent; CILowPercent and CIHighPercent bound its confidence
	// interval (null when there were too few pairs for one).
	ChangePercent float64  `json:"change_percent"`
	CILowPercent  *float64 `json:"ci_low_percent"`
	CIHighPercent *float64 `json:"ci_high_percent"`
	// ThresholdPercent is the check's threshold as a percent of the
	// baseline.
	ThresholdPercent float64 `json:"threshold_percent"`
	// Base and Cur are Field over all rounds of each arm (seconds).
	Base float64 `json:"base"`
	Cur  float64 `json:"cur"`
	// BaseValues and CurValues are Field per process, pair by pair
	// (seconds): the data the interval was computed from.
	BaseValues []float64 `json:"base_values"`
	CurValues  []float64 `json:"cur_values"`
}
