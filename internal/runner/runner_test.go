package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

// writeModule writes a module into a fresh temporary directory; files maps
// slash paths to contents.
func writeModule(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goMod = "module example.com/rt\n\ngo 1.21\n"

// tinyModule has benchmarks in package bench (one plain with allocations and
// a custom metric, one with two sub-benchmarks, one that fails or skips by
// environment), a package with tests but no benchmarks, and one without
// tests.
var tinyModule = map[string]string{
	"go.mod": goMod,
	"bench/bench.go": `package bench

func Fill(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}
`,
	"bench/bench_test.go": `package bench

import (
	"os"
	"testing"
)

var sink []byte

func BenchmarkFill(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Fill(100)
	}
	b.ReportMetric(100, "bytes-filled/op")
}

func BenchmarkSizes(b *testing.B) {
	for _, c := range []struct{ name string; n int }{{"size=8", 8}, {"size=64", 64}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink = Fill(c.n)
			}
		})
	}
}

func BenchmarkMaybe(b *testing.B) {
	switch os.Getenv("RT_MODE") {
	case "fail":
		b.Log("about to fail")
		b.Fatal("kaput: the answer was wrong")
	case "subfail":
		b.Run("x=1", func(b *testing.B) { b.Error("sub went wrong") })
		b.Run("x=2", func(b *testing.B) {})
	case "run":
		for i := 0; i < b.N; i++ {
		}
	default:
		b.Skip("set RT_MODE to run")
	}
}
`,
	"plain/plain.go":      "package plain\n",
	"plain/plain_test.go": "package plain\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
	"notests/notests.go":  "package notests\n",
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, tinyModule)
	var progress bytes.Buffer
	f, err := Run(context.Background(), Options{
		Dir:       dir,
		Rounds:    3,
		RoundTime: 5 * time.Millisecond,
		Groups:    []Group{{Pattern: `size=64$`, Name: "big"}, {Pattern: `size=`, Name: "small"}},
		Progress:  &progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range f.Benchmarks {
		names = append(names, b.Fullname)
	}
	want := []string{"bench::BenchmarkFill", "bench::BenchmarkSizes/size=8", "bench::BenchmarkSizes/size=64"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("benchmarks %q, want %q (BenchmarkMaybe skips)", names, want)
	}
	for _, b := range f.Benchmarks {
		s := b.Stats
		if s.Rounds != 3 || len(s.Data) != 3 || s.Iterations < 1 || s.Min <= 0 || s.Min > s.Median || s.Median > s.Max {
			t.Errorf("%s: stats %+v", b.Name, s)
		}
		if b.Options["iterations"] != s.Iterations || b.Options["rounds"] != 3 || b.Options["benchtime"] != strconv.Itoa(s.Iterations)+"x" {
			t.Errorf("%s: options %v vs iterations %d", b.Name, b.Options, s.Iterations)
		}
		if _, ok := b.ExtraInfo[result.KeyBytesPerOp]; !ok {
			t.Errorf("%s: extra_info %v lacks B/op", b.Name, b.ExtraInfo)
		}
		if _, ok := b.ExtraInfo[result.KeyAllocsPerOp]; !ok {
			t.Errorf("%s: extra_info %v lacks allocs/op", b.Name, b.ExtraInfo)
		}
	}
	fill, small, big := f.Benchmarks[0], f.Benchmarks[1], f.Benchmarks[2]
	if fill.ExtraInfo["bytes-filled/op"] != 100.0 || fill.ExtraInfo[result.KeyAllocsPerOp] != 1.0 || fill.ExtraInfo[result.KeyBytesPerOp] != 112.0 {
		t.Errorf("fill extra_info %v", fill.ExtraInfo)
	}
	if fill.Group != "bench" || small.Group != "small" || big.Group != "big" {
		t.Errorf("groups %q %q %q", fill.Group, small.Group, big.Group)
	}
	if small.Name != "BenchmarkSizes/size=8" || small.Param != "size=8" || small.Params["size"] != "8" || fill.Params == nil || len(fill.Params) != 0 {
		t.Errorf("small %q %q %v; fill params %v", small.Name, small.Param, small.Params, fill.Params)
	}

	if f.MachineInfo["go_version"] != runtime.Version() || f.MachineInfo.ID() == "" || f.CommitInfo.ID != "unversioned" {
		t.Errorf("machine %v commit %+v", f.MachineInfo, f.CommitInfo)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$`).MatchString(f.Datetime) {
		t.Errorf("datetime %q", f.Datetime)
	}
	if !strings.HasPrefix(f.Version, "benchsite ") {
		t.Errorf("version %q", f.Version)
	}
	// The file round-trips through the schema.
	data, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := result.Decode(data, "run.json"); err != nil {
		t.Fatal(err)
	}

	// Not a terminal: one plain line per finished benchmark, and the skip.
	out := progress.String()
	if strings.Contains(out, "\r") || strings.Contains(out, "round 1/3") {
		t.Errorf("live updates on a non-terminal:\n%q", out)
	}
	for _, s := range []string{"BenchmarkSizes/size=64  3 rounds × ", "BenchmarkMaybe  skipped: set RT_MODE to run"} {
		if !strings.Contains(out, s) {
			t.Errorf("progress lacks %q:\n%s", s, out)
		}
	}
}

func TestRunTerminalProgressAndEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module")
	}
	t.Parallel()
	dir := writeModule(t, tinyModule)
	var progress bytes.Buffer
	f, err := Run(context.Background(), Options{
		Dir: dir, Packages: []string{"./bench"}, Bench: "Maybe", Rounds: 2, RoundTime: time.Millisecond,
		Env: []string{"RT_MODE=run"}, Progress: &progress, Terminal: true, Short: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 1 || f.Benchmarks[0].Name != "BenchmarkMaybe" {
		t.Fatalf("%+v", f.Benchmarks)
	}
	flags, _ := f.Benchmarks[0].Options["go_test_flags"].([]string)
	if !strings.Contains(strings.Join(flags, " "), "-test.short") {
		t.Errorf("flags %v lack -test.short", flags)
	}
	out := progress.String()
	for _, s := range []string{clearLine + "BenchmarkMaybe  round 1/2  median ", clearLine + "BenchmarkMaybe  2 rounds × "} {
		if !strings.Contains(out, s) {
			t.Errorf("terminal progress lacks %q:\n%q", s, out)
		}
	}
}

// A failing benchmark does not throw the run away: the others are measured
// and the failure is named in the run with its output (issue 9).
func TestRunFailingBenchmark(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, tinyModule)
	f, err := Run(context.Background(), Options{Dir: dir, Rounds: 2, RoundTime: time.Millisecond, Env: []string{"RT_MODE=fail"}})
	if err != nil {
		t.Fatalf("a failing benchmark stopped the run: %v", err)
	}
	var names []string
	for _, b := range f.Benchmarks {
		names = append(names, b.Name)
	}
	if strings.Join(names, " ") != "BenchmarkFill BenchmarkSizes/size=8 BenchmarkSizes/size=64" {
		t.Errorf("measured %v, want the three benchmarks that pass", names)
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkMaybe" || f.Failures[0].Package != "example.com/rt/bench" {
		t.Fatalf("failures %+v, want BenchmarkMaybe of example.com/rt/bench", f.Failures)
	}
	for _, s := range []string{"kaput: the answer was wrong", "about to fail"} {
		if !strings.Contains(f.Failures[0].Output, s) {
			t.Errorf("failure output lacks %q:\n%v", s, f.Failures[0].Output)
		}
	}

	if testing.Short() {
		return
	}
	// A failing sub-benchmark is named itself, not its parent; its
	// sibling is still measured.
	f, err = Run(context.Background(), Options{Dir: dir, Bench: "Maybe", Rounds: 2, RoundTime: time.Millisecond, Env: []string{"RT_MODE=subfail"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkMaybe/x=1" || !strings.Contains(f.Failures[0].Output, "sub went wrong") {
		t.Errorf("sub-benchmark failure: %+v", f.Failures)
	}
	if len(f.Benchmarks) != 1 || f.Benchmarks[0].Name != "BenchmarkMaybe/x=2" {
		t.Errorf("the passing sibling was not measured: %+v", f.Benchmarks)
	}
}

func TestRunBuildError(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"go.mod":         goMod,
		"b/b_test.go":    "package b\n\nimport \"testing\"\n\nfunc BenchmarkB(b *testing.B) { undefinedThing() }\n",
		"ok/ok_test.go":  "package ok\n\nimport \"testing\"\n\nfunc BenchmarkOK(b *testing.B) {}\n",
		"ok/ok.go":       "package ok\n",
		"b/helper.go":    "package b\n",
		"none/none.go":   "package none\n",
		"none/x_test.go": "package none\n",
	})
	_, err := Run(context.Background(), Options{Dir: dir, Rounds: 1, RoundTime: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "undefined: undefinedThing") || !strings.Contains(err.Error(), "building the test binaries (go test -c example.com/rt/b") {
		t.Fatalf("build error: %v", err)
	}
}

func TestRunNothingToRun(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, tinyModule)
	_, err := Run(context.Background(), Options{Dir: dir, Packages: []string{"./plain", "./notests"}})
	if err == nil || !strings.Contains(err.Error(), "no benchmarks") {
		t.Errorf("got %v", err)
	}
	_, err = Run(context.Background(), Options{Dir: dir, Groups: []Group{{Pattern: "(", Name: "g"}}})
	if err == nil || !strings.Contains(err.Error(), `group "g": pattern "("`) {
		t.Errorf("got %v", err)
	}
	_, err = Run(context.Background(), Options{Dir: dir, Packages: []string{"./nonexistent"}})
	if err == nil || !strings.Contains(err.Error(), "go list ./nonexistent failed") || !strings.Contains(err.Error(), "directory not found") {
		t.Errorf("got %v", err)
	}
	if testing.Short() {
		return
	}
	_, err = Run(context.Background(), Options{Dir: dir, Bench: "NoSuchBenchmark", Rounds: 1, RoundTime: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), `no benchmark matched -bench "NoSuchBenchmark"`) {
		t.Errorf("got %v", err)
	}
}

func TestBenchPattern(t *testing.T) {
	for name, want := range map[string]string{
		"BenchmarkForward":          "^BenchmarkForward$",
		"BenchmarkForward/batch=32": "^BenchmarkForward$/^batch=32$",
		"BenchmarkX/a|b/(c)/[d]#01": `^BenchmarkX$/^a\|b$/^\(c\)$/^\[d\]#01$`,
	} {
		if got := BenchPattern(name); got != want {
			t.Errorf("BenchPattern(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{"example.com/m": "m.test", "example.com/m/v2": "m.test", "m/v1": "v1.test", "example.com/x/v2/sub": "sub.test", "fmt": "fmt.test"} {
		if got := testBinaryName(in); got != want {
			t.Errorf("testBinaryName(%q) = %q, want %q", in, got, want)
		}
	}
	for v, want := range map[string]bool{"go1.26.8": true, "go1.21": true, "go1.20.14": false, "go1.21rc2": true, "devel +abc": true, "go2.0": true} {
		if got := goAtLeast(v, 1, 21); got != want {
			t.Errorf("goAtLeast(%q) = %v", v, got)
		}
	}
}

func TestMachineInfo(t *testing.T) {
	m, err := MachineInfo(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The go command on PATH is the one these tests are built with.
	if m["go_version"] != runtime.Version() || m["goos"] != runtime.GOOS {
		t.Errorf("%v", m)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && !strings.HasPrefix(m.ID(), "Linux-Go-1.") {
		t.Errorf("id %q", m.ID())
	}
	_, err = MachineInfo(context.Background(), Options{GoCmd: "/nonexistent/go"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/go") {
		t.Errorf("missing go command: %v", err)
	}
}

// The first round of each benchmark process is a warm-up and is discarded:
// here it sleeps 200 ms, about twenty times a whole round's work, so a kept
// warm-up would be the maximum sample by an order of magnitude. (Go calls
// the body with b.N = 1 before every round; the rounds are the calls with
// b.N > 1.)
func TestRunDiscardsWarmupRound(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"go.mod": goMod,
		"warm/warm_test.go": `package warm

import (
	"testing"
	"time"
)

var rounds int
var sink int

func BenchmarkWarm(b *testing.B) {
	if b.N > 1 {
		rounds++
		if rounds == 1 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1000; j++ {
			sink += j ^ i
		}
	}
}
`,
	})
	f, err := Run(context.Background(), Options{Dir: dir, Rounds: 4, RoundTime: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Benchmarks[0].Stats
	if s.Rounds != 4 || len(s.Data) != 4 || s.Iterations < 2 {
		t.Fatalf("rounds %d, iterations %d, data %v", s.Rounds, s.Iterations, s.Data)
	}
	if s.Max > 5*s.Median {
		t.Errorf("the 200 ms warm-up round was kept: max %g s/op, median %g, data %v", s.Max, s.Median, s.Data)
	}
}
