package harness

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// jmh reads JMH's JSON result file (-rf json -rff result.json): an array of
// {"benchmark", "mode", "params", "primaryMetric": {"score", "scoreError",
// "scoreUnit", "scorePercentiles", "rawData"}, "secondaryMetrics"}. Every
// mode is read: thrpt (ops/<time>, stored as ops/s, higher is better), avgt,
// sample and ss (<time>/op, stored in seconds). rawData holds one score per
// measurement iteration and fork: those are the samples. Without rawData
// (sample mode writes rawDataHistogram instead) the score is an estimate with
// the 0th, 50th and 100th percentiles as min, median and max.
// Secondary metrics (gc.alloc.rate.norm, …) go to extra_info as their score.
var jmh = &Format{
	ID:      "JMH",
	Name:    "jmh",
	Harness: "JMH",
	Command: "java -jar target/benchmarks.jar -rf json -rff result.json",
	detect: func(s *sniff) bool {
		return s.first == '[' && (has(s.elem0, "jmhVersion") || has(s.elem0, "benchmark", "primaryMetric"))
	},
	parse: parseJMH,
}

type jmhMetric struct {
	Score       json.Number            `json:"score"`
	ScoreError  json.RawMessage        `json:"scoreError"` // a number, or "NaN"
	ScoreUnit   string                 `json:"scoreUnit"`
	Percentiles map[string]json.Number `json:"scorePercentiles"`
	RawData     [][]json.Number        `json:"rawData"`
}

func parseJMH(data []byte, name string) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	run := &Run{Machine: result.MachineInfo{}}
	var serr error
	for i, el := range d.stream(root, "", &serr) {
		field := strconv.Itoa(i)
		var r struct {
			JMHVersion string               `json:"jmhVersion"`
			Benchmark  string               `json:"benchmark"`
			Mode       string               `json:"mode"`
			Threads    int                  `json:"threads"`
			Forks      int                  `json:"forks"`
			JDKVersion string               `json:"jdkVersion"`
			VMName     string               `json:"vmName"`
			BatchSize  int                  `json:"measurementBatchSize"`
			Params     map[string]string    `json:"params"`
			Primary    *jmhMetric           `json:"primaryMetric"`
			Secondary  map[string]jmhMetric `json:"secondaryMetrics"`
		}
		if err := el.decode(field, &r); err != nil {
			return nil, err
		}
		v := el.v
		if r.Benchmark == "" {
			return nil, d.errAt(v.off, field+".benchmark", "missing; every benchmark needs a name")
		}
		if r.Primary == nil {
			return nil, d.errAt(d.at(v, "primaryMetric"), field+".primaryMetric", "missing for benchmark %q", r.Benchmark)
		}
		if i == 0 {
			setIf(run.Machine, "harness_version", r.JMHVersion)
			setIf(run.Machine, "jdk_version", r.JDKVersion)
			setIf(run.Machine, "vm_name", r.VMName)
		}
		u, err := ParseUnit(r.Primary.ScoreUnit)
		if err != nil {
			return nil, d.errAt(d.at(v, "primaryMetric", "scoreUnit"), field+".primaryMetric.scoreUnit", "benchmark %q: %v", r.Benchmark, err)
		}
		b := result.Benchmark{Name: r.Benchmark, ExtraInfo: map[string]any{"mode": r.Mode}}
		if len(r.Params) > 0 {
			var keys, parts []string
			for k := range r.Params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.Params = map[string]any{}
			for _, k := range keys {
				b.Params[k] = r.Params[k]
				parts = append(parts, k+"="+r.Params[k])
			}
			b.Param = strings.Join(parts, ",")
			b.Name += "[" + b.Param + "]"
		}
		// The same method measured in two modes is two benchmarks.
		b.Fullname = b.Name + " (" + r.Mode + ")"
		if r.Threads > 0 {
			b.ExtraInfo["threads"] = r.Threads
		}
		var samples []float64
		for f, fork := range r.Primary.RawData {
			for j, x := range fork {
				s, err := d.number(x, u, v, field, "primaryMetric", "rawData", strconv.Itoa(f), strconv.Itoa(j))
				if err != nil {
					return nil, err
				}
				samples = append(samples, s)
			}
		}
		if len(samples) > 0 {
			b.Stats = stats.Compute(samples, r.BatchSize)
		} else {
			score, err := d.number(r.Primary.Score, u, v, field, "primaryMetric", "score")
			if err != nil {
				return nil, err
			}
			e := estimate{Center: score, Mean: score, What: "score ± scoreError (99.9% confidence interval half-width)"}
			pct := func(k string) (float64, bool) {
				n, ok := r.Primary.Percentiles[k]
				if !ok {
					return 0, false
				}
				x, err := u.Value(string(n))
				return x, err == nil
			}
			e.Min, e.haveMin = pct("0.0")
			e.Median, e.haveMedian = pct("50.0")
			e.Max, e.haveMax = pct("100.0")
			if u.HigherIsBetter && e.haveMin && e.haveMax && e.Min > e.Max {
				e.Min, e.Max = e.Max, e.Min
			}
			e.apply(&b)
		}
		if se := strings.Trim(string(r.Primary.ScoreError), `"`); se != "" && se != "NaN" {
			if x, err := u.Value(se); err == nil {
				b.ExtraInfo["score_error"] = x
			}
		}
		for k, m := range r.Secondary {
			if x, err := m.Score.Float64(); err == nil {
				b.ExtraInfo[k] = x
				if m.ScoreUnit != "" {
					b.ExtraInfo[k+" unit"] = m.ScoreUnit
				}
			}
		}
		setUnit(&b, u)
		run.Benchmarks = append(run.Benchmarks, b)
	}
	if serr != nil {
		return nil, serr
	}
	return run, nil
}
