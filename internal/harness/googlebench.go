package harness

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// googleBenchmark reads Google Benchmark's JSON (--benchmark_format=json or
// --benchmark_out=FILE --benchmark_out_format=json): {"context": {...},
// "benchmarks": [...]}. Rows are grouped by run_name; every "iteration"
// row is one repetition, a measured sample (its real_time, the wall time
// per iteration, in time_unit). The "aggregate" rows (mean, median,
// stddev, cv, BigO, RMS) are what Google Benchmark computed from those
// samples; they are used only when a file has no iteration rows
// (--benchmark_report_aggregates_only), as an estimate. cpu_time and the
// user counters (bytes_per_second, items_per_second, …) go to extra_info as
// means over the repetitions.
var googleBenchmark = &Format{
	ID:      "GoogleBenchmark",
	Name:    "googlecpp",
	Harness: "Google Benchmark",
	Command: "./mybench --benchmark_format=json --benchmark_repetitions=10 > result.json",
	detect: func(s *sniff) bool {
		// "context" only describes the machine: a file without it (cut
		// out, or written by a wrapper) is still Google Benchmark's when
		// its first row has a real_time and a time_unit, or (a benchmark
		// that failed: no figures) a run_type or error_occurred, which no
		// pytest-benchmark row has.
		row := s.sub["benchmarks"]
		return s.first == '{' && s.obj["benchmarks"] &&
			(s.obj["context"] || !s.obj["machine_info"] && (has(row, "real_time", "time_unit") || row["run_type"] || row["error_occurred"]))
	},
	parse: parseGoogleBenchmark,
}

type gbRow struct {
	Name          string      `json:"name"`
	RunName       string      `json:"run_name"`
	RunType       string      `json:"run_type"`
	AggregateName string      `json:"aggregate_name"`
	AggregateUnit string      `json:"aggregate_unit"`
	Iterations    json.Number `json:"iterations"`
	RealTime      json.Number `json:"real_time"`
	CPUTime       json.Number `json:"cpu_time"`
	TimeUnit      string      `json:"time_unit"`
	Threads       int         `json:"threads"`
	Repetitions   int         `json:"repetitions"`
	ErrorOccurred bool        `json:"error_occurred"`
	ErrorMessage  string      `json:"error_message"`
}

// foldsOntoKnown reports whether a key of row is not one of gbKnown but
// equals one without regard to case (a user counter "Real_Time"), which
// encoding/json would take for that field.
func foldsOntoKnown(row map[string]any) bool {
	for k := range row {
		if gbKnown[k] {
			continue
		}
		for known := range gbKnown {
			if strings.EqualFold(k, known) {
				return true
			}
		}
	}
	return false
}

// gbKnown are the row keys that are not user counters.
var gbKnown = map[string]bool{"name": true, "run_name": true, "run_type": true, "aggregate_name": true,
	"aggregate_unit": true, "iterations": true, "real_time": true, "cpu_time": true, "time_unit": true,
	"threads": true, "repetitions": true, "repetition_index": true, "family_index": true,
	"per_family_instance_index": true, "error_occurred": true, "error_message": true, "label": true,
	"big_o": true, "rms": true, "complexity_n": true}

