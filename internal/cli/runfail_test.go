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
