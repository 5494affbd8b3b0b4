package cli

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// pytestBenchmark returns a Python that has pytest-benchmark, with the same
// policy as the browser tests: missing is a failure that says how to
// install it, BENCHSITE_NO_PYTEST_BENCHMARK=1 skips on request.
func pytestBenchmark(t *testing.T) string {
	t.Helper()
	if os.Getenv("BENCHSITE_NO_PYTEST_BENCHMARK") == "1" {
		t.Skip("BENCHSITE_NO_PYTEST_BENCHMARK=1: the check against pytest-benchmark itself skipped on request")
	}
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import pytest_benchmark.cli").Run() == nil {
			return py
		}
	}
	t.Fatal("no python3 with pytest-benchmark: install it with `apt-get install python3-pytest-benchmark`, or set BENCHSITE_NO_PYTEST_BENCHMARK=1 to skip this check")
	return ""
}

// pytest-benchmark itself reads what benchsite writes: its own `compare`
// command tabulates a run benchsite saved (plain and parametrized
// benchmarks mixed) and exports it to CSV with benchsite's figures.
func TestPytestBenchmarkReadsOurFiles(t *testing.T) {
	py := pytestBenchmark(t)
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "gotestjson", "tiny.json"))
	code, out, errs := bench(t, dir, "import", "--machine", "m", "--save", "tiny", src)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	saved := filepath.Join(dir, ".benchmarks", "m", "0001_tiny.json")
	f, err := result.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	plain, param := 0, 0
	for _, b := range f.Benchmarks {
		if b.Param == "" {
			plain++
		} else {
			param++
		}
	}
	if plain == 0 || param == 0 {
		t.Fatalf("fixture should mix plain and parametrized benchmarks: %d plain, %d parametrized", plain, param)
	}

	csvPath := filepath.Join(dir, "out.csv")
	cmd := exec.Command(py, "-c", "import sys; from pytest_benchmark.cli import main; sys.exit(main())", "compare", saved, "--csv="+csvPath)
	cmd.Dir = dir
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pytest-benchmark compare failed on a file benchsite wrote: %v\n%s", err, outb)
	}
	for _, b := range f.Benchmarks {
		if !strings.Contains(string(outb), b.Name) {
			t.Errorf("pytest-benchmark's table lacks %s:\n%s", b.Name, outb)
		}
	}
	fh, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(f.Benchmarks) {
		t.Fatalf("CSV has %d rows, want a header and %d benchmarks:\n%v", len(rows), len(f.Benchmarks), rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byName := map[string]result.Stats{}
	for _, b := range f.Benchmarks {
		byName[b.Fullname] = b.Stats // pytest-benchmark names rows by fullname
	}
	for _, r := range rows[1:] {
		s, ok := byName[r[col["name"]]]
		if !ok {
			t.Errorf("CSV names %q, which benchsite did not write", r[col["name"]])
			continue
		}
		for field, want := range map[string]float64{"min": s.Min, "median": s.Median, "mean": s.Mean, "rounds": float64(s.Rounds)} {
			got, err := strconv.ParseFloat(r[col[field]], 64)
			if err != nil || got != want {
				t.Errorf("%s %s: pytest-benchmark reads %q, benchsite wrote %v", r[col["name"]], field, r[col[field]], want)
			}
		}
	}
}

// A run saved by a paired run keeps its verdicts ("paired") and its failed
// benchmarks ("failures") in top-level keys that pytest-benchmark's own
// compare (and CSV export) reads past.
func TestPytestBenchmarkReadsPairedRuns(t *testing.T) {
	py := pytestBenchmark(t)
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "gotestjson", "tiny.json"))
	if code, out, errs := bench(t, dir, "import", "--machine", "m", "--save", "tiny", src); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	saved := filepath.Join(dir, ".benchmarks", "m", "0001_tiny.json")
	f, err := result.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 1.5, 9.0
	f.Paired = &result.Paired{Baseline: result.CommitInfo{ID: "abc"}, Method: "m", Confidence: 0.95, Check: "mean:10%",
		Benchmarks: map[string]result.PairedBenchmark{f.Benchmarks[0].Fullname: {Name: f.Benchmarks[0].Name, Field: "mean", Verdict: "same",
			Pairs: 6, ChangePercent: 4, CILowPercent: &lo, CIHighPercent: &hi, BaseValues: []float64{1, 2, 1, 2, 1, 2}, CurValues: []float64{1, 2, 1, 2, 1, 2}}}}
	f.Failures = []result.Failure{{Name: "BenchmarkBroken", Package: "example.com/x", Output: "kaput"}}
	data, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "paired.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := result.ReadFile(p)
	if err != nil || back.Paired == nil || len(back.Failures) != 1 || *back.Paired.Benchmarks[f.Benchmarks[0].Fullname].CIHighPercent != hi {
		t.Fatalf("benchsite does not read back what it wrote: %v %+v", err, back)
	}
	cmd := exec.Command(py, "-c", "import sys; from pytest_benchmark.cli import main; sys.exit(main())", "compare", p, "--csv="+filepath.Join(dir, "p.csv"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pytest-benchmark compare failed on a paired run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), f.Benchmarks[0].Name) {
		t.Errorf("pytest-benchmark's table lacks %s:\n%s", f.Benchmarks[0].Name, out)
	}
}
