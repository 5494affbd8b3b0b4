package runner

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/result"
)

// troubleModule's benchmarks spend their time in a known function
// (BenchmarkHot in spinHot), report the process's GC setting
// (BenchmarkGCPercent: debug.SetGCPercent returns the one in force, -1 for
// GOGC=off), and leak (BenchmarkLeak keeps 1 MiB per iteration).
var troubleModule = map[string]string{
	"go.mod": goMod,
	"hot/hot_test.go": `package hot

import (
	"flag"
	"runtime/debug"
	"strings"
	"testing"
)

var sink uint64
var kept [][]byte

//go:noinline
func spinHot(n int) uint64 {
	x := uint64(n)
	for i := 0; i < 100000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 17
	}
	return x
}

func BenchmarkHot(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += spinHot(i)
	}
}

func BenchmarkGCPercent(b *testing.B) {
	prev := debug.SetGCPercent(-1)
	debug.SetGCPercent(prev)
	for i := 0; i < b.N; i++ {
		sink++
	}
	b.ReportMetric(float64(prev), "gcpercent")
}

// BenchmarkRoundLeak leaks only in the timed rounds (-test.benchtime=Nx),
// 16 MiB per call, so its calibration passes.
func BenchmarkRoundLeak(b *testing.B) {
	if strings.HasSuffix(flag.Lookup("test.benchtime").Value.String(), "x") {
		kept = append(kept, make([]byte, 16<<20))
	}
	for i := 0; i < b.N; i++ {
		sink++
	}
}

// profiling reports whether the process writes a CPU profile, as only
// the profiled rounds of --profile cpu do.
func profiling() bool { return flag.Lookup("test.cpuprofile").Value.String() != "" }

// BenchmarkFailProf fails only in the profiled rounds.
func BenchmarkFailProf(b *testing.B) {
	if profiling() {
		b.Fatal("fails when profiled")
	}
	for i := 0; i < b.N; i++ {
		sink++
	}
}

// BenchmarkProfLeak leaks 16 MiB per call in the profiled rounds only.
func BenchmarkProfLeak(b *testing.B) {
	if profiling() {
		kept = append(kept, make([]byte, 16<<20))
	}
	for i := 0; i < b.N; i++ {
		sink++
	}
}

// BenchmarkGCOn turns the collector back on and allocates garbage: the
// heap stays small, far below any memory limit.
func BenchmarkGCOn(b *testing.B) {
	debug.SetGCPercent(100)
	for i := 0; i < b.N; i++ {
		for j := 0; j < 64; j++ {
			sinkBytes = make([]byte, 64<<10)
		}
	}
}

var sinkBytes []byte

func BenchmarkLeak(b *testing.B) {
	for i := 0; i < b.N; i++ {
		kept = append(kept, make([]byte, 1<<20))
	}
}
`,
}

