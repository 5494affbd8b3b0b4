package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
)

func TestRunProfileSavesBesideTheRun(t *testing.T) {
	dir := tinyModule(t)
	// 3 rounds of 100ms: enough CPU samples (100 a second) for the hot
	// function to lead on a loaded machine.
	code, out, errOut := bench(t, dir, "run", "--bench", "BenchmarkHash/n=1000$", "--rounds", "3", "--round-time", "100ms", "--profile", "cpu", "--disable-gc", "--save", "prof", "--json", "out.json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "BenchmarkHash/n=1000 - cpu profile (by cumulative cpu; total ") || !strings.Contains(out, "example.com/tiny.work") {
		t.Errorf("no profile table naming the hot function:\n%s", out)
	}
	runs, err := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.List("")
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	f, err := runs[0].Read()
	if err != nil {
		t.Fatal(err)
	}
	b := f.Benchmarks[0]
	kind, file, ok := b.Profile()
	if !ok || kind != "cpu" || file != "BenchmarkHash_2Fn_3D1000.pprof" {
		t.Fatalf("options %v", b.Options)
	}
	if off, recorded := b.GCDisabled(); !off || !recorded {
		t.Errorf("options.disable_gc = %v (recorded %v), want true", off, recorded)
	}
	// The profile is beside the saved run and beside the --json file, and
	// it is a pprof file naming the hot function.
	for _, p := range []string{filepath.Join(storage.ProfileDir(runs[0].Path), file), filepath.Join(dir, "out.profiles", file)} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("profile %s: %v", p, err)
		}
		m, err := profile.Parse(data, p)
		if err != nil {
			t.Fatal(err)
		}
		top, err := profile.Summarize(m, "cpu", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(top.Funcs[:min(8, len(top.Funcs))], func(f profile.Func) bool { return f.Name == "example.com/tiny.work" }) {
			t.Errorf("%s: tiny.work not among the top functions %v", p, top.Funcs)
		}
	}
	if !strings.Contains(out, "Saved 1 profile in ") {
		t.Errorf("output does not say where the profile is:\n%s", out)
	}
}

func TestRunTroubleshootFlagsBadInput(t *testing.T) {
	dir := tinyModule(t)
	before := tree(t, dir)
	for _, arg := range []string{"--profile=heapz", "--profile="} {
		code, _, errOut := bench(t, dir, "run", arg)
		if code != 2 || !strings.Contains(errOut, "--profile: unknown profile ") || !strings.Contains(errOut, "use one of cpu, mem, block, mutex") {
			t.Errorf("%s: exit %d, stderr %q", arg, code, errOut)
		}
		if after := tree(t, dir); len(after) != len(before) {
			t.Errorf("%s: a bad flag touched files: %d → %d", arg, len(before), len(after))
		}
	}
	// Without a place to keep them, the run says the profiles were not kept.
	// heap is mem, as go tool pprof calls it.
	code, out, errOut := bench(t, dir, "run", "--bench", "BenchmarkHash/n=100$", "--profile", "heap", "--verbose")
	if code != 0 || !strings.Contains(out, "The profiles were not kept") || !strings.Contains(out, "mem profile (by cumulative alloc_space") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	// --verbose keeps the test binaries and names their folder.
	kept := regexp.MustCompile(`the test binaries of the command lines above are kept in (\S+); remove it`).FindStringSubmatch(errOut + out)
	if kept == nil || !strings.HasPrefix(kept[1], os.TempDir()) {
		t.Fatalf("--verbose does not name the kept binaries' folder:\n%s", errOut)
	}
	defer os.RemoveAll(kept[1])
	if bins, _ := filepath.Glob(filepath.Join(kept[1], "*", "*.test")); len(bins) == 0 {
		t.Errorf("no test binary kept in %s", kept[1])
	}
}

