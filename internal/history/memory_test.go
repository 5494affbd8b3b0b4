package history

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/history/historytest"
)

// BenchmarkLoadMemory measures what a loaded History holds: it loads
// generated histories of scripts/scale.sh's shape (historytest.ScaleSpec,
// 20 benchmarks, 20 rounds) of 1000 and 4000 runs, with a cache as
// `benchsite build` does, and reports the heap still in use afterwards
// (after a collection) in all (live-MiB) and per run and benchmark
// (live-B/point). The growth per run and benchmark is the difference of
// the two sizes' live heaps over 3000 × 20 points. For a heap profile:
//
//	go test -run '^$' -bench LoadMemory -benchtime 1x -memprofile mem.out ./internal/history
//	go tool pprof -sample_index=inuse_space mem.out
func BenchmarkLoadMemory(b *testing.B) {
	for _, runs := range []int{1000, 4000} {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) {
			root := b.TempDir()
			if _, err := historytest.Write(root, historytest.ScaleSpec(runs, 20, 20)); err != nil {
				b.Fatal(err)
			}
			checks, _ := compare.ParseChecks("mean:10%")
			opt := Options{Storage: root, Compare: compare.Options{Checks: checks}}
			var before, after runtime.MemStats
			var h *History
			for b.Loop() {
				h, opt.Cache = nil, b.TempDir() // a clean load
				runtime.GC()
				runtime.ReadMemStats(&before)
				var err error
				if h, err = Load(opt); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
			}
			live := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			b.ReportMetric(live/(1<<20), "live-MiB")
			b.ReportMetric(live/float64(runs*20), "live-B/point")
			runtime.KeepAlive(h)
		})
	}
}
