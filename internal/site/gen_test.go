package site

import (
	"crypto/sha1"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// genSpec describes a generated history.
type genSpec struct {
	Machine    string // machine folder; default "Linux-Go-1.26-64bit"
	Runs       int
	Benchmarks int
	Rounds     int // samples per benchmark and run
	// BaselineEvery saves every n-th run (from the first) as a baseline.
	BaselineEvery int
	// Regress makes run Regress (1-based) 40 % slower on benchmark 0.
	Regress int
	Seed    uint64
}

// genHistory writes a synthetic history under root, as benchsite would save
// it: NNNN_baseline.json / NNNN_comparison.json with stats from the stats
// package, B/op and allocs/op, commit info. Deterministic for a given spec.
func genHistory(t testing.TB, root string, g genSpec) []string {
	t.Helper()
	if g.Machine == "" {
		g.Machine = "Linux-Go-1.26-64bit"
	}
	if g.Rounds == 0 {
		g.Rounds = 20
	}
	if g.BaselineEvery == 0 {
		g.BaselineEvery = 100
	}
	rng := rand.New(rand.NewPCG(g.Seed, 42))
	dir := filepath.Join(root, g.Machine)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var paths []string
	for r := 1; r <= g.Runs; r++ {
		f := &result.File{
			MachineInfo: result.MachineInfo{
				"node": "ci-runner", "processor": "x86_64", "machine": "x86_64", "system": "Linux",
				"release": "6.1.0", "go_version": "go1.26.8", "goos": "linux", "goarch": "amd64",
				"gomaxprocs": float64(2), "num_cpu": float64(2), "cpu_model": "Example CPU @ 2.00GHz",
			},
			CommitInfo: result.CommitInfo{
				ID:      fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprint(g.Seed, r)))),
				Time:    start.Add(time.Duration(r) * time.Hour).Format(time.RFC3339),
				Project: "benchsite", Branch: "main", Message: fmt.Sprintf("change number %d", r),
			},
			Datetime: start.Add(time.Duration(r) * time.Hour).Format("2006-01-02T15:04:05.000000+00:00"),
			Version:  "benchsite test",
		}
		for i := 0; i < g.Benchmarks; i++ {
			base := 1e-6 * math.Pow(3, float64(i%12)) // 1 µs … ~177 ms
			if r == g.Regress && i == 0 {
				base *= 1.4
			}
			data := make([]float64, g.Rounds)
			for k := range data {
				data[k] = base * (1 + 0.02*rng.NormFloat64())
			}
			name := fmt.Sprintf("BenchmarkWork%02d/size=%d", i, 1<<(i%6))
			f.Benchmarks = append(f.Benchmarks, result.Benchmark{
				Group:     fmt.Sprintf("group%d", i%3),
				Name:      name,
				Fullname:  "example.com/project/bench." + name,
				Params:    map[string]any{"size": float64(int(1) << (i % 6))},
				Param:     fmt.Sprint(1 << (i % 6)),
				ExtraInfo: map[string]any{result.KeyBytesPerOp: float64(64 * (i + 1)), result.KeyAllocsPerOp: float64(i % 5)},
				Options:   map[string]any{"rounds": float64(g.Rounds)},
				Stats:     stats.Compute(data, 100),
			})
		}
		name := "comparison"
		if (r-1)%g.BaselineEvery == 0 {
			name = "baseline"
		}
		data, err := result.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("%04d_%s.json", r, name))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}
