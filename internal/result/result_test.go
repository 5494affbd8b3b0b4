package result_test

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

const fixtures = "testdata/pytest-benchmark"

func fixturePaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(fixtures, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// 8 upstream files + 1 hand-written; fewer means the copy is incomplete.
	if len(paths) < 9 {
		t.Fatalf("found %d fixture files in %s, want at least 9", len(paths), fixtures)
	}
	return paths
}

func read(t *testing.T, rel string) *result.File {
	t.Helper()
	f, err := result.ReadFile(filepath.Join(fixtures, rel))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every fixture reads, holds sane figures, has a parsable datetime and
// survives Encode → Decode unchanged.
func TestEveryFixture(t *testing.T) {
	for _, p := range fixturePaths(t) {
		t.Run(strings.TrimPrefix(p, fixtures+"/"), func(t *testing.T) {
			f, err := result.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Benchmarks) == 0 {
				t.Fatal("no benchmarks")
			}
			for i, b := range f.Benchmarks {
				s := b.Stats
				if b.Name == "" || b.Fullname == "" || s.Rounds <= 0 || s.Iterations <= 0 {
					t.Errorf("benchmark %d: name %q fullname %q rounds %d iterations %d", i, b.Name, b.Fullname, s.Rounds, s.Iterations)
				}
				if !(s.Min > 0 && s.Min <= s.Median && s.Median <= s.Max && s.Min <= s.Mean && s.Mean <= s.Max && s.Q1 <= s.Q3) {
					t.Errorf("benchmark %s: implausible stats %+v", b.Name, s)
				}
			}
			if _, err := f.Time(); err != nil {
				t.Errorf("datetime: %v", err)
			}
			if f.MachineInfo.ID() == "" || !strings.Contains(f.MachineInfo.ID(), "-") {
				t.Errorf("machine id %q", f.MachineInfo.ID())
			}
			enc, err := result.Encode(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := result.Decode(enc, "re-encoded "+p)
			if err != nil {
				t.Fatalf("re-encoded file does not decode: %v", err)
			}
			// Notes name the file they came from.
			if len(f.Notes) != len(g.Notes) {
				t.Errorf("%d notes, then %d after a round trip", len(f.Notes), len(g.Notes))
			}
			f.Notes, g.Notes = nil, nil
			if !reflect.DeepEqual(f, g) {
				t.Errorf("Decode(Encode(f)) differs from f:\n%+v\n%+v", f, g)
			}
			// Encoding is stable: a second round gives the same bytes.
			enc2, _ := result.Encode(g)
			if !bytes.Equal(enc, enc2) {
				t.Error("Encode is not stable across a round trip")
			}
		})
	}
}

// pytest-benchmark 2.5 files: no ops/total/data/param/extra_info; one has
// a naive datetime; the oldest has no ld15iqr/hd15iqr either.
func TestOldFiles(t *testing.T) {
	f := read(t, "tests/test_storage/0002_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190348_uncommitted-changes.json")
	if f.Version != "2.5.0" {
		t.Errorf("version %q", f.Version)
	}
	s := f.Benchmarks[0].Stats
	if s.Data != nil || s.Truncated {
		t.Errorf("2.5 file has data %v truncated %v; the file has none of them", s.Data, s.Truncated)
	}
	// No total in the file: derived as upstream, mean × rounds (never 0).
	if want := 2.540585175827918e-07 * 11009; math.Abs(s.Total-want) > 1e-9*want {
		t.Errorf("derived total %v, want mean × rounds = %v", s.Total, want)
	}
	// No ops in the file: derived as pytest-benchmark does, rounds ÷ total,
	// with total = mean × rounds here (the file's mean is 2.5406e-07 s).
	if want := 1 / 2.540585175827918e-07; math.Abs(s.OPS-want) > 1e-9*want {
		t.Errorf("derived ops %v, want rounds/total = %v", s.OPS, want)
	}
	if s.Rounds != 11009 || s.Iterations != 410 || s.Stddev != 0 || s.Outliers != "235;1688" || s.Median != 2.1981029975705031e-07 {
		t.Errorf("stats %+v", s)
	}
	// Naive datetime, taken as UTC.
	tm, err := f.Time()
	if want := time.Date(2015, 8, 15, 0, 1, 51, 557705000, time.UTC); err != nil || !tm.Equal(want) {
		t.Errorf("Time() = %v, %v; want %v", tm, err, want)
	}
	b := f.Benchmarks[0]
	if b.Group != "" || b.Param != "" || b.Params != nil || b.ExtraInfo != nil {
		t.Errorf("null/absent fields: %+v", b)
	}
	if b.Fullname != "tests/test_normal.py::test_xfast_parametrized[0]" || b.Options["timer"] != "time" || b.Options["warmup"] != false {
		t.Errorf("benchmark %+v", b)
	}
	if f.CommitInfo.ID != "5b78858eb718649a31fb93d8dc96ca2cee41a4cd" || !f.CommitInfo.Dirty || f.CommitInfo.Time != "" {
		t.Errorf("commit_info %+v", f.CommitInfo)
	}
	if id := f.MachineInfo.ID(); id != "Linux-CPython-2.7-64bit" {
		t.Errorf("machine id %q", id)
	}
	if f.MachineInfo.CPUModel() != "" || f.MachineInfo.Runtime() != "CPython 2.7.3" {
		t.Errorf("cpu %q runtime %q", f.MachineInfo.CPUModel(), f.MachineInfo.Runtime())
	}

	// The same run as 0030 in two shapes: with "+00:00" and naive (v3.2.2,
	// Python 2 separators); both read to the same figures and instant.
	a := read(t, "tests/test_storage/0030_5b78858eb718649a31fb93d8dc96ca2cee41a4cd_20150815_030419_uncommitted-changes.json")
	n := read(t, "v3.2.2/tests/test_storage/0030_5b78858eb718649a31fb93d8dc96ca2cee41a4cd_20150815_030419_uncommitted-changes.json")
	ta, _ := a.Time()
	tn, _ := n.Time()
	if !ta.Equal(tn) || a.Datetime == n.Datetime {
		t.Errorf("0030 datetimes %q and %q should be the same instant in two spellings", a.Datetime, n.Datetime)
	}
	if !reflect.DeepEqual(a.Benchmarks, n.Benchmarks) {
		t.Error("the two 0030 files differ in their benchmarks")
	}
	if s := a.Benchmarks[0].Stats; s.Stddev != 2.639842188231226e-07 || s.Mean != 2.61205074138546e-07 || s.Rounds != 9710 {
		t.Errorf("0030 stats %+v", s)
	}

	h := read(t, "history-30516d5/tests/test_histogram/0001_b692275e28a23b5d4aae70f453079ba593e60290_20150811_052350.json")
	if s := h.Benchmarks[0].Stats; s.LD15IQR != 0 || s.HD15IQR != 0 || s.Rounds != 10 || s.Mean != 20.03409411907196 || s.Iterations != 1 {
		t.Errorf("oldest file stats %+v", s)
	}
}

// pytest-benchmark 3.2.2 files whose data arrays were cut by hand.
func TestTruncatedData(t *testing.T) {
	f := read(t, "github-action-benchmark/test/data/extract/pytest_output.json")
	b := f.Benchmarks[0]
	s := b.Stats
	if !s.Truncated {
		t.Error("Truncated not set for a data array ending in a string")
	}
	want := []float64{3.215300000025678e-05, 2.8706999999794647e-05, 2.489499999969169e-05, 2.487300000009185e-05}
	if !reflect.DeepEqual(s.Data, want) {
		t.Errorf("data %v, want %v", s.Data, want)
	}
	if s.Rounds != 38523 || s.OPS != 41513.272817492856 || s.Total != 0.9279682709999966 || s.Outliers != "2523;2896" {
		t.Errorf("stats %+v", s)
	}
	if b.Fullname != "bench.py::test_fib_10" || b.ExtraInfo == nil || len(b.ExtraInfo) != 0 || b.Options["timer"] != "perf_counter" {
		t.Errorf("benchmark %+v", b)
	}
	if f.MachineInfo.CPUModel() != "Intel(R) Core(TM) i7-4771 CPU @ 3.50GHz" || f.MachineInfo.ID() != "Darwin-CPython-3.7-64bit" {
		t.Errorf("cpu %q id %q", f.MachineInfo.CPUModel(), f.MachineInfo.ID())
	}
	c := f.CommitInfo
	if c.ID != "9d55ab0434c9088746ae2d134702d782bf088644" || c.Time != "2019-11-16T12:10:30+09:00" || c.Branch != "pytest" || c.Project != "github-action-benchmark" || !c.Dirty {
		t.Errorf("commit_info %+v", c)
	}
	if tm, err := f.Time(); err != nil || !tm.Equal(time.Date(2019, 11, 17, 2, 22, 16, 817862000, time.UTC)) {
		t.Errorf("naive datetime: %v %v", tm, err)
	}

	g := read(t, "github-action-benchmark/test/data/extract/pytest_several_units.json")
	if len(g.Benchmarks) != 4 {
		t.Fatalf("%d benchmarks", len(g.Benchmarks))
	}
	for _, b := range g.Benchmarks {
		// test_sleep_2 kept all its 5 samples; the others were cut to 4.
		wantCut, wantN := true, 4
		if b.Name == "test_sleep_2" {
			wantCut, wantN = false, 5
		}
		if b.Stats.Truncated != wantCut || len(b.Stats.Data) != wantN {
			t.Errorf("%s: truncated %v with %d samples, want %v with %d", b.Name, b.Stats.Truncated, len(b.Stats.Data), wantCut, wantN)
		}
		// "max_time": 1 (an int where a float is expected) reads as a number.
		if b.Options["max_time"] != float64(1) {
			t.Errorf("%s: max_time %#v", b.Name, b.Options["max_time"])
		}
	}
}

// A data array shorter than rounds is truncated even without a marker (as
// after re-encoding a cut file); a complete one is not.
func TestTruncatedWithoutMarker(t *testing.T) {
	f, err := result.Decode([]byte(`{"benchmarks": [
		{"name": "a", "stats": {`+fullStats+`, "rounds": 5, "data": [1, 2]}},
		{"name": "b", "stats": {`+fullStats+`, "rounds": 2, "data": [1, 2]}},
		{"name": "c", "stats": {`+fullStats+`, "data": [1, 2, 3]}}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if !f.Benchmarks[0].Stats.Truncated || f.Benchmarks[1].Stats.Truncated || f.Benchmarks[2].Stats.Truncated {
		t.Errorf("truncated flags %v %v %v, want true false false", f.Benchmarks[0].Stats.Truncated,
			f.Benchmarks[1].Stats.Truncated, f.Benchmarks[2].Stats.Truncated)
	}
	if f.Benchmarks[2].Stats.Rounds != 3 {
		t.Errorf("rounds not taken from data: %d", f.Benchmarks[2].Stats.Rounds)
	}
}

// The hand-written pytest-benchmark 5.x file (see testdata SOURCE.md).
func TestPytestBenchmark5(t *testing.T) {
	f := read(t, "hand-written-5.x/0001_baseline.json")
	if f.Version != "5.1.0" || f.MachineInfo.ID() != "Linux-CPython-3.12-64bit" || f.MachineInfo.CPUModel() != "AMD EPYC 7763 64-Core Processor" {
		t.Errorf("version %q id %q cpu %q", f.Version, f.MachineInfo.ID(), f.MachineInfo.CPUModel())
	}
	if tm, err := f.Time(); err != nil || !tm.Equal(time.Date(2025, 6, 2, 9, 14, 3, 512884000, time.UTC)) {
		t.Errorf("datetime %v %v", tm, err)
	}
	enc, dec := f.Benchmarks[0], f.Benchmarks[1]
	if enc.Group != "encode" || enc.Param != "1024" || enc.Params["size"] != float64(1024) || enc.Options["warmup"] != float64(100000) {
		t.Errorf("encode benchmark %+v", enc)
	}
	if dec.Group != "" || dec.Options["warmup"] != false || dec.Options["disable_gc"] != true {
		t.Errorf("decode benchmark %+v", dec)
	}
	// Untrusted text comes through verbatim and is escaped when encoded.
	if enc.ExtraInfo["note"] != "<script>alert('x')</script>" {
		t.Errorf("extra_info note %q", enc.ExtraInfo["note"])
	}
	out, _ := result.Encode(f)
	if bytes.Contains(out, []byte("<script>")) {
		t.Error("Encode wrote a raw <script> tag")
	}
	// Its stats were computed by pytest-benchmark from its data: package
	// stats must give the very same figures.
	for _, b := range f.Benchmarks {
		if b.Stats.Truncated {
			t.Errorf("%s: truncated", b.Name)
		}
		got := stats.Compute(b.Stats.Data, b.Stats.Iterations)
		if !reflect.DeepEqual(got, b.Stats) {
			t.Errorf("%s: recomputed stats differ\n got  %+v\n file %+v", b.Name, got, b.Stats)
		}
	}
}

// A file written by benchsite (stats.Compute, Encode) reads back identical.
func TestBenchsiteRoundTrip(t *testing.T) {
	f := &result.File{
		MachineInfo: result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "goarch": "amd64", "gomaxprocs": float64(2),
			"cpu_model": "Example CPU", "node": `<img src=x onerror="alert(1)">`},
		CommitInfo: result.CommitInfo{ID: "abc", Time: "2026-11-25T20:00:00+00:00", Dirty: true, Branch: "main",
			Message: "fix: \"quotes\" & <tags>"},
		Benchmarks: []result.Benchmark{{
			Group: "model", Name: "BenchmarkForward/batch=32", Fullname: "github.com/x/y.BenchmarkForward/batch=32",
			Params: map[string]any{"batch": "32"}, Param: "batch=32",
			ExtraInfo: map[string]any{result.KeyBytesPerOp: 1024.0, result.KeyAllocsPerOp: 3.0},
			Options:   map[string]any{"rounds": 10.0},
			Stats:     stats.Compute([]float64{0.041, 0.0405, 0.043, 0.0412, 0.0409}, 3),
		}},
		Datetime: "2026-11-25T20:32:12.123456+00:00",
		Version:  "benchsite 0.1",
	}
	enc, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(enc, []byte("}\n")) || !bytes.Contains(enc, []byte("\n    \"machine_info\": {")) {
		t.Errorf("not pytest-benchmark's layout (4-space indent, trailing newline):\n%s", enc[:80])
	}
	g, err := result.Decode(enc, "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, g) {
		t.Errorf("round trip differs:\n%+v\n%+v", f, g)
	}
	if g.MachineInfo.ID() != "Linux-Go-1.26-64bit" || g.MachineInfo.Runtime() != "Go 1.26.8" {
		t.Errorf("id %q runtime %q", g.MachineInfo.ID(), g.MachineInfo.Runtime())
	}
}

// fullStats are the figures every benchmark must have, for hand-written
// inputs.
const fullStats = `"min": 1, "max": 2, "mean": 1.5, "median": 1.5, "stddev": 0.5`

// Unknown keys anywhere are ignored.
func TestUnknownKeys(t *testing.T) {
	f, err := result.Decode([]byte(`{"x": [1, {"y": null}], "benchmarks": [{"name": "a", "z": {"q": [1]},
		"stats": {"min": 1, "max": 2, "mean": 1.5, "median": 1.5, "stddev": 0.5, "extra": "s", "data": [1, 2]}}], "commit_info": {"id": "1", "error": "git failed"},
		"machine_info": {"cpu": {"bits": 32}}}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Benchmarks[0].Stats.Min != 1 || f.Benchmarks[0].Stats.Rounds != 2 || f.MachineInfo.ID() != "Unknown-Unknown-unknown-32bit" {
		t.Errorf("%+v %q", f.Benchmarks[0].Stats, f.MachineInfo.ID())
	}
}

// Malformed files are *result.Error values naming the file, the field and
// the line:column where the offending value starts.
func TestMalformed(t *testing.T) {
	real, err := os.ReadFile(filepath.Join(fixtures, "github-action-benchmark/test/data/extract/pytest_output.json"))
	if err != nil {
		t.Fatal(err)
	}
	half := real[:len(real)/2]
	halfLines := bytes.Count(half, []byte("\n")) + 1

	cases := []struct {
		name       string
		in         string
		line, col  int // 0: not checked
		field      string
		msgContain string
	}{
		{"empty", "", 0, 0, "", "empty file"},
		{"whitespace only", " \n\t\n", 0, 0, "", "empty file"},
		{"truncated real file", string(half), halfLines, 0, "", "truncated JSON"},
		{"truncated after a key", "{\n  \"benchmarks\": [\n    {\"name\": ", 3, 14, "", "truncated"},
		{"not JSON", "benchmarks: []", 1, 1, "", "invalid JSON"},
		{"trailing garbage", `{"benchmarks": []} x`, 1, 20, "", "invalid JSON"},
		{"array at top", "[]", 1, 1, "", "expected a JSON object"},
		{"number at top", "\n  42", 2, 3, "", "found the number 42"},
		{"string at top", `"x"`, 1, 1, "", `found the string "x"`},
		{"no benchmarks", `{"machine_info": {}}`, 1, 1, "benchmarks", "missing"},
		{"benchmarks is an object", "{\n  \"benchmarks\": {}\n}", 2, 17, "benchmarks", "expected an array, found an object"},
		{"benchmark is a number", `{"benchmarks": [1]}`, 1, 17, "benchmarks.0", "expected an object"},
		{"rounds is a string", "{\"benchmarks\": [\n {\"name\": \"a\", \"stats\": {}},\n {\"name\": \"b\",\n  \"stats\": {\"min\": 1, \"rounds\": \"x\"}}]}",
			4, 33, "benchmarks.1.stats.rounds", `expected a whole number, found the string "x"`},
		{"rounds is fractional", `{"benchmarks": [{"name": "a", "stats": {"rounds": 1.5}}]}`, 1, 51, "benchmarks.0.stats.rounds", "whole number, found the number 1.5"},
		{"mean is a string", `{"benchmarks": [{"name": "a", "stats": {"mean": "fast"}}]}`, 1, 49, "benchmarks.0.stats.mean", "expected a number"},
		{"data is a string", `{"benchmarks": [{"name": "a", "stats": {"data": "1,2"}}]}`, 1, 49, "benchmarks.0.stats.data", "expected an array"},
		{"params is an array", `{"benchmarks": [{"name": "a", "params": [1]}]}`, 1, 41, "benchmarks.0.params", "expected an object"},
		{"dirty is a string", `{"benchmarks": [], "commit_info": {"dirty": "yes"}}`, 1, 45, "commit_info.dirty", "expected true or false"},
		{"machine_info is a list", `{"benchmarks": [], "machine_info": ["Linux"]}`, 1, 36, "machine_info", "expected an object"},
		{"version is a number", `{"benchmarks": [], "version": 5}`, 1, 31, "version", "expected a string"},
		{"name missing", "{\"benchmarks\": [\n  {\"name\": \"a\", \"stats\": {\"min\": 1, \"max\": 1, \"mean\": 1, \"median\": 1, \"stddev\": 0, \"rounds\": 1}},\n  {\"stats\": {}}]}", 3, 3, "benchmarks.1.name", "missing"},
		{"bad datetime", "{\"benchmarks\": [],\n \"datetime\": \"yesterday\"}", 2, 14, "datetime", "not an RFC 3339"},
		{"NaN literal", `{"benchmarks": [{"name": "a", "stats": {"min": NaN}}]}`, 1, 48, "benchmarks.0.stats.min", "NaN is not a figure"},
		{"non-ASCII before the error", "{\"benchmarks\": [{\"name\": \"ü€\", \"stats\": {\"min\": \"x\"}}]}", 1, 49, "benchmarks.0.stats.min", "expected a number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := result.Decode([]byte(tc.in), "bad/0007_x.json")
			if err == nil {
				t.Fatalf("decoded without error: %+v", f)
			}
			var e *result.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not a *result.Error", err, err)
			}
			if e.File != "bad/0007_x.json" || !strings.HasPrefix(err.Error(), "bad/0007_x.json") {
				t.Errorf("error does not name the file: %v", err)
			}
			if tc.line != 0 && e.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", e.Line, tc.line, err)
			}
			if tc.col != 0 && e.Col != tc.col {
				t.Errorf("col %d, want %d (%v)", e.Col, tc.col, err)
			}
			if e.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", e.Field, tc.field, err)
			}
			if !strings.Contains(e.Msg, tc.msgContain) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.msgContain)
			}
			if strings.Contains(e.Msg, "json.RawMessage") || strings.Contains(e.Msg, "result.") || strings.Contains(e.Msg, "interface {}") {
				t.Errorf("message speaks Go, not JSON: %q", e.Msg)
			}
		})
	}
}