// failProfModule has a benchmark that fails only when profiled.
func failProfModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/fp\n\ngo 1.22\n",
		"fp_test.go": `package fp

import (
	"flag"
	"testing"
)

var sink uint64

func BenchmarkOK(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink++
	}
}

func BenchmarkFailProf(b *testing.B) {
	if flag.Lookup("test.cpuprofile").Value.String() != "" {
		b.Fatal("no profiling here")
	}
	for i := 0; i < b.N; i++ {
		sink++
	}
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A benchmark failing in its profiled rounds: the run is saved with both
// benchmarks' timed results, the failure is named (exit 1, as any failed
// benchmark), and the other benchmark's profile is kept.
func TestRunProfileFailureSavesTheRun(t *testing.T) {
	dir := failProfModule(t)
	code, out, errOut := bench(t, dir, "run", "--rounds", "2", "--round-time", "5ms", "--profile", "cpu", "--save", "fp")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "1 benchmark FAILED in the profiled rounds only (timed results kept, no profile") ||
		!strings.Contains(out, "--- FAIL: BenchmarkFailProf in example.com/fp") || !strings.Contains(out, "no profiling here") {
		t.Errorf("the profiling failure is not named:\n%s", out)
	}
	runs, err := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.List("")
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v: the run was not saved", runs, err)
	}
	f, err := runs[0].Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 2 {
		t.Errorf("saved %d benchmarks, want both", len(f.Benchmarks))
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkFailProf" || !f.Failures[0].Profiling {
		t.Errorf("failures %+v", f.Failures)
	}
	for _, b := range f.Benchmarks {
		_, file, ok := b.Profile()
		if ok != (b.Name == "BenchmarkOK") {
			t.Errorf("%s: profile %q (%v)", b.Name, file, ok)
		}
		if ok {
			if _, err := os.Stat(filepath.Join(storage.ProfileDir(runs[0].Path), file)); err != nil {
				t.Errorf("BenchmarkOK's profile: %v", err)
			}
		}
	}
}

// --json FILE whose profile folder is taken is refused before anything
// runs; --save numbers past a leftover folder instead.
func TestRunProfileFolderTaken(t *testing.T) {
	dir := tinyModule(t)
	if err := os.Mkdir(filepath.Join(dir, "out.profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	code, out, errOut := bench(t, dir, "run", "--bench", "BenchmarkHash/n=100$", "--profile", "cpu", "--json", "out.json")
	if code != 2 || !strings.Contains(errOut, "out.profiles exists (an earlier run's profiles)") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "BenchmarkHash") {
		t.Errorf("the benchmarks ran:\n%s", out)
	}
	if after := tree(t, dir); len(after) != len(before) {
		t.Errorf("files touched: %d → %d", len(before), len(after))
	}
	// A leftover folder of run 1 in the history: the run is saved as 2.
	mdir := filepath.Join(dir, ".benchmarks", "m")
	if err := os.MkdirAll(filepath.Join(mdir, "0001_fp.profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = bench(t, dir, "run", "--bench", "BenchmarkHash/n=100$", "--profile", "cpu", "--machine", "m", "--save", "fp")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(mdir, "0002_fp.profiles", "BenchmarkHash_2Fn_3D100.pprof")); err != nil {
		t.Errorf("profile not beside run 2: %v\n%s", err, out)
	}
}

// In a paired run (--against), a benchmark failing in its profiled rounds
// also keeps its measured pairs: named as the current arm's profiling
// failure, exit 1, the run written. --verbose says the binaries are gone.
func TestRunAgainstProfileFailureKeepsTheRun(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := failProfModule(t)
	write(t, dir, "benchsite.toml", "[run]\nrounds = 2\nround-time = \"5ms\"\n")
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "first")
	code, out, errs := bench(t, dir, "run", "--against", "HEAD", "--profile", "cpu", "--verbose", "--json", "out.json")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	f, err := result.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatalf("the run was not written: %v", err)
	}
	if len(f.Benchmarks) != 2 {
		t.Errorf("%d benchmarks written, want both", len(f.Benchmarks))
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkFailProf" || !f.Failures[0].Profiling || f.Failures[0].Arm != "working tree" {
		t.Errorf("failures %+v", f.Failures)
	}
	if !strings.Contains(errs+out, "the test binaries of the command lines above are removed with the run") {
		t.Errorf("--verbose does not say the binaries are removed:\n%s", errs)
	}
}
