package result_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// FuzzDecode: Decode never panics; what it accepts holds only finite,
// non-negative figures with names within the limit, and encodes to a file
// that decodes to the same benchmarks. Seeds: every fixture and fault file
// here, and testdata/fuzz/FuzzDecode (replayed by plain go test).
func FuzzDecode(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") && !strings.Contains(p, "fuzz") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := result.Decode(data, "f.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, b := range file.Benchmarks {
			s := b.Stats
			if b.Name == "" || len(b.Name) > result.MaxNameLen {
				t.Fatalf("accepted name of %d bytes", len(b.Name))
			}
			for _, v := range append([]float64{s.Min, s.Max, s.Mean, s.Median, s.Stddev, s.IQR, s.Q1, s.Q3, s.OPS, s.Total}, s.Data...) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("accepted non-finite figure in %+v", s)
				}
			}
			if s.Rounds < 0 || s.Min < 0 || len(s.Data) > s.Rounds {
				t.Fatalf("accepted implausible stats %+v", s)
			}
			if field, msg := result.CheckBenchmark(&b); field != "" {
				t.Fatalf("accepted a benchmark the readers' rule refuses: %s: %s", field, msg)
			}
		}
		enc, err := result.Encode(file)
		if err != nil {
			t.Fatalf("accepted file does not encode: %v", err)
		}
		again, err := result.Decode(enc, "g.json")
		if err != nil {
			t.Fatalf("encoded file does not decode: %v\n%s", err, enc)
		}
		if len(again.Benchmarks) != len(file.Benchmarks) {
			t.Fatalf("%d benchmarks, %d after a round trip", len(file.Benchmarks), len(again.Benchmarks))
		}
		for i := range file.Benchmarks {
			if again.Benchmarks[i].Name != file.Benchmarks[i].Name || again.Benchmarks[i].Stats.Rounds != file.Benchmarks[i].Stats.Rounds {
				t.Fatalf("benchmark %d changed in a round trip", i)
			}
		}
	})
}
