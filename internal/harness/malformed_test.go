package harness

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// malformed are real files with one fault each, per format: the error must
// name the file and the line (and column, where the format has them) of the
// fault.
var malformed = []struct {
	file, format string
	old, new     string // the first old becomes new; old "" cuts the file in half
	line         int
	say          string // in the message
}{
	{"github-action-benchmark/googlecpp_output.json", "", `"real_time": 2.1498980114547953e+02`, `"real_time": "fast"`, 47, "real_time"},
	{"github-action-benchmark/googlecpp_output.json", "", `"time_unit": "ns"`, `"time_unit": "parsec"`, 49, "parsec"},
	{"github-action-benchmark/googlecpp_output.json", "", `"iterations": 3070566,`, `"iterations": 3070566`, 47, "invalid JSON"},
	{"github-action-benchmark/customSmallerIsBetter_output2.json", "", "  }\n]", "  }\n] []", 26, "invalid JSON"},
	{"made/hyperfine.json", "hyperfine", "", "", 38, "truncated"},
	{"made/hyperfine.json", "", "0.01043451772", `"x"`, 14, "results.0.times.1"},
	{"github-action-benchmark/jmh_output.json", "", `"ops/s"`, `"furlongs/fortnight"`, 39, "furlongs/fortnight"},
	{"github-action-benchmark/benchmarkdotnet.json", "", `"Statistics": {`, `"Statistics": null, "X": {`, 31, "Sample.Benchmarks.Fib10"},
	{"github-action-benchmark/julia_output.json", "", `"TrialEstimate"`, `"TrialGuess"`, 16, "TrialGuess"},
	{"github-action-benchmark/customSmallerIsBetter_output2.json", "", `"value": 90.9439`, `"valeur": 90.9439`, 2, "value"},
	{"github-action-benchmark/catch2_output_v2.txt", "", "41.731 us", "41.731 parsecs", 21, "parsecs"},
	{"made/catch2_v2.xml", "", `<mean value="5215.07"`, `<mean value="fast"`, 13, "fast"},
	{"made/catch2_v2.xml", "", "</BenchmarkResults>\n      <OverallResult", "<OverallResult", 17, "invalid XML"},
	{"github-action-benchmark/cargo_output.txt", "", "18,149 ns/iter", "18,149 parsecs/iter", 9, "parsecs/iter"},
	{"criterion/kangarootwelve_output.txt", "", "4.5512 µs", "4.5512 qs", 23, `"qs"`},
	{"github-action-benchmark/benchmarkjs_output.txt", "", "±0.32%", "±zero%", 2, "ops/sec"},
	{"criterion/target/criterion/fib 20 - fast/new/sample.json", "", `"iters":[`, `"iters":["x",`, 1, "iters.0"},
	{"github-action-benchmark/benchmarkluau_output.txt", "", "69.560ms +/-", "69.560zz +/-", 2, `"zz"`},
	// What no result file may hold is refused by every reader at the
	// input's own line, by result's rules (result.CheckBenchmark,
	// result.CheckMachine), never by the check of the file benchsite
	// writes: over-long names and machine text, negative figures.
	{"github-action-benchmark/customSmallerIsBetter_output.json", "customSmallerIsBetter", `"name": "My Custom Smaller Is Better Benchmark - CPU Load"`, `"name": "` + strings.Repeat("n", 3000) + `"`, 3, "at most 1024"},
	{"github-action-benchmark/customSmallerIsBetter_output.json", "customSmallerIsBetter", `"value": 50`, `"value": -5`, 5, "negative"},
	{"github-action-benchmark/customBiggerIsBetter_output.json", "customBiggerIsBetter", `"value": `, `"value": -`, 5, "negative"},
	{"made/hyperfine.json", "", `"command": "sleep 0.01"`, `"command": "` + strings.Repeat("c", 3000) + `"`, 4, "at most 1024"},
	{"made/hyperfine.json", "", "0.01043451772", "-0.01043451772", 14, "negative"},
	{"github-action-benchmark/googlecpp_output.json", "", `"host_name": "Corgi.local"`, `"host_name": "` + strings.Repeat("h", 3000) + `"`, 4, "machine_info.node"},
	{"github-action-benchmark/googlecpp_output.json", "", `"run_name": "fib_10"`, `"run_name": "` + strings.Repeat("f", 1500) + `"`, 41, "at most 1024"},
	{"github-action-benchmark/cargo_output.txt", "", "bench_fib_20", strings.Repeat("b", 1500), 9, "at most 1024"},
	{"github-action-benchmark/catch2_output_v2.txt", "", "41.731 us", "-41.731 us", 21, "negative"},
	{"github-action-benchmark/customSmallerIsBetter_output.json", "customSmallerIsBetter", `"value": 50`, `"value": NaN`, 5, "NaN is not a figure"},
}

