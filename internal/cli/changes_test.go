package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/history/historytest"
)

// changesHistory writes a history of 40 runs in dir/.benchmarks: BenchmarkUp
// 50 % slower from run 35 (a recent regression), BenchmarkDown 40 % faster
// from run 11, BenchmarkOld 50 % slower from run 8 (old), on machine m1;
// BenchmarkUp flat on m2.
func changesHistory(t *testing.T) (dir string, spec historytest.Spec) {
	t.Helper()
	dir = t.TempDir()
	root := filepath.Join(dir, ".benchmarks")
	spec = historytest.Spec{Machine: "m1", Runs: 40, Seed: 1, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1e-3, Steps: map[int]float64{35: 1.5}, Outliers: map[int]float64{20: 3}},
		{Name: "BenchmarkDown", Median: 4e-6, Steps: map[int]float64{11: 0.6}},
		{Name: "BenchmarkOld", Median: 2e-3, Steps: map[int]float64{8: 1.5}},
	}}
	if _, err := historytest.Write(root, spec); err != nil {
		t.Fatal(err)
	}
	if _, err := historytest.Write(root, historytest.Spec{Machine: "m2", Runs: 40, Seed: 2,
		Benchmarks: []historytest.Bench{{Name: "BenchmarkUp", Median: 1e-3}}}); err != nil {
		t.Fatal(err)
	}
	return dir, spec
}