func TestProfileRoundsAreExtra(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	var progress bytes.Buffer
	got := map[string][][]byte{}
	// Rounds long enough for a CPU profile (100 samples a second of the
	// process's CPU time) to hold tens of samples even on a loaded machine.
	opt := Options{Dir: dir, Bench: "^BenchmarkHot$", Rounds: 4, RoundTime: 150 * time.Millisecond, Progress: &progress}
	opt.Profile, opt.ProfileProcesses, opt.Verbose = profile.CPU, 2, true
	opt.Profiled = func(b *result.Benchmark, files []string) error {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			got[b.Name] = append(got[b.Name], data)
		}
		b.Options["seen_by_hook"] = true
		return nil
	}
	f, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 1 {
		t.Fatalf("%d benchmarks", len(f.Benchmarks))
	}
	b := f.Benchmarks[0]
	// The timed rounds are the configured ones, in their own process
	// without profiling flags.
	if b.Stats.Rounds != 4 || len(b.Stats.Data) != 4 {
		t.Errorf("timed rounds %d (%d samples), want 4", b.Stats.Rounds, len(b.Stats.Data))
	}
	for _, fl := range b.Options["go_test_flags"].([]string) {
		if strings.Contains(fl, "profile") {
			t.Errorf("the timed process ran with %s", fl)
		}
	}
	if b.Options[result.OptProfile] != "cpu" || b.Options[result.OptProfileRounds] != 4 || b.Options[result.OptProfileProcesses] != 2 || b.Options["seen_by_hook"] != true {
		t.Errorf("options %v", b.Options)
	}
	if b.Options[result.OptDisableGC] != false {
		t.Errorf("disable_gc = %v, want false", b.Options[result.OptDisableGC])
	}
	if len(got["BenchmarkHot"]) != 2 {
		t.Fatalf("hook got %d profiles, want one per process (2)", len(got["BenchmarkHot"]))
	}
	m, err := profile.Merge(got["BenchmarkHot"], []string{"p0", "p1"})
	if err != nil {
		t.Fatal(err)
	}
	top, err := profile.Summarize(m, profile.CPU.SampleType(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(top.Funcs, func(f profile.Func) bool { return strings.HasSuffix(f.Name, ".spinHot") }) {
		t.Errorf("spinHot not among the top functions %v", top.Funcs)
	}
	// --verbose: command lines, calibration, every round, profiled rounds.
	out := progress.String()
	// The binaries the command lines name are kept, so they can be rerun.
	kept := regexp.MustCompile(`the test binaries of the command lines above are kept in (\S+); remove it`).FindStringSubmatch(out)
	if kept == nil || !strings.HasPrefix(kept[1], os.TempDir()) {
		t.Errorf("verbose output does not say where the binaries are kept:\n%s", out)
	} else {
		defer os.RemoveAll(kept[1])
		bin := regexp.MustCompile(`\$ cd \S+ && (\S+\.test) `).FindStringSubmatch(out)
		if bin == nil {
			t.Errorf("no command line in\n%s", out)
		} else if _, err := os.Stat(bin[1]); err != nil || !strings.HasPrefix(bin[1], kept[1]) {
			t.Errorf("the binary %s of the command lines: %v (kept in %s)", bin[1], err, kept[1])
		}
		if ps, _ := filepath.Glob(filepath.Join(kept[1], "*.pprof")); len(ps) > 0 {
			t.Errorf("profile files left in the kept folder: %v", ps)
		}
	}
	for _, want := range []string{"$ cd ", "-test.cpuprofile=", "BenchmarkHot  calibration pass 2 (warm, kept): ", "warm-up round (discarded)",
		"BenchmarkHot  round 1/4  ", "BenchmarkHot  round 4/4  ", "profiled round 2/2 (process 2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("verbose output lacks %q:\n%s", want, out)
		}
	}
}

func TestDisableGC(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	run := func(off bool) *result.Benchmark {
		opt := Options{Dir: dir, Bench: "^BenchmarkGCPercent$", Rounds: 2, RoundTime: 5 * time.Millisecond}
		opt.DisableGC = off
		f, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		return &f.Benchmarks[0]
	}
	on, off := run(false), run(true)
	if on.ExtraInfo["gcpercent"] != 100.0 || on.Options[result.OptDisableGC] != false {
		t.Errorf("default run: GC percent %v, disable_gc %v; want 100, false", on.ExtraInfo["gcpercent"], on.Options[result.OptDisableGC])
	}
	if off.ExtraInfo["gcpercent"] != -1.0 || off.Options[result.OptDisableGC] != true {
		t.Errorf("--disable-gc run: GC percent %v, disable_gc %v; want -1 (GOGC=off), true", off.ExtraInfo["gcpercent"], off.Options[result.OptDisableGC])
	}
}

