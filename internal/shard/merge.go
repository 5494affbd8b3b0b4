package shard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// Part is one shard's result file and the name to use for it in errors.
type Part struct {
	Name string
	File *result.File
}

// Durations returns each unit's measured time in seconds in f: the rounds'
// time of its benchmarks (stats.total is the sum of the rounds' seconds per
// iteration, so total × iterations is the time spent in rounds). Benchmarks
// of a file without iteration counts weigh their total.
func Durations(f *result.File) map[string]float64 {
	d := map[string]float64{}
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		t := b.Stats.Total * float64(max(b.Stats.Iterations, 1))
		d[Unit(b.Fullname)] += t
	}
	return d
}

// Info returns what a shard's file records: its spec and the plan.
func Info(s Spec, p Plan) *result.ShardInfo {
	return &result.ShardInfo{Index: s.Index, Count: s.Count, Units: p.Units}
}

// Merge joins the files of every shard of one sharded run into one run (see
// the package doc for what it refuses). The merged run has the earliest
// shard's datetime, shard 1's machine and commit info, and the benchmarks in
// shard order; it carries no ShardInfo.
func Merge(parts []Part) (*result.File, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("no files to merge")
	}
	for _, p := range parts {
		if p.File.Shard == nil {
			return nil, fmt.Errorf("%s: not a shard's result (it has no \"shard\" key): merge takes the files of `benchsite run --shard I/N`", p.Name)
		}
	}
	first := parts[0]
	plan := Plan{Count: first.File.Shard.Count, Units: first.File.Shard.Units}
	byIndex := map[int]Part{}
	for _, p := range parts {
		s := p.File.Shard
		if !plan.Equal(Plan{Count: s.Count, Units: s.Units}) {
			return nil, fmt.Errorf("%s: its shard plan differs from %s's (shards of different runs, or of suites that changed between them): merge the shards of one run", p.Name, first.Name)
		}
		if s.Index < 1 || s.Index > s.Count {
			return nil, fmt.Errorf("%s: shard %d/%d is out of range", p.Name, s.Index, s.Count)
		}
		if q, dup := byIndex[s.Index]; dup {
			return nil, fmt.Errorf("%s and %s are both shard %d/%d: give each shard once", q.Name, p.Name, s.Index, s.Count)
		}
		byIndex[s.Index] = p
		if a, b := first.File.CommitInfo.ID, p.File.CommitInfo.ID; a != b {
			return nil, fmt.Errorf("%s measured commit %s but %s measured %s: merge the shards of one commit", p.Name, shortID(b), first.Name, shortID(a))
		}
		if a, b := first.File.CommitInfo.Dirty, p.File.CommitInfo.Dirty; a != b {
			return nil, fmt.Errorf("%s measured commit %s %s but %s %s: merge the shards of one working tree", p.Name, shortID(p.File.CommitInfo.ID), treeState(b), first.Name, treeState(a))
		}
		if a, b := machineType(first.File), machineType(p.File); a != b {
			return nil, fmt.Errorf("%s ran on %s but %s on %s: merge the shards of one machine type", p.Name, b, first.Name, a)
		}
	}
	var missing []string
	for i := 1; i <= plan.Count; i++ {
		if _, ok := byIndex[i]; !ok && len(plan.UnitsOf(i)) > 0 {
			missing = append(missing, fmt.Sprintf("%d/%d (%s)", i, plan.Count, strings.Join(plan.UnitsOf(i), ", ")))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shard%s missing: %s", plural(len(missing)), strings.Join(missing, "; "))
	}

	out := *first.File
	out.Shard = nil
	out.Benchmarks = nil
	out.Failures = nil
	if first.File.Paired != nil {
		pc := *first.File.Paired
		pc.Benchmarks = map[string]result.PairedBenchmark{}
		pc.Removed, pc.Seeds = nil, nil
		out.Paired = &pc
	}
	seen := map[string]string{}
	indexes := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indexes = append(indexes, i)
	}
	slices.Sort(indexes)
	for _, i := range indexes {
		p := byIndex[i]
		if p.File.Datetime != "" && earlier(p.File, &out) {
			out.Datetime = p.File.Datetime
		}
		if err := mergePaired(&out, p, first.Name); err != nil {
			return nil, err
		}
		out.Failures = append(out.Failures, p.File.Failures...)
		for _, b := range p.File.Benchmarks {
			if other, dup := seen[b.Fullname]; dup {
				return nil, fmt.Errorf("%s and %s both have benchmark %q: a benchmark must come from one shard", other, p.Name, b.Fullname)
			}
			if got := plan.Units[Unit(b.Fullname)]; got != i {
				where := "is in no shard of the plan"
				if got > 0 {
					where = fmt.Sprintf("belongs to shard %d/%d", got, plan.Count)
				}
				return nil, fmt.Errorf("%s (shard %d/%d) has benchmark %q, which %s", p.Name, i, plan.Count, b.Fullname, where)
			}
			seen[b.Fullname] = p.Name
			out.Benchmarks = append(out.Benchmarks, b)
		}
	}
	return &out, nil
}

