package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// The figure: importing 10,000 benchmark results of any format
// takes at most 1 s. Each input below is a real file of package harness's
// testdata with its benchmarks repeated, renamed, up to 10,000; a benchmark
// op reads it (detection included), encodes the run and decodes it back, as
// `benchsite import` does before saving. Run:
//
//	go test -run '^$' -bench HarnessImport -benchtime 3x ./internal/ingest
const manyResults = 10000

func harnessData(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "harness", "testdata", filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// jsonMany repeats elem (a JSON object) n times, setting keys to a unique
// name, into a JSON array; wrap puts the array into the document.
func jsonMany(tb testing.TB, elem json.RawMessage, n int, wrap func([]byte) []byte, keys ...string) []byte {
	var m map[string]any
	if err := json.Unmarshal(elem, &m); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteString(",\n")
		}
		for _, key := range keys {
			m[key] = fmt.Sprintf("bench_%05d", i)
		}
		b, _ := json.MarshalIndent(m, "  ", "  ")
		buf.Write(b)
	}
	buf.WriteString("\n]")
	return wrap(buf.Bytes())
}

func firstOf(tb testing.TB, data []byte, key string) json.RawMessage {
	var arr []json.RawMessage
	if key == "" {
		json.Unmarshal(data, &arr)
	} else {
		var obj map[string]json.RawMessage
		json.Unmarshal(data, &obj)
		json.Unmarshal(obj[key], &arr)
	}
	if len(arr) == 0 {
		tb.Fatalf("no %q array", key)
	}
	return arr[0]
}

// textMany repeats block n times, replacing name with a unique one.
func textMany(head, block, name string, n int) []byte {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < n; i++ {
		b.WriteString(strings.ReplaceAll(block, name, fmt.Sprintf("bench_%05d", i)))
	}
	return []byte(b.String())
}

// harnessInputs makes an input of n benchmarks per harness format.
func harnessInputs(tb testing.TB, n int) map[string][]byte {
	in := map[string][]byte{}
	same := func(b []byte) []byte { return b }

	gb := harnessData(tb, "made/googlebenchmark_repetitions.json")
	in["googlecpp"] = jsonMany(tb, firstOf(tb, gb, "benchmarks"), n, func(a []byte) []byte {
		return append(append([]byte(`{"context": {"date": "2026-11-30T05:30:42+00:00"}, "benchmarks": `), a...), '}')
	}, "name", "run_name")
	hf := harnessData(tb, "made/hyperfine.json")
	in["hyperfine"] = jsonMany(tb, firstOf(tb, hf, "results"), n, func(a []byte) []byte {
		return append(append([]byte(`{"results": `), a...), '}')
	}, "command")
	dn := harnessData(tb, "github-action-benchmark/benchmarkdotnet.json")
	in["benchmarkdotnet"] = jsonMany(tb, firstOf(tb, dn, "Benchmarks"), n, func(a []byte) []byte {
		return append(append([]byte(`{"Title": "x", "HostEnvironmentInfo": {}, "Benchmarks": `), a...), '}')
	}, "FullName")
	in["jmh"] = jsonMany(tb, firstOf(tb, harnessData(tb, "github-action-benchmark/jmh_output.json"), ""), n, same, "benchmark")
	in["custom"] = jsonMany(tb, firstOf(tb, harnessData(tb, "github-action-benchmark/customSmallerIsBetter_output2.json"), ""), n, same, "name")

	var jl strings.Builder
	jl.WriteString(`[{"Julia": "1.7.0", "BenchmarkTools": "1.0.0"}, [["BenchmarkGroup", {"tags": [], "data": {`)
	for i := 0; i < n; i++ {
		if i > 0 {
			jl.WriteString(",")
		}
		fmt.Fprintf(&jl, "\n  \"bench_%05d\": [\"TrialEstimate\", {\"allocs\": 0, \"time\": 246.03846153846155, \"memory\": 0, \"gctime\": 0.0}]", i)
	}
	jl.WriteString("}}]]]")
	in["julia"] = []byte(jl.String())

	catchHead := "benchmark name                       samples       iterations    estimated\n" +
		"                                     mean          low mean      high mean\n" +
		"                                     std dev       low std dev   high std dev\n" +
		"-------------------------------------------------------------------------------\n"
	c2 := string(harnessData(tb, "made/catch2_v2_console.txt"))
	i := strings.Index(c2, "Fibonacci 10 ")
	block := c2[i : i+strings.Index(c2[i:], "Fibonacci 20")]
	in["catch2"] = textMany(catchHead, block, "Fibonacci 10", n)

	x := string(harnessData(tb, "made/catch2_v2.xml"))
	i, j := strings.Index(x, "<BenchmarkResults"), strings.Index(x, "</BenchmarkResults>")+len("</BenchmarkResults>\n")
	xml := textMany(x[:i], x[i:j], "Fibonacci 10", n)
	in["catch2-xml"] = append(xml, []byte("</TestCase></Group></Catch>\n")...)

	in["cargo"] = textMany("", "test bench_fib_20 ... bench:      18,149 ns/iter (+/- 755)\n", "bench_fib_20", n)
	in["criterion"] = textMany("", "fib 20                  time:   [1.5607 µs 1.5674 µs 1.5746 µs]\n                        thrpt:  [620.20 MiB/s 623.05 MiB/s 625.73 MiB/s]\nFound 2 outliers among 100 measurements (2.00%)\n  2 (2.00%) low mild\n", "fib 20", n)
	in["benchmarkjs"] = textMany("", "fib(20) x 12,146 ops/sec ±0.32% (96 runs sampled)\n", "fib(20)", n)
	in["benchmarkluau"] = textMany("", "SUCCESS: base64                                  :   15.041ms +/-  0.636% on luau\n", "base64", n)

	// benchsite's own formats, for comparison: go test -bench text (the
	// go_output.txt line) and pytest-benchmark JSON.
	in["go"] = textMany("goos: darwin\ngoarch: amd64\n", "BenchmarkFib10-8   \t5000000\t325 ns/op\n", "Fib10", n)
	py := harnessData(tb, "github-action-benchmark/pytest_output.json")
	in["pytest"] = jsonMany(tb, firstOf(tb, py, "benchmarks"), n, func(a []byte) []byte {
		var doc map[string]json.RawMessage
		json.Unmarshal(py, &doc)
		doc["benchmarks"] = a
		out, _ := json.Marshal(doc)
		return out
	}, "name", "fullname")
	return in
}