// A benchmark that allocates past the limit with the collector off fails at
// once, with a message naming the limit, instead of swapping.
func TestDisableGCLeakFailsCleanly(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	// BenchmarkGCPercent runs before BenchmarkLeak in the shared
	// calibration process; BenchmarkLeak's memory stays while GCPercent
	// runs again in the warm pass, so the limit may be hit in either. The
	// package is then calibrated one benchmark per process: only the leak
	// fails.
	opt := Options{Dir: dir, Bench: "^Benchmark(Leak|GCPercent)$", Rounds: 2, RoundTime: 200 * time.Millisecond}
	opt.DisableGC, opt.GCOffLimit = true, 64<<20
	start := time.Now()
	f, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 1 || f.Benchmarks[0].Name != "BenchmarkGCPercent" {
		t.Errorf("measured %v, want BenchmarkGCPercent alone", f.Benchmarks)
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkLeak" {
		t.Fatalf("failures %+v, want BenchmarkLeak", f.Failures)
	}
	msg := f.Failures[0].Output
	if !strings.Contains(msg, "the heap reached the memory limit (GOMEMLIMIT=64MiB) while BenchmarkLeak ran; it allocates") {
		t.Errorf("the leak's failure: %q; want the limit named", msg)
	}
	if strings.Contains(msg, "gc 1 @") {
		t.Errorf("gctrace lines reached the message: %q", msg)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %v", d)
	}
}

// A benchmark that reaches the limit in its timed rounds fails (named, with
// the reason), and the others are still measured.
func TestDisableGCLeakInRounds(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	opt := Options{Dir: dir, Bench: "^Benchmark(RoundLeak|GCPercent)$", Rounds: 8, RoundTime: 5 * time.Millisecond}
	opt.DisableGC, opt.GCOffLimit = true, 64<<20
	f, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 1 || f.Benchmarks[0].Name != "BenchmarkGCPercent" {
		t.Errorf("measured %v, want BenchmarkGCPercent alone", f.Benchmarks)
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkRoundLeak" ||
		!strings.Contains(f.Failures[0].Output, "the heap reached the memory limit (GOMEMLIMIT=64MiB) while BenchmarkRoundLeak ran") {
		t.Errorf("failures %+v", f.Failures)
	}
}

func TestTroubleshootOptionsChecked(t *testing.T) {
	opt := Options{}
	opt.Profile = "heapz"
	if err := opt.defaults(); err == nil || !strings.Contains(err.Error(), "cpu, mem, block, mutex") {
		t.Errorf("profile heapz: err = %v", err)
	}
	opt = Options{}
	opt.Profile = "heap"
	if err := opt.defaults(); err != nil || opt.Profile != profile.Mem {
		t.Errorf("profile heap: %q, %v; want mem", opt.Profile, err)
	}
	opt = Options{}
	opt.DisableGC = true
	if err := opt.defaults(); err != nil || opt.GCOffLimit <= 0 {
		t.Errorf("default limit %d, err %v", opt.GCOffLimit, err)
	}
	opt = Options{Env: []string{"GODEBUG=madvdontneed=1"}}
	opt.DisableGC, opt.GCOffLimit = true, 1<<30
	env := opt.addedBenchEnv()
	want := []string{"GODEBUG=madvdontneed=1", "GOGC=off", "GOMEMLIMIT=1073741824", "GODEBUG=madvdontneed=1,gctrace=1"}
	if !slices.Equal(env, want) {
		t.Errorf("added env %q, want %q", env, want)
	}
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GiB": 2 << 30, "1000": 1000, "64KiB": 64 << 10, "7B": 7} {
		if got, err := parseMemLimit(in); got != want || err != nil {
			t.Errorf("parseMemLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MiB", "-1GiB", "1.5GiB", "2G", "99999999999TiB"} {
		if _, err := parseMemLimit(bad); err == nil {
			t.Errorf("parseMemLimit(%q) accepted", bad)
		}
	}
	if got := commandLine("/a b", []string{"GOGC=off"}, []string{"/x/p.test", "-test.bench=^A$/^b=1$"}); got != `cd '/a b' && GOGC=off /x/p.test '-test.bench=^A$/^b=1$'` {
		t.Errorf("commandLine = %s", got)
	}
}

// A benchmark that fails only in its profiled rounds keeps its timed
// results, is named in the run's failures as a profiling failure, and the
// other benchmarks keep their profiles: the run is not thrown away.
func TestProfileFailureKeepsTheRun(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	opt := Options{Dir: dir, Bench: "^Benchmark(Hot|FailProf|ProfLeak)$", Rounds: 2, RoundTime: 5 * time.Millisecond, Progress: &bytes.Buffer{}}
	opt.Profile, opt.ProfileProcesses = profile.CPU, 1
	opt.DisableGC, opt.GCOffLimit = true, 64<<20
	var hooked []string
	opt.Profiled = func(b *result.Benchmark, files []string) error {
		hooked = append(hooked, b.Name)
		return nil
	}
	f, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("a failure in the profiled rounds stopped the run: %v", err)
	}
	var names []string
	for _, b := range f.Benchmarks {
		names = append(names, b.Name)
		if len(b.Stats.Data) != 2 {
			t.Errorf("%s: %d timed samples, want 2", b.Name, len(b.Stats.Data))
		}
		_, hasProfile := b.Options[result.OptProfile]
		if hasProfile != (b.Name == "BenchmarkHot") {
			t.Errorf("%s: options %v; only BenchmarkHot has a profile", b.Name, b.Options)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"BenchmarkFailProf", "BenchmarkHot", "BenchmarkProfLeak"}) {
		t.Errorf("measured %v, want all three", names)
	}
	if !slices.Equal(hooked, []string{"BenchmarkHot"}) {
		t.Errorf("profiles handed on for %v, want BenchmarkHot's", hooked)
	}
	want := map[string]string{
		"BenchmarkFailProf": "fails when profiled",
		"BenchmarkProfLeak": "the heap reached the memory limit (GOMEMLIMIT=64MiB) while BenchmarkProfLeak (profiled rounds) ran",
	}
	if len(f.Failures) != len(want) {
		t.Fatalf("failures %+v, want %v", f.Failures, want)
	}
	for _, fl := range f.Failures {
		if !fl.Profiling || !strings.Contains(fl.Output, want[fl.Name]) {
			t.Errorf("failure %+v: want Profiling and %q", fl, want[fl.Name])
		}
	}
}

// A benchmark that turns the collector back on under DisableGC is told
// so, not blamed on the memory limit.
func TestDisableGCCollectorTurnedOn(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, troubleModule)
	opt := Options{Dir: dir, Bench: "^BenchmarkGCOn$", Rounds: 2, RoundTime: 20 * time.Millisecond}
	opt.DisableGC, opt.GCOffLimit = true, 1<<30
	f, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkGCOn" {
		t.Fatalf("failures %+v, want BenchmarkGCOn", f.Failures)
	}
	msg := f.Failures[0].Output
	if !strings.Contains(msg, "far below the memory limit (GOMEMLIMIT=1GiB): the benchmark turned the collector on itself") || strings.Contains(msg, "the heap reached") {
		t.Errorf("message %q; want the collector turned on named, not the limit", msg)
	}
}

