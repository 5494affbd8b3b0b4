package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
)

// A build into the output of an earlier one, with the cache it left, after
// a run was added, writes the very bytes a clean build without a cache
// writes. The history is long enough for the data files to be downsampled
// and cut into periods.
func TestIncrementalBuildIsIdentical(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	paths := genHistory(t, hist, genSpec{Runs: 651, Benchmarks: 3, Regress: 640, Seed: 5})
	newest := paths[len(paths)-1]
	aside := filepath.Join(dir, "newest.json")
	if err := os.Rename(newest, aside); err != nil {
		t.Fatal(err)
	}
	checks, _ := compare.ParseChecks("mean:10%")
	opt := Options{Storage: hist, Out: filepath.Join(dir, "public"), Cache: filepath.Join(dir, "cache"),
		RepoURL: "https://github.com/owner/repo", Compare: compare.Options{Checks: checks}}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	periods, _ := filepath.Glob(filepath.Join(opt.Out, "data", "benchmarkwork00-*", "*", "*.json"))
	if len(periods) != 2 {
		t.Fatalf("period files of benchmark 0 before the run is added: %v", periods)
	}
	var before []os.FileInfo
	for _, p := range periods {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, st)
	}
	pagesBefore := htmlFiles(t, opt.Out)
	if err := os.Rename(aside, newest); err != nil {
		t.Fatal(err)
	}
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	// The pages the new run touches are rendered again: the benchmark
	// pages (their newest page of runs), the home, compare, changes and
	// machines pages. The others — every older page of the runs tables,
	// targets.html, 404.html — are the earlier build's files.
	rendered := map[string]bool{}
	for p, st := range htmlFiles(t, opt.Out) {
		if old, ok := pagesBefore[p]; !ok || !os.SameFile(old, st) {
			rendered[p] = true
		}
	}
	mayChange := map[string]bool{"index.html": true, "compare.html": true, "changes.html": true, "machines.html": true}
	benchPages := 0
	for p := range rendered {
		if m, _ := filepath.Match("bench/*.html", p); m {
			benchPages++
		} else if !mayChange[p] {
			t.Errorf("%s was rendered again; the new run does not change it", p)
		}
	}
	for _, p := range []string{"index.html", "machines.html"} {
		if !rendered[p] {
			t.Errorf("%s was kept from the earlier build; the new run changes it", p)
		}
	}
	if benchPages != 3 {
		t.Errorf("%d benchmark pages rendered again, want all 3 (the run has every benchmark)", benchPages)
	}
	older, _ := filepath.Glob(filepath.Join(opt.Out, "bench", "*", "*", "runs-*.html"))
	if len(older) != 3*6 {
		t.Errorf("%d older pages of runs, want 6 per benchmark (runs 1–600)", len(older))
	}
	if got := res.Pages - res.ReusedPages; got != len(rendered) {
		t.Errorf("the build says it rendered %d pages; %d files are new", got, len(rendered))
	}
	if !strings.Contains(res.String(), fmt.Sprintf("(%d rendered, %d unchanged)", len(rendered), res.ReusedPages)) {
		t.Errorf("the build's summary %q does not count the rendered and unchanged pages", res.String())
	}
	// The first period's file is the earlier build's (linked), the second,
	// which the new run joined, is written anew.
	for i, p := range periods {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if same := os.SameFile(before[i], st); same != (i == 0) {
			t.Errorf("%s: the same file as the earlier build's: %v, want %v", p, same, i == 0)
		}
	}
	clean := opt
	clean.Out, clean.Cache = filepath.Join(dir, "clean"), ""
	if _, err := Build(clean); err != nil {
		t.Fatal(err)
	}
	got, want := tree(t, opt.Out), tree(t, clean.Out)
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("the incremental build lacks %s", p)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s differs from the clean build's", p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("the incremental build has %s, which the clean build has not", p)
		}
	}

	// The data file holds a downsampled series with every baseline, the
	// regression and the newest runs; the period files hold every run once.
	var slug string
	for p := range want {
		if m, _ := filepath.Match("data/benchmarkwork00-*.json", p); m {
			slug = p[len("data/") : len(p)-len(".json")]
		}
	}
	var d benchData
	if err := json.Unmarshal(want["data/"+slug+".json"], &d); err != nil {
		t.Fatal(err)
	}
	m := d.Machines[0]
	if m.Total != 651 || len(m.Runs) >= 651 || len(m.Periods) != 2 {
		t.Fatalf("data file: %d of %d runs, %d periods; want a downsampled series and 2 periods", len(m.Runs), m.Total, len(m.Periods))
	}
	kept := map[int]runRow{}
	for _, r := range m.Runs {
		kept[r.I] = r
	}
	for i := 0; i < 651; i += 100 { // baselines: runs 1, 101, …
		if !kept[i].Baseline {
			t.Errorf("baseline run %d is not among the rows drawn", i+1)
		}
	}
	if kept[639].Verdict != "regression" {
		t.Errorf("the regression (run 640) is not among the rows drawn")
	}
	for i := 651 - newestRuns; i < 651; i++ {
		if _, ok := kept[i]; !ok {
			t.Fatalf("newest run %d is not among the rows drawn", i+1)
		}
	}
	next := 0
	for _, p := range m.Periods {
		var pf struct{ Runs []runRow }
		if err := json.Unmarshal(want["data/"+filepath.ToSlash(p.URL)], &pf); err != nil {
			t.Fatalf("period %s: %v", p.URL, err)
		}
		if p.From != next || len(pf.Runs) != p.To-p.From || pf.Runs[0].T == nil || *pf.Runs[0].T != *p.T0 {
			t.Fatalf("period %s: runs %d–%d (%d rows), want from %d", p.URL, p.From, p.To, len(pf.Runs), next)
		}
		for _, r := range pf.Runs {
			if r.I != next {
				t.Fatalf("period %s: row %d where %d belongs", p.URL, r.I, next)
			}
			next++
		}
	}
	if next != 651 {
		t.Errorf("the period files hold %d runs, want 651", next)
	}
}

// htmlFiles stats every HTML page under root, by slash path.
func htmlFiles(t *testing.T, root string) map[string]os.FileInfo {
	t.Helper()
	out := map[string]os.FileInfo{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		st, err := os.Stat(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = st
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tree reads every file under root, by slash path.
func tree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
