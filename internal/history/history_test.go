package history

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/changepoint"
	"github.com/benchsite/benchsite/internal/history/historytest"
)

func write(t *testing.T, root string, s historytest.Spec) {
	t.Helper()
	if _, err := historytest.Write(root, s); err != nil {
		t.Fatal(err)
	}
}

func TestLoadBaselinesAndSeries(t *testing.T) {
	root := t.TempDir()
	write(t, root, historytest.Spec{Machine: "m1", Runs: 7, BaselineEvery: 3,
		Benchmarks: []historytest.Bench{{Name: "BenchmarkB", Median: 1e-3}, {Name: "BenchmarkA", Median: 2e-6}}})
	write(t, root, historytest.Spec{Machine: "m0", Runs: 2,
		Benchmarks: []historytest.Bench{{Name: "BenchmarkA", Median: 2e-6}}})
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Machines) != 2 || h.Machines[0].ID != "m0" || h.Runs != 9 {
		t.Fatalf("machines %d (first %s), runs %d", len(h.Machines), h.Machines[0].ID, h.Runs)
	}
	m := h.Machines[1]
	// Baselines are runs 1, 4, 7; each run's baseline in force is the
	// newest baseline before it.
	wantBase := []string{"", "0001_baseline", "0001_baseline", "0001_baseline", "0004_baseline", "0004_baseline", "0004_baseline"}
	for i, r := range m.Runs {
		got := ""
		if r.Base != nil {
			got = r.Base.Label
		}
		if got != wantBase[i] {
			t.Errorf("run %s: baseline in force %q, want %q", r.Label, got, wantBase[i])
		}
	}
	for _, r := range m.Runs {
		if r.Benchmarks != 2 {
			t.Errorf("run %s counts %d benchmarks, want 2 (list shows it for every run)", r.Label, r.Benchmarks)
		}
	}
	if m.NewestBaseline.Label != "0007_baseline" || m.Newest != m.NewestBaseline || m.Report != nil {
		t.Errorf("newest baseline %s, newest %s, report %v", m.NewestBaseline.Label, m.Newest.Label, m.Report)
	}
	if len(h.Benchmarks) != 2 || h.Benchmarks[0].Name != "BenchmarkA" {
		t.Fatalf("benchmarks not sorted by name: %v", h.Benchmarks)
	}
	a := h.ByFullname[historytest.Fullname("BenchmarkA")]
	if a.Series[0] == nil || len(a.Series[0].Points) != 2 || len(a.Series[1].Points) != 7 {
		t.Errorf("series of A: %+v", a.Series)
	}
	b := h.ByFullname[historytest.Fullname("BenchmarkB")]
	if b.Series[0] != nil {
		t.Errorf("B has a series on m0, which never ran it")
	}
}