func parseGoogleBenchmark(data []byte, name string) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	run := &Run{Machine: result.MachineInfo{}}
	context := func(k string, ctx jvalue) error {
		if k != "context" {
			return nil
		}
		var c struct {
			Date       string  `json:"date"`
			Host       string  `json:"host_name"`
			NumCPUs    float64 `json:"num_cpus"`
			MHz        float64 `json:"mhz_per_cpu"`
			Version    string  `json:"library_version"`
			Executable string  `json:"executable"`
		}
		if d.decode(ctx, "context", &c) == nil {
			run.Datetime = c.Date
			setIf(run.Machine, "node", c.Host)
			setIf(run.Machine, "harness_version", c.Version)
			setIf(run.Machine, "executable", c.Executable)
			if c.NumCPUs > 0 {
				run.Machine["num_cpu"] = c.NumCPUs
			}
			if c.MHz > 0 {
				run.Machine["mhz_per_cpu"] = c.MHz
			}
		}
		return nil
	}

	type group struct {
		name        string
		at          int
		samples     []float64
		cpu         []float64
		iterations  int
		counters    map[string][]float64
		aggregates  map[string]float64
		aggCPU      float64
		unit        Unit
		threads     int
		repetitions int
		haveSamples bool
	}
	var order []*group
	byName := map[string]*group{}
	var serr error
	for i, el := range d.streamMember(root, "benchmarks", context, &serr) {
		field := fmt.Sprintf("benchmarks.%d", i)
		var r gbRow
		if err := el.decode(field, &r); err != nil {
			return nil, err
		}
		rv := el.v
		// Every key of the row, for the user counters below.
		var all map[string]any
		json.Unmarshal(rv.raw, &all)
		if foldsOntoKnown(all) {
			// encoding/json matches keys without regard to case, so a
			// counter named "Real_Time" or "Iterations" was read as that
			// field: read the fields again from their exact keys only
			// (Google Benchmark writes its own in lower case).
			var raw map[string]json.RawMessage
			json.Unmarshal(rv.raw, &raw)
			for k := range raw {
				if !gbKnown[k] {
					delete(raw, k)
				}
			}
			exact, _ := json.Marshal(raw)
			r = gbRow{}
			if err := d.decode(jvalue{raw: exact, off: rv.off}, field, &r); err != nil {
				return nil, err
			}
		}
		key := r.RunName
		if key == "" {
			key = r.Name
		}
		if key == "" {
			return nil, d.errAt(rv.off, field+".name", "missing; every benchmark needs a name")
		}
		if r.ErrorOccurred {
			return nil, d.errAt(d.at(rv, "error_occurred"), field+".error_occurred", "benchmark %q reported an error: %s; fix the benchmark or drop it from the file", key, r.ErrorMessage)
		}
		tu := r.TimeUnit
		if tu == "" {
			tu = "ns" // Google Benchmark's default; old files omit it
		}
		u, err := ParseUnit(tu)
		if err != nil || !u.IsTime() {
			return nil, d.errAt(d.at(rv, "time_unit"), field+".time_unit", "benchmark %q: unknown time_unit %q; expected ns, us, ms or s", key, tu)
		}
		g := byName[key]
		if g == nil {
			g = &group{name: key, at: rv.off, counters: map[string][]float64{}, aggregates: map[string]float64{}, threads: r.Threads, repetitions: r.Repetitions}
			byName[key] = g
			order = append(order, g)
		}
		if r.RunType == "aggregate" {
			if r.AggregateUnit != "" && r.AggregateUnit != "time" {
				continue // cv is a ratio, not a time
			}
			if r.AggregateName == "BigO" || r.AggregateName == "RMS" {
				continue // complexity fits, not times
			}
			v, err := d.number(r.RealTime, u, rv, field, "real_time")
			if err != nil {
				return nil, err
			}
			g.aggregates[r.AggregateName] = v
			if r.AggregateName == "mean" && r.CPUTime != "" {
				g.aggCPU, _ = u.Value(string(r.CPUTime))
			}
			continue
		}
		if r.RealTime == "" {
			return nil, d.errAt(d.at(rv, "real_time"), field+".real_time", "missing for benchmark %q", key)
		}
		v, err := d.number(r.RealTime, u, rv, field, "real_time")
		if err != nil {
			return nil, err
		}
		g.samples = append(g.samples, v)
		g.haveSamples = true
		if c, err := u.Value(string(r.CPUTime)); err == nil && r.CPUTime != "" {
			g.cpu = append(g.cpu, c)
		}
		if n, err := r.Iterations.Int64(); err == nil && g.iterations == 0 {
			g.iterations = int(n)
		}
		// User counters: every other numeric key of the row.
		for k, x := range all {
			if f, ok := x.(float64); ok && !gbKnown[k] {
				g.counters[k] = append(g.counters[k], f)
			}
		}
	}
	if serr != nil {
		return nil, serr
	}
	for _, g := range order {
		b := result.Benchmark{Name: g.name, ExtraInfo: map[string]any{}}
		if g.threads > 0 {
			b.ExtraInfo["threads"] = g.threads
		}
		switch {
		case g.haveSamples:
			b.Stats = stats.Compute(g.samples, g.iterations)
			if len(g.cpu) > 0 {
				b.ExtraInfo["cpu_time"] = meanOf(g.cpu)
			}
		case len(g.aggregates) > 0:
			mean, ok := g.aggregates["mean"]
			if !ok {
				return nil, d.errAt(g.at, "", "benchmark %q has aggregate rows but no mean; re-run with the mean aggregate", g.name)
			}
			e := estimate{Center: mean, Mean: mean, Stddev: g.aggregates["stddev"], Rounds: g.repetitions,
				What: "mean ± stddev of repetitions (aggregates only)"}
			if m, ok := g.aggregates["median"]; ok {
				e.Median, e.haveMedian = m, true
			}
			b = estimated(g.name, e, Unit{})
			if g.aggCPU > 0 {
				b.ExtraInfo["cpu_time"] = g.aggCPU
			}
		default:
			run.Warnings = append(run.Warnings, fmt.Sprintf("benchmark %q left out: it has only complexity rows (BigO, RMS), no time", g.name))
			continue
		}
		for k, vs := range g.counters {
			b.ExtraInfo[k] = meanOf(vs)
		}
		run.Benchmarks = append(run.Benchmarks, b)
	}
	return run, nil
}

func meanOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return stats.Compute(v, 0).Mean
}

func setIf(m result.MachineInfo, k, v string) {
	if v != "" {
		m[k] = v
	}
}
