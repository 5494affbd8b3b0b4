package gobench

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A configuration line whose value no name may have — over 60 KiB (once
// dropped as a long line, which merged two packages' benchmarks of one
// name) or just over result.MaxNameLen — is refused at its line, even with
// SkipInvalid: the results after it would be read under the wrong package.
func TestLongConfigLine(t *testing.T) {
	old, new := readTestdata(t, "benchstat/crc-old.txt"), readTestdata(t, "benchstat/crc-new.txt")
	pkgLine := []byte("pkg: hash/crc32\n")
	for _, n := range []int{70000, 1500} {
		a := bytes.Replace(old, pkgLine, []byte("pkg: "+strings.Repeat("p", n)+"\n"), 1)
		b := bytes.Replace(new, pkgLine, []byte("pkg: "+strings.Repeat("q", n)+"\n"), 1)
		in := append(append(a, '\n'), b...)
		for _, skip := range []bool{false, true} {
			_, err := ParseWith(bytes.NewReader(in), "crc.txt", Options{SkipInvalid: skip})
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != 1 || !se.Config || !strings.Contains(se.Msg, `"pkg: …"`) || !strings.Contains(se.Msg, "1024") {
				t.Errorf("pkg value of %d bytes, SkipInvalid %v: error %v; want line 1 refused naming pkg and the limit", n, skip, err)
			}
		}
	}
	// A value at the limit reads, and so does a long line that is not
	// configuration (log output).
	at := bytes.Replace(old, pkgLine, []byte("pkg: "+strings.Repeat("p", result.MaxNameLen)+"\n"), 1)
	at = append([]byte(strings.Repeat("Log output ", 10000)+"\n"), at...)
	out, err := ParseWith(bytes.NewReader(at), "crc.txt", Options{})
	if err != nil || len(out.Benchmarks) == 0 || len(out.Benchmarks[0].Group) != result.MaxNameLen {
		t.Errorf("pkg at the limit after a long log line: %v", err)
	}

	// go test -json: the package of an event is configuration too.
	js := readTestdata(t, "gotestjson/tiny.json")
	js = bytes.ReplaceAll(js, []byte("example.com/tiny"), []byte(strings.Repeat("t", 1500)))
	_, err = ParseWith(bytes.NewReader(js), "tiny.json", Options{})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line == 0 || !strings.Contains(se.Msg, "1024") {
		t.Errorf("go test -json with a 1500-byte package: %v; want the line refused", err)
	}
}

// A name within the limit alone, but not with the configuration that tells
// two benchmarks apart, is refused at the benchmark's first line by the
// rule every reader calls (result.CheckBenchmark), never left to the
// self-check of the file benchsite writes.
func TestNameWithConfigTooLong(t *testing.T) {
	old := readTestdata(t, "benchstat/crc-old.txt")
	note := []byte("note: hw acceleration disabled\n")
	in := bytes.Replace(old, note, []byte("note: "+strings.Repeat("n", 1000)+"\n"), 1)
	in = append(in, []byte("note: "+strings.Repeat("m", 1000)+"\nBenchmarkCRC32/poly=IEEE/size=15/align=0-8 3000000 44.6 ns/op\n")...)
	_, err := ParseWith(bytes.NewReader(in), "crc.txt", Options{SkipInvalid: true})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 6 || !strings.Contains(se.Msg, "name") || !strings.Contains(se.Msg, "at most 1024") {
		t.Errorf("error %v; want line 6 (the first round) refused for its name's length", err)
	}
}

// A figure out of float64's range is a figure error, not log output.
func TestOutOfRangeFigure(t *testing.T) {
	in := bytes.Replace(readTestdata(t, "benchstat/crc-old.txt"), []byte("44.6 ns/op"), []byte("1e400 ns/op"), 1)
	_, err := ParseWith(bytes.NewReader(in), "crc.txt", Options{})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 6 || !se.Figure || !strings.Contains(se.Msg, "1.8e308") {
		t.Errorf("error %v; want line 6, a figure out of range", err)
	}
}
