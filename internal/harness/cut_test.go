package harness

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// upTo returns s up to and including the first end after the first start,
// as a copy that stopped there would hold.
func upTo(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("%q not in the file", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("%q not after %q", end, start)
	}
	return s[:i+j+len(end)]
}

// A text output cut off before its end loses no benchmark without a word:
// a last line that starts like a result, or a libtest section with fewer
// results than it announced, is an error naming the line.
func TestCutOff(t *testing.T) {
	file := func(rel string) string {
		data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	js := file("github-action-benchmark/benchmarkjs_output.txt")
	luauOut := file("github-action-benchmark/benchmarkluau_output.txt")
	cargoOut := file("github-action-benchmark/cargo_output.txt")
	catch2Out := file("github-action-benchmark/catch2_output_v2.txt")
	k12 := file("criterion/kangarootwelve_output.txt")
	for _, c := range []struct {
		what, data string
		line       int
		say        string
	}{
		{"benchmark.js in a figure", upTo(t, js, "fib(20) x 12,1", "12,1"), 2, `"fib(20) x 12,1"`},
		{"benchmark.js after the name", upTo(t, js, "fib(20) x", " x"), 2, "cut off"},
		{"Luau, head -c 170", luauOut[:170], 3, `"SUCCES"`},
		{"Luau in the RESULTS table", upTo(t, luauOut, "chess                  |", "|   69.1"), 9, "cut off"},
		{"libtest, the first 60 %", cargoOut[:len(cargoOut)*6/10], 9, `"test bench_fib"`},
		{"libtest at a line end", upTo(t, cargoOut, "test bench_fib_10", "\n"), 7, "announced 2 tests here but only 1"},
		{"Catch2 console in a row", upTo(t, catch2Out, "Fibonacci 20 ", "8.37"), 20, `after "Fibonacci 20 `},
		{"Criterion in a throughput", upTo(t, k12, "thrpt:", "623.05 MiB/s"), 2, "thrpt"},
		{"Criterion in a label", upTo(t, k12, "K12/1024/32 (random)", "    ti"), 5, "cut off"},
	} {
		name := "cut/" + strings.ReplaceAll(c.what, " ", "_")
		_, err := Read([]byte(c.data), name, "")
		var re *result.Error
		if !errors.As(err, &re) || re.File != name || re.Line != c.line || !strings.Contains(err.Error(), c.say) {
			t.Errorf("%s: err = %v; want an error at line %d mentioning %s", c.what, err, c.line, c.say)
		}
	}
	// The issue's own repro.
	j1 := "fib(10) x 1,431,759 ops/sec \xc2\xb10.74% (93 runs sampled)\nfib(20) x 12,1"
	if _, err := Read([]byte(j1), "j1.txt", ""); err == nil || !strings.Contains(err.Error(), "j1.txt:2") {
		t.Errorf("j1.txt: err = %v; want an error at line 2", err)
	}
	// A whole file without a final line end imports, and a last line that
	// is not a result is named in a warning.
	r, err := Read([]byte(strings.TrimRight(js, "\n")), "nolf.txt", "")
	if err != nil || len(r.Benchmarks) != 3 || len(r.Warnings) != 0 {
		t.Errorf("benchmark.js without a final line end: %v, %d benchmarks, warnings %q", err, len(r.Benchmarks), r.Warnings)
	}
	r, err = Read([]byte(cargoOut+"test result: ok. 0 pass"), "tail.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Benchmarks) != 2 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "line 13") {
		t.Errorf("libtest with a cut summary: %v, warnings %q", err, r.Warnings)
	}
}

// A target/criterion folder whose sample.json or benchmark.json was cut
// off (a copy interrupted, a full disk) is an error at the end of that
// file saying it is cut off, as for every JSON format, not encoding/json's
// bare message placed at 1:1.
func TestCriterionFolderCutOff(t *testing.T) {
	src := filepath.Join("testdata", "criterion", "target", "criterion")
	for _, file := range []string{"sample.json", "benchmark.json"} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "fib 20 - fast", "new", file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cut := data[:len(data)/2]
		if err := os.WriteFile(p, cut, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = ReadCriterionDir(dir)
		var re *result.Error
		line, col := result.Position(cut, len(cut))
		if !errors.As(err, &re) || re.File != p || re.Line != line || re.Col != col || !strings.Contains(err.Error(), "truncated JSON") {
			t.Errorf("%s cut in half: err = %v; want an error at %s:%d:%d saying it is truncated", file, err, p, line, col)
		}
	}
}

// A JSON file of any format cut off inside a number or a literal is
// truncated JSON at its end, not encoding/json's "invalid character ' '"
// (a character the file does not hold there).
func TestJSONCutInsideAValue(t *testing.T) {
	value := regexp.MustCompile(`[:\[,]\s*(-?[0-9]+\.|-?[0-9]+(\.[0-9]+)?[eE]-?|tr|fals|nu)`)
	n := 0
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || strings.Contains(p, "fuzz") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Read(data, p, ""); err != nil {
			return nil // not a harness's file on its own (pytest-benchmark, benchmark.json)
		}
		// Cut in the last value of each kind in the file's second half,
		// where the format is told by content.
		last := map[byte]int{}
		for _, m := range value.FindAllSubmatchIndex(data[len(data)/2:], -1) {
			v := data[len(data)/2+m[2] : len(data)/2+m[3]]
			last[v[len(v)-1]] = len(data)/2 + m[3]
		}
		for _, end := range last {
			cut := data[:end]
			n++
			_, err := Read(cut, "cut.json", "")
			var re *result.Error
			line, col := result.Position(cut, len(cut))
			if !errors.As(err, &re) || re.Line != line || re.Col != col || !strings.Contains(err.Error(), "truncated JSON") {
				t.Errorf("%s cut after %q: err = %v; want truncated JSON at %d:%d", p, cut[max(0, len(cut)-20):], err, line, col)
			}
		}
		return nil
	})
	if n < 10 {
		t.Errorf("%d cuts tried", n)
	}
}
