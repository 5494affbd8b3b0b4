package history

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/history/historytest"
)

// describe writes out everything a History holds that commands and pages
// read, so two loads can be compared whole.
func describe(t *testing.T, h *History) string {
	t.Helper()
	var b strings.Builder
	js := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	fmt.Fprintf(&b, "runs %d skipped %d warnings %q\n", h.Runs, len(h.Skipped), h.Warnings)
	for _, m := range h.Machines {
		fmt.Fprintf(&b, "machine %s newest %s baseline %s info %s targets %s\n", m.ID, m.Newest.Label, m.NewestBaseline.Label, js(m.Info), js(m.Targets))
		if m.Report != nil {
			for _, row := range m.Report.Rows {
				fmt.Fprintf(&b, "report %s %s %v %s %v %v %q\n", row.Fullname, row.Status, row.Change, row.Field, row.P, row.Significant, row.Failures)
			}
		}
		for _, r := range m.Runs {
			base := ""
			if r.Base != nil {
				base = r.Base.Label
			}
			fmt.Fprintf(&b, "run %s base %s time %v commit %s info %s benchmarks %d %d\n", r.Label, base, r.Time, js(r.File.CommitInfo), js(r.File.MachineInfo), len(r.File.Benchmarks), r.Benchmarks)
		}
	}
	for _, bn := range h.Benchmarks {
		for _, s := range bn.Series {
			if s == nil {
				continue
			}
			fmt.Fprintf(&b, "series %s %s outliers %v\n", bn.Fullname, s.Machine.ID, s.Outliers)
			for _, p := range s.Points {
				by, hasBy := p.Sum.BytesPerOp()
				al, hasAl := p.Sum.AllocsPerOp()
				gc, gcRec := p.Sum.GCDisabled()
				fmt.Fprintf(&b, "  %s %s mem %v %v %v %v unit %q %v gc %v %v options %s whole %s %+v\n", p.Run.Label, js(p.Sum.Stats()),
					by, hasBy, al, hasAl, p.Sum.Unit(), p.Sum.HigherIsBetter(), gc, gcRec, js(p.Sum.Options()), js(p.Bench), p.Verdict())
			}
			for _, c := range s.Changes {
				fmt.Fprintf(&b, "  change at %s %v %v %v\n", c.Run.Label, c.Before, c.After, c.PValue)
			}
		}
	}
	return b.String()
}

func cacheSpec(runs int) historytest.Spec {
	return historytest.Spec{Machine: "m1", Runs: runs, BaselineEvery: 10, Seed: 3,
		Benchmarks: []historytest.Bench{
			{Name: "BenchmarkA", Median: 2e-6, Steps: map[int]float64{20: 1.5}},
			{Name: "BenchmarkB", Median: 1e-3, Outliers: map[int]float64{12: 3}},
		}}
}

// A load that reuses the cache of an earlier one finds the same history as
// a load without a cache: after a run is added, and after every file is
// rewritten with the same bytes (new modification times).
func TestCacheGivesTheSameHistory(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	checks, err := compare.ParseChecks("mean:5%")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Storage: root, Compare: compare.Options{Checks: checks}}
	cached := opt
	cached.Cache = dir
	write(t, root, cacheSpec(40))
	// A second machine whose newest run lacks a benchmark: its series'
	// newest point comes from an older, cached run.
	write(t, root, historytest.Spec{Machine: "m2", Runs: 3, Benchmarks: []historytest.Bench{{Name: "BenchmarkA", Median: 2e-6}, {Name: "BenchmarkC", Median: 1e-6}}})
	os.WriteFile(filepath.Join(root, "m2", "0004_comparison.json"), mustRead(t, filepath.Join(root, "m1", "0002_comparison.json")), 0o644)

	// The earlier cache is read in step with the listing: runs removed from
	// its middle, and a machine listed before the others, are passed over
	// or missed, never mistaken for another file.
	for _, step := range []string{"cold cache", "warm cache", "one run added", "files rewritten", "runs removed", "a machine listed first"} {
		switch step {
		case "one run added":
			write(t, root, cacheSpec(41))
		case "files rewritten":
			time.Sleep(10 * time.Millisecond)
			write(t, root, cacheSpec(41))
		case "runs removed":
			for _, f := range []string{"0007_comparison.json", "0011_baseline.json"} {
				if err := os.Remove(filepath.Join(root, "m1", f)); err != nil {
					t.Fatal(err)
				}
			}
		case "a machine listed first":
			write(t, root, historytest.Spec{Machine: "m0", Runs: 4, Benchmarks: []historytest.Bench{{Name: "BenchmarkA", Median: 3e-6}}})
		}
		plain, err := Load(opt)
		if err != nil {
			t.Fatal(err)
		}
		h, err := Load(cached)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := describe(t, h), describe(t, plain); got != want {
			t.Fatalf("%s: the history loaded with the cache differs from one without:\n%s", step, firstDiff(got, want))
		}
		if _, err := os.Stat(filepath.Join(dir, cacheName)); err != nil {
			t.Fatalf("%s: no cache written: %v", step, err)
		}
	}
}

// The cache takes a file whose size, modification time and inode are
// unchanged to be unchanged, and reads any other again: a file damaged in
// place with its time put back still loads from the cache, and once its
// time moves it is read and its error reported.
func TestCacheRereadsChangedFiles(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	paths, err := historytest.Write(root, cacheSpec(12))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Storage: root, Cache: dir}
	if _, err := Load(opt); err != nil {
		t.Fatal(err)
	}
	p := paths[4]
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	data := mustRead(t, p)
	damaged := []byte(strings.Replace(string(data), `"median":`, `"median":"x",`, 1))
	damaged = damaged[:len(data)] // the same size
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(damaged, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(opt); err != nil {
		t.Fatalf("an unchanged size, time and inode should be read from the cache: %v", err)
	}
	if err := os.Chtimes(p, st.ModTime().Add(time.Second), st.ModTime().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(opt); err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
		t.Fatalf("a changed file should be read again and its error name it, got %v", err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}