func TestChangesJSON(t *testing.T) {
	dir, spec := changesHistory(t)
	code, out, stderr := bench(t, dir, "changes", "--format", "json")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 (a regression 6 runs ago); stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "BenchmarkUp on m1") {
		t.Errorf("stderr does not name the recent regression: %q", stderr)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	changes := doc["changes"]
	if len(doc) != 1 || len(changes) != 3 {
		t.Fatalf("document %s, want {\"changes\": [3 changes]}", out)
	}
	// The keys, and the evidence (added: drift, paired, doubtful,
	// paired_verdict).
	wantKeys := []string{"after", "before", "change_percent", "commit", "date", "direction", "doubtful", "drift", "fullname", "machine", "name", "p_value", "paired", "paired_verdict", "run"}
	for _, c := range changes {
		var keys []string
		for k := range c {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !reflect.DeepEqual(keys, wantKeys) {
			t.Fatalf("keys %v, want %v", keys, wantKeys)
		}
	}
	// Newest first.
	var got []string
	for _, c := range changes {
		got = append(got, c["name"].(string)+"@"+c["run"].(string)+":"+c["direction"].(string))
	}
	want := []string{"BenchmarkUp@0035_comparison:regression", "BenchmarkDown@0011_comparison:improvement", "BenchmarkOld@0008_comparison:regression"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	up := changes[0]
	if up["commit"] != spec.CommitID(35) || up["machine"] != "m1" || up["fullname"] != historytest.Fullname("BenchmarkUp") ||
		!strings.HasPrefix(up["date"].(string), "2026-01-02T22:00:00") {
		t.Errorf("first change: %v", up)
	}
	before, after, pct := up["before"].(float64), up["after"].(float64), up["change_percent"].(float64)
	if before < 0.9e-3 || before > 1.1e-3 || after < 1.35e-3 || after > 1.65e-3 || pct < 35 || pct > 65 {
		t.Errorf("before %g s, after %g s, %+.1f%%; want ≈ 1 ms → 1.5 ms", before, after, pct)
	}
	if p := up["p_value"].(float64); p <= 0 || p > 0.01 {
		t.Errorf("p-value %g", p)
	}
}

func TestChangesFiltersAndExit(t *testing.T) {
	dir, _ := changesHistory(t)
	// The recent regression is 6 runs old: --fail-recent 5 lets it pass.
	if code, _, stderr := bench(t, dir, "changes", "--fail-recent", "5"); code != ExitOK {
		t.Errorf("--fail-recent 5: exit %d (%s)", code, stderr)
	}
	if code, _, _ := bench(t, dir, "changes", "--fail-recent", "0"); code != ExitOK {
		t.Errorf("--fail-recent 0: exit %d", code)
	}
	code, out, _ := bench(t, dir, "changes")
	if code != ExitFail || !strings.Contains(out, "Regressions at the newest runs (within 10):") ||
		!strings.Contains(out, "BenchmarkUp on m1: +") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "BenchmarkOld on m1") {
		t.Errorf("the old regression fails the build:\n%s", out)
	}
	// --since a run number (of a machine: run numbers are per machine) and
	// a date.
	_, out, _ = bench(t, dir, "changes", "--since", "0011", "--machine", "m1", "--fail-recent", "0")
	if !strings.Contains(out, "0011_comparison") || strings.Contains(out, "0008_comparison") {
		t.Errorf("--since 0011:\n%s", out)
	}
	_, out, _ = bench(t, dir, "changes", "--since", "0011_comparison", "--machine", "m1", "--fail-recent", "0")
	if !strings.Contains(out, "0011_comparison") || strings.Contains(out, "0008_comparison") {
		t.Errorf("--since 0011_comparison:\n%s", out)
	}
	for _, date := range []string{"2026-01-02", "20260102"} {
		_, out, _ = bench(t, dir, "changes", "--since", date, "--fail-recent", "0")
		if !strings.Contains(out, "0035_comparison") || strings.Contains(out, "0011_comparison") {
			t.Errorf("--since %s:\n%s", date, out)
		}
	}
	// The exit status considers only the changes listed: the recent
	// regression (run 35) is left out by --since a later date.
	if code, out, _ := bench(t, dir, "changes", "--since", "2026-01-02T23:00:00Z"); code != ExitOK || strings.Contains(out, "BenchmarkUp on m1") {
		t.Errorf("--since after the regression: exit %d\n%s", code, out)
	}
	// A run that does not exist, a run without a machine when there are
	// two, and a label of another run are refused, naming what is wrong.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "0099", "--machine", "m1"}, "machine m1 has no run 0099 (its runs are 0001_baseline to 0040_comparison"},
		{[]string{"--since", "0011_baseline", "--machine", "m1"}, "has no run 0011_baseline"},
		{[]string{"--since", "0011"}, "run numbers are per machine and 2 machines have runs (m1, m2); add --machine ID, or give a date"},
		{[]string{"--since", "20261399"}, `"20261399" is neither a date`},
	} {
		code, _, stderr := bench(t, dir, append([]string{"changes"}, c.args...)...)
		if code != ExitBadUse || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	// --machine m2: a flat series, nothing to report.
	code, out, _ = bench(t, dir, "changes", "--machine", "m2", "--format", "markdown")
	if code != ExitOK || !strings.Contains(out, "No change points found.") {
		t.Errorf("--machine m2: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"--since", "yesterday"}, {"--since", ""}, {"--since= "}, {"--machine", "nope"}, {"--format", "xml"}, {"--fail-recent", "-1"}, {"extra"},
	} {
		code, _, stderr := bench(t, dir, append([]string{"changes"}, args...)...)
		if code != ExitBadUse || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, stderr)
		}
	}
}

