package suite

import (
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range All() {
		if !strings.HasPrefix(b.Name, "Benchmark") || seen[b.Name] {
			t.Errorf("bad or duplicate name %q", b.Name)
		}
		seen[b.Name] = true
		if b.Group != GroupData && b.Group != GroupModel {
			t.Errorf("%s: group %q", b.Name, b.Group)
		}
		if got, ok := Lookup(b.Name); !ok || got.Name != b.Name {
			t.Errorf("Lookup(%q) = %v, %v", b.Name, got.Name, ok)
		}
	}
	if _, ok := Lookup("BenchmarkNope"); ok {
		t.Error("Lookup found an unknown name")
	}
	if len(seen) != 8 {
		t.Errorf("%d benchmarks, want the 8 of the issue", len(seen))
	}
}

// Every body runs and passes its own check; slow ones only without -short.
func TestBodiesPassTheirChecks(t *testing.T) {
	for _, b := range All() {
		t.Run(b.Name, func(t *testing.T) {
			if b.Slow && testing.Short() {
				t.Skip("slow")
			}
			op, check := b.Prepare()
			// Before op has run there is no result to accept.
			if err := check(); err == nil {
				t.Errorf("check passed before op ran")
			}
			for range 3 {
				op()
			}
			if err := check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