func TestMalformed(t *testing.T) {
	for _, c := range malformed {
		p := filepath.Join("testdata", filepath.FromSlash(c.file))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if c.old == "" {
			s = s[:len(s)/2]
		} else if !strings.Contains(s, c.old) {
			t.Fatalf("%s: %q not in the file", c.file, c.old)
		} else {
			s = strings.Replace(s, c.old, c.new, 1)
		}
		name := "bad/" + filepath.Base(p)
		_, err = Read([]byte(s), name, c.format)
		var re *result.Error
		if !errors.As(err, &re) {
			t.Errorf("%s (%q → %q): err = %v, want a *result.Error", c.file, c.old, c.new, err)
			continue
		}
		if re.File != name || re.Line != c.line || !strings.Contains(err.Error(), c.say) || !strings.HasPrefix(err.Error(), name+":") {
			t.Errorf("%s (%q → %q):\n got %v (line %d)\nwant line %d, mentioning %q", c.file, c.old, c.new, err, re.Line, c.line, c.say)
		}
	}
}

func TestUnits(t *testing.T) {
	for _, c := range []struct {
		unit, num string
		want      float64
		name      string
		higher    bool
	}{
		{"ns", "148.70", 1.487e-07, "", false},
		{"ns/iter", "18,794.12", 1.879412e-05, "", false},
		{"us", "41.731", 4.1731e-05, "", false},
		{"µs", "1.5674", 1.5674e-06, "", false}, // U+00B5, Criterion
		{"μs", "1.5674", 1.5674e-06, "", false}, // U+03BC
		{"ms", "15.041", 0.015041, "", false},
		{"s/op", "2.5e-3", 0.0025, "", false},
		{"ps", "7", 7e-12, "", false},
		{"ops/ms", "3.5", 3500, "ops/s", true},
		{"ops/us", "2.25E-1", 225000, "ops/s", true},
		{"ops/sec", "1,431,759", 1431759, "ops/s", true},
		{"MB/s", "12.5", 12.5, "MB/s", true},
		{"cycles/iter", "2835", 2835, "cycles/iter", false},
		// JMH's other time units (TimeValue.tuToString: ns us ms s min
		// hr day), exactly: 4.1 min is 246 s, not 4.1 × 60 =
		// 245.99999999999997, and 1.1 hr 3960 s, not 3960.0000000000005.
		{"min/op", "4.1", 246, "", false},
		{"hr/op", "1.1", 3960, "", false},
		{"day/op", "2", 172800, "", false},
		{"ops/min", "1", 1.0 / 60, "ops/s", true},
		{"ops/hr", "7200", 2, "ops/s", true},
		{"ops/day", "86,400", 1, "ops/s", true},
	} {
		u, err := ParseUnit(c.unit)
		if err != nil {
			t.Errorf("%s: %v", c.unit, err)
			continue
		}
		v, err := u.Value(c.num)
		if err != nil || v != c.want || u.Name != c.name || u.HigherIsBetter != c.higher {
			t.Errorf("%s %s = %.17g (%v) unit %+v; want %.17g %q higher %v", c.num, c.unit, v, err, u, c.want, c.name, c.higher)
		}
	}
	for _, bad := range []string{"", "parsec", "minute", "h", "d", "furlongs/fortnight", "ops/", "/s", "Megabytes"} {
		if _, err := ParseUnit(bad); err == nil {
			t.Errorf("ParseUnit(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "1.2.3x", "0x10", "NaN", "Inf", "1e999"} {
		if _, err := (Unit{}).Value(bad); err == nil {
			t.Errorf("Value(%q) accepted", bad)
		}
	}
}

func TestDetectRefusesOthers(t *testing.T) {
	for _, s := range []string{"", "{}", "[]", `{"benchmarks": []}`, "not a benchmark\n", `[{"name": "x"}]`,
		"BenchmarkFoo-8  100  12 ns/op\n"} {
		if f := Detect([]byte(s)); f != nil {
			t.Errorf("Detect(%q) = %s", s, f.Name)
		}
	}
	if _, err := Read([]byte("hello\n"), "x.txt", ""); err == nil || !strings.Contains(err.Error(), "x.txt") {
		t.Errorf("Read of an unknown format: %v", err)
	}
	if _, err := Read([]byte("x"), "x.txt", "nosuch"); err == nil || !strings.Contains(err.Error(), "googlecpp") {
		t.Errorf("unknown --format: %v", err)
	}
}

// Catch2 XML that is not XML (cut off, or a broken tag) is an error at a
// line and a column (1-based, as every reader's), never "line:0".
func TestCatch2XMLSyntaxPosition(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "made", "catch2_v2.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:len(data)/2]
	endLine, endCol := result.Position(cut, len(cut))
	broken := strings.Replace(string(data), "<mean value", "<mean <value", 1)
	i := strings.Index(broken, "<mean <value")
	badLine, _ := result.Position([]byte(broken), i)
	for _, c := range []struct {
		what      string
		data      []byte
		line, col int // col 0: any column from 1 on
	}{
		{"cut in half", cut, endLine, endCol},
		{"a broken tag", []byte(broken), badLine, 0},
	} {
		_, err := Read(c.data, "bad.xml", "")
		var re *result.Error
		if !errors.As(err, &re) || re.Line != c.line || re.Col < 1 || c.col != 0 && re.Col != c.col || !strings.Contains(err.Error(), "invalid XML") {
			t.Errorf("%s: err = %v; want invalid XML at line %d, column %d", c.what, err, c.line, c.col)
		}
	}
}