// criterionDir makes a target/criterion folder of n benchmarks under dir:
// each a copy of package harness's "fib 20 - slow" (new/sample.json of 100
// samples, benchmark.json, estimates.json), renamed.
func criterionDir(tb testing.TB, dir string, n int) string {
	tb.Helper()
	src := filepath.Join("criterion", "target", "criterion", "fib 20 - slow", "new")
	files := map[string][]byte{}
	for _, f := range []string{"sample.json", "benchmark.json", "estimates.json"} {
		files[f] = harnessData(tb, filepath.Join(src, f))
	}
	root := filepath.Join(dir, "criterion")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("bench_%05d", i)
		d := filepath.Join(root, name, "new")
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
		for f, data := range files {
			if f == "benchmark.json" {
				data = bytes.ReplaceAll(data, []byte("fib 20 - slow"), []byte(name))
			}
			if err := os.WriteFile(filepath.Join(d, f), data, 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return root
}

// Each generated input reads as its format with all its benchmarks (300
// here, to keep the test quick; the benchmark reads 10,000).
func TestHarnessInputsForBenchmark(t *testing.T) {
	const n = 300
	for name, data := range harnessInputs(t, n) {
		run, err := Read(data, name, "2026-01-01T00:00:00.000000+00:00", Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ok := run.File.MachineInfo["harness_format"] == name
		switch name {
		case "go":
			ok = strings.HasPrefix(run.Format, "go test")
		case "pytest":
			ok = strings.HasPrefix(run.Format, "pytest-benchmark")
		}
		if got := len(run.File.Benchmarks); got != n || !ok {
			t.Errorf("%s: %d benchmarks as %s", name, got, run.Format)
		}
	}
	run, err := ReadFile(criterionDir(t, t.TempDir(), n), Options{})
	if err != nil || len(run.File.Benchmarks) != n || run.File.Benchmarks[n-1].Name != fmt.Sprintf("bench_%05d", n-1) {
		t.Errorf("target/criterion folder: %v", err)
	}
}

// cpuSeconds is the user and system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func BenchmarkHarnessImport(b *testing.B) {
	inputs := harnessInputs(b, manyResults)
	for _, name := range []string{"googlecpp", "hyperfine", "benchmarkdotnet", "jmh", "julia", "custom",
		"catch2", "catch2-xml", "cargo", "criterion", "benchmarkjs", "benchmarkluau", "go", "pytest", "criterion-json"} {
		data := inputs[name]
		read := func() (*Run, error) { return Read(data, name, "2026-01-01T00:00:00.000000+00:00", Options{}) }
		if name == "criterion-json" {
			// A folder: 10,000 benchmark folders, 30,000 files, read from
			// disk (the page cache, after the first op).
			dir := criterionDir(b, b.TempDir(), manyResults)
			read = func() (*Run, error) { return ReadFile(dir, Options{}) }
		}
		b.Run(name, func(b *testing.B) {
			if name != "criterion-json" {
				b.SetBytes(int64(len(data)))
			}
			// CPU seconds too: on a shared machine the wall time of an op
			// also counts time spent waiting for a core.
			cpu0 := cpuSeconds()
			for b.Loop() {
				run, err := read()
				if err != nil {
					b.Fatal(err)
				}
				enc, err := result.Encode(run.File)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := result.Decode(enc, name); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
		})
	}
}
