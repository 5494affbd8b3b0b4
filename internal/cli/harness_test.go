package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
)

// harnessFiles are the other harnesses' outputs kept in package harness's
// testdata (copies of github-action-benchmark's fixtures and files made
// with hyperfine, Catch2 and Google Benchmark), with the --format a file
// needs when its content cannot tell (custom JSON with free units).
func harnessFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	root := filepath.Join("..", "harness", "testdata")
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir // fuzz seeds, in Go's corpus format
			}
			return nil
		}
		switch filepath.Base(p) {
		case "LICENSE.txt", "SOURCE.md", "benchmark.json", "estimates.json": // the last two: read beside sample.json
			return nil
		}
		if filepath.Ext(p) == ".sh" {
			return nil // the scripts that made some of them
		}
		abs, _ := filepath.Abs(p)
		files[abs] = ""
		switch filepath.Base(p) {
		case "customBiggerIsBetter_output.json":
			files[abs] = "customBiggerIsBetter"
		case "customSmallerIsBetter_output.json":
			files[abs] = "customSmallerIsBetter"
		}
		return nil
	})
	if len(files) < 30 {
		t.Fatalf("only %d harness files", len(files))
	}
	// Criterion.rs's target/criterion folder is read as a whole.
	dir, _ := filepath.Abs(filepath.Join(root, "criterion", "target", "criterion"))
	files[dir] = ""
	return files
}

// Every harness file imports, each into the history as one run whose
// benchmarks read back with their figures; none is taken for a
// pytest-benchmark file.
func TestImportHarnesses(t *testing.T) {
	dir := t.TempDir()
	for path, format := range harnessFiles(t) {
		args := []string{"import"}
		if format != "" {
			args = append(args, "--format", format)
		}
		code, out, errs := bench(t, dir, append(args, path)...)
		if code != 0 || !strings.HasPrefix(out, "Saved ") {
			t.Errorf("import %s: exit %d\n%s%s", filepath.Base(path), code, out, errs)
		}
	}
	store := storage.Store{Root: filepath.Join(dir, ".benchmarks")}
	ms, _ := store.Machines()
	saw := map[string]bool{}
	for _, m := range ms {
		es, _ := store.List(m)
		for _, e := range es {
			f, err := result.ReadFile(e.Path)
			if err != nil {
				t.Fatalf("imported file does not read back: %v", err)
			}
			for _, b := range f.Benchmarks {
				if b.Stats.Rounds < 1 || (b.Stats.Mean == 0 && !strings.Contains(f.MachineInfo.String("imported_from"), "issue16")) {
					t.Errorf("%s: %q has rounds %d mean %g", e.Path, b.Name, b.Stats.Rounds, b.Stats.Mean)
				}
			}
			saw[f.MachineInfo.String("harness_id")] = true
		}
	}
	for _, h := range []string{"GoogleBenchmark", "hyperfine", "JMH", "BenchmarkDotNet", "Julia", "custom", "Catch2", "cargo", "Criterion", "benchmarkjs", "Luau"} {
		if !saw[h] {
			t.Errorf("no run of %s in the history (machines %v)", h, ms)
		}
	}

	// The Google Benchmark file was once read as pytest-benchmark's: two
	// benchmarks of 0 s and 0 rounds.
	gb, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "github-action-benchmark", "googlecpp_output.json"))
	code, out, errs := bench(t, dir, "import", gb)
	if code != 0 || !strings.Contains(out, "Google Benchmark") {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	es, _ := store.List("Unknown-GoogleBenchmark-unknown-64bit")
	f, err := result.ReadFile(es[len(es)-1].Path)
	if err != nil || f.Benchmarks[0].Stats.Mean != 2.1498980114547953e-07 || f.Benchmarks[0].Stats.Rounds != 1 {
		t.Errorf("Google Benchmark file read as %+v (%v)", f.Benchmarks[0].Stats, err)
	}
}

// A malformed file of any format is an exit-2 error naming file and line,
// and nothing is written, not even the good files named with it.
func TestImportHarnessMalformed(t *testing.T) {
	dir := t.TempDir()
	good, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "made", "hyperfine.json"))
	for _, c := range []struct{ name, body, at string }{
		{"gb.json", `{"context": {}, "benchmarks": [{"name": "x", "real_time": 1, "time_unit": "parsec"}]}`, "gb.json:1:"},
		{"catch.txt", "benchmark name    samples    iterations    estimated\n  mean\n  std dev\n" + strings.Repeat("-", 40) + "\nx    1    1    1 ms\n    1 xs    1 ns    1 ns\n    1 ns    1 ns    1 ns\n", "catch.txt:6:"},
		{"cargo.txt", "test a ... bench: 12 ns/iter (+/- 1)\ntest b ... bench: 12 parsecs/iter (+/- 1)\n", "cargo.txt:2:"},
		{"jmh.json", "[{\"jmhVersion\": \"1.29\", \"benchmark\": \"a.b\",\n \"mode\": \"thrpt\", \"primaryMetric\": {\"score\": 1, \"scoreUnit\": \"ops/fortnight\"}}]", "jmh.json:2:"},
		{"hf.json", "{\"results\": [{\"command\": \"true\", \"mean\": 1, \"times\": [0.1,", "hf.json:1:"},
	} {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, []byte(c.body), 0o644)
		code, _, errs := bench(t, dir, "import", good, p)
		if code != 2 || !strings.Contains(errs, c.at) {
			t.Errorf("import %s: exit %d, %s; want exit 2 naming %s", c.name, code, errs, c.at)
		}
		if _, err := os.Stat(filepath.Join(dir, ".benchmarks")); err == nil {
			t.Fatalf("a failed import of %s wrote to the history", c.name)
		}
	}
	if code, _, errs := bench(t, dir, "import", "--format", "nosuch", good); code != 2 || !strings.Contains(errs, "googlecpp") {
		t.Errorf("--format nosuch: exit %d, %s", code, errs)
	}
}

