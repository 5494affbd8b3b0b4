package gobench

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// checkParsed: whatever is read holds finite, non-negative times and
// encodes to a result file that reads back.
func checkParsed(t *testing.T, data []byte, name string) {
	for _, skip := range []bool{false, true} {
		out, err := ParseWith(bytes.NewReader(data), name, Options{SkipInvalid: skip})
		if err != nil {
			if !strings.HasPrefix(err.Error(), name) {
				t.Fatalf("error does not name the input: %v", err)
			}
			// SkipInvalid skips malformed lines and lines with bad
			// figures, never a refused configuration line (Config) or a
			// benchmark refused as a whole (Figure, from Collector.Check).
			var se *SyntaxError
			if skip && errors.As(err, &se) && !se.Config && !se.Figure {
				t.Fatalf("SkipInvalid returned a syntax error: %v", err)
			}
			continue
		}
		for _, b := range out.Benchmarks {
			if field, msg := result.CheckBenchmark(&b); field != "" {
				t.Fatalf("%s: %s: %s passed the readers", b.Name, field, msg)
			}
			if len(b.Name) > 2*result.MaxNameLen {
				t.Fatalf("a name of %d bytes", len(b.Name))
			}
			for _, v := range append([]float64{b.Stats.Min, b.Stats.Max, b.Stats.Mean}, b.Stats.Data...) {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("%s: figure %v", b.Name, v)
				}
			}
		}
		if len(out.Benchmarks) == 0 {
			continue
		}
		enc, err := result.Encode(&result.File{Benchmarks: out.Benchmarks})
		if err != nil {
			t.Fatalf("does not encode: %v", err)
		}
		f, err := result.Decode(enc, "x.json")
		if err != nil {
			t.Fatalf("encoded result does not read back: %v", err)
		}
		if len(f.Benchmarks) != len(out.Benchmarks) {
			t.Fatalf("%d benchmarks, %d read back", len(out.Benchmarks), len(f.Benchmarks))
		}
	}
}

func addFiles(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

// FuzzParseText reads Go benchmark text. Seeds: the shared benchstat and
// bent outputs, the fault inputs, testdata/fuzz/FuzzParseText.
func FuzzParseText(f *testing.F) {
	addFiles(f, "testdata/benchstat/*.txt")
	addFiles(f, "testdata/faults/*.txt")
	f.Add([]byte("BenchmarkA-2 10 5 ns/op 3 B/op 1 allocs/op\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParsed(t, data, "in.txt") })
}

// FuzzParseJSON reads go test -json output. Seeds: the captured stream, the
// fault inputs wrapped as events, testdata/fuzz/FuzzParseJSON.
func FuzzParseJSON(f *testing.F) {
	addFiles(f, "testdata/gotestjson/*.json")
	paths, _ := filepath.Glob("testdata/faults/*.txt")
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		var b bytes.Buffer
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if line != "" {
				b.WriteString(`{"Action":"output","Package":"p","Output":` + quoteJSON(line) + "}\n")
			}
		}
		b.WriteString(`{"Action":"pass","Package":"p"}` + "\n")
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
			data = append([]byte("{}\n"), data...) // keep it in JSON mode
		}
		checkParsed(t, data, "in.json")
	})
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
