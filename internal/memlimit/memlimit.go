// Package memlimit bounds the memory of a long command (`benchsite build`)
// with the Go runtime's soft memory limit (runtime/debug.SetMemoryLimit,
// the GOMEMLIMIT setting; see https://go.dev/doc/gc-guide#Memory_limit).
//
// With the default GOGC=100 the heap grows to twice what is live before
// the collector runs, so a build whose live heap is 170 MB (a history of
// 100,000 runs × 5 benchmarks) peaks above 500 MB. A soft limit makes the
// collector run earlier instead, when the heap nears it. The limit is soft:
// when more than it is live, the runtime lets the heap grow (spending at
// most about half the CPU on collection); Fit raises the limit once the
// live heap is known, so that a history larger than the limit was made for
// builds at a bounded cost (a heap of 1.25× what is live).
//
// A GOMEMLIMIT in the environment wins: Set and Fit then change nothing.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// Build is the soft limit of `benchsite build`, in bytes: the runtime's
// whole memory (heap, stacks, its own structures) is held near it; the
// process's resident size is about 20 MB more (the binary's code and
// data).
const Build = 96 << 20

// Limit is a soft memory limit in force.
type Limit struct {
	set   bool  // false: GOMEMLIMIT was given, or no limit
	bytes int64 // the limit set
	old   int64 // the limit before Set
}

// Set sets the soft memory limit to bytes unless the environment gives
// GOMEMLIMIT. Restore puts back the limit before it.
func Set(bytes int64) *Limit {
	if os.Getenv("GOMEMLIMIT") != "" || bytes <= 0 {
		return &Limit{}
	}
	return &Limit{set: true, bytes: bytes, old: debug.SetMemoryLimit(bytes)}
}

// Fit raises the limit to 1.25× the live heap (as of the last collection)
// when that is more than the limit: the collector then runs as often as
// with GOGC=25, rather than all the time. It never lowers the limit.
func (l *Limit) Fit() {
	if l == nil || !l.set {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := s[0].Value.Uint64()
	if live > math.MaxInt64/2 {
		return
	}
	if want := int64(live) * 5 / 4; want > l.bytes {
		l.bytes = want
		debug.SetMemoryLimit(want)
	}
}

// Restore puts back the limit in force before Set.
func (l *Limit) Restore() {
	if l != nil && l.set {
		debug.SetMemoryLimit(l.old)
		l.set = false
	}
}
