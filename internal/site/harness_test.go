package site

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/ingest"
	"github.com/benchsite/benchsite/internal/storage"
)

// Runs imported from other harnesses show their harness, and figures that
// are not times show in their own unit, on the benchmark pages and the
// overview.
func TestHarnessRuns(t *testing.T) {
	dir := t.TempDir()
	store := storage.Store{Root: filepath.Join(dir, "history")}
	for _, f := range []string{"github-action-benchmark/jmh_output.json", "github-action-benchmark/catch2_output_v2.txt"} {
		run, err := ingest.ReadFile(filepath.Join("..", "harness", "testdata", filepath.FromSlash(f)), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Save(run.File.MachineInfo.ID(), "baseline", run.File); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	checks, _ := compare.ParseChecks("mean:10%")
	if _, err := Build(Options{Storage: store.Root, Out: out, Compare: compare.Options{Checks: checks}}); err != nil {
		t.Fatal(err)
	}
	var jmh, catch string
	for _, f := range siteFiles(t, out) {
		switch {
		case strings.HasPrefix(f, "bench/org-openjdk-jmh"):
			jmh = readFile(t, filepath.Join(out, f))
		case strings.HasPrefix(f, "bench/fibonacci-20-"):
			catch = readFile(t, filepath.Join(out, f))
		}
	}
	if !strings.Contains(jmh, "measured with JMH 1.29") || !strings.Contains(jmh, "3.377G ops/s") {
		t.Errorf("the JMH page names neither its harness nor ops/s")
	}
	// ops/s is the median column already, and 1 / (ops/s) means nothing:
	// no OPS column for a throughput; times keep it.
	if strings.Contains(jmh, ">OPS</th>") || !strings.Contains(catch, ">OPS</th>") {
		t.Errorf("OPS column on the JMH page %v, on the Catch2 page %v; want only on Catch2's", strings.Contains(jmh, ">OPS</th>"), strings.Contains(catch, ">OPS</th>"))
	}
	if !strings.Contains(catch, "measured with Catch2 2.11.0") || !strings.Contains(catch, "41.73 µs") {
		t.Errorf("the Catch2 page names neither its harness nor the mean in µs")
	}
	if home := readFile(t, filepath.Join(out, "index.html")); !strings.Contains(home, "3.377G ops/s") {
		t.Errorf("the overview shows the JMH median without its unit")
	}
	if m := readFile(t, filepath.Join(out, "machines.html")); !strings.Contains(m, "JMH 1.29") || !strings.Contains(m, "Catch2 2.11.0") {
		t.Errorf("machines.html does not name the harnesses")
	}
}
