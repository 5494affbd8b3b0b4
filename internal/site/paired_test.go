package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
)

// The compare and home pages show the paired verdict a run stored when it
// was measured against the baseline's commit, and label a comparison of two
// unpaired runs as such.
func TestPairedVerdictOnTheSite(t *testing.T) {
	src := filepath.Join("..", "compare", "testdata")
	base, err := result.ReadFile(filepath.Join(src, "0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := result.ReadFile(filepath.Join(src, "0002_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190348_uncommitted-changes.json"))
	if err != nil {
		t.Fatal(err)
	}
	build := func(pairedAgainst string) (compareHTML, indexHTML string) {
		dir := t.TempDir()
		mdir := filepath.Join(dir, "h", "m")
		if err := os.MkdirAll(mdir, 0o755); err != nil {
			t.Fatal(err)
		}
		c := *cur
		lo, hi := 12.5, 30.25
		c.Paired = &result.Paired{Baseline: result.CommitInfo{ID: pairedAgainst}, Check: "mean:10%", Benchmarks: map[string]result.PairedBenchmark{}}
		for _, b := range c.Benchmarks {
			c.Paired.Benchmarks[b.Fullname] = result.PairedBenchmark{Name: b.Name, Field: "mean", Verdict: "regression", Pairs: 11,
				ChangePercent: 20, CILowPercent: &lo, CIHighPercent: &hi, ThresholdPercent: 10, Base: b.Stats.Mean, Cur: b.Stats.Mean * 1.2}
		}
		for name, f := range map[string]*result.File{"0001_baseline.json": base, "0002_comparison.json": &c} {
			data, err := result.Encode(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(mdir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		checks, _ := compare.ParseChecks("mean:10%")
		out := filepath.Join(dir, "public")
		if _, err := Build(Options{Storage: filepath.Join(dir, "h"), Out: out, Compare: compare.Options{Checks: checks}}); err != nil {
			t.Fatal(err)
		}
		return readFile(t, filepath.Join(out, "compare.html")), readFile(t, filepath.Join(out, "index.html"))
	}

	cmpPage, home := build(base.CommitInfo.ID)
	for _, s := range []string{"<b>Paired:</b>", "12.5, ", "30.2] 11 pairs", "99% interval", "regression"} {
		if !strings.Contains(cmpPage, s) {
			t.Errorf("paired compare page lacks %q", s)
		}
	}
	if !strings.Contains(home, ">paired</span>") {
		t.Error("home page does not say the verdicts are paired")
	}
	// The page's lead must not state the unpaired rule as the rule of
	// every comparison: a paired verdict is decided by its interval.
	if strings.Contains(cmpPage, "counts as a regression only when a Mann-Whitney") {
		t.Error("the paired compare page says its regressions are decided by a Mann-Whitney test")
	}

	cmpPage, home = build("0000000000000000000000000000000000000000")
	if !strings.Contains(cmpPage, "<b>Unpaired:</b>") || strings.Contains(cmpPage, "11 pairs") {
		t.Error("a run paired against another commit is shown as paired with this baseline")
	}
	if !strings.Contains(home, ">unpaired</span>") {
		t.Error("home page does not label the unpaired comparison")
	}
}
