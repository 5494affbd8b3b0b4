package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/machine"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/storage"
)

// bench runs benchsite in dir and returns its exit status and output.
func bench(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = MainContext(context.Background(), dir, args, &out, &errb)
	return code, out.String(), errb.String()
}

// tinyModule writes a Go module with two small benchmarks and a config.
func tinyModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/tiny\n\ngo 1.22\n",
		"bench_test.go": `package tiny

import "testing"

var sink uint64

func work(n int) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

func BenchmarkHash(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run("n="+itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += work(n)
			}
		})
	}
}

func itoa(n int) string {
	if n == 100 {
		return "100"
	}
	return "1000"
}
`,
		"benchsite.toml": `packages = ["./..."]
[run]
rounds = 6
round-time = "5ms"
[[targets]]
benchmark = "BenchmarkHash/n=100"
limit = "1s"
excess = "10%"
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tree lists every file below dir with its contents, to check that a failed
// command touched nothing.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func sameTree(t *testing.T, before, after map[string]string, what string) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("%s changed the files: %d before, %d after", what, len(before), len(after))
		return
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed %s", what, p)
		}
	}
}

func machineDir(t *testing.T, storageRoot string) string {
	t.Helper()
	ms, err := storage.Store{Root: storageRoot}.Machines()
	if err != nil || len(ms) != 1 {
		t.Fatalf("machines in %s: %v, %v", storageRoot, ms, err)
	}
	return filepath.Join(storageRoot, ms[0])
}

// The whole baseline workflow on a real module: save a baseline, compare an
// unchanged run with it, then a baseline doctored 30 % faster must fail
// the comparison naming the benchmark.
func TestBaselineWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real benchmarks")
	}
	dir := tinyModule(t)
	code, out, errs := bench(t, dir, "run", "--save", "baseline")
	if code != 0 {
		t.Fatalf("run --save baseline: exit %d\n%s\n%s", code, out, errs)
	}
	mdir := machineDir(t, filepath.Join(dir, ".benchmarks"))
	base := filepath.Join(mdir, "0001_baseline.json")
	f, err := result.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 2 || f.Benchmarks[0].Stats.Rounds != 6 || len(f.Benchmarks[0].Stats.Data) != 6 {
		t.Fatalf("saved run: %d benchmarks, first %+v", len(f.Benchmarks), f.Benchmarks[0].Stats)
	}
	for _, want := range []string{"BenchmarkHash/n=100", "BenchmarkHash/n=1000", "Rounds"} {
		if !strings.Contains(out, want) {
			t.Errorf("run table lacks %q:\n%s", want, out)
		}
	}

	// Unchanged code. Timings of a loaded 2-core machine can move several
	// fold between two runs, so the threshold here is out of noise's reach;
	// the verdict logic is tested below with a doctored baseline and in
	// package compare.
	code, out, errs = bench(t, dir, "run", "--compare", "--compare-fail", "mean:100000%", "--save", "comparison")
	if code != 0 {
		t.Fatalf("run --compare on unchanged code: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "0001_baseline") {
		t.Errorf("comparison does not name the baseline:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(mdir, "0002_comparison.json")); err != nil {
		t.Fatal(err)
	}

	// A baseline doctored 30 % faster than the comparison run.
	if f, err = result.ReadFile(filepath.Join(mdir, "0002_comparison.json")); err != nil {
		t.Fatal(err)
	}
	// Every sample is scaled so that the slowest doctored round is 30 %
	// faster than the fastest real one: a loaded machine's spread within a
	// run cannot make the two overlap, so the shift is significant.
	doctored := *f
	doctored.Benchmarks = append([]result.Benchmark(nil), f.Benchmarks...)
	for i := range doctored.Benchmarks {
		b := &doctored.Benchmarks[i]
		scale := 0.7 * b.Stats.Min / b.Stats.Max
		data := make([]float64, len(b.Stats.Data))
		for j, v := range b.Stats.Data {
			data[j] = v * scale
		}
		b.Stats = stats.Compute(data, b.Stats.Iterations)
	}
	if _, err := (storage.Store{Root: filepath.Join(dir, ".benchmarks")}).Save(filepath.Base(mdir), "baseline", &doctored); err != nil {
		t.Fatal(err)
	}
	code, out, errs = bench(t, dir, "compare", "0003", "0002")
	if code != 1 {
		t.Fatalf("compare with a doctored baseline: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "BenchmarkHash/n=1000 (0003_baseline) - Field 'mean' has failed PercentageRegressionCheck") {
		t.Errorf("regression not named in pytest-benchmark's words:\n%s", out)
	}
	// The default pair is the newest baseline and the newest run; here the
	// newest run is that baseline, which is an error, not a silent pass.
	if code, _, errs = bench(t, dir, "compare"); code != 2 || !strings.Contains(errs, "no run newer than the baseline") {
		t.Errorf("compare with nothing newer than the baseline: exit %d, %s", code, errs)
	}
	// Markdown and JSON carry the same verdict.
	code, out, _ = bench(t, dir, "compare", "--format", "markdown", "0003", "0002")
	if code != 1 || !strings.Contains(out, "| BenchmarkHash/n=1000 |") {
		t.Errorf("markdown compare: exit %d\n%s", code, out)
	}
	code, out, _ = bench(t, dir, "compare", "--format", "json", "0003", "0002")
	if code != 1 || !strings.Contains(out, `"regression"`) {
		t.Errorf("json compare: exit %d\n%s", code, out)
	}

	// list shows all three; reset archives them and compare then has no baseline.
	code, out, _ = bench(t, dir, "list")
	if code != 0 || strings.Count(out, "\n  0") != 3 {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if code, out, errs = bench(t, dir, "reset"); code != 0 || !strings.Contains(out, "Archived 3 runs") {
		t.Errorf("reset: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs = bench(t, dir, "compare"); code != 2 || !strings.Contains(errs, "no baseline") {
		t.Errorf("compare after reset: exit %d, %s", code, errs)
	}
}

// A missed performance target fails the run with status 1 and says why.
func TestRunMissedTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real benchmarks")
	}
	dir := tinyModule(t)
	cfg := filepath.Join(dir, "benchsite.toml")
	body, _ := os.ReadFile(cfg)
	body = bytes.Replace(body, []byte(`limit = "1s"`), []byte(`limit = "1ns"`), 1)
	// A second target whose benchmark --bench leaves out: not run, never
	// "not found … check the benchmark name".
	body = append(body, "[[targets]]\nbenchmark = \"BenchmarkHash/n=1000\"\nlimit = \"1s\"\n"...)
	os.WriteFile(cfg, body, 0o644)
	code, out, errs := bench(t, dir, "run", "--bench", "Hash/n=100$", "--rounds", "4")
	if code != 1 || !strings.Contains(out, "exceeds target 1 ns +10%") {
		t.Fatalf("run with an impossible target: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out, "not found") || strings.Contains(out, "check the benchmark name") || !strings.Contains(out, "1 target not run (filtered by --bench Hash/n=100$)") {
		t.Errorf("a target outside --bench is reported as misnamed, or not counted as not run:\n%s", out)
	}
}

// A target whose benchmark the run's --bench selects but the run does not
// have is misnamed, and says so, also under --bench . (which this project's
// benchsite.toml sets as [run] bench): it is not "filtered by --bench".
func TestRunMisnamedTargetUnderFilter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real benchmarks")
	}
	dir := tinyModule(t)
	cfg := filepath.Join(dir, "benchsite.toml")
	body, _ := os.ReadFile(cfg)
	body = append(body, "[[targets]]\nbenchmark = \"BenchmarkHsah/n=100\"\nlimit = \"1s\"\n"...)
	os.WriteFile(cfg, body, 0o644)
	for _, filter := range []string{".", "/n=100$"} {
		_, out, errs := bench(t, dir, "run", "--bench", filter, "--rounds", "2", "--round-time", "1ms")
		if strings.Contains(out, "filtered by --bench") || !strings.Contains(out, "BenchmarkHsah/n=100: not found") {
			t.Errorf("--bench %s: a misnamed target is counted as filtered out, or not named as not found:\n%s\n%s", filter, out, errs)
		}
	}
}

// Bad input: exit 2, one message naming the file, flag or field, and no
// file touched.
func TestBadInput(t *testing.T) {
	dir := tinyModule(t)
	mdir := filepath.Join(dir, ".benchmarks", machine.ID(machine.Info()))
	os.MkdirAll(mdir, 0o755)
	good, _ := os.ReadFile(filepath.Join("..", "result", "testdata", "pytest-benchmark", "tests", "test_storage", "0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json"))
	if len(good) == 0 {
		t.Fatal("fixture missing")
	}
	os.WriteFile(filepath.Join(mdir, "0001_baseline.json"), good, 0o644)
	os.WriteFile(filepath.Join(mdir, "0002_truncated.json"), good[:len(good)/2], 0o644)
	os.WriteFile(filepath.Join(mdir, "0003_empty.json"), nil, 0o644)
	os.WriteFile(filepath.Join(mdir, "0004_types.json"), bytes.Replace(good, []byte(`"rounds": `), []byte(`"rounds": "many", "x": `), 1), 0o644)
	exists := filepath.Join(dir, "out.json")
	os.WriteFile(exists, []byte("keep"), 0o644)

	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"compare", "0001", "0002"}, []string{"0002_truncated.json", "truncated"}},
		{[]string{"compare", "0001", "0003"}, []string{"0003_empty.json", "empty"}},
		{[]string{"compare", "0001", "0004"}, []string{"0004_types.json", "rounds", "whole number"}},
		{[]string{"compare", "0009"}, []string{"0009"}},
		{[]string{"compare", "--format", "xml", "0001", "0001"}, []string{"--format", "xml"}},
		{[]string{"compare", "--compare-fail", "mean:ten%", "0001", "0001"}, []string{"--compare-fail", "ten"}},
		{[]string{"run", "--compare-fail", "average:10%", "--compare"}, []string{"--compare-fail", "average"}},
		{[]string{"run", "--save", "../escape"}, []string{"--save"}},
		{[]string{"run", "--save", "a", "--autosave"}, []string{"--save and --autosave"}},
		{[]string{"run", "--json", "out.json"}, []string{"--json", "out.json", "exists"}},
		{[]string{"run", "--bench", "("}, []string{"--bench"}},
		{[]string{"run", "--rounds", "x"}, []string{"rounds"}},
		{[]string{"run", "--compare=0042"}, []string{"0042"}},
		// A run reference after a space is a package argument: refused
		// before anything is measured.
		{[]string{"run", "--compare", "0001"}, []string{"0001 is not a package; did you mean --compare=0001?"}},
		{[]string{"run", "--compare", "0001_baseline"}, []string{"0001_baseline is not a package; did you mean --compare=0001_baseline?"}},
		{[]string{"import", filepath.Join(mdir, "0002_truncated.json")}, []string{"0002_truncated.json"}},
		{[]string{"import"}, []string{"FILE"}},
		{[]string{"frobnicate"}, []string{"unknown command", "frobnicate"}},
		{[]string{"run", "--config", "nope.toml"}, []string{"nope.toml"}},
		{[]string{"run", "--compare-fail", "bogus:5%"}, []string{"--compare-fail", "bogus"}},
		{[]string{"run", "--json", "nowhere/x.json"}, []string{"--json", "nowhere", "does not exist"}},
		{[]string{"run", "--summary", "nowhere/s.md"}, []string{"--summary", "nowhere"}},
		{[]string{"run", "--nope"}, []string{"not defined: --nope", "benchsite run --help"}},
		{[]string{"run", "--rounds"}, []string{"needs an argument: --rounds"}},
		{[]string{"run", "--machine", "a/b"}, []string{"--machine"}},
	}
	before := tree(t, dir)
	for _, c := range cases {
		code, out, errs := bench(t, dir, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\nstdout: %s\nstderr: %s", c.args, code, out, errs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: message %q does not contain %q", c.args, strings.TrimSpace(errs), w)
			}
		}
		if n := strings.Count(strings.TrimSpace(errs), "\n"); n > 0 || out != "" {
			t.Errorf("%v: want one message, got %d lines:\n%s", c.args, n+1, errs)
		}
	}
	sameTree(t, before, tree(t, dir), "a failed command")

	// list shows every run, the unreadable ones too, and then fails.
	code, out, errs := bench(t, dir, "list")
	if code != 2 || !strings.Contains(out, "0001_baseline") || !strings.Contains(out, "unreadable") || !strings.Contains(errs, "0002_truncated.json") {
		t.Errorf("list over unreadable files: exit %d\n%s%s", code, out, errs)
	}

	// An unknown key in the config is named.
	os.WriteFile(filepath.Join(dir, "benchsite.toml"), []byte("[run]\nround = 3\n"), 0o644)
	if code, _, errs := bench(t, dir, "list"); code != 2 || !strings.Contains(errs, `"run.round"`) {
		t.Errorf("unknown config key: exit %d, %s", code, errs)
	}
}

// Import reads every pytest-benchmark version and Go's text and JSON
// output; a bad file among good ones imports nothing.
func TestImport(t *testing.T) {
	dir := t.TempDir()
	var files []string
	filepath.WalkDir(filepath.Join("..", "result", "testdata", "pytest-benchmark"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	files = append(files,
		filepath.Join("..", "gobench", "testdata", "benchstat", "old.txt"),
		filepath.Join("..", "gobench", "testdata", "gotestjson", "tiny.json"))
	sort.Strings(files)
	if len(files) < 10 {
		t.Fatalf("only %d fixtures", len(files))
	}
	abs := make([]string, len(files))
	for i, f := range files {
		abs[i], _ = filepath.Abs(f)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("BenchmarkX 10 notanumber ns/op\n"), 0o644)
	if code, _, errs := bench(t, dir, append(append([]string{"import"}, abs...), bad)...); code != 2 || !strings.Contains(errs, "bad.txt:1") {
		t.Fatalf("import with a bad file: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, ".benchmarks")); err == nil {
		t.Fatal("a failed import wrote to the history")
	}
	code, out, errs := bench(t, dir, append([]string{"import"}, abs...)...)
	if code != 0 || strings.Count(out, "Saved ") != len(files) {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	ms, _ := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.Machines()
	total := 0
	for _, m := range ms {
		es, _ := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.List(m)
		for _, e := range es {
			if _, err := result.ReadFile(e.Path); err != nil {
				t.Errorf("imported file does not read back: %v", err)
			}
		}
		total += len(es)
	}
	if total != len(files) {
		t.Errorf("%d files in the history, want %d (machines %v)", total, len(files), ms)
	}
	if !strings.Contains(strings.Join(ms, " "), "Linux-CPython-2.7-64bit") {
		t.Errorf("pytest-benchmark files not filed under their own machine id: %v", ms)
	}
	// Go text names no Go version: it must not land in this machine's
	// history, where it would become the newest run.
	for _, m := range ms {
		if strings.Contains(m, "-Go-") && !strings.Contains(m, "-Go-unknown-") {
			t.Errorf("imported Go output filed under %s", m)
		}
	}
	code, out, errs = bench(t, dir, "import", "--machine", "ci-box", abs[0])
	if code != 0 || !strings.Contains(out, filepath.Join("ci-box", "0001_")) {
		t.Errorf("import --machine: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs = bench(t, dir, "import", "--machine", "../x", abs[0]); code != 2 {
		t.Errorf("import --machine ../x: exit %d, %s", code, errs)
	}
}

// --help writes flags as README does (--name VALUE), shows a flag whose
// value is optional as --name[=VALUE], and a command without flags gets
// no empty "Flags:" heading.
func TestHelpText(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := bench(t, dir, "run", "--help")
	if code != 0 {
		t.Fatalf("run --help: exit %d", code)
	}
	for _, want := range []string{"  --compare[=REF]\n", "  --save NAME\n", "  --strict\n", "  --wide\n", "  --rounds INT\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("run --help lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  -") && !strings.HasPrefix(line, "  --") {
			t.Errorf("run --help shows a single-dash flag: %q", line)
		}
	}
	// build --help says what bounds its memory, and how to change it.
	code, out, _ = bench(t, dir, "build", "--help")
	for _, want := range []string{"soft memory limit of 96 MiB", "GOMEMLIMIT"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("build --help: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = bench(t, dir, "version", "--help")
	if code != 0 || strings.Contains(out, "Flags:") || !strings.HasPrefix(out, "Usage: benchsite version\n") {
		t.Errorf("version --help: exit %d\n%s", code, out)
	}
}

// list writes every run's date in UTC in one format, whatever offset the
// file's datetime carries.
func TestListDatesInUTC(t *testing.T) {
	dir := t.TempDir()
	store := storage.Store{Root: filepath.Join(dir, ".benchmarks")}
	for _, dt := range []string{"2026-11-25T21:22:55.539106+00:00", "2026-11-25T23:23:23.088793+02:00", "2026-11-25T21:24:00.5"} {
		f := &result.File{MachineInfo: result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "cpu": map[string]any{"bits": 64}},
			Datetime: dt, Benchmarks: []result.Benchmark{{Name: "BenchmarkX", Fullname: "p::BenchmarkX",
				Stats: stats.Compute([]float64{1e-6, 2e-6}, 10), Options: map[string]any{}, ExtraInfo: map[string]any{}}}}
		if _, err := store.Save("M", "run", f); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := bench(t, dir, "list")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"date (UTC)", "2026-11-25 21:22", "2026-11-25 21:23", "2026-11-25 21:24"} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "+0") || strings.Contains(out, "T21") {
		t.Errorf("list mixes raw timestamps:\n%s", out)
	}
}
