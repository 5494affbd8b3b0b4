package result_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// baseline is the project's copy of a pytest-benchmark 5.x file; the tests
// below change one value in it.
func baseline(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/pytest-benchmark/hand-written-5.x/0001_baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// edit replaces the first old in data with new, failing when there is none.
func edit(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%q is not in the file", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// Over-long text anywhere in a file — not only names — is refused at
// decode with the field and its line named, so no command can blow up the
// site with it.
func TestLongText(t *testing.T) {
	data := baseline(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, c := range []struct {
		old, new, field string
		line            int
	}{
		{`"id": "4f2c1e9b7d3a5c8e0f1a2b3c4d5e6f708192a3b4"`, `"id": "` + long(3000) + `"`, "commit_info.id", 57},
		{`"branch": "main"`, `"branch": "` + long(1025) + `"`, "commit_info.branch", 62},
		{`"project": "demo-project"`, `"message": "` + long(result.MaxMessageLen+1) + `"`, "commit_info.message", 61},
		{`"node": "ci-runner-7"`, `"node": "` + long(3000) + `"`, "machine_info.node", 3},
		{`"note": "<script>alert('x')</script>"`, `"note": "` + long(result.MaxInfoLen) + `"`, "benchmarks.0.extra_info", 73},
		{`"min_rounds": 5`, `"` + long(result.MaxInfoLen) + `": 5`, "benchmarks.0.options", 77},
		{`"group": "encode"`, `"group": "` + long(1025) + `"`, "benchmarks.0.group", 66},
		{`"param": "1024"`, `"param": "` + long(1025) + `"`, "benchmarks.0.param", 72},
	} {
		e := decodeErr(t, edit(t, data, c.old, c.new))
		if e.Field != c.field || e.Line != c.line || !strings.Contains(e.Msg, "at most") {
			t.Errorf("%s: error %v; want field %s on line %d with its limit", c.field, e, c.field, c.line)
		}
		if strings.Contains(e.Msg, "benchmark's name") && c.field != "benchmarks.0.name" {
			t.Errorf("%s: %q sends the user to the name", c.field, e.Msg)
		}
	}
	// A free-form value out of range is named by its key.
	e := decodeErr(t, edit(t, data, `"bytes": 1024`, `"bytes": 1e999`))
	if e.Field != "benchmarks.0.extra_info.bytes" || e.Line != 74 || !strings.Contains(e.Msg, "out of range") {
		t.Errorf("extra_info 1e999: %v; want benchmarks.0.extra_info.bytes on line 74", e)
	}
	// At the limits, the file reads.
	ok := edit(t, data, `"branch": "main"`, `"branch": "`+long(result.MaxIDLen)+`"`)
	ok = edit(t, ok, `"group": "encode"`, `"group": "`+long(result.MaxNameLen)+`"`)
	if _, err := result.Decode(ok, "x.json"); err != nil {
		t.Errorf("values at the limits: %v", err)
	}
}

// Figures are never rewritten or invented: rounds 0 with samples and
// iterations 0 are refused naming the field (as 0 rounds without samples,
// and as Go text's 0 iterations); a missing total is derived as upstream
// (sum of samples), never 0; an empty data array gets a note; a fullname
// given twice gets a note.
func TestFiguresKept(t *testing.T) {
	data := baseline(t)
	for _, c := range []struct {
		old, new, field string
		line            int
	}{
		{`"rounds": 11,`, `"rounds": 0,`, "benchmarks.0.stats.rounds", 90},
		{`"iterations": 97`, `"iterations": 0`, "benchmarks.0.stats.iterations", 115},
	} {
		if e := decodeErr(t, edit(t, data, c.old, c.new)); e.Field != c.field || e.Line != c.line {
			t.Errorf("%s → %s: error %v; want field %s on line %d", c.old, c.new, e, c.field, c.line)
		}
	}

	// Files benchsite wrote before this rule for a harness that reports no
	// iteration count hold "iterations": 0; they still read.
	legacy := edit(t, data, `"iterations": 97`, `"iterations": 0`)
	legacy = edit(t, legacy, `"node": "ci-runner-7",`, `"node": "ci-runner-7", "harness": "Catch2",`)
	legacy = bytes.Replace(legacy, []byte(`"version": "`), []byte(`"version": "benchsite `), 1)
	if _, err := result.Decode(legacy, "x.json"); err != nil {
		t.Errorf("a harness import written by an older benchsite with 0 iterations: %v", err)
	}

	f, err := result.Decode(edit(t, data, `"total": 0.000114936,`, ``), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	// The file's 11 samples sum to 0.000114936 s (its own total).
	if got := f.Benchmarks[0].Stats.Total; got < 0.0001149359 || got > 0.0001149361 {
		t.Errorf("total without the field = %v, want the samples' sum 0.000114936", got)
	}
	enc, err := result.Encode(f)
	if err != nil || bytes.Contains(enc, []byte(`"total": 0,`)) {
		t.Errorf("encoded a total of 0 (err %v)", err)
	}

	i := bytes.Index(data, []byte(`"data": [`))
	j := i + bytes.IndexByte(data[i:], ']')
	empty := append(append(append([]byte{}, data[:i]...), `"data": [`...), data[j:]...)
	f, err = result.Decode(empty, "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "test_encode[1024]") || !strings.Contains(f.Notes[0], "empty") {
		t.Errorf("notes %q; want one naming test_encode[1024]'s empty data", f.Notes)
	}

	twice := edit(t, data, `"fullname": "tests/test_codec.py::test_decode"`, `"fullname": "tests/test_codec.py::test_encode[1024]"`)
	f, err = result.Decode(twice, "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "same fullname") || !strings.Contains(f.Notes[0], "test_encode[1024]") {
		t.Errorf("notes %q; want one naming the repeated fullname", f.Notes)
	}
}

// CheckBenchmark is the rule readers call: the same limits as Decode.
func TestCheckBenchmark(t *testing.T) {
	f, err := result.Decode(baseline(t), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	b := f.Benchmarks[0]
	if field, msg := result.CheckBenchmark(&b); field != "" {
		t.Fatalf("a good benchmark: %s: %s", field, msg)
	}
	for field, change := range map[string]func(b *result.Benchmark){
		"name":       func(b *result.Benchmark) { b.Name = strings.Repeat("n", 3000) },
		"group":      func(b *result.Benchmark) { b.Group = strings.Repeat("g", 1500) },
		"fullname":   func(b *result.Benchmark) { b.Fullname = strings.Repeat("f", 2049) },
		"stats.mean": func(b *result.Benchmark) { b.Stats.Mean = -5 },
		"stats.min":  func(b *result.Benchmark) { b.Stats.Min = b.Stats.Max * 2 },
		"extra_info": func(b *result.Benchmark) { b.ExtraInfo = map[string]any{"k": strings.Repeat("v", result.MaxInfoLen)} },
	} {
		c := b
		change(&c)
		if got, msg := result.CheckBenchmark(&c); got != field {
			t.Errorf("%s: CheckBenchmark names %q (%s)", field, got, msg)
		}
	}
}