// compare reads other harnesses' files as import does: a drop of
// benchmark.js's ops/sec is a regression (higher is better), and the output
// says the plain threshold rule applied (no samples in the file).
func TestCompareHarnessFiles(t *testing.T) {
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "github-action-benchmark", "benchmarkjs_output.txt"))
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	slower := filepath.Join(dir, "slower.txt")
	os.WriteFile(slower, []byte(strings.Replace(string(data), "12,146 ops/sec", "10,146 ops/sec", 1)), 0o644)
	faster := filepath.Join(dir, "faster.txt")
	os.WriteFile(faster, []byte(strings.Replace(string(data), "12,146 ops/sec", "14,146 ops/sec", 1)), 0o644)

	code, out, errs := bench(t, dir, "compare", src, slower)
	if code != 1 || !strings.Contains(out, "fib(20) (benchmarkjs_output) - Field 'mean' has failed PercentageRegressionCheck: 16.46") ||
		!strings.Contains(out, "plain threshold rule") || !strings.Contains(out, "12.15k ops/s") {
		t.Errorf("ops/sec dropped 16%%: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := bench(t, dir, "compare", src, faster); code != 0 || !strings.Contains(out, "improvement") {
		t.Errorf("ops/sec rose 16%%: exit %d\n%s%s", code, out, errs)
	}
	// Google Benchmark without repetitions has 1 sample a side, JMH with 3
	// iterations 3: too few for the significance test, so the threshold
	// alone decides, and the output names the rule and the counts.
	for _, c := range []struct {
		file, key string
		factor    float64
		say       string
	}{
		{"googlecpp_output.json", `"real_time": `, 1.3, "fib_10 (1 and 1)"},
		{"jmh_output.json", "", 0.7, "JMHSample_01_HelloWorld.wellHelloThere (3 and 3)"},
	} {
		base, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "github-action-benchmark", c.file))
		data, _ := os.ReadFile(base)
		cur := filepath.Join(dir, "scaled_"+c.file)
		os.WriteFile(cur, scaleFigures(t, string(data), c.file, c.factor), 0o644)
		code, out, errs := bench(t, dir, "compare", base, cur)
		if code != 1 || !strings.Contains(out, "regression") ||
			!strings.Contains(out, "Compared by the plain threshold rule (too few per-round samples for the significance test, which needs 4 on each side; baseline and current): ") ||
			!strings.Contains(out, c.say) {
			t.Errorf("%s × %g: exit %d\n%s%s\nwant a regression by the plain threshold rule naming %s", c.file, c.factor, code, out, errs, c.say)
		}
	}
	crit, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "criterion", "target", "criterion"))
	if code, out, errs := bench(t, dir, "compare", crit, crit); code != 0 || !strings.Contains(out, "fib 20 - slow") {
		t.Errorf("compare a target/criterion folder with itself: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := bench(t, dir, "compare", "--input-format", "jmh", src, slower); code != 2 || !strings.Contains(errs, "benchmarkjs_output.txt:1") {
		t.Errorf("--input-format jmh on benchmark.js text: exit %d, %s", code, errs)
	}
}

// scaleFigures multiplies the measured figures of a Google Benchmark file
// (real_time, cpu_time) or a JMH file (score, rawData) by factor.
func scaleFigures(t *testing.T, s, file string, factor float64) []byte {
	t.Helper()
	re := regexp.MustCompile(`("(?:real_time|cpu_time|score)" ?: )([0-9.eE+-]+)`)
	if strings.HasPrefix(file, "jmh") {
		// rawData's numbers stand alone on their lines.
		re = regexp.MustCompile(`(?m)(^\s+"score" : |^\s+)([0-9]+\.[0-9]+E[0-9]+)`)
	}
	n := 0
	out := re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		v, err := strconv.ParseFloat(sub[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		n++
		return sub[1] + strconv.FormatFloat(v*factor, 'g', -1, 64)
	})
	if n == 0 {
		t.Fatalf("%s: no figure scaled", file)
	}
	return []byte(out)
}

// The same file imported twice is saved twice, but the second import says
// so, naming the run saved first; so does one import naming a file twice.
func TestImportTwiceWarns(t *testing.T) {
	dir := t.TempDir()
	hf, _ := filepath.Abs(filepath.Join("..", "harness", "testdata", "made", "hyperfine.json"))
	if code, _, errs := bench(t, dir, "import", hf); code != 0 || strings.Contains(errs, "same results") {
		t.Fatalf("first import: exit %d, %s", code, errs)
	}
	code, out, errs := bench(t, dir, "import", hf)
	if code != 0 || !strings.Contains(out, "0002_import") || !strings.Contains(errs, "the same results as the saved run 0001_import") {
		t.Errorf("second import: exit %d\n%s%s\nwant a warning naming 0001_import", code, out, errs)
	}
	other := t.TempDir()
	code, _, errs = bench(t, other, "import", hf, hf)
	if code != 0 || !strings.Contains(errs, "named before it in this import") {
		t.Errorf("one import naming the file twice: exit %d, %s", code, errs)
	}
}