// ReadFile of a missing file is the os error, naming the path.
func TestReadFileMissing(t *testing.T) {
	_, err := result.ReadFile(filepath.Join(t.TempDir(), "none.json"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("err = %v", err)
	}
}

// Every stats figure of every fixture is finite (JSON cannot hold others).
func TestFixtureFiguresFinite(t *testing.T) {
	for _, p := range fixturePaths(t) {
		f, err := result.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range f.Benchmarks {
			s := b.Stats
			for _, v := range []float64{s.Min, s.Max, s.Mean, s.Stddev, s.Median, s.IQR, s.Q1, s.Q3, s.LD15IQR, s.HD15IQR, s.OPS, s.Total} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s %s: non-finite figure", p, b.Name)
				}
			}
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	f := &result.File{Benchmarks: make([]result.Benchmark, 20)}
	data := make([]float64, 1000)
	for i := range data {
		data[i] = 1e-6 * float64(1+i%17)
	}
	for i := range f.Benchmarks {
		f.Benchmarks[i] = result.Benchmark{Name: "B" + string(rune('a'+i)), Stats: stats.Compute(data, 10)}
	}
	enc, _ := result.Encode(f)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := result.Decode(enc, "x.json"); err != nil {
			b.Fatal(err)
		}
	}
}

