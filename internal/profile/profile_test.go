package profile

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/pprof/profile"
)

// handProfile is a profile with known stacks (outermost last, as pprof
// stores them):
//
//	10  main → f → g
//	 5  main → f
//	 3  main → r → r        (recursion)
//	 2  main → f → h        (h inlined into f: one location, two lines)
func handProfile() *profile.Profile {
	fn := map[string]*profile.Function{}
	var funcs []*profile.Function
	for i, name := range []string{"main", "f", "g", "r", "h"} {
		f := &profile.Function{ID: uint64(i + 1), Name: name}
		fn[name] = f
		funcs = append(funcs, f)
	}
	var locs []*profile.Location
	loc := func(names ...string) *profile.Location {
		l := &profile.Location{ID: uint64(len(locs) + 1), Address: uint64(0x1000 + len(locs))}
		for _, n := range names {
			l.Line = append(l.Line, profile.Line{Function: fn[n]})
		}
		locs = append(locs, l)
		return l
	}
	lMain, lF, lG, lR, lHinF := loc("main"), loc("f"), loc("g"), loc("r"), loc("h", "f")
	return &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
		Sample: []*profile.Sample{
			{Location: []*profile.Location{lG, lF, lMain}, Value: []int64{1, 10}},
			{Location: []*profile.Location{lF, lMain}, Value: []int64{1, 5}},
			{Location: []*profile.Location{lR, lR, lMain}, Value: []int64{1, 3}},
			{Location: []*profile.Location{lHinF, lMain}, Value: []int64{1, 2}},
		},
		Location: locs,
		Function: funcs,
	}
}

func TestSummarizeFlatAndCum(t *testing.T) {
	top, err := Summarize(handProfile(), "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Func{
		{Name: "main", Flat: 0, Cum: 20},
		{Name: "f", Flat: 5, Cum: 17},
		{Name: "g", Flat: 10, Cum: 10},
		{Name: "r", Flat: 3, Cum: 3}, // recursion counted once
		{Name: "h", Flat: 2, Cum: 2}, // inlined frames are functions of their own
	}
	if !slices.Equal(top.Funcs, want) || top.Total != 20 || top.Unit != "nanoseconds" {
		t.Errorf("Summarize = %+v total %d unit %q; want %+v total 20", top.Funcs, top.Total, top.Unit, want)
	}
	if got := top.Share(5); got != 0.25 {
		t.Errorf("Share(5) = %v, want 0.25", got)
	}
	top2, err := Summarize(handProfile(), "cpu", 2)
	if err != nil || len(top2.Funcs) != 2 || top2.Funcs[1].Name != "f" {
		t.Errorf("Summarize(n=2) = %+v, %v", top2, err)
	}
	if _, err := Summarize(handProfile(), "alloc_space", 0); err == nil || !strings.Contains(err.Error(), `"samples", "cpu"`) {
		t.Errorf("missing sample type: err = %v, want one listing the profile's types", err)
	}
}

