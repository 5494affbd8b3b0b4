package site

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gpprof "github.com/google/pprof/profile"

	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
)

// setProfile records a profile in a benchmark's options, as benchsite run
// --profile does, and rewrites the result file.
func setProfile(t *testing.T, resultPath string, bench int, edit func(opts map[string]any)) {
	t.Helper()
	f, err := result.ReadFile(resultPath)
	if err != nil {
		t.Fatal(err)
	}
	edit(f.Benchmarks[bench].Options)
	data, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(resultPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileProfile is a real pprof profile whose function names are
// injection attempts.
func hostileProfile(t *testing.T) []byte {
	t.Helper()
	var funcs []*gpprof.Function
	var locs []*gpprof.Location
	for i, name := range []string{"main.main", scriptBreakout, attrBreakout, jsURL} {
		fn := &gpprof.Function{ID: uint64(i + 1), Name: name}
		funcs = append(funcs, fn)
		locs = append(locs, &gpprof.Location{ID: uint64(i + 1), Line: []gpprof.Line{{Function: fn}}})
	}
	p := &gpprof.Profile{
		SampleType: []*gpprof.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &gpprof.ValueType{Type: "cpu", Unit: "nanoseconds"}, Period: 10_000_000,
		Sample: []*gpprof.Sample{
			{Location: []*gpprof.Location{locs[1], locs[0]}, Value: []int64{5, 50_000_000}},
			{Location: []*gpprof.Location{locs[2], locs[0]}, Value: []int64{3, 30_000_000}},
			{Location: []*gpprof.Location{locs[3], locs[0]}, Value: []int64{2, 20_000_000}},
		},
		Location: locs, Function: funcs,
	}
	data, err := profile.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestProfilesOnBenchmarkPages(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "history")
	paths := genHistory(t, root, genSpec{Runs: 3, Benchmarks: 4, Seed: 7})
	newest, older := paths[2], paths[1]
	hot, err := os.ReadFile(filepath.Join("testdata", "profiles", "hot-cpu.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	// Benchmark 0: a real CPU profile in the newest run and the one before.
	// Benchmark 1: a hostile profile. Benchmark 2: options naming a file
	// outside the profile folder. Benchmark 3: a file that is missing.
	name0 := "BenchmarkWork00/size=1"
	file0 := storage.ProfileFileName(name0)
	for _, p := range []string{older, newest} {
		setProfile(t, p, 0, func(o map[string]any) {
			o[result.OptProfile], o[result.OptProfileFile] = "cpu", file0
			o[result.OptProfileRounds], o[result.OptProfileProcesses] = 20, 3
		})
		if _, err := storage.SaveProfiles(p, map[string][]byte{file0: hot}); err != nil {
			t.Fatal(err)
		}
	}
	setProfile(t, newest, 1, func(o map[string]any) {
		o[result.OptProfile], o[result.OptProfileFile] = "cpu", "evil.pprof"
		o[result.OptDisableGC] = true
	})
	if _, err := storage.SaveProfiles(newest, map[string][]byte{"evil.pprof": hostileProfile(t)}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "secret.pprof"), "secret")
	setProfile(t, newest, 2, func(o map[string]any) {
		o[result.OptProfile], o[result.OptProfileFile] = "cpu", "../../secret.pprof"
	})
	setProfile(t, newest, 3, func(o map[string]any) {
		o[result.OptProfile], o[result.OptProfileFile] = "cpu", "missing.pprof"
	})

	opt := Options{Storage: root, Out: filepath.Join(dir, "public")}
	if d := os.Getenv("KEEP_SITE"); d != "" {
		opt.Out = d
	}
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	// The profiles are copied byte for byte, one per run.
	label := strings.TrimSuffix(filepath.Base(newest), ".json")
	copied := filepath.Join(opt.Out, "profiles", "Linux-Go-1.26-64bit", label, file0)
	if got, err := os.ReadFile(copied); err != nil || !bytes.Equal(got, hot) {
		t.Errorf("copied profile %s: %v (equal: %v)", copied, err, bytes.Equal(got, hot))
	}
	files := siteFiles(t, opt.Out)
	nProfiles := 0
	for _, f := range files {
		if strings.HasPrefix(f, "profiles/") {
			nProfiles++
		}
		if strings.Contains(f, "secret") {
			t.Errorf("a file outside the profile folder reached the site: %s", f)
		}
	}
	if nProfiles != 3 {
		t.Errorf("%d profiles copied, want 3 (two runs of benchmark 0, one hostile)", nProfiles)
	}
	// Bad options and missing files are warnings naming the run and benchmark.
	var warnedBad, warnedMissing bool
	for _, w := range res.Warnings {
		warnedBad = warnedBad || strings.Contains(w, "BenchmarkWork02") && strings.Contains(w, "secret.pprof")
		warnedMissing = warnedMissing || strings.Contains(w, "BenchmarkWork03") && strings.Contains(w, "missing.pprof")
	}
	if !warnedBad || !warnedMissing {
		t.Errorf("warnings %q: want one for the bad file name and one for the missing file", res.Warnings)
	}

	page := readFile(t, filepath.Join(opt.Out, "bench", slugFor(t, opt.Out, name0)))
	for _, want := range []string{
		"CPU time profile of", "taken in 20 extra rounds in 3 processes after the timed ones",
		`href="../profiles/Linux-Go-1.26-64bit/` + label + `/` + file0 + `" download`,
		"hotbench.spinHot", `<svg class="flame"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("benchmark page lacks %q", want)
		}
	}
	// The table lists functions by cumulative time: spinHot's row comes
	// before any runtime function with less.
	if i, j := strings.Index(page, "hotbench.spinHot</code>"), strings.Index(page, "runtime.mcall</code>"); i < 0 || j >= 0 && j < i {
		t.Errorf("spinHot row at %d, runtime.mcall at %d", i, j)
	}
	// Both runs link their own profile from the runs table.
	if n := strings.Count(page, `class="tag" href="../profiles/`); n != 2 {
		t.Errorf("%d pprof links in the runs table, want 2", n)
	}

	// The hostile profile's names are text, never markup.
	if found := liveInjections(t, opt.Out); len(found) > 0 {
		t.Errorf("live injections: %q", found)
	}
	evil := readFile(t, filepath.Join(opt.Out, "bench", slugFor(t, opt.Out, "BenchmarkWork01/size=2")))
	if !strings.Contains(evil, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(evil, "GC off") {
		t.Error("the hostile function name is not on the page as escaped text, or GC off is not shown")
	}
}

// slugFor finds the page of a benchmark by its name in the site's pages.
func slugFor(t *testing.T, out, name string) string {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(out, "bench"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		page := readFile(t, filepath.Join(out, "bench", de.Name()))
		if strings.Contains(page, "<h1>"+string(breakable(name))+"</h1>") {
			return de.Name()
		}
		names = append(names, de.Name())
	}
	t.Fatalf("no page for %s among %v", name, slices.Clip(names))
	return ""
}
