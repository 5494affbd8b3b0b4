package history

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
)

func TestZZHeap(t *testing.T) {
	root := os.Getenv("ZZ_ROOT")
	if root == "" {
		t.Skip()
	}
	runtime.MemProfileRate = 512
	checks, _ := compare.ParseChecks("mean:10%")
	h, err := Load(Options{Storage: root, Cache: t.TempDir(), Compare: compare.Options{Checks: checks}})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	f, _ := os.Create("/tmp/wt11m-heap.out")
	pprof.Lookup("heap").WriteTo(f, 0)
	f.Close()
	runtime.KeepAlive(h)
}
