package harness

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// FuzzCriterionFastPaths: what the lean readers of a target/criterion
// folder's files (samplesFast, criterionIDFast, criterionEstimatesFast)
// accept, their encoding/json readers read to the same figures, and
// without an error. Seeds: the testdata folder's files.
func FuzzCriterionFastPaths(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "criterion", "target", "criterion", "*", "new", "*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
	for _, s := range []string{
		`{"sampling_mode":"Flat","iters":[3,1E1],"times":[1022840.5,2.5e6]}`,
		`{"full_id":"a/b","group_id":"a","throughput":{"Bytes":5}}`,
		`{"mean":{"point_estimate":5.5,"standard_error":1},"median":{"point_estimate":5},"slope":null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var r criterionReader
		if m, s, fe, mo, ok := r.samplesFast([]byte(data)); ok {
			m2, s2, f2, mo2, err := samplesSlow([]byte(data), "x")
			if err != nil || m != m2 || !reflect.DeepEqual(s, s2) || fe != f2 || mo != mo2 {
				t.Fatalf("samples %q: fast %v %v %v %v; slow %v %v %v %v %v", data, m, s, fe, mo, m2, s2, f2, mo2, err)
			}
		}
		fast := result.Benchmark{ExtraInfo: map[string]any{}}
		slow := result.Benchmark{ExtraInfo: map[string]any{}}
		if criterionIDFast([]byte(data), &fast) {
			if err := criterionIDSlow([]byte(data), "x", &slow); err != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("id %q: fast %+v; slow %+v %v", data, fast, slow, err)
			}
		}
		fast = result.Benchmark{ExtraInfo: map[string]any{}}
		slow = result.Benchmark{ExtraInfo: map[string]any{}}
		if criterionEstimatesFast([]byte(data), &fast) {
			criterionEstimatesSlow([]byte(data), &slow)
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("estimates %q: fast %+v; slow %+v", data, fast, slow)
			}
		}
	})
}