// Figures no measurement can have are errors naming the field; a null
// sample is not read as a 0 s round.
func TestImplausibleFigures(t *testing.T) {
	cases := map[string]string{
		`{"benchmarks":[{"name":"x","stats":{"min":-1,"max":2,"rounds":3}}]}`:     `"benchmarks.0.stats.min"`,
		`{"benchmarks":[{"name":"x","stats":{"min":1,"max":2,"rounds":-3}}]}`:     `"benchmarks.0.stats.rounds"`,
		`{"benchmarks":[{"name":"x","stats":{"min":5,"max":2,"rounds":3}}]}`:      `min 5 is above max 2`,
		`{"benchmarks":[{"name":"x","stats":{"min":1,"max":2,"data":[1,-2]}}]}`:   `"benchmarks.0.stats.data.1"`,
		`{"benchmarks":[{"name":"x","stats":{"min":1,"max":2,"iterations":-1}}]}`: `"benchmarks.0.stats.iterations"`,
	}
	for in, want := range cases {
		_, err := result.Decode([]byte(in), "x.json")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "x.json:") {
			t.Errorf("Decode(%s) error = %v, want it to contain %s", in, err, want)
		}
	}
	f, err := result.Decode([]byte(`{"benchmarks":[{"name":"x","stats":{`+fullStats+`,"rounds":3,"data":[1,null,2]}}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Benchmarks[0].Stats; len(s.Data) != 2 || !s.Truncated {
		t.Errorf("null sample: data %v, truncated %v; want [1 2], true", s.Data, s.Truncated)
	}
}

func TestBenchmarkMatch(t *testing.T) {
	b := &result.Benchmark{Name: "BenchmarkForward/batch=32", Fullname: "tests/benchmarks::BenchmarkForward/batch=32"}
	for ref, want := range map[string]int{
		"tests/benchmarks::BenchmarkForward/batch=32": 3,
		"BenchmarkForward/batch=32":                   2,
		"Forward/batch=32":                            1,
		"BenchmarkForward/batch=3":                    0,
		"Forward":                                     0,
		"":                                            0,
	} {
		if got := b.Match(ref); got != want {
			t.Errorf("Match(%q) = %d, want %d", ref, got, want)
		}
	}
	// A pytest name matches whole, never by a part.
	p := &result.Benchmark{Name: "test_x", Fullname: "tests/test_a.py::test_x"}
	if p.Match("test_x") != 2 || p.Match("x") != 0 {
		t.Errorf("pytest name: %d %d", p.Match("test_x"), p.Match("x"))
	}
}

// A file that does not name its runtime version (a pytest-benchmark file
// whose machine_info was cut out, or lost its python_version) gets
// "unknown" in its id, never an empty part ("Unknown-Unknown--64bit").
func TestMachineIDWithoutVersion(t *testing.T) {
	for _, c := range []struct {
		info string
		want string
	}{
		{`{}`, "Unknown-Unknown-unknown-64bit"},
		{`{"system": "Linux", "python_implementation": "CPython"}`, "Linux-CPython-unknown-64bit"},
		{`{"system": "Linux", "python_implementation": "CPython", "python_version": "3.12.1"}`, "Linux-CPython-3.12-64bit"},
	} {
		f, err := result.Decode([]byte(`{"benchmarks": [{"name": "a", "stats": {`+fullStats+`, "rounds": 2}}], "machine_info": `+c.info+`}`), "x.json")
		if err != nil {
			t.Fatal(err)
		}
		if id := f.MachineInfo.ID(); id != c.want {
			t.Errorf("machine_info %s: id %q, want %q", c.info, id, c.want)
		}
	}
}
