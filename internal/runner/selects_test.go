package runner

import "testing"

// Selects follows go test -bench: levels split at slashes outside
// brackets and parentheses, each an unanchored match of the name's level.
func TestSelects(t *testing.T) {
	for _, c := range []struct {
		bench, name string
		want        bool
	}{
		{"", "BenchmarkX/a", true},
		{".", "BenchmarkX/a", true},
		{"Hash/n=100$", "BenchmarkHash/n=100", true},
		{"Hash/n=100$", "BenchmarkHash/n=1000", false},
		{"Hash/n=100$", "BenchmarkHash", true}, // the parent runs
		{"Forward", "BenchmarkForward/batch=32", true},
		{"^Forward", "BenchmarkForward", false},
		{"/batch=32", "BenchmarkForward/batch=32", true},
		{"/batch=32", "BenchmarkForward/batch=1024", false},
		{"X(a/b)", "BenchmarkX/a", false}, // one level: "X(a/b)"
		{"X[/]", "BenchmarkX/", false},
		{"(", "BenchmarkX", true}, // does not compile: the run reports it
	} {
		if got := Selects(c.bench, c.name); got != c.want {
			t.Errorf("Selects(%q, %q) = %v, want %v", c.bench, c.name, got, c.want)
		}
	}
}
