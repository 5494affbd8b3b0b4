package harness

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// The lean readers of a target/criterion folder read what they accept to
// the same figures as encoding/json (the slow paths), and decline the
// rest.
func TestCriterionFastPaths(t *testing.T) {
	dir := filepath.Join("testdata", "criterion", "target", "criterion")
	var r criterionReader
	for _, bench := range []string{"fib 20 - fast", "fib 20 - slow"} {
		p := filepath.Join(dir, bench, "new", "sample.json")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		mode, samples, fewest, most, ok := r.samplesFast(data)
		m2, s2, f2, mo2, err := samplesSlow(data, p)
		if !ok || err != nil || mode != m2 || !reflect.DeepEqual(samples, s2) || fewest != f2 || most != mo2 {
			t.Errorf("%s: fast %v %s %d samples %g..%g; slow %v %s %d samples %g..%g", bench, ok, mode, len(samples), fewest, most, err, m2, len(s2), f2, mo2)
		}
		for _, side := range []string{"benchmark.json", "estimates.json"} {
			raw, err := os.ReadFile(filepath.Join(dir, bench, "new", side))
			if err != nil {
				t.Fatal(err)
			}
			fast := result.Benchmark{ExtraInfo: map[string]any{}}
			slow := result.Benchmark{ExtraInfo: map[string]any{}}
			if side == "benchmark.json" {
				ok = criterionIDFast(raw, &fast)
				err = criterionIDSlow(raw, side, &slow)
			} else {
				ok = criterionEstimatesFast(raw, &fast)
				criterionEstimatesSlow(raw, &slow)
			}
			if !ok || err != nil || !reflect.DeepEqual(fast, slow) || len(fast.ExtraInfo)+len(fast.Name) == 0 {
				t.Errorf("%s %s: fast %v %+v; slow %v %+v", bench, side, ok, fast, err, slow)
			}
		}
	}
	for _, s := range []string{
		`{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[5.0]}`,   // one time missing
		`{"sampling_mode":"Linear","iters":[0.0],"times":[5.0]}`,       // no iterations
		`{"sampling_mode":"Linear","iters":[-1.0],"times":[5.0]}`,      // negative
		`{"sampling_mode":"Linear","iters":[1.0],"times":[5.0],"x":1}`, // unknown key
		`{"sampling_mode":"Linear","Iters":[1.0],"times":[5.0]}`,       // a key encoding/json folds
		`{"sampling_mode":"Linear","iters":[1.0],"iters":[2.0],"times":[5.0]}`,
		`{"sampling_mode":"Linear","iters":[1.0],"times":[null]}`,
		`{"sampling_mode":"Linear","iters":[1.0],"times":["5"]}`,
		`{"sampling_mode":"Lin\u0065ar","iters":[1.0],"times":[5.0]}`,
		`{"iters":[1.0],"times":[5.0]}`,
		`{"sampling_mode":"Linear","iters":[1.0],"times":[5.0]} {}`,
	} {
		if _, _, _, _, ok := r.samplesFast([]byte(s)); ok {
			t.Errorf("samplesFast accepted %s", s)
		}
	}
	// Exponents, and a time that is not a whole number of nanoseconds,
	// convert as Unit.Value converts them.
	s := `{"sampling_mode":"Flat","iters":[3,1E1],"times":[1022840.5,2.5e6]}`
	_, samples, fewest, most, ok := r.samplesFast([]byte(s))
	_, s2, _, _, err := samplesSlow([]byte(s), "x")
	if !ok || err != nil || !reflect.DeepEqual(samples, s2) || fewest != 3 || most != 10 || samples[0] != 1022840.5e-9/3 {
		t.Errorf("%v %v %v %v", samples, s2, ok, err)
	}
	for _, id := range []string{
		`{"full_id":"a\"b","group_id":"a"}`,
		`{"Full_ID":"x","full_id":"a"}`,
		`{"full_id":"a","full_id":"b"}`,
		`{"full_id":5}`,
	} {
		if criterionIDFast([]byte(id), &result.Benchmark{ExtraInfo: map[string]any{}}) {
			t.Errorf("criterionIDFast accepted %s", id)
		}
	}
	id := `{"group_id":"g","function_id":null,"value_str":"4096","throughput":{"Bytes":4096},"full_id":"g/4096","title":"g/4096"}`
	fast := result.Benchmark{ExtraInfo: map[string]any{}}
	slow := result.Benchmark{ExtraInfo: map[string]any{}}
	if !criterionIDFast([]byte(id), &fast) || criterionIDSlow([]byte(id), "b.json", &slow) != nil || !reflect.DeepEqual(fast, slow) ||
		fast.Name != "g/4096" || fast.Group != "g" || fast.ExtraInfo["throughput"] != `{"Bytes":4096}` {
		t.Errorf("a throughput: fast %+v slow %+v", fast, slow)
	}
	// estimates.json that encoding/json cannot decode into its map keeps
	// no estimate; the fast path declines it.
	for _, est := range []string{`{"mean":{"point_estimate":1},"other":5}`, `{"mean":{"point_estimate":"1"}}`,
		`{"mean":{"Point_Estimate":1}}`, `{"mean":{"point_estimate":1e999}}`} {
		b := result.Benchmark{ExtraInfo: map[string]any{}}
		if criterionEstimatesFast([]byte(est), &b) {
			t.Errorf("criterionEstimatesFast accepted %s", est)
		}
		if criterionEstimatesSlow([]byte(est), &b); len(b.ExtraInfo) != 0 && !strings.Contains(est, "Point_") {
			t.Errorf("%s: %v", est, b.ExtraInfo)
		}
	}
}
