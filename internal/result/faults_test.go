package result_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// decodeErr decodes in and returns its *result.Error, failing the test if
// there is none.
func decodeErr(t *testing.T, in []byte) *result.Error {
	t.Helper()
	f, err := result.Decode(in, "x.json")
	if err == nil {
		t.Fatalf("decoded without error: %+v", f.Benchmarks)
	}
	var e *result.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *result.Error", err, err)
	}
	return e
}

// A benchmark without usable stats (missing, null, other keys only) is an
// error naming the field, never a benchmark of 0 s.
func TestStatsMissing(t *testing.T) {
	data, err := os.ReadFile("testdata/faults/pytest-stats-missing.json")
	if err != nil {
		t.Fatal(err)
	}
	e := decodeErr(t, data)
	if e.Field != "benchmarks.0.stats" || !strings.Contains(e.Msg, "missing") || !strings.Contains(e.Msg, "BenchmarkSetDeterminism") || e.Line != 1 {
		t.Errorf("error %v; want benchmarks.0.stats missing, naming the benchmark, on line 1", e)
	}
	for in, field := range map[string]string{
		`{"benchmarks": [{"name": "a", "stats": null}]}`:                                         "benchmarks.0.stats",
		`{"benchmarks": [{"name": "a", "stats": {"foo": 1, "bar": [2]}}]}`:                       "benchmarks.0.stats.min",
		`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": null}}]}`:          "benchmarks.0.stats.rounds",
		`{"benchmarks": [{"name": "a", "stats": {"min": 1, "max": 1, "mean": 1, "rounds": 1}}]}`: "benchmarks.0.stats.median",
	} {
		if e := decodeErr(t, []byte(in)); e.Field != field || !strings.Contains(e.Msg, "missing") {
			t.Errorf("%s: error %v, want field %s missing", in, e, field)
		}
	}
}

// NaN and Infinity are read in extra_info (as Python writes them), written
// back the same way, and refused in a statistic with the field named.
func TestNaNInfinity(t *testing.T) {
	data, err := os.ReadFile("testdata/faults/pytest-nan-infinity.json")
	if err != nil {
		t.Fatal(err)
	}
	e := decodeErr(t, data)
	if e.Field != "benchmarks.1.stats.stddev" || !strings.Contains(e.Msg, "NaN") || e.Line != 78 || e.Col != 19 {
		t.Errorf("error %v; want benchmarks.1.stats.stddev at 78:19 naming NaN", e)
	}

	// Without the bad statistic the file reads.
	fixed := bytes.Replace(data, []byte(`"stddev": NaN`), []byte(`"stddev": 0.0`), 1)
	f, err := result.Decode(fixed, "x.json")
	if err != nil {
		t.Fatal(err)
	}
	x := f.Benchmarks[0].ExtraInfo
	if v, ok := x["hit_ratio"].(float64); !ok || !math.IsNaN(v) {
		t.Errorf("hit_ratio = %#v, want NaN", x["hit_ratio"])
	}
	if v, ok := x["throughput"].(float64); !ok || !math.IsInf(v, 1) {
		t.Errorf("throughput = %#v, want +Inf", x["throughput"])
	}
	if x["backend"] != "sqlite" || x["none"] != nil || len(x["sizes"].([]any)) != 3 {
		t.Errorf("other extra_info values changed: %#v", x)
	}
	enc, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(enc, []byte(`"hit_ratio": NaN`)) || !bytes.Contains(enc, []byte(`"throughput": Infinity`)) {
		t.Errorf("Encode does not write Python's NaN/Infinity:\n%s", enc)
	}
	g, err := result.Decode(enc, "y.json")
	if err != nil {
		t.Fatalf("re-encoded file does not decode: %v", err)
	}
	if v, _ := g.Benchmarks[0].ExtraInfo["throughput"].(float64); !math.IsInf(v, 1) {
		t.Errorf("round trip lost Infinity: %#v", g.Benchmarks[0].ExtraInfo)
	}
	// Encode leaves its argument alone.
	if _, ok := f.Benchmarks[0].ExtraInfo["hit_ratio"].(float64); !ok {
		t.Error("Encode changed the file it encoded")
	}

	// A NaN anywhere typed is refused, naming the field; a NaN inside a
	// string is text.
	for in, field := range map[string]string{
		`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": 2, "data": [1, -Infinity]}}]}`: "benchmarks.0.stats.data.1",
		`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": Infinity}}]}`:                  "benchmarks.0.stats.rounds",
		`{"benchmarks": [], "commit_info": {"id": NaN}}`:                                                     "commit_info.id",
		`{"benchmarks": [{"name": NaN}]}`:                                                                    "benchmarks.0.name",
	} {
		if e := decodeErr(t, []byte(in)); e.Field != field {
			t.Errorf("%s: error %v, want field %s", in, e, field)
		}
	}
	f, err = result.Decode([]byte(`{"benchmarks": [{"name": "NaN Infinity", "extra_info": {"s": "NaN"}, "stats": {`+fullStats+`, "rounds": 1}}]}`), "x.json")
	if err != nil || f.Benchmarks[0].Name != "NaN Infinity" || f.Benchmarks[0].ExtraInfo["s"] != "NaN" {
		t.Errorf("strings holding NaN: %v %+v", err, f)
	}
}

