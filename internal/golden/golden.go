// Package golden compares rendered output in tests with golden files, as
// golang.org/x/perf's cmd/benchstat tests do: the whole output is stated in
// testdata/golden/NAME; on a mismatch the output is written beside it as
// NAME.got (so `diff` shows the change) and the test fails; with the test
// flag -update the golden file is rewritten instead, to be read by a person
// before it is committed:
//
//	go test ./internal/report ./internal/site -run Golden -update
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/* from the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with testdata/golden/name (relative to the test's
// package directory).
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		os.Remove(path + ".got")
		return
	}
	if err := os.WriteFile(path+".got", got, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Errorf("%s differs from the golden file; the output is in %s.got (diff them; -update accepts it)", path, path)
}
