// Package harness reads the result files of other benchmark harnesses —
// Google Benchmark, Criterion.rs, libtest's cargo bench, JMH,
// BenchmarkDotNet, Catch2, benchmark.js, Luau, Julia BenchmarkTools,
// hyperfine and github-action-benchmark's "custom" JSON — into benchsite's
// result types (package result: pytest-benchmark's schema), so a C++, Rust,
// Java, .NET, JavaScript or Julia project gets benchsite's history, gate and
// site.
//
// Each format has its own small reader in its own file, with a detector
// that looks at the content (never the file name): Detect picks the format,
// Read parses a file in the detected or a forced format (the --format names
// are github-action-benchmark's "tool" names where it has one).
//
// The mapping never invents precision:
//
//   - Samples go to stats.data only when the harness measured them (Google
//     Benchmark repetitions, JMH raw data, BenchmarkDotNet's per-iteration
//     values, hyperfine's per-run times, Julia Trials, Criterion.rs's
//     sample.json: see ReadCriterionDir); stats are then computed from them
//     as pytest-benchmark does (package stats).
//   - A format that reports only an estimate with an error (Catch2, libtest,
//     benchmark.js, Luau, custom JSON, Criterion's text) gives a benchmark
//     without data: the figures it printed are kept, the others are filled
//     consistently with them (min and max the smallest and largest printed
//     figure, never min above the median; rounds and iterations 1 when not
//     printed; see estimate.stats), extra_info "estimate" says what the
//     figure is and "not_in_output" which figures were filled. Such
//     benchmarks are compared by the plain threshold rule (package compare
//     needs samples for its significance test, and says so per row).
//   - Times are stored in seconds, converted exactly from the printed text
//     (ParseUnit, Unit.Value); rates and counts keep their unit in
//     extra_info[result.KeyUnit], rates with extra_info[result.KeyHigherIsBetter]
//     = true. An unknown unit is an error naming the line, and so is a
//     negative figure in any unit (a time, rate or count is never below 0;
//     one rule with result files, which refuse negative statistics).
//   - Every benchmark and the machine description are checked by result's
//     rules (result.CheckBenchmark, result.CheckMachine: names over
//     result.MaxNameLen, machine text over result.MaxIDLen) at the line of
//     the input that holds them.
//   - ops (operations per second) is 1 / mean for times, the throughput
//     itself for ops/s, and 0 (unknown) for any other unit.
//
// Errors are *result.Error values naming the file and the line:column
// (JSON, XML) or line (text) of the offending benchmark or figure. What
// does not arrive as a benchmark is named in Run.Warnings.
//
// Detection reads a file's first 64 KiB only; JSON is decoded element by
// element from one decoder, two passes over the file. Importing 10,000
// benchmarks (read, encoded and decoded back, as import does before
// saving) takes 0.07-0.51 s of CPU per file format on a loaded 2-core
// machine, and a target/criterion folder of 10,000 benchmarks of 100
// samples each (30,000 files, a million samples) 0.76-0.83 s (2.05 s
// with encoding/json throughout, measured under the same load): its files are
// read on every core and decoded by package jscan's lean scanner (with
// encoding/json where it declines), and package result writes and reads
// the run in one pass each. BenchmarkHarnessImport in package ingest
// measures it.
package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// Format is one harness's file format.
type Format struct {
	// Name is what --format takes, e.g. "googlecpp".
	Name string
	// Harness is the harness's name as people write it, e.g. "Google
	// Benchmark"; it is stored in machine_info["harness"].
	Harness string
	// ID names the harness in machine ids ("<system>-<ID>-unknown-64bit"),
	// shared by its formats (Catch2's console and XML: "Catch2").
	ID string
	// Command is an example command producing the file.
	Command string
	detect  func(*sniff) bool
	parse   func(data []byte, name string) (*Run, error)
}

// Run is one file's benchmarks, mapped to benchsite's result types.
type Run struct {
	Format     *Format
	Benchmarks []result.Benchmark
	// Machine holds what the file says about the machine and harness
	// (cpu_model, node, harness_version …); it may be empty.
	Machine result.MachineInfo
	// Datetime is when the file says the run was made, in a form
	// result.File.Time reads; "" when it does not say.
	Datetime string
	// Warnings name what of the file did not arrive as a benchmark, or
	// arrived with a caveat (the file's name is not in them).
	Warnings []string
}

// formats in detection order: the more specific first.
var formats = []*Format{
	googleBenchmark, hyperfine, benchmarkDotNet, jmh, julia, criterionJSON,
	customSmaller, customBigger, custom,
	catch2XML, catch2, luau, benchmarkJS, criterionText, cargo,
}

