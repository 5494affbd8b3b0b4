package harness

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// benchmarkDotNet reads BenchmarkDotNet's JSON exporter ([JsonExporter],
// BenchmarkDotNet.Artifacts/results/*-report-full.json or -report.json):
// {"Title", "HostEnvironmentInfo", "Benchmarks": [{"FullName", "Statistics":
// {"OriginalValues": [...], ...}, "Measurements": [...], "Memory": {...}}]}.
// Statistics.OriginalValues are the per-operation times of the workload
// iterations, in nanoseconds, the samples BenchmarkDotNet's own statistics
// are computed from. Operations per iteration come from the "Workload
// Actual" measurements when the file has them; bytes allocated per
// operation from Memory.
var benchmarkDotNet = &Format{
	ID:      "BenchmarkDotNet",
	Name:    "benchmarkdotnet",
	Harness: "BenchmarkDotNet",
	Command: "dotnet run -c Release --exporters json   # BenchmarkDotNet.Artifacts/results/*-report-full.json",
	detect: func(s *sniff) bool {
		return s.first == '{' && has(s.obj, "Benchmarks") && (has(s.obj, "HostEnvironmentInfo") || has(s.obj, "Title"))
	},
	parse: parseBenchmarkDotNet,
}

func parseBenchmarkDotNet(data []byte, name string) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	run := &Run{Machine: result.MachineInfo{}}
	other := func(k string, h jvalue) error {
		if k != "HostEnvironmentInfo" {
			return nil
		}
		var info struct {
			Version   string `json:"BenchmarkDotNetVersion"`
			OS        string `json:"OsVersion"`
			Processor string `json:"ProcessorName"`
			Runtime   string `json:"RuntimeVersion"`
			Logical   int    `json:"LogicalCoreCount"`
		}
		if d.decode(h, "HostEnvironmentInfo", &info) == nil {
			setIf(run.Machine, "harness_version", info.Version)
			setIf(run.Machine, "cpu_model", info.Processor)
			setIf(run.Machine, "os_version", info.OS)
			setIf(run.Machine, "dotnet_runtime", info.Runtime)
			if info.Logical > 0 {
				run.Machine["num_cpu"] = info.Logical
			}
		}
		return nil
	}
	ns, _ := ParseUnit("ns")
	var serr error
	for i, el := range d.streamMember(root, "Benchmarks", other, &serr) {
		field := fmt.Sprintf("Benchmarks.%d", i)
		var r struct {
			FullName   string `json:"FullName"`
			Namespace  string `json:"Namespace"`
			Type       string `json:"Type"`
			Parameters string `json:"Parameters"`
			Statistics *struct {
				OriginalValues []json.Number `json:"OriginalValues"`
			} `json:"Statistics"`
			Measurements []struct {
				Mode       string `json:"IterationMode"`
				Stage      string `json:"IterationStage"`
				Operations int64  `json:"Operations"`
			} `json:"Measurements"`
			Memory *struct {
				Bytes json.Number `json:"BytesAllocatedPerOperation"`
			} `json:"Memory"`
		}
		if err := el.decode(field, &r); err != nil {
			return nil, err
		}
		v := el.v
		if r.FullName == "" {
			return nil, d.errAt(v.off, field+".FullName", "missing; every benchmark needs a name")
		}
		if r.Statistics == nil || len(r.Statistics.OriginalValues) == 0 {
			return nil, d.errAt(d.at(v, "Statistics"), field+".Statistics", "benchmark %q has no measurements (did it fail?); fix it or drop it from the file", r.FullName)
		}
		samples := make([]float64, len(r.Statistics.OriginalValues))
		for j, x := range r.Statistics.OriginalValues {
			if samples[j], err = d.number(x, ns, v, field, "Statistics", "OriginalValues", strconv.Itoa(j)); err != nil {
				return nil, err
			}
		}
		// Operations per iteration: the Workload Actual stage's; files
		// trimmed to the pilot stages carry the count the pilot settled
		// on (BenchmarkDotNet measures the workload with it) in the last
		// Workload measurement.
		ops := 0
		for _, m := range r.Measurements {
			if m.Mode == "Workload" && m.Stage == "Actual" {
				ops = int(m.Operations)
				break
			}
			if m.Mode == "Workload" && m.Operations > 0 {
				ops = int(m.Operations)
			}
		}
		b := result.Benchmark{Name: r.FullName, Stats: stats.Compute(samples, max(ops, 1)), ExtraInfo: map[string]any{}}
		if r.Namespace != "" || r.Type != "" {
			b.Group = join(r.Namespace, r.Type)
		}
		b.Param = r.Parameters
		if r.Memory != nil {
			if x, err := r.Memory.Bytes.Float64(); err == nil && r.Memory.Bytes != "" {
				b.ExtraInfo[result.KeyBytesPerOp] = x
			}
		}
		run.Benchmarks = append(run.Benchmarks, b)
	}
	if serr != nil {
		return nil, serr
	}
	return run, nil
}
