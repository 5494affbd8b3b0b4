package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// pairedModule is a small module in a real git repository: package work
// with a loop whose length a constant sets, and two benchmarks.
func pairedModule(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for paired runs")
	}
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/pw\n\ngo 1.23\n")
	write(t, dir, "work.go", workSource(1000))
	write(t, dir, "work_test.go", `package pw

import "testing"

var sink uint64

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += Work()
	}
}

func BenchmarkSteady(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += hash(500)
	}
}
`)
	write(t, dir, "benchsite.toml", "[run]\nrounds = 3\nround-time = \"5ms\"\n")
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "first")
	return dir
}

func workSource(n int) string {
	return `package pw

// Work hashes a loop whose length sets its cost.
func Work() uint64 { return hash(` + itoaTest(n) + `) }

func hash(n int) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}
`
}

func itoaTest(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

type reportDoc struct {
	Paired bool `json:"paired"`
	Rows   []struct {
		Name          string   `json:"name"`
		Status        string   `json:"status"`
		Baseline      *float64 `json:"baseline"`
		ChangePercent *float64 `json:"change_percent"`
		CILow         *float64 `json:"ci_low_percent"`
		CIHigh        *float64 `json:"ci_high_percent"`
		Pairs         int      `json:"pairs"`
	} `json:"rows"`
}

func readReport(t *testing.T, path string) reportDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc reportDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// A slowdown of the working tree far above the threshold (the loop twice as
// long: +100 %, against mean:10 %) is flagged against HEAD, with the
// interval and pairs in the report and the saved run; the unchanged
// benchmark of the same run is not flagged. (The effect is large so that
// the test holds on a machine shared with other work; the rates at +25 %
// and +10 % are measured by scripts/falsealarm.)
func TestRunAgainstFlagsALargeSlowdown(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	write(t, dir, "work.go", workSource(2000))
	before := git(t, dir, "status", "--porcelain")
	rep := filepath.Join(dir, "report.json")
	code, out, errs := bench(t, dir, "run", "--against", "HEAD", "--compare-fail", "mean:10%", "--machine", "m", "--save", "slow", "--report", rep)
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 (a regression)\n%s%s", code, out, errs)
	}
	if after := git(t, dir, "status", "--porcelain"); after != before+"\n?? .benchmarks/\n?? report.json" && after != before {
		// The user's checkout is untouched: only the run and the report are new.
		if strings.Contains(after, "work.go") != strings.Contains(before, "work.go") {
			t.Errorf("git status changed from %q to %q", before, after)
		}
	}
	doc := readReport(t, rep)
	if !doc.Paired {
		t.Error("report not marked paired")
	}
	got := map[string]string{}
	for _, r := range doc.Rows {
		got[r.Name] = r.Status
		if r.Name == "BenchmarkWork" {
			if r.CILow == nil || *r.CILow <= 0 || r.Pairs < 12 {
				t.Errorf("BenchmarkWork: interval low %v, %d pairs; want above 0 after ≥ 12 pairs", r.CILow, r.Pairs)
			}
		}
	}
	if got["BenchmarkWork"] != "regression" || got["BenchmarkSteady"] == "regression" {
		t.Errorf("verdicts %v: want BenchmarkWork a regression, BenchmarkSteady not", got)
	}
	for _, s := range []string{"Paired comparison with HEAD", "BenchmarkWork (HEAD) - Field 'mean' has failed PercentageRegressionCheck"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	f, err := result.ReadFile(filepath.Join(dir, ".benchmarks", "m", "0001_slow.json"))
	if err != nil {
		t.Fatal(err)
	}
	head := git(t, dir, "rev-parse", "HEAD")
	if f.Paired == nil || f.Paired.Baseline.ID != head || f.Paired.Benchmarks[".::BenchmarkWork"].Verdict != "regression" {
		t.Fatalf("saved run's paired verdict: %+v", f.Paired)
	}

	// compare shows the stored paired verdict when the baseline is a run
	// of that commit: commit the slowdown's parent state as a baseline…
	git(t, dir, "stash", "-q")
	code, out, errs = bench(t, dir, "run", "--machine", "m", "--save", "baseline", "--rounds", "2")
	git(t, dir, "stash", "pop", "-q")
	if code != 0 {
		t.Fatalf("baseline run: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = bench(t, dir, "compare", "--compare-fail", "mean:10%", "--format", "json", ".benchmarks/m/0002_baseline.json", ".benchmarks/m/0001_slow.json")
	if code != ExitFail || !strings.Contains(out, `"ci_low_percent"`) || !strings.Contains(out, `"paired": true`) {
		t.Errorf("compare of the paired run with a baseline of its commit: exit %d\n%s", code, out)
	}
}

// Unchanged code (a second commit only adds an unused function, so the
// layout moves) is not flagged even by a threshold far below the effect
// of the slowdown test, and the run says it is paired.
func TestRunCompareUnchangedIsNotFlagged(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	code, out, errs := bench(t, dir, "run", "--machine", "m", "--save", "baseline", "--rounds", "2")
	if code != 0 {
		t.Fatalf("baseline: exit %d\n%s%s", code, out, errs)
	}
	write(t, dir, "unused.go", "package pw\n\n// Unused is never called.\nfunc Unused(x int) int { return x*x + 1 }\n")
	git(t, dir, "add", "unused.go")
	git(t, dir, "commit", "-q", "-m", "unused function")
	rep := filepath.Join(dir, "r.json")
	code, out, errs = bench(t, dir, "run", "--compare", "--compare-fail", "mean:30%", "--machine", "m", "--report", rep)
	if code != 0 {
		t.Fatalf("unchanged code: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "Paired comparison with 0001_baseline") {
		t.Errorf("--compare did not re-measure the baseline's commit:\n%s", out)
	}
	for _, r := range readReport(t, rep).Rows {
		if r.Status == "regression" || r.Pairs < 8 || r.CIHigh == nil {
			t.Errorf("%s: %s after %d pairs", r.Name, r.Status, r.Pairs)
		}
	}
}

// A baseline whose commit is not in the repository falls back to the
// stored file, labelled unpaired, naming its date and machine.
func TestRunCompareFallsBackUnpaired(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	code, out, errs := bench(t, dir, "run", "--machine", "m", "--save", "baseline", "--rounds", "2")
	if code != 0 {
		t.Fatalf("baseline: exit %d\n%s%s", code, out, errs)
	}
	p := filepath.Join(dir, ".benchmarks", "m", "0001_baseline.json")
	f, err := result.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f.CommitInfo.ID = "0123456789abcdef0123456789abcdef01234567"
	data, _ := result.Encode(f)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = bench(t, dir, "run", "--machine", "m", "--compare", "--compare-fail", "mean:1000%", "--rounds", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, s := range []string{"UNPAIRED comparison with the stored file 0001_baseline", "is not in this repository", "on Linux-", "do not measure the difference between the two sessions"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

// A build failure on either side is an exit-2 error naming the side.
func TestRunAgainstBuildFailureNamesTheSide(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	write(t, dir, "work.go", "package pw\n\nfunc Work() uint64 { return undefinedThing() }\n\nfunc hash(n int) uint64 { return 0 }\n")
	code, _, errs := bench(t, dir, "run", "--against", "HEAD")
	if code != ExitBadUse || !strings.Contains(errs, "building the working tree") || !strings.Contains(errs, "undefinedThing") {
		t.Errorf("working tree broken: exit %d\n%s", code, errs)
	}
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "broken")
	write(t, dir, "work.go", workSource(1000))
	code, _, errs = bench(t, dir, "run", "--against", "HEAD")
	if code != ExitBadUse || !strings.Contains(errs, "building the baseline (HEAD)") {
		t.Errorf("baseline broken: exit %d\n%s", code, errs)
	}
	code, _, errs = bench(t, dir, "run", "--against", "no-such-ref")
	if code != ExitBadUse || !strings.Contains(errs, `--against: revision "no-such-ref" is not a commit`) {
		t.Errorf("unknown ref: exit %d\n%s", code, errs)
	}
	// An empty revision (--against "$BASE" with BASE unset) is refused
	// before anything runs, not taken as no --against at all.
	for _, args := range [][]string{{"--against", ""}, {"--against="}, {"--against", " "}} {
		code, out, errs := bench(t, dir, append([]string{"run"}, args...)...)
		if code != ExitBadUse || !strings.Contains(errs, "--against: needs a git revision") || strings.Contains(out, "BenchmarkWork") {
			t.Errorf("run %q: exit %d, want 2 before measuring\n%s%s", args, code, out, errs)
		}
	}
}

// benchsite noise measures two builds of one tree and reports, per
// benchmark, the noise, the detectable change and a threshold suggestion
// when the configured one is below it (a 0.1 % threshold always is).
func TestNoise(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	code, out, errs := bench(t, dir, "noise", "--pairs", "8", "--compare-fail", "mean:0.1%", "--bench", "Work")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, s := range []string{"Noise per pair", "BenchmarkWork", "[compare.thresholds]", `"BenchmarkWork" = "mean:`} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "BenchmarkSteady") {
		t.Errorf("--bench Work measured BenchmarkSteady:\n%s", out)
	}
	if code, _, errs := bench(t, dir, "noise", "--pairs", "3"); code != ExitBadUse || !strings.Contains(errs, "--pairs: 3; need at least 8") {
		t.Errorf("--pairs 3: exit %d %s", code, errs)
	}
}

// Benchmarks on one side only are listed as added or removed, never
// failed; a benchmark that fails in the working tree is named with its side
// and the run carries on (exit 1 for the failure alone).
func TestRunAgainstAddedRemovedAndFailed(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	write(t, dir, "work_test.go", `package pw

import "testing"

var sink uint64

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += Work()
	}
}

func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += hash(50)
	}
}

func BenchmarkBroken(b *testing.B) {
	b.Fatal("broken in the working tree")
}
`)
	rep := filepath.Join(dir, "r.json")
	code, out, errs := bench(t, dir, "run", "--against", "HEAD", "--compare-fail", "mean:1000%", "--report", rep)
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 for the failed benchmark\n%s%s", code, out, errs)
	}
	got := map[string]string{}
	for _, r := range readReport(t, rep).Rows {
		got[r.Name] = r.Status
		if r.Status == "removed" && r.Baseline != nil {
			t.Errorf("%s: removed, with a baseline of %v s that nobody measured (want null)", r.Name, *r.Baseline)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "BenchmarkSteady") && strings.Contains(line, "0.000 s") {
			t.Errorf("the removed benchmark is shown with a baseline of 0 s: %q", line)
		}
	}
	want := map[string]string{"BenchmarkWork": "same", "BenchmarkNew": "added", "BenchmarkSteady": "removed"}
	for name, status := range want {
		if got[name] != status {
			t.Errorf("%s: %q, want %q (all rows: %v)", name, got[name], status, got)
		}
	}
	if _, ok := got["BenchmarkBroken"]; ok {
		t.Errorf("the failed benchmark has a row: %v", got)
	}
	if !strings.Contains(out, "--- FAIL: BenchmarkBroken (working tree)") || !strings.Contains(out, "broken in the working tree") {
		t.Errorf("the failure is not named with its side:\n%s", out)
	}
}

// A baseline saved from a working tree with uncommitted changes is
// re-measured at its commit, which lacks them: the comparison says so
// instead of presenting the commit as what the baseline measured.
func TestCompareDirtyBaselineSaysSo(t *testing.T) {
	t.Parallel()
	dir := pairedModule(t)
	write(t, dir, "work.go", workSource(3000))
	if code, out, errs := bench(t, dir, "run", "--bench", "Work", "--save", "baseline"); code != 0 {
		t.Fatalf("saving the baseline: exit %d\n%s%s", code, out, errs)
	}
	write(t, dir, "work.go", workSource(1000))
	code, out, errs := bench(t, dir, "run", "--bench", "Work", "--compare", "--compare-fail", "mean:1000%")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "Paired comparison with 0001_baseline") || !strings.Contains(out, "0001_baseline was saved from a working tree with uncommitted changes") {
		t.Errorf("the comparison does not say the baseline's uncommitted changes are not measured:\n%s%s", out, errs)
	}
}
