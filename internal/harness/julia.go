package harness

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// julia reads BenchmarkTools.jl's JSON (BenchmarkTools.save("result.json",
// results)): [{"Julia": version, "BenchmarkTools": version}, [value]], where
// a value is ["BenchmarkGroup", {"data": {key: value}, "tags": [...]}],
// ["Trial", {"times": [...], "memory", "allocs", ...}] (every sample, in
// nanoseconds per evaluation) or ["TrialEstimate", {"time", "memory",
// "allocs", ...}] (one estimate: whichever the user saved — median(t),
// minimum(t) …). Benchmarks are named by their group keys joined with "/",
// sorted. memory and allocs go to extra_info as B/op and allocs/op.
var julia = &Format{
	ID:      "Julia",
	Name:    "julia",
	Harness: "Julia BenchmarkTools",
	Command: `julia -e 'using BenchmarkTools; include("benchmarks.jl"); BenchmarkTools.save("result.json", median(run(SUITE)))'`,
	detect: func(s *sniff) bool {
		return s.first == '[' && has(s.elem0, "BenchmarkTools")
	},
	parse: parseJulia,
}

func parseJulia(data []byte, name string) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	top, err := d.elements(root, "")
	if err != nil {
		return nil, err
	}
	run := &Run{Machine: result.MachineInfo{}}
	if len(top) < 2 {
		return nil, d.errAt(root.off, "", "expected [versions, [values]] as BenchmarkTools.save writes")
	}
	var versions map[string]string
	if d.decode(top[0], "0", &versions) == nil {
		setIf(run.Machine, "harness_version", versions["BenchmarkTools"])
		setIf(run.Machine, "julia_version", versions["Julia"])
	}
	values, err := d.elements(top[1], "1")
	if err != nil {
		return nil, err
	}
	ns, _ := ParseUnit("ns")
	var walk func(v jvalue, path, field string) error
	walk = func(v jvalue, path, field string) error {
		pair, err := d.elements(v, field)
		if err != nil {
			return err
		}
		if len(pair) != 2 {
			return d.errAt(v.off, field, "expected [type, value]")
		}
		var typ string
		if err := d.decode(pair[0], field+".0", &typ); err != nil {
			return err
		}
		body := pair[1]
		switch typ {
		case "BenchmarkGroup":
			_, m, err := d.members(body, field+".1")
			if err != nil {
				return err
			}
			dv, ok := m["data"]
			if !ok {
				return d.errAt(body.off, field+".1.data", "missing in a BenchmarkGroup")
			}
			keys, kids, err := d.members(dv, field+".1.data")
			if err != nil {
				return err
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "/" + k
				}
				if err := walk(kids[k], p, field+".1.data."+k); err != nil {
					return err
				}
			}
			return nil
		case "Trial", "TrialEstimate":
			var t struct {
				Time   *json.Number  `json:"time"`
				Times  []json.Number `json:"times"`
				Memory *float64      `json:"memory"`
				Allocs *float64      `json:"allocs"`
				// ["Parameters", {"evals": N, …}]: evaluations per sample.
				Params []json.RawMessage `json:"params"`
			}
			if err := d.decode(body, field+".1", &t); err != nil {
				return err
			}
			evals := 0
			if len(t.Params) == 2 {
				var p struct {
					Evals int `json:"evals"`
				}
				if json.Unmarshal(t.Params[1], &p) == nil && p.Evals > 0 {
					evals = p.Evals
				}
			}
			if path == "" {
				path = "benchmark"
			}
			var b result.Benchmark
			if typ == "Trial" {
				samples := make([]float64, len(t.Times))
				for j, x := range t.Times {
					if samples[j], err = d.number(x, ns, body, field+".1", "times", strconv.Itoa(j)); err != nil {
						return err
					}
				}
				if len(samples) == 0 {
					return d.errAt(body.off, field+".1.times", "benchmark %q: a Trial without times", path)
				}
				b = result.Benchmark{Name: path, Stats: stats.Compute(samples, max(evals, 1)), ExtraInfo: map[string]any{}}
			} else {
				if t.Time == nil {
					return d.errAt(body.off, field+".1.time", "missing for benchmark %q", path)
				}
				x, err := d.number(*t.Time, ns, body, field+".1", "time")
				if err != nil {
					return err
				}
				b = estimated(path, estimate{Center: x, Iterations: evals, What: "TrialEstimate (the estimator the file was saved with: median, minimum, mean …)"}, Unit{})
			}
			if t.Memory != nil {
				b.ExtraInfo[result.KeyBytesPerOp] = *t.Memory
			}
			if t.Allocs != nil {
				b.ExtraInfo[result.KeyAllocsPerOp] = *t.Allocs
			}
			run.Benchmarks = append(run.Benchmarks, b)
			return nil
		}
		return d.errAt(pair[0].off, field+".0", "unknown BenchmarkTools type %q; expected BenchmarkGroup, Trial or TrialEstimate", typ)
	}
	for i, v := range values {
		if err := walk(v, "", fmt.Sprintf("1.%d", i)); err != nil {
			return nil, err
		}
	}
	return run, nil
}
