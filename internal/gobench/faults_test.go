package gobench

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func readFault(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/faults/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// 0 ns/op is a time (benchstat lists it as 0.000 ns/op): every benchmark of
// the file arrives, the empty one with times of 0 s.
func TestZeroNs(t *testing.T) {
	out, err := ParseWith(bytes.NewReader(readFault(t, "gobench-zero-ns.txt")), "zero.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Benchmarks) != 3 || len(out.Untimed) != 0 {
		t.Fatalf("%d benchmarks, untimed %q; want BenchmarkNoop, BenchmarkEmpty and BenchmarkHuge", len(out.Benchmarks), out.Untimed)
	}
	empty := find(t, out.Benchmarks, "example.com/noop::BenchmarkEmpty")
	if s := empty.Stats; s.Rounds != 2 || s.Mean != 0 || s.Max != 0 || s.Iterations != 1000000000 {
		t.Errorf("BenchmarkEmpty: %+v; want 2 rounds of 0 s", s)
	}
	huge := find(t, out.Benchmarks, "example.com/noop::BenchmarkHuge")
	if s := huge.Stats; s.Iterations != 9223372036854775807 || s.Mean != 1e-13 {
		t.Errorf("BenchmarkHuge: %+v; want 2^63-1 iterations of 1e-13 s", s)
	}
	// The file benchsite writes for it reads back.
	enc, err := result.Encode(&result.File{Benchmarks: out.Benchmarks})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := result.Decode(enc, "x.json"); err != nil {
		t.Errorf("the encoded result does not read back: %v", err)
	}
}

// Log output inside a result line: by default an error naming the line;
// with SkipInvalid the rest is read and each skipped line named.
func TestLogInsideLine(t *testing.T) {
	data := readFault(t, "gobench-log-inside-line.txt")
	_, err := ParseWith(bytes.NewReader(data), "log.txt", Options{})
	if err == nil || !IsSyntaxError(err) || !strings.HasPrefix(err.Error(), "log.txt:6: ") {
		t.Fatalf("error %v; want a syntax error on log.txt:6", err)
	}
	out, err := ParseWith(bytes.NewReader(data), "log.txt", Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Skipped) != 1 || out.Skipped[0].Line != 6 || out.Skipped[0].File != "log.txt" || out.Skipped[0].Bench != "BenchmarkPut-8" {
		t.Errorf("skipped %v; want line 6 of log.txt, naming BenchmarkPut-8 whose round it loses", out.Skipped)
	}
	if len(out.Benchmarks) != 1 {
		t.Fatalf("%d benchmarks; want BenchmarkGet alone", len(out.Benchmarks))
	}
	get := find(t, out.Benchmarks, "example.com/store::BenchmarkGet")
	b, _ := get.Extra("B/op")
	a, _ := get.Extra("allocs/op")
	if get.Stats.Mean != 7012e-9 || b != 128 || a != 2 || get.Stats.Iterations != 200000 {
		t.Errorf("BenchmarkGet: mean %v, %v B/op, %v allocs/op; want 7012 ns/op, 128 B/op, 2 allocs/op", get.Stats.Mean, b, a)
	}
}

// Negative, NaN and infinite figures are refused with file, line and value,
// in text and in go test -json alike.
func TestBadFigures(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"neg.txt", string(readFault(t, "gobench-negative-ns.txt")), "neg.txt:2: BenchmarkA-2: -5 ns/op"},
		{"nan.txt", string(readFault(t, "gobench-nan-allocs.txt")), "nan.txt:2: BenchmarkA-2: -3 B/op"},
		{"nanonly.txt", "BenchmarkA 10 5 ns/op 1 B/op NaN allocs/op\n", "nanonly.txt:1: BenchmarkA: NaN allocs/op"},
		{"inf.txt", "\nBenchmarkA 10 +Inf ns/op\n", "inf.txt:2: BenchmarkA: +Inf ns/op"},
		{"mbs.txt", "BenchmarkA 10 5 ns/op -1 MB/s\n", "mbs.txt:1: BenchmarkA: -1 MB/s"},
		{"iters.txt", "BenchmarkA -10 5 ns/op\n", "iters.txt:1: BenchmarkA: iteration count -10"},
		{"ev.json", `{"Action":"output","Package":"p","Output":"BenchmarkA \t 10\t -5 ns/op\n"}` + "\n" + `{"Action":"pass","Package":"p"}` + "\n", "ev.json:1: BenchmarkA: -5 ns/op"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.in), c.name)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %v, want prefix %q", c.name, err, c.want)
		}
	}
	// A negative custom metric is a value like any other.
	bs, err := Parse(strings.NewReader("BenchmarkA 10 5 ns/op -2 delta\n"), "x")
	if err != nil || len(bs) != 1 {
		t.Errorf("negative custom metric: %v", err)
	}
}

// Lines over 64 KiB: a long log line is nothing, line numbers stay right,
// and a benchmark line that long is refused for its name, at its line, as
// is a configuration line (benchfmt's "key: value") that long for its value
// (see TestLongConfigLine).
func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	_, err := Parse(strings.NewReader("pkg: p\nlog: "+long+"\nBenchmarkA 10 5 ns/op\n"), "long.txt")
	if err == nil || !strings.HasPrefix(err.Error(), `long.txt:2: configuration line "log: …"`) {
		t.Errorf("error %.200v; want line 2 refused as configuration", err)
	}
	in := "pkg: p\nLog " + long + "\n" + long + "\nBenchmarkA 10 5 ns/op\nBenchmarkB 1x 5 ns/op\n"
	_, err = Parse(strings.NewReader(in), "long.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "long.txt:5: ") {
		t.Errorf("error %v; want the bad line 5 named", err)
	}
	bs, err := Parse(strings.NewReader(in[:strings.Index(in, "BenchmarkB")]), "long.txt")
	if err != nil || len(bs) != 1 || bs[0].Name != "BenchmarkA" {
		t.Errorf("long log lines: %v, %v", bs, err)
	}
	// A benchmark line of 100 KiB, and one with a name just over the limit.
	for _, c := range []struct{ in, want string }{
		{"\n\nBenchmark" + long + " 10 5 ns/op\nBenchmarkA 10 5 ns/op\n", "long.txt:3: a benchmark line of"},
		{"BenchmarkA 10 5 ns/op\nBenchmark" + strings.Repeat("y", result.MaxNameLen) + " 10 5 ns/op\n", "long.txt:2: a benchmark name of 1033 bytes"},
	} {
		_, err := Parse(strings.NewReader(c.in), "long.txt")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error %.200v; want prefix %q", err, c.want)
		}
	}
	// In go test -json output too, at the event's line.
	ev := `{"Action":"output","Package":"p","Output":"` + long + `\n"}` + "\n" +
		`{"Action":"output","Package":"p","Output":"BenchmarkA \t 10\t 5 ns/op\n"}` + "\n" + `{"Action":"pass","Package":"p"}` + "\n"
	bs, err = Parse(strings.NewReader(ev), "ev.json")
	if err != nil || len(bs) != 1 {
		t.Errorf("go test -json with a long line: %v, %v", bs, err)
	}
}