func TestGCLimitErrorWording(t *testing.T) {
	for _, c := range []struct {
		heap int64
		want string
	}{
		{3 << 30, "the heap reached the memory limit (GOMEMLIMIT=4GiB) while B ran; it allocates more than that in one process (heap 3GiB at the collection)"},
		{4 << 20, "with a heap of 4MiB, far below the memory limit (GOMEMLIMIT=4GiB): the benchmark turned the collector on itself"},
		{-1, "the heap reached the memory limit (GOMEMLIMIT=4GiB), or the benchmark turned the collector on itself"},
	} {
		if got := (&gcLimitError{bench: "B", limit: 4 << 30, heap: c.heap}).Error(); !strings.Contains(got, c.want) {
			t.Errorf("heap %d: %q lacks %q", c.heap, got, c.want)
		}
	}
	g := &gcWatch{next: io.Discard, limit: 4 << 30, kill: func() {}}
	g.line("gc 3 @0.512s 1%: 0.01+1.2+0.02 ms clock, 0.02+0.1/0.5/0+0.04 ms cpu, 3900->3901->12 MB, 3950 MB goal, 0 MB stacks, 0 MB globals, 2 P")
	if g.heap != 3900<<20 {
		t.Errorf("heap from gctrace = %d, want 3900 MiB", g.heap)
	}
}
