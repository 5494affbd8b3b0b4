package memlimit

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestSetFitRestore(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	l := Set(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Fatalf("limit after Set(1 MiB) = %d", got)
	}
	// 16 MiB live, more than the limit: Fit raises it to 1.25× the live
	// heap, never lower.
	live := make([]byte, 16<<20)
	runtime.GC()
	l.Fit()
	if got := debug.SetMemoryLimit(-1); got < 20<<20 {
		t.Errorf("limit after Fit with 16 MiB live = %d, want at least 20 MiB", got)
	}
	runtime.KeepAlive(live)
	l.Restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after Restore = %d, want %d", got, before)
	}
}

func TestFitKeepsLargerLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	l := Set(1 << 40)
	defer l.Restore()
	l.Fit()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("Fit lowered the limit to %d", got)
	}
}

func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	l := Set(1 << 20)
	l.Fit()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
	l.Restore()
}
