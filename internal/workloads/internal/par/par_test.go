package par

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestEveryChunkOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 7, 100} {
			counts := make([]atomic.Int32, n)
			var busy [8]atomic.Int32
			Do(n, 8, func(w, c int) {
				if w < 0 || w >= Workers(n, 8) {
					t.Errorf("worker %d outside [0, %d)", w, Workers(n, 8))
				}
				if busy[w].Add(1) != 1 {
					t.Errorf("worker id %d used by two goroutines at once", w)
				}
				counts[c].Add(1)
				time.Sleep(10 * time.Microsecond)
				busy[w].Add(-1)
			})
			for c := range counts {
				if got := counts[c].Load(); got != 1 {
					t.Fatalf("GOMAXPROCS %d, %d chunks: chunk %d ran %d times", procs, n, c, got)
				}
			}
		}
	}
}

// Do returns only after every claimed chunk has finished, including a
// helper's slow one.
func TestWaitsForHelpers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	for range 20 {
		var finished atomic.Int32
		Do(2, 2, func(w, c int) {
			time.Sleep(time.Millisecond)
			finished.Add(1)
		})
		if finished.Load() != 2 {
			t.Fatalf("Do returned with %d of 2 chunks finished", finished.Load())
		}
	}
}
