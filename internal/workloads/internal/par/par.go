// Package par runs the workloads' parallel loops.
//
// Do splits a loop into chunks that the calling goroutine and up to
// GOMAXPROCS−1 helpers claim one at a time. The caller never waits for a
// helper to start: if the helpers are slow to be scheduled (another process
// has the other core), the caller claims every chunk itself and the loop
// costs what a serial one does, plus a few atomic operations. It only
// waits for chunks a helper has claimed. Each chunk is done whole by one
// goroutine, so as long as chunks write disjoint outputs, the results do not
// depend on how many helpers ran.
package par

import (
	"runtime"
	"sync/atomic"
)

// Do calls f(w, c) once for every chunk c in [0, chunks), where w in
// [0, Workers(chunks, maxWorkers)) identifies the goroutine (for per-worker
// scratch); two concurrent calls never share a w. It returns when all calls
// have.
func Do(chunks, maxWorkers int, f func(w, c int)) {
	workers := Workers(chunks, maxWorkers)
	if workers <= 1 {
		for c := range chunks {
			f(0, c)
		}
		return
	}
	s := &state{chunks: int64(chunks), finished: make(chan struct{})}
	for w := 1; w < workers; w++ {
		go s.work(w, f)
	}
	s.work(0, f)
	if s.done.Load() < s.chunks {
		<-s.finished
	}
}

// Workers is how many goroutines Do uses: min(GOMAXPROCS, chunks,
// maxWorkers), at least 1.
func Workers(chunks, maxWorkers int) int {
	return max(1, min(runtime.GOMAXPROCS(0), chunks, maxWorkers))
}

type state struct {
	next, done atomic.Int64
	chunks     int64
	finished   chan struct{} // closed by whoever finishes the last chunk
}

func (s *state) work(w int, f func(w, c int)) {
	for {
		c := s.next.Add(1) - 1
		if c >= s.chunks {
			return
		}
		f(w, int(c))
		if s.done.Add(1) == s.chunks {
			close(s.finished)
		}
	}
}
