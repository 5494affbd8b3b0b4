package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// FuzzRead reads any input as every harness format, detected or forced:
// whatever is read passes result's rules (result.CheckBenchmark), encodes
// to a result file that reads back, and errors name the file. Seeds: the
// harnesses' real files in testdata (plain go test replays them), and
// testdata/fuzz/FuzzRead: the faults the readers once missed (names of
// 3,000 bytes, negative and NaN values).
func FuzzRead(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "fuzz") && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "LICENSE.txt") {
			if data, err := os.ReadFile(p); err == nil && len(data) < 256<<10 {
				f.Add(data, "")
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		if _, ok := Lookup(format); format != "" && !ok {
			return
		}
		run, err := Read(data, "f.txt", format)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for i := range run.Benchmarks {
			if field, msg := result.CheckBenchmark(&run.Benchmarks[i]); field != "" {
				t.Fatalf("benchmark %q: %s: %s passed the reader", run.Benchmarks[i].Name, field, msg)
			}
		}
		enc, err := result.Encode(&result.File{MachineInfo: run.Machine, Benchmarks: run.Benchmarks, Datetime: run.Datetime})
		if err != nil {
			t.Fatalf("does not encode: %v", err)
		}
		if _, err := result.Decode(enc, "g.json"); err != nil {
			t.Fatalf("encoded run does not read back: %v", err)
		}
	})
}