// mergePaired adds shard p's paired verdicts (run --against/--compare) to
// out's. Every shard must have been paired against the same baseline
// revision with the same check.
func mergePaired(out *result.File, p Part, firstName string) error {
	a, b := out.Paired, p.File.Paired
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil || b == nil:
		return fmt.Errorf("%s and %s: one is a paired run (--against/--compare) and the other is not: run every shard alike", firstName, p.Name)
	case a.Baseline.ID != b.Baseline.ID:
		return fmt.Errorf("%s was paired against %s but %s against %s: run every shard against the same revision", p.Name, shortID(b.Baseline.ID), firstName, shortID(a.Baseline.ID))
	case a.Check != b.Check:
		return fmt.Errorf("%s used the check %q but %s %q: run every shard with the same --compare-fail", p.Name, b.Check, firstName, a.Check)
	}
	for k, v := range b.Benchmarks {
		a.Benchmarks[k] = v
	}
	a.Removed = append(a.Removed, b.Removed...)
	for _, s := range b.Seeds {
		if !slices.Contains(a.Seeds, s) {
			a.Seeds = append(a.Seeds, s)
		}
	}
	return nil
}

// machineType is what shards of one run share: the machine id's parts
// (system, runtime and version, pointer size) and the CPU architecture. CPU
// models may differ between runners of one type.
func machineType(f *result.File) string {
	return f.MachineInfo.ID() + " " + f.MachineInfo.String("machine")
}

func treeState(dirty bool) string {
	if dirty {
		return "with uncommitted changes"
	}
	return "clean"
}

// Unmeasured names the units of the plan that their shard's file has
// neither a benchmark nor a failure of ("pkg::BenchmarkX (shard 2/3,
// s2.json)"), for parts that Merge accepted. Such a unit was skipped
// (b.Skip, -short), had every sub-benchmark filtered out by --bench, or was
// lost on the way; the merged run lacks it as an unsharded run would, and
// the caller names it.
func Unmeasured(parts []Part) []string {
	var out []string
	for _, p := range parts {
		s := p.File.Shard
		if s == nil {
			continue
		}
		have := map[string]bool{}
		for _, b := range p.File.Benchmarks {
			have[Unit(b.Fullname)] = true
		}
		failed := map[string]bool{}
		for _, f := range p.File.Failures {
			top, _, _ := strings.Cut(f.Name, "/")
			failed[top] = true
		}
		plan := Plan{Count: s.Count, Units: s.Units}
		for _, u := range plan.UnitsOf(s.Index) {
			_, name, ok := strings.Cut(u, "::")
			if !ok {
				name = u
			}
			if !have[u] && !failed[name] {
				out = append(out, fmt.Sprintf("%s (shard %d/%d, %s)", u, s.Index, s.Count, p.Name))
			}
		}
	}
	slices.Sort(out)
	return out
}

// MixedCPUs names the shards whose CPU model differs from the first
// file's ("s2.json ran on a CPU X, s1.json on Y"), for parts that Merge
// accepted: runners of one machine type may differ in CPU model, so merge
// accepts them, but the merged run keeps the first file's machine_info and
// its benchmarks' figures are not all from that CPU, so the caller warns.
func MixedCPUs(parts []Part) []string {
	if len(parts) == 0 {
		return nil
	}
	first := parts[0]
	var out []string
	for _, p := range parts[1:] {
		if a, b := first.File.MachineInfo.CPUModel(), p.File.MachineInfo.CPUModel(); a != b {
			out = append(out, fmt.Sprintf("%s ran on a CPU %q, %s on %q", p.Name, b, first.Name, a))
		}
	}
	return out
}

func earlier(a, b *result.File) bool {
	ta, errA := a.Time()
	tb, errB := b.Time()
	if errA != nil || errB != nil {
		return cmp.Less(a.Datetime, b.Datetime)
	}
	return ta.Before(tb)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
