// Package shard splits a suite's benchmarks into N shares that separate
// machines (CI runners in a matrix) run in parallel, and joins the shares'
// result files back into one run.
//
// # Splitting
//
// The unit of a share is a top-level benchmark function of one package
// ("tests/benchmarks::BenchmarkForward"): its sub-benchmarks stay together,
// because the Go testing package only discovers them by running their parent.
// Every shard computes the same Plan from the same inputs — the sorted list of
// units (from the test binaries' -test.list, which runs nothing) and the
// durations of the newest earlier run of the same machine type, if any — so
// that shards 1/N … N/N cover every unit exactly once without talking to each
// other.
//
// Balancing is the longest-processing-time-first rule (Graham, "Bounds on
// multiprocessing timing anomalies", SIAM J. Appl. Math. 17(2), 1969): units
// in decreasing order of expected duration, each to the shard with the least
// work so far (the lowest index on a tie). Its makespan is within 4/3 of the
// optimum. A unit without a measured duration is assumed to take the median
// of the measured ones; with no history at all every unit weighs the same, so
// the plan deals units out by name.
//
// # Joining
//
// Each shard's result file records its Spec and the whole Plan (File.Shard).
// Merge refuses files of different commits or machine types, of different
// plans, two files for one shard, a shard missing, and a benchmark present in
// two files; each is an error naming the file.
package shard

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxCount is the largest number of shards a Spec may name.
const MaxCount = 1000

// Spec names one share: shard Index of Count, 1-based.
type Spec struct {
	Index, Count int
}

// String returns "I/N".
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Parse reads "I/N" (1 ≤ I ≤ N ≤ MaxCount).
func Parse(s string) (Spec, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("shard %q: want I/N, e.g. 2/4", s)
	}
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Spec{}, fmt.Errorf("shard %q: want I/N with whole numbers, e.g. 2/4", s)
	}
	if count < 1 || count > MaxCount {
		return Spec{}, fmt.Errorf("shard %q: N must be 1 to %d", s, MaxCount)
	}
	if index < 1 || index > count {
		return Spec{}, fmt.Errorf("shard %q: I must be 1 to %d", s, count)
	}
	return Spec{Index: index, Count: count}, nil
}

// Unit returns the share unit of a benchmark's fullname,
// "pkg::BenchmarkX/sub=1" → "pkg::BenchmarkX": the fullname up to its first
// "/" after the "::" (or after the start, when there is no package part).
func Unit(fullname string) string {
	start := 0
	if i := strings.LastIndex(fullname, "::"); i >= 0 {
		start = i + 2
	}
	if j := strings.IndexByte(fullname[start:], '/'); j >= 0 {
		return fullname[:start+j]
	}
	return fullname
}

// Plan assigns every unit a shard, 1 to Count.
type Plan struct {
	Count int            `json:"count"`
	Units map[string]int `json:"units"` // unit → shard index
}

// NewPlan balances units over count shards by their expected durations in
// seconds (see the package doc). Units may come in any order and repeat;
// durations may be nil or lack units.
func NewPlan(units []string, durations map[string]float64, count int) Plan {
	units = slices.Clone(units)
	slices.Sort(units)
	units = slices.Compact(units)

	var known []float64
	for _, u := range units {
		if d, ok := durations[u]; ok && d > 0 {
			known = append(known, d)
		}
	}
	fill := 1.0
	if len(known) > 0 {
		slices.Sort(known)
		fill = known[len(known)/2]
	}
	weight := func(u string) float64 {
		if d, ok := durations[u]; ok && d > 0 {
			return d
		}
		return fill
	}
	slices.SortStableFunc(units, func(a, b string) int {
		return cmp.Compare(weight(b), weight(a)) // longest first; by name on a tie (stable)
	})

	p := Plan{Count: count, Units: make(map[string]int, len(units))}
	load := make([]float64, count)
	for _, u := range units {
		least := 0
		for i := 1; i < count; i++ {
			if load[i] < load[least] {
				least = i
			}
		}
		load[least] += weight(u)
		p.Units[u] = least + 1
	}
	return p
}

// Units returns the units of shard index, sorted.
func (p Plan) UnitsOf(index int) []string {
	var out []string
	for u, i := range p.Units {
		if i == index {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// Includes reports whether the benchmark with this fullname belongs to shard s.
func (p Plan) Includes(s Spec, fullname string) bool {
	return p.Units[Unit(fullname)] == s.Index
}

// Equal reports whether two plans assign the same units the same shards.
func (p Plan) Equal(q Plan) bool {
	if p.Count != q.Count || len(p.Units) != len(q.Units) {
		return false
	}
	for u, i := range p.Units {
		if q.Units[u] != i {
			return false
		}
	}
	return true
}