// Formats returns every format, sorted by name.
func Formats() []*Format {
	out := append([]*Format(nil), formats...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the --format names, sorted, comma-separated.
func Names() string {
	var n []string
	for _, f := range Formats() {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

// Lookup returns the format called name (case-insensitive; "googlebenchmark"
// is an alias of github-action-benchmark's "googlecpp").
func Lookup(name string) (*Format, bool) {
	if strings.EqualFold(name, "googlebenchmark") {
		name = "googlecpp"
	}
	for _, f := range formats {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return nil, false
}

// Detect returns the format of data, or nil when data is in none of them
// (Go benchmark text, pytest-benchmark JSON and anything else).
func Detect(data []byte) *Format {
	s := newSniff(data)
	for _, f := range formats {
		if f.detect(s) {
			return f
		}
	}
	return nil
}

// Read parses data, the content of the file name, in format f.
func (f *Format) Read(data []byte, name string) (*Run, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &result.Error{File: name, Msg: "empty file; expected " + f.Harness + " output"}
	}
	r, err := f.parse(data, name)
	if err != nil {
		return nil, err
	}
	return f.finish(r, name, data)
}

// finish completes a run parsed from name (whose content is data, nil for
// a folder): its format, machine_info keys and the maps a result file
// always has. Every benchmark and the machine description are checked by
// result's rules (result.CheckBenchmark, result.CheckMachine) here, so that
// every format refuses what no result file may hold (a name over
// result.MaxNameLen, a machine description over result.MaxIDLen) at the
// input's own line, located by the benchmark's name or the value.
func (f *Format) finish(r *Run, name string, data []byte) (*Run, error) {
	r.Format = f
	if len(r.Benchmarks) == 0 {
		return nil, &result.Error{File: name, Msg: "no benchmark results found in this " + f.Harness + " output; nothing to import"}
	}
	if r.Machine == nil {
		r.Machine = result.MachineInfo{}
	}
	r.Machine["harness"] = f.Harness
	r.Machine["harness_format"] = f.Name
	r.Machine["harness_id"] = f.ID
	for i := range r.Benchmarks {
		b := &r.Benchmarks[i]
		if b.Fullname == "" {
			b.Fullname = b.Name
		}
		if b.Params == nil {
			b.Params = map[string]any{}
		}
		if b.Options == nil {
			b.Options = map[string]any{}
		}
		if b.ExtraInfo == nil {
			b.ExtraInfo = map[string]any{}
		}
		b.Stats.OPS = opsOf(b)
		if field, msg := result.CheckBenchmark(b); field != "" {
			return nil, errNear(name, data, b.Name, fmt.Sprintf("benchmark %s: %s", quoteShort(b.Name), msg))
		}
	}
	if field, msg := result.CheckMachine(r.Machine); field != "" {
		v, _ := r.Machine[strings.TrimPrefix(field, "machine_info.")].(string)
		return nil, errNear(name, data, v, fmt.Sprintf("%s (stored as %s): %s", f.Harness, field, msg))
	}
	return r, nil
}

// errNear returns an error about name at the first place in data where
// text occurs (as written or JSON-escaped); without a line when it is not
// found.
func errNear(name string, data []byte, text, msg string) *result.Error {
	e := &result.Error{File: name, Msg: msg}
	if text == "" {
		return e
	}
	off := bytes.Index(data, []byte(text))
	if off < 0 {
		if q, err := json.Marshal(text); err == nil {
			off = bytes.Index(data, q[1:len(q)-1])
		}
	}
	if off >= 0 {
		e.Line, e.Col = result.Position(data, off)
	}
	return e
}

// quoteShort quotes s, cut to 40 runes.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// opsOf is pytest-benchmark's "ops" (operations per second) for b, never
// invented: for times, 1 / mean as pytest-benchmark computes it (rounds /
// total); for a throughput in ops/s, that throughput itself (the mean);
// for any other unit (MB/s, cycles/iter, Megabytes) 0, "not known": its
// inverse is no number of operations per second.
func opsOf(b *result.Benchmark) float64 {
	switch u := b.Unit(); {
	case u == "ops/s":
		return b.Stats.Mean
	case u != "":
		return 0
	case b.Stats.OPS > 0:
		return b.Stats.OPS
	case b.Stats.Mean > 0:
		return 1 / b.Stats.Mean
	}
	return 0
}

// Read parses data (the content of the file name) in the format called
// format, or, when format is "", in the format Detect finds. It returns an
// error when format is unknown or no format matches.
func Read(data []byte, name, format string) (*Run, error) {
	var f *Format
	if format != "" {
		var ok bool
		if f, ok = Lookup(format); !ok {
			return nil, fmt.Errorf("unknown format %q; known: %s", format, Names())
		}
	} else if f = Detect(data); f == nil {
		return nil, &result.Error{File: name, Msg: "not the output of a harness benchsite reads (" + Names() + ")"}
	}
	return f.Read(data, name)
}

// setUnit records u on b when its figures are not seconds.
func setUnit(b *result.Benchmark, u Unit) {
	if u.IsTime() {
		return
	}
	if b.ExtraInfo == nil {
		b.ExtraInfo = map[string]any{}
	}
	b.ExtraInfo[result.KeyUnit] = u.Name
	if u.HigherIsBetter {
		b.ExtraInfo[result.KeyHigherIsBetter] = true
	}
}

// estimate is what a harness that prints no samples says about one
// benchmark. Zero fields are unknown, except Center and those whose have*
// flag is set.
type estimate struct {
	Center                       float64 // the harness's headline figure
	Min, Median, Mean            float64 // when printed apart from Center
	Max, Stddev                  float64
	Rounds, Iterations           int
	What                         string // what Center is, e.g. "mean ± std dev"
	haveMin, haveMedian, haveMax bool
}

// stats returns pytest-benchmark stats for an estimate, with no data. The
// figures the harness printed are kept as they are; the schema's other
// figures are filled so that they stay consistent with them (min ≤ q1 ≤
// median ≤ q3 ≤ max, min ≤ mean ≤ max) without inventing a spread:
//
//   - mean and median unknown: Center;
//   - min, max unknown: the smallest and the largest printed location
//     figure (Center, mean, median, and min or max where printed), so an
//     estimate printed with a median below its mean gets min = median,
//     never a min above the median;
//   - q1 = q3 = median (iqr 0), ld15iqr = min, hd15iqr = max, outliers
//     "0;0";
//   - rounds and iterations unknown: 1, pytest-benchmark's smallest (the
//     figures are per iteration either way); 0 would be read as "never
//     run".
//
// unknown lists the figures filled, for extra_info.
func (e estimate) stats() (st result.Stats, unknown []string) {
	known := func(v float64, have bool) bool { return have || v != 0 }
	st = result.Stats{Stddev: e.Stddev, Rounds: e.Rounds, Iterations: e.Iterations, Outliers: "0;0"}
	st.Mean, st.Median = e.Mean, e.Median
	if !known(e.Mean, false) {
		st.Mean = e.Center
	}
	if !known(e.Median, e.haveMedian) {
		st.Median = e.Center
		unknown = append(unknown, "median")
	}
	lo := min(e.Center, st.Mean, st.Median)
	hi := max(e.Center, st.Mean, st.Median)
	st.Min, st.Max = e.Min, e.Max
	if known(e.Min, e.haveMin) {
		lo = min(lo, e.Min)
	} else {
		st.Min = lo
		unknown = append(unknown, "min")
	}
	if known(e.Max, e.haveMax) {
		hi = max(hi, e.Max)
	} else {
		st.Max = hi
		unknown = append(unknown, "max")
	}
	st.Q1, st.Q3, st.LD15IQR, st.HD15IQR = st.Median, st.Median, st.Min, st.Max
	unknown = append(unknown, "q1", "q3")
	if st.Rounds == 0 {
		st.Rounds = 1
		unknown = append(unknown, "rounds")
	}
	if st.Iterations == 0 {
		st.Iterations = 1
		unknown = append(unknown, "iterations")
	}
	return st, unknown
}

// keyNotPrinted is the extra_info key listing the figures of an estimate
// that the harness did not print (see estimate.stats).
const keyNotPrinted = "not_in_output"

// apply sets b's stats from e and says in extra_info what they are.
func (e estimate) apply(b *result.Benchmark) {
	st, unknown := e.stats()
	b.Stats = st
	if b.ExtraInfo == nil {
		b.ExtraInfo = map[string]any{}
	}
	b.ExtraInfo["estimate"] = e.What
	b.ExtraInfo[keyNotPrinted] = strings.Join(unknown, ", ")
}

// estimated returns a benchmark holding e.
func estimated(name string, e estimate, u Unit) result.Benchmark {
	b := result.Benchmark{Name: name}
	e.apply(&b)
	setUnit(&b, u)
	return b
}