// TestChangesSinceShortLabel: a run label of 8 characters ("0035_pr7",
// as `run --save pr7` names it) is a run, not a malformed date.
func TestChangesSinceShortLabel(t *testing.T) {
	dir, _ := changesHistory(t)
	m1 := filepath.Join(dir, ".benchmarks", "m1")
	if err := os.Rename(filepath.Join(m1, "0035_comparison.json"), filepath.Join(m1, "0035_pr7.json")); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := bench(t, dir, "changes", "--since", "0035_pr7", "--machine", "m1")
	if code != ExitFail || !strings.Contains(out, "0035_pr7") || strings.Contains(out, "0011_comparison") {
		t.Errorf("--since 0035_pr7: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

// TestChangesCache: changes keeps the history's summaries in the cache
// build keeps (historyCache, under the user cache directory), with the same
// comparison options, so the two commands reuse each other's work; a warm
// run lists the same changes as a cold one.
func TestChangesCache(t *testing.T) {
	dir, _ := changesHistory(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	cache := historyCache(filepath.Join(dir, ".benchmarks"))
	if cache == "" {
		t.Fatal("no user cache directory")
	}
	code, cold, stderr := bench(t, dir, "changes", "--format", "json")
	if code != ExitFail {
		t.Fatalf("cold: exit %d (%s)", code, stderr)
	}
	st, err := os.Stat(filepath.Join(cache, "history.gob"))
	if err != nil {
		t.Fatalf("changes kept no history cache: %v", err)
	}
	code, warm, stderr := bench(t, dir, "changes", "--format", "json")
	if code != ExitFail || warm != cold {
		t.Errorf("warm: exit %d (%s)\n%s\nwant\n%s", code, stderr, warm, cold)
	}
	// A build with the same history and configuration reuses the cache as
	// it is: the file it writes holds the same records.
	before, err := os.ReadFile(filepath.Join(cache, "history.gob"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := bench(t, dir, "build", "--out", filepath.Join(t.TempDir(), "public")); code != ExitOK {
		t.Fatalf("build: exit %d (%s)", code, stderr)
	}
	after, err := os.ReadFile(filepath.Join(cache, "history.gob"))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) || st.Size() != int64(len(before)) {
		t.Errorf("build rewrote the cache changes kept: %d bytes, then %d, then %d", st.Size(), len(before), len(after))
	}
}

func TestChangesUnreadableFile(t *testing.T) {
	dir, _ := changesHistory(t)
	bad := filepath.Join(dir, ".benchmarks", "m1", "0041_comparison.json")
	if err := os.WriteFile(bad, []byte(`{"benchmarks": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := bench(t, dir, "changes")
	if code != ExitBadUse || !strings.Contains(stderr, "0041_comparison.json") {
		t.Errorf("exit %d, stderr %q; want 2 naming the file", code, stderr)
	}
	// The advice names a flag changes has, and is given once.
	if !strings.Contains(stderr, "--skip-invalid") || strings.Count(stderr, "delete the file")+strings.Count(stderr, "remove the file") != 1 {
		t.Errorf("advice: %q", stderr)
	}
	code, out, stderr := bench(t, dir, "changes", "--skip-invalid")
	if code != ExitFail || !strings.Contains(stderr, "warning: skipping unreadable result file") || !strings.Contains(stderr, "0041_comparison.json") ||
		!strings.Contains(out, "0035_comparison") {
		t.Errorf("--skip-invalid: exit %d, want 1 (the recent regression) with a warning naming the file\n%s%s", code, out, stderr)
	}
	// A NaN statistic: one piece of advice, not two.
	if err := os.WriteFile(bad, []byte(`{"machine_info": {}, "commit_info": {}, "datetime": "2026-01-03T12:00:00", "version": "x", "benchmarks": [{"group": null, "name": "BenchmarkUp", "fullname": "BenchmarkUp", "params": null, "param": null, "extra_info": {}, "options": {}, "stats": {"min": 1, "max": 1, "mean": 1, "stddev": NaN, "rounds": 1, "median": 1, "iqr": 0, "q1": 1, "q3": 1, "iqr_outliers": 0, "stddev_outliers": 0, "outliers": "0;0", "ld15iqr": 1, "hd15iqr": 1, "ops": 1, "total": 1, "iterations": 1}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = bench(t, dir, "changes")
	if code != ExitBadUse || !strings.Contains(stderr, "NaN") || strings.Count(stderr, "fix or") != 1 {
		t.Errorf("NaN: exit %d, stderr %q; want 2 and the advice once", code, stderr)
	}
}

// A benchmark that regressed and then left the suite does not fail builds
// for ever: age counts the machine's runs, not the benchmark's.
func TestChangesRemovedBenchmarkAges(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, ".benchmarks")
	// BenchmarkGone: 40 runs with a regression at run 35, then removed;
	// BenchmarkStays runs on for 20 more runs, flat.
	if _, err := historytest.Write(root, historytest.Spec{Machine: "m", Runs: 40, Seed: 5, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkGone", Median: 1e-3, Steps: map[int]float64{35: 1.5}},
	}}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := bench(t, dir, "changes"); code != ExitFail || !strings.Contains(out, "BenchmarkGone on m") {
		t.Fatalf("before removal: exit %d\n%s", code, out)
	}
	later := t.TempDir()
	if _, err := historytest.Write(later, historytest.Spec{Machine: "m", Runs: 60, Seed: 6, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkStays", Median: 1e-3},
	}}); err != nil {
		t.Fatal(err)
	}
	for r := 41; r <= 60; r++ {
		name := fmt.Sprintf("%04d_comparison.json", r)
		data, err := os.ReadFile(filepath.Join(later, "m", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "m", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := bench(t, dir, "changes")
	if code != ExitOK || !strings.Contains(out, "0035_comparison") {
		t.Errorf("20 runs after the benchmark left: exit %d, want 0 with the change still listed\n%s", code, out)
	}
}

// An empty history says so, rather than "No change points found."
func TestChangesNoRuns(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".benchmarks"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, _ := bench(t, dir, "changes")
	if code != ExitOK || !strings.Contains(out, "No runs saved in .benchmarks yet") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = bench(t, dir, "changes", "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"changes": []`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
}

func TestChangesPairedJSON(t *testing.T) {
	// BenchmarkUp 40 % slower from run 21; run 22 was measured in pairs
	// against the baseline (run 1) and found the regression.
	dir := t.TempDir()
	spec := historytest.Spec{Runs: 40, Seed: 4, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1e-3, Steps: map[int]float64{21: 1.4},
			Paired: map[int]historytest.Paired{22: {Verdict: "regression", Change: 39.5, CILow: 36.1, CIHigh: 43.0}}},
	}}
	if _, err := historytest.Write(filepath.Join(dir, ".benchmarks"), spec); err != nil {
		t.Fatal(err)
	}
	_, out, stderr := bench(t, dir, "changes", "--format", "json")
	var doc struct {
		Changes []struct {
			Run, Direction   string
			Paired, Doubtful bool
			Drift            *struct{}
			PairedVerdict    *struct {
				Run, Status   string
				ChangePercent *float64 `json:"change_percent"`
				Pairs         int
			} `json:"paired_verdict"`
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s\n%s", err, out, stderr)
	}
	if len(doc.Changes) != 1 {
		t.Fatalf("changes %s, want one", out)
	}
	c := doc.Changes[0]
	if c.Run != "0021_comparison" || c.Direction != "regression" || !c.Paired || c.Doubtful || c.Drift != nil {
		t.Errorf("change %+v, want a regression at 0021 confirmed by a paired verdict", c)
	}
	pv := c.PairedVerdict
	if pv == nil || pv.Run != "0022_comparison" || pv.Status != "regression" || pv.Pairs != 10 ||
		pv.ChangePercent == nil || *pv.ChangePercent != 39.5 {
		t.Fatalf("paired_verdict %+v in %s", pv, out)
	}
	var raw map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if v, _ := raw["changes"][0]["paired_verdict"].(map[string]any); v["ci_low_percent"] != 36.1 || v["ci_high_percent"] != 43.0 {
		t.Errorf("paired_verdict interval %v, want [36.1, 43]", v)
	}
	// The table says so too.
	_, table, _ := bench(t, dir, "changes")
	if !strings.Contains(table, "confirmed: paired +39.5% [+36.1, +43.0] in 0022_comparison") {
		t.Errorf("table does not show the paired confirmation:\n%s", table)
	}
}