func TestFlame(t *testing.T) {
	root, err := Flame(handProfile(), "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(n *Node, path string)
	walk = func(n *Node, path string) {
		path += "/" + n.Name
		lines = append(lines, path+" "+FormatValue(n.Value, "count"))
		for _, c := range n.Children {
			walk(c, path)
		}
	}
	walk(root, "")
	want := []string{"/total 20", "/total/main 20", "/total/main/f 17", "/total/main/f/g 10", "/total/main/f/h 2",
		"/total/main/r 3", "/total/main/r/r 3"}
	if !slices.Equal(lines, want) {
		t.Errorf("Flame:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// Paths below 15 % of the total (h: 2 of 20) are dropped.
	root, _ = Flame(handProfile(), "cpu", 0.15)
	f := root.Children[0].Children[0]
	if f.Name != "f" || len(f.Children) != 1 || f.Children[0].Name != "g" {
		t.Errorf("pruned f = %+v, want only g below it", f)
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		if got, err := ParseKind(string(k)); got != k || err != nil {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
		if len(k.TestFlags("/p")) == 0 || !strings.HasSuffix(k.TestFlags("/p")[0], "profile=/p") {
			t.Errorf("%s.TestFlags = %q", k, k.TestFlags("/p"))
		}
	}
	if got, err := ParseKind("heap"); got != Mem || err != nil {
		t.Errorf("ParseKind(heap) = %q, %v; want mem (pprof's name)", got, err)
	}
	for _, bad := range []string{"", "heapz", "CPU"} {
		if _, err := ParseKind(bad); err == nil || !strings.Contains(err.Error(), "cpu, mem, block, mutex") {
			t.Errorf("ParseKind(%q) err = %v, want the list of kinds", bad, err)
		}
	}
}

func TestParseBadInput(t *testing.T) {
	_, err := Parse([]byte("not a profile at all"), "x.pprof")
	if err == nil || !strings.HasPrefix(err.Error(), "x.pprof: not a pprof profile") {
		t.Errorf("Parse(garbage) err = %v, want one naming x.pprof", err)
	}
	if _, err := Merge(nil, nil); err == nil {
		t.Error("Merge(nothing) succeeded")
	}
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    int64
		unit string
		want string
	}{
		{1_230_000, "nanoseconds", "1.23 ms"},
		{3 << 20, "bytes", "3.000MiB"},
		{42, "count", "42"},
		{0, "bytes", "0B"},
	} {
		if got := FormatValue(c.v, c.unit); got != c.want {
			t.Errorf("FormatValue(%d, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got := ShortName("github.com/x/y/encoder.(*MLP).Forward"); got != "encoder.(*MLP).Forward" {
		t.Errorf("ShortName = %q", got)
	}
}

var (
	hotOnce sync.Once
	hotBin  string
	hotErr  error
)

// hotBinary compiles testdata/hotbench with go test -c (once per test run).
func hotBinary(t *testing.T) string {
	t.Helper()
	hotOnce.Do(func() {
		dir, err := os.MkdirTemp("", "profile-hotbench-")
		if err != nil {
			hotErr = err
			return
		}
		hotBin = filepath.Join(dir, "hotbench.test")
		cmd := exec.Command("go", "test", "-c", "-o", hotBin)
		cmd.Dir = filepath.Join("testdata", "hotbench")
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			hotErr = err
			hotBin = string(out)
		}
	})
	if hotErr != nil {
		t.Fatalf("go test -c testdata/hotbench: %v\n%s", hotErr, hotBin)
	}
	return hotBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hotBin != "" && hotErr == nil {
		os.RemoveAll(filepath.Dir(hotBin))
	}
	os.Exit(code)
}

// profileRun runs one benchmark of the real test binary in its own process
// and returns the profile it wrote.
func profileRun(t *testing.T, kind Kind, bench, benchtime string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.pprof")
	args := append([]string{"-test.run=^$", "-test.bench=" + bench, "-test.benchtime=" + benchtime}, kind.TestFlags(path)...)
	cmd := exec.Command(hotBinary(t), args...)
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", cmd.Path, strings.Join(args, " "), err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func rank(top *Top, suffix string) int {
	return slices.IndexFunc(top.Funcs, func(f Func) bool { return strings.HasSuffix(f.Name, suffix) })
}

// A CPU profile of a real benchmark, merged over two processes, names the
// function the benchmark spends its time in: first by flat time, and among
// the top functions by cumulative time.
func TestCPUProfileOfRealBenchmark(t *testing.T) {
	a := profileRun(t, CPU, "^BenchmarkHot$", "400ms")
	b := profileRun(t, CPU, "^BenchmarkHot$", "400ms")
	pa, err := Parse(a, "a")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := Parse(b, "b")
	m, err := Merge([][]byte{a, b}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	ta, _ := Summarize(pa, CPU.SampleType(), 0)
	tb, _ := Summarize(pb, CPU.SampleType(), 0)
	top, err := Summarize(m, CPU.SampleType(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if top.Total != ta.Total+tb.Total || top.Total == 0 {
		t.Errorf("merged total %d, want %d + %d", top.Total, ta.Total, tb.Total)
	}
	if r := rank(top, ".spinHot"); r < 0 || r >= 10 {
		t.Errorf("spinHot is at rank %d by cumulative time, want in the top 10:\n%v", r, top.Funcs[:min(10, len(top.Funcs))])
	}
	// Most of the CPU time is under spinHot. (Not necessarily flat in it:
	// on a loaded machine many samples land in runtime.asyncPreempt,
	// called from spinHot when the scheduler preempts it.)
	if r := rank(top, ".spinHot"); r >= 0 && top.Share(top.Funcs[r].Cum) < 0.5 {
		t.Errorf("spinHot has %.0f%% of the CPU time cumulatively, want over half", 100*top.Share(top.Funcs[r].Cum))
	}
	if r, c := rank(top, ".spinHot"), rank(top, ".coldHelper"); c >= 0 && c < r {
		t.Errorf("coldHelper (rank %d) above spinHot (rank %d)", c, r)
	}
	// The merged profile is a pprof file again.
	enc, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(enc, "merged")
	if err != nil || len(again.Sample) != len(m.Sample) {
		t.Errorf("re-reading the merged profile: %v (%d samples, want %d)", err, len(again.Sample), len(m.Sample))
	}
	fl, err := Flame(m, CPU.SampleType(), 0.01)
	if err != nil || fl.Value != top.Total {
		t.Errorf("Flame root %d, err %v; want the total %d", fl.Value, err, top.Total)
	}
}

// A heap profile of a real benchmark names the allocating function among the
// top by allocated bytes.
func TestMemProfileOfRealBenchmark(t *testing.T) {
	data := profileRun(t, Mem, "^BenchmarkAlloc$", "2000x")
	m, err := Merge([][]byte{data}, []string{"mem"})
	if err != nil {
		t.Fatal(err)
	}
	top, err := Summarize(m, Mem.SampleType(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if top.Unit != "bytes" {
		t.Errorf("unit %q, want bytes", top.Unit)
	}
	r := rank(top, ".allocHeavy")
	if r < 0 || top.Funcs[r].Flat < top.Total/2 {
		t.Errorf("allocHeavy at rank %d of %v; want it there with over half of %d bytes flat", r, top.Funcs, top.Total)
	}
	// Profiles of different kinds do not merge.
	cpu := profileRun(t, CPU, "^BenchmarkHot$", "10x")
	if _, err := Merge([][]byte{data, cpu}, []string{"mem.pprof", "cpu.pprof"}); err == nil || !strings.Contains(err.Error(), "mem.pprof, cpu.pprof") {
		t.Errorf("merging a heap and a CPU profile: err = %v, want one naming both", err)
	}
}