// A number out of float64's range is an error naming the field, never a
// dropped sample; samples and rounds must agree, or the file says why not.
func TestSamplesAndRounds(t *testing.T) {
	for in, field := range map[string]string{
		`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": 3, "data": [1, 1e400, 2]}}]}`:                    "benchmarks.0.stats.data.1",
		`{"benchmarks": [{"name": "a", "stats": {"min": 1, "max": 2, "mean": 1e400, "median": 1, "stddev": 0, "rounds": 3}}]}`: "benchmarks.0.stats.mean",
		`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": 2, "data": [1, 2, 1.5]}}]}`:                      "benchmarks.0.stats.data",
	} {
		e := decodeErr(t, []byte(in))
		if e.Field != field || e.Line == 0 {
			t.Errorf("%s: error %v, want field %s with its position", in, e, field)
		}
	}
	f, err := result.Decode([]byte(`{"benchmarks": [{"name": "one", "stats": {`+fullStats+`, "rounds": 20, "data": [1.5]}},
		{"name": "all", "stats": {`+fullStats+`, "rounds": 2, "data": [1, 2]}}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 1 || !strings.Contains(f.Notes[0], `"one"`) || !strings.Contains(f.Notes[0], "1 of its 20") || !strings.HasPrefix(f.Notes[0], "x.json") {
		t.Errorf("notes %q; want one naming x.json, benchmark \"one\" and 1 of its 20 rounds", f.Notes)
	}
}

// A pytest-benchmark 3.0 file has no ops: it is derived as upstream does
// (rounds ÷ total), never left at 0.
func TestOpsDerived(t *testing.T) {
	f, err := result.Decode([]byte(`{"benchmarks": [
		{"name": "a", "stats": {"min": 0.001, "max": 0.003, "mean": 0.002, "median": 0.002, "stddev": 0.001, "rounds": 4, "total": 0.008}},
		{"name": "b", "stats": {"min": 0.001, "max": 0.003, "mean": 0.002, "median": 0.002, "stddev": 0.001, "rounds": 4}},
		{"name": "c", "stats": {"min": 0.001, "max": 0.003, "mean": 0.002, "median": 0.002, "stddev": 0.001, "rounds": 4, "ops": 7}}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	// 4 rounds in 0.008 s: 500 per second, from total or from mean × rounds.
	for i, want := range []float64{500, 500, 7} {
		if got := f.Benchmarks[i].Stats.OPS; math.Abs(got-want) > 1e-9 {
			t.Errorf("benchmark %d: ops %v, want %v", i, got, want)
		}
	}
}

// Text encodings: a UTF-8 byte-order mark is fine, UTF-16 is named.
func TestEncodings(t *testing.T) {
	good := []byte(`{"benchmarks": [{"name": "a", "stats": {` + fullStats + `, "rounds": 1}}]}`)
	f, err := result.Decode(append([]byte{0xEF, 0xBB, 0xBF}, good...), "x.json")
	if err != nil || len(f.Benchmarks) != 1 {
		t.Errorf("with a BOM: %v", err)
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range good {
		utf16 = append(utf16, c, 0)
	}
	if e := decodeErr(t, utf16); !strings.Contains(e.Msg, "UTF-16") {
		t.Errorf("UTF-16: %v; want it named", e)
	}
	if e := decodeErr(t, utf16[2:]); !strings.Contains(e.Msg, "UTF-16") {
		t.Errorf("UTF-16 without a BOM: %v; want it named", e)
	}
}

// A file cut before its benchmarks key is truncated JSON.
func TestTruncatedBeforeBenchmarks(t *testing.T) {
	e := decodeErr(t, []byte("{\n  \"machine_info\": {\"node\": \"box\",\n   \"cpu\": {"))
	if !strings.Contains(e.Msg, "truncated JSON") {
		t.Errorf("error %v; want truncated JSON", e)
	}
}

// Names over MaxNameLen are refused with the field and the limit.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("x", result.MaxNameLen+1)
	e := decodeErr(t, []byte(`{"benchmarks": [{"name": "`+long+`", "stats": {`+fullStats+`, "rounds": 1}}]}`))
	if e.Field != "benchmarks.0.name" || !strings.Contains(e.Msg, "1024") || !strings.Contains(e.Msg, "1025 bytes") {
		t.Errorf("error %v", e)
	}
	ok := strings.Repeat("x", result.MaxNameLen)
	if _, err := result.Decode([]byte(`{"benchmarks": [{"name": "`+ok+`", "stats": {`+fullStats+`, "rounds": 1}}]}`), "x.json"); err != nil {
		t.Errorf("a name of exactly %d bytes: %v", result.MaxNameLen, err)
	}
}

// With a NaN before it, a syntax error is still located where it is.
func TestNaNThenSyntaxError(t *testing.T) {
	e := decodeErr(t, []byte("{\"benchmarks\": [{\"name\": \"a\", \"extra_info\": {\"x\": NaN},\n  \"stats\": {,}}]}"))
	if e.Line != 2 || e.Col != 13 || !strings.Contains(e.Msg, "invalid JSON") {
		t.Errorf("error %v; want invalid JSON at 2:13", e)
	}
}

// A file cut off inside a number or a literal (true, false, null) is
// truncated JSON at its end, as a file cut between values is: not
// encoding/json's "invalid character ' '", a character the file does not
// hold.
func TestTruncatedInsideAValue(t *testing.T) {
	data, err := os.ReadFile("testdata/pytest-benchmark/github-action-benchmark/test/data/extract/pytest_output.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{`"min": 0.`, `"min": 2.2`, `"dirty": tr`, `e-0`, `e-`} {
		i := bytes.Index(data, []byte(at))
		if i < 0 {
			t.Fatalf("%q not in the file", at)
		}
		cut := data[:i+len(at)]
		line, col := result.Position(cut, len(cut))
		e := decodeErr(t, cut)
		if !strings.Contains(e.Msg, "truncated JSON") || e.Line != line || e.Col != col {
			t.Errorf("cut after %q: %v; want truncated JSON at %d:%d", at, e, line, col)
		}
	}
}
