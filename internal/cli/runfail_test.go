package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// One benchmark that calls b.Fatal does not throw the run away: run
// --save measures and saves the others, records the failure in the file,
// names it and exits 1.
func TestRunKeepsGoingAfterAFailedBenchmark(t *testing.T) {
	t.Parallel()
	dir := tinyModule(t)
	bad := "package tiny\n\nimport \"testing\"\n\nfunc BenchmarkBroken(b *testing.B) {\n\tb.Log(\"checking the answer\")\n\tb.Fatal(\"wrong answer: 41\")\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "broken_test.go"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := bench(t, dir, "run", "--machine", "m", "--save", "base", "--rounds", "2")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	for _, s := range []string{"1 benchmark FAILED", "--- FAIL: BenchmarkBroken in example.com/tiny", "wrong answer: 41", "Saved"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	f, err := result.ReadFile(filepath.Join(dir, ".benchmarks", "m", "0001_base.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Benchmarks) != 2 {
		t.Errorf("saved %d benchmarks, want the 2 that pass", len(f.Benchmarks))
	}
	if len(f.Failures) != 1 || f.Failures[0].Name != "BenchmarkBroken" || !strings.Contains(f.Failures[0].Output, "wrong answer: 41") {
		t.Errorf("saved failures %+v", f.Failures)
	}
}

// A history saved under pytest-benchmark's id alone, before ids told
// machines apart, stays this machine's history when its runs were made
// here: compare finds its baseline and newest run.
func TestLegacyMachineFolderStillUsed(t *testing.T) {
	t.Parallel()
	dir := tinyModule(t)
	if code, out, errs := bench(t, dir, "run", "--save", "baseline", "--rounds", "2"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	root := filepath.Join(dir, ".benchmarks")
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 || !strings.Contains(ents[0].Name(), "cpu-") {
		t.Fatalf("saved under %v, want one folder with the CPU in its id", ents)
	}
	f, err := result.ReadFile(filepath.Join(root, ents[0].Name(), "0001_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(root, f.MachineInfo.ID())
	if err := os.Rename(filepath.Join(root, ents[0].Name()), legacy); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := bench(t, dir, "run", "--save", "again", "--rounds", "2"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(legacy, "0002_again.json")); err != nil {
		t.Errorf("the run did not join the legacy folder of this machine: %v", err)
	}
	if code, out, errs := bench(t, dir, "compare", "--compare-fail", "mean:1000%"); code != 0 || !strings.Contains(out, "0001_baseline") {
		t.Errorf("compare with the legacy folder: exit %d\n%s%s", code, out, errs)
	}
}