func TestLoadUnreadable(t *testing.T) {
	root := t.TempDir()
	write(t, root, historytest.Spec{Runs: 3, Benchmarks: []historytest.Bench{{Name: "BenchmarkA", Median: 1e-3}}})
	bad := filepath.Join(root, "Linux-Go-1.26-64bit", "0004_comparison.json")
	if err := os.WriteFile(bad, []byte(`{"benchmarks": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Options{Storage: root}); err == nil || !strings.Contains(err.Error(), "0004_comparison.json") {
		t.Fatalf("err = %v, want one naming the file", err)
	}
	h, err := Load(Options{Storage: root, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Skipped) != 1 || h.Skipped[0].Entry.Path != bad || h.Runs != 3 {
		t.Errorf("skipped %v, runs %d", h.Skipped, h.Runs)
	}
}

func TestChanges(t *testing.T) {
	root := t.TempDir()
	spec := historytest.Spec{Runs: 60, Seed: 3, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkSlower", Median: 1e-3, Steps: map[int]float64{31: 1.5}},
		{Name: "BenchmarkFaster", Median: 5e-6, Steps: map[int]float64{21: 0.6}, Outliers: map[int]float64{45: 3}},
		{Name: "BenchmarkFlat", Median: 2e-3, Outliers: map[int]float64{10: 3, 60: 3}},
	}}
	write(t, root, spec)
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	ch := h.Changes()
	if len(ch) != 2 {
		for _, c := range ch {
			t.Logf("%s at %s %+.1f%%", c.Series.Benchmark.Name, c.Run.Label, c.Percent)
		}
		t.Fatalf("%d changes, want 2 (one per step, none for the outliers)", len(ch))
	}
	// Newest first.
	slower, faster := ch[0], ch[1]
	if slower.Series.Benchmark.Name != "BenchmarkSlower" || slower.Run.Label != "0031_comparison" ||
		slower.Direction != Regression || slower.Percent < 40 || slower.Percent > 60 || slower.Age != 29 {
		t.Errorf("first change: %s at %s, %s %+.1f%%, age %d; want BenchmarkSlower at 0031, regression ≈ +50%%, age 29",
			slower.Series.Benchmark.Name, slower.Run.Label, slower.Direction, slower.Percent, slower.Age)
	}
	if faster.Series.Benchmark.Name != "BenchmarkFaster" || faster.Run.Label != "0021_comparison" ||
		faster.Direction != Improvement || faster.Percent > -30 || faster.Percent < -50 {
		t.Errorf("second change: %s at %s, %s %+.1f%%; want BenchmarkFaster at 0021, improvement ≈ −40%%",
			faster.Series.Benchmark.Name, faster.Run.Label, faster.Direction, faster.Percent)
	}
	if slower.Run.File.CommitInfo.ID != spec.CommitID(31) {
		t.Errorf("change's commit %s, want run 31's", slower.Run.File.CommitInfo.ID)
	}
	// Open: the newest change of its series, a regression, among the
	// machine's newest N runs. The regression at run 31 of 60 has 29 runs
	// after it: open within 30, not within the default 10.
	if !slower.Latest() || !slower.Open(30) {
		t.Error("the regression, the newest change of its series, is not open within 30 runs")
	}
	if slower.Open(RecentRuns) || slower.Open(29) {
		t.Errorf("a regression 29 runs old is open within %d runs", RecentRuns)
	}
	if faster.Open(100) {
		t.Error("an improvement is open")
	}
	if got := OpenRegressions(ch, 30); len(got) != 1 || got[0] != slower {
		t.Errorf("open regressions within 30: %v", got)
	}
	if got := OpenRegressions(ch, RecentRuns); len(got) != 0 {
		t.Errorf("open regressions within %d: %v", RecentRuns, got)
	}
	flat := h.ByFullname[historytest.Fullname("BenchmarkFlat")].Series[0]
	if len(flat.Outliers) != 2 || flat.Outliers[0] != 9 || flat.Outliers[1] != 59 {
		t.Errorf("flat outliers at %v, want points 9 and 59", flat.Outliers)
	}
	// Ids are stable across loads and differ between changes.
	h2, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	ch2 := h2.Changes()
	if ch2[0].ID() != slower.ID() || ch2[1].ID() != faster.ID() || slower.ID() == faster.ID() {
		t.Errorf("ids %s %s, then %s %s", slower.ID(), faster.ID(), ch2[0].ID(), ch2[1].ID())
	}
}

func TestBaselinesInForce(t *testing.T) {
	//             0      1      2     3      4     5
	flags := []bool{false, true, false, true, true, false}
	want := []int{-1, -1, 1, 1, 3, 4}
	got := BaselinesInForce(flags)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("BaselinesInForce(%v) = %v, want %v", flags, got, want)
		}
	}
}

// The reviewer's quantised series: a benchmark whose every round takes
// exactly 1 ns for runs 1–20 and 2 ns from run 21 has one change (+100 %
// at 0021), not also a "±0.0 %" one between equal levels; and a step from
// 0 s (a valid 0 ns/op) to 1 ns at run 16 is reported.
func TestChangesQuantisedAndZero(t *testing.T) {
	root := t.TempDir()
	write(t, root, historytest.Spec{Machine: "m1", Runs: 40, RunNoise: -1, RoundNoise: -1,
		Benchmarks: []historytest.Bench{
			{Name: "BenchmarkFast", Median: 1e-9, Steps: map[int]float64{21: 2}},
			{Name: "BenchmarkZero", Median: 0, Levels: map[int]float64{16: 1e-9}},
		}})
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range h.Changes() {
		if c.Before == c.After {
			t.Errorf("%s: change at %s between equal medians %g", c.Series.Benchmark.Name, c.Run.Label, c.Before)
		}
		got[c.Series.Benchmark.Name] = append(got[c.Series.Benchmark.Name],
			fmt.Sprintf("%s %s %g→%g", c.Run.Label, c.Direction, c.Before, c.After))
	}
	want := map[string][]string{
		"BenchmarkFast": {"0021_comparison regression 1e-09→2e-09"},
		"BenchmarkZero": {"0016_comparison regression 0→1e-09"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
}

func TestChangesPairedEvidence(t *testing.T) {
	root := t.TempDir()
	paired := func(run int, verdict string, change, lo, hi float64) map[int]historytest.Paired {
		return map[int]historytest.Paired{run: {Verdict: verdict, Change: change, CILow: lo, CIHigh: hi}}
	}
	spec := historytest.Spec{Runs: 40, Seed: 5, Benchmarks: []historytest.Bench{
		// A paired regression two runs after the step confirms it.
		{Name: "BenchmarkConfirmed", Median: 1e-3, Steps: map[int]float64{31: 1.3}, Paired: paired(33, "regression", 29, 25, 33)},
		// A paired "same" at the step whose interval excludes +30 %.
		{Name: "BenchmarkDoubtful", Median: 1e-3, Steps: map[int]float64{31: 1.3}, Paired: paired(31, "same", 0.4, -1.2, 2.0)},
		// A paired "same" whose interval holds the step: no evidence.
		{Name: "BenchmarkWide", Median: 1e-3, Steps: map[int]float64{31: 1.3}, Paired: paired(32, "same", 10, -5, 35)},
		// A paired improvement, the wrong way: no confirmation.
		{Name: "BenchmarkWrongWay", Median: 1e-3, Steps: map[int]float64{31: 1.3}, Paired: paired(31, "improvement", -20, -25, -15)},
		// A paired regression three runs away: too far to bear on it.
		{Name: "BenchmarkFar", Median: 1e-3, Steps: map[int]float64{31: 1.3}, Paired: paired(34, "regression", 29, 25, 33)},
	}}
	write(t, root, spec)
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*Change{}
	for _, c := range h.Changes() {
		got[c.Series.Benchmark.Name] = c
	}
	for _, b := range spec.Benchmarks {
		c := got[b.Name]
		if c == nil || c.Run.Label != "0031_comparison" || c.Direction != Regression {
			t.Fatalf("%s: change %+v, want a regression at 0031", b.Name, c)
		}
	}
	if c := got["BenchmarkConfirmed"]; !c.Confirmed || c.Doubtful || c.Paired == nil || c.Paired.Run.Label != "0033_comparison" ||
		c.Paired.Verdict.CILow != 25 || c.Paired.Verdict.CIHigh != 33 || !c.Open(RecentRuns) {
		t.Errorf("BenchmarkConfirmed: confirmed %v, doubtful %v, paired %+v, open %v", c.Confirmed, c.Doubtful, c.Paired, c.Open(RecentRuns))
	}
	if c := got["BenchmarkDoubtful"]; c.Confirmed || !c.Doubtful || c.Paired == nil || c.Paired.Run.Label != "0031_comparison" || c.Open(RecentRuns) {
		t.Errorf("BenchmarkDoubtful: confirmed %v, doubtful %v, paired %+v, open %v; want doubtful and not open", c.Confirmed, c.Doubtful, c.Paired, c.Open(RecentRuns))
	}
	for _, name := range []string{"BenchmarkWide", "BenchmarkWrongWay", "BenchmarkFar"} {
		if c := got[name]; c.Confirmed || c.Doubtful || c.Paired != nil || !c.Open(RecentRuns) {
			t.Errorf("%s: confirmed %v, doubtful %v, paired %+v; want no evidence, open", name, c.Confirmed, c.Doubtful, c.Paired)
		}
	}
	if n := len(OpenRegressions(h.Changes(), RecentRuns)); n != 4 {
		t.Errorf("%d open regressions, want 4 (all but the doubtful one)", n)
	}
}

func TestChangesLoadedStretch(t *testing.T) {
	// Runs 31–45 were made on a loaded machine: 6 % slower and with rounds
	// spread by ±40 %. Their own spread explains the shift: no change.
	root := t.TempDir()
	loaded := map[int]float64{}
	for r := 31; r <= 45; r++ {
		loaded[r] = 0.4
	}
	spec := historytest.Spec{Runs: 70, Seed: 6, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkLoaded", Median: 1e-3, Steps: map[int]float64{31: 1.06, 46: 1 / 1.06}, RoundNoise: loaded},
	}}
	write(t, root, spec)
	off, err := Load(Options{Storage: root, Changes: changepoint.Options{SpreadZ: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(off.Changes()) == 0 {
		t.Fatal("without the runs' spread, no change is found either: the test shows nothing")
	}
	for _, c := range off.Changes() {
		t.Logf("without the runs' spread: a change at %s, %+.1f%%", c.Run.Label, c.Percent)
	}
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.Changes() {
		t.Errorf("change at %s, %+.1f%%, within the loaded runs' own noise", c.Run.Label, c.Percent)
	}
}

func TestSpreadMedianSE(t *testing.T) {
	for _, c := range []struct {
		s    Spread
		want float64
	}{
		{Spread{Q1: 0.9, Q3: 1.1349, Stddev: 5, Rounds: 16}, math.Sqrt(math.Pi/2) * (0.2349 / 1.349) / 4}, // IQR
		{Spread{Q1: 1, Q3: 1, Stddev: 0.2, Rounds: 4}, math.Sqrt(math.Pi/2) * 0.2 / 2},                    // IQR 0: stddev
		{Spread{Q1: 0.9, Q3: 1.1, Stddev: 0.3, Rounds: 3}, math.Sqrt(math.Pi/2) * 0.3 / math.Sqrt(3)},     // few rounds: stddev
		{Spread{Stddev: 0.3, Rounds: 1}, math.NaN()},
		{Spread{Rounds: 10}, math.NaN()}, // no figures (read as 0)
	} {
		got := c.s.MedianSE()
		if math.IsNaN(c.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%+v: MedianSE %g, want %g", c.s, got, c.want)
		}
	}
}

func TestChangesDriftIsOne(t *testing.T) {
	// 40 flat runs, then +0.3 % per run for 100 runs (+35 %).
	root := t.TempDir()
	drift := map[int]float64{}
	for r := 41; r <= 140; r++ {
		drift[r] = 1.003
	}
	write(t, root, historytest.Spec{Runs: 140, Seed: 9, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkDrift", Median: 1e-3, Steps: drift},
	}})
	unmerged, err := Load(Options{Storage: root, Changes: changepoint.Options{DriftAlpha: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(unmerged.Changes()); n < 3 {
		t.Fatalf("%d change points without merging; the test needs a staircase", n)
	}
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	ch := h.Changes()
	if len(ch) != 1 {
		t.Fatalf("%d changes, want one drift", len(ch))
	}
	c := ch[0]
	if !c.Drift() || c.Steps < 3 || c.Run.Number < 39 || c.Last.Number <= c.Run.Number || c.LastIndex != c.Last.Index ||
		c.Direction != Regression || c.Percent < 20 {
		t.Errorf("drift %s to %s, %d steps, %s %+.1f%%; want a regression from run 39 on over 3+ change points",
			c.Run.Label, c.Last.Label, c.Steps, c.Direction, c.Percent)
	}
}
