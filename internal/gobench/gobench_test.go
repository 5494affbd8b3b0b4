package gobench

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

func parseFile(t *testing.T, path string, opt Options) *Output {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := ParseWith(f, path, opt)
	if err != nil {
		t.Fatalf("ParseWith(%s): %v", path, err)
	}
	return out
}

func find(t *testing.T, bs []result.Benchmark, fullname string) result.Benchmark {
	t.Helper()
	for _, b := range bs {
		if b.Fullname == fullname {
			return b
		}
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Fullname)
	}
	t.Fatalf("no benchmark %q among %q", fullname, names)
	return result.Benchmark{}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b)) }

// Every shared file parses; files with only custom units are refused with a
// message saying why.
func TestParseEveryTestdataFile(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*")
	var n int
	for _, path := range files {
		if strings.Contains(path, "tinymod") || strings.Contains(path, "faults") || strings.Contains(path, "fuzz") {
			continue
		}
		n++
		t.Run(path, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			bs, err := Parse(f, path)
			base := filepath.Base(path)
			if base == "units.txt" || base == "zero.txt" {
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "time per op") {
					t.Fatalf("want an error naming the file and the missing time per op, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(bs) == 0 {
				t.Fatal("no benchmarks")
			}
			seen := map[string]bool{}
			for _, b := range bs {
				if seen[b.Fullname] {
					t.Errorf("duplicate fullname %q", b.Fullname)
				}
				seen[b.Fullname] = true
				if b.Stats.Rounds != len(b.Stats.Data) || b.Stats.Rounds == 0 || b.Stats.Iterations <= 0 {
					t.Errorf("%s: rounds %d, data %d, iterations %d", b.Fullname, b.Stats.Rounds, len(b.Stats.Data), b.Stats.Iterations)
				}
				if strings.HasSuffix(b.Name, "-12") || strings.HasSuffix(b.Name, "-8") || strings.HasSuffix(b.Name, "-48") {
					t.Errorf("%s: GOMAXPROCS suffix kept", b.Name)
				}
			}
		})
	}
	if n < 12 {
		t.Fatalf("only %d test files found; testdata incomplete", n)
	}
}

func TestParseFigures(t *testing.T) {
	// bent: 25 rounds per benchmark; the first round of GetObject5MbFS is
	// "268  4330798 ns/op  17865787 B/op  74 allocs/op".
	out := parseFile(t, "testdata/bent/20200101T213604.Tip.stdout", Options{})
	b := find(t, out.Benchmarks, "github.com/minio/minio/cmd::BenchmarkGetObject5MbFS")
	if b.Stats.Rounds != 25 || b.Stats.Data[0] != 0.004330798 {
		t.Errorf("rounds %d, data[0] %v; want 25, 0.004330798", b.Stats.Rounds, b.Stats.Data[0])
	}
	if b.Group != "github.com/minio/minio/cmd" || b.Param != "" || len(b.Params) != 0 {
		t.Errorf("group %q param %q params %v", b.Group, b.Param, b.Params)
	}
	if _, ok := b.ExtraInfo[result.KeyBytesPerOp]; !ok {
		t.Errorf("extra_info %v lacks B/op", b.ExtraInfo)
	}
	if out.Config["goos"] != "linux" || out.Config["goarch"] != "amd64" {
		t.Errorf("config %v", out.Config)
	}
	if _, ok := out.Config["pkg"]; ok {
		t.Errorf("pkg varies across the file but is in Config: %v", out.Config)
	}

	// benchstat new.txt: json rounds differ in N (each round re-calibrated);
	// all N occur once, so the largest is reported.
	out = parseFile(t, "testdata/benchstat/new.txt", Options{Module: "golang.org/x/perf"})
	b = find(t, out.Benchmarks, "cmd/benchstat/testdata::BenchmarkEncode/format=json")
	if b.Stats.Iterations != 845445 {
		t.Errorf("iterations %d, want 845445", b.Stats.Iterations)
	}
	if !near(b.Stats.Median, 1422.5e-9) || b.Stats.Min != 1411e-9 || b.Stats.Max != 1447e-9 {
		t.Errorf("median %v min %v max %v; want 1.4225e-06, 1.411e-06, 1.447e-06", b.Stats.Median, b.Stats.Min, b.Stats.Max)
	}
	if b.Name != "BenchmarkEncode/format=json" || b.Param != "format=json" || b.Params["format"] != "json" || b.Group != "cmd/benchstat/testdata" {
		t.Errorf("name %q param %q params %v group %q", b.Name, b.Param, b.Params, b.Group)
	}

	// crc-new.txt: MB/s is kept under its unit, median of the 10 rounds
	// (333.84+341.73)/2.
	out = parseFile(t, "testdata/benchstat/crc-new.txt", Options{})
	b = find(t, out.Benchmarks, "hash/crc32::BenchmarkCRC32/poly=IEEE/size=15/align=0")
	if v, _ := b.ExtraInfo["MB/s"].(float64); !near(v, 337.785) {
		t.Errorf("MB/s %v, want 337.785", b.ExtraInfo["MB/s"])
	}
	if len(b.Params) != 3 || b.Params["poly"] != "IEEE" || b.Params["size"] != "15" || b.Params["align"] != "0" {
		t.Errorf("params %v", b.Params)
	}
	if out.Config["note"] != "hw acceleration enabled" {
		t.Errorf("note config %q", out.Config["note"])
	}

	// The same name under "note: before" and "note: after" is two
	// benchmarks, told apart in the name.
	out = parseFile(t, "testdata/benchstat/issue19634.txt", Options{})
	if len(out.Benchmarks) != 2 {
		t.Fatalf("%d benchmarks, want 2", len(out.Benchmarks))
	}
	before := find(t, out.Benchmarks, "BenchmarkFloatSub/100 [note=before]")
	after := find(t, out.Benchmarks, "BenchmarkFloatSub/100 [note=after]")
	if before.Stats.Median != 115e-9 || after.Stats.Median != 78.8e-9 || before.Param != "100" || len(before.Params) != 0 {
		t.Errorf("before %v after %v param %q params %v", before.Stats.Median, after.Stats.Median, before.Param, before.Params)
	}
}

func TestParseGoTestJSON(t *testing.T) {
	out := parseFile(t, "testdata/gotestjson/tiny.json", Options{Module: "example.com/tiny"})
	if len(out.Benchmarks) != 4 {
		t.Fatalf("%d benchmarks, want 4 (the skipped one has no result)", len(out.Benchmarks))
	}
	root := find(t, out.Benchmarks, ".::BenchmarkRoot")
	if root.Stats.Rounds != 3 || root.Stats.Iterations != 1000 || root.Stats.Data[0] != 1.022e-9 || root.Stats.Data[2] != 0.541e-9 {
		t.Errorf("root stats %+v", root.Stats)
	}
	// The module's root package is grouped by its path, not ".".
	if root.Group != "example.com/tiny" {
		t.Errorf("root group %q, want the package path example.com/tiny", root.Group)
	}
	if root.ExtraInfo["MB/s"] != 108108.11 || root.ExtraInfo[result.KeyBytesPerOp] != 0.0 || root.ExtraInfo[result.KeyAllocsPerOp] != 0.0 {
		t.Errorf("root extra_info %v", root.ExtraInfo)
	}
	// This round's line came in two output events (name, then figures).
	size := find(t, out.Benchmarks, "sub::BenchmarkSize/n=100")
	if size.Stats.Rounds != 3 || size.ExtraInfo["things/op"] != 100.0 || size.ExtraInfo[result.KeyBytesPerOp] != 112.0 || size.Group != "sub" {
		t.Errorf("size %+v extra %v", size.Stats, size.ExtraInfo)
	}
	mi := out.MachineInfo()
	if mi["system"] != "Linux" || mi["goarch"] != "amd64" || mi.CPUModel() != "Oxide Virtual Turin-like Processor" {
		t.Errorf("machine info %v", mi)
	}
}

// A real go test -json run of the tiny module.
func TestParseLiveGoTestJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test (slow with a cold build cache)")
	}
	dir := t.TempDir()
	copyDir(t, "testdata/tinymod", dir)
	cmd := exec.Command("go", "test", "-json", "-run", "^$", "-bench", ".", "-benchtime=100x", "-count=2", "-benchmem", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("go test -json: %v\n%s", err, data)
	}
	out, err := ParseWith(bytes.NewReader(data), "live.json", Options{Module: "example.com/tiny"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Benchmarks) != 4 {
		t.Fatalf("%d benchmarks: %+v", len(out.Benchmarks), out.Benchmarks)
	}
	for _, b := range out.Benchmarks {
		if b.Stats.Rounds != 2 || b.Stats.Iterations != 100 || b.Stats.Min <= 0 {
			t.Errorf("%s: %+v", b.Fullname, b.Stats)
		}
	}
	find(t, out.Benchmarks, "sub::BenchmarkSize/n=10")
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"text.txt", "goos: linux\n\nBenchmarkA-2 10 100 ns/op\nBenchmarkB-2 1x0 100 ns/op\n", "text.txt:4: BenchmarkB-2: parsing iteration count"},
		{"lead.txt", "\n\n\nBenchmarkB-2 10 100\n", "lead.txt:4: BenchmarkB-2: missing units"},
		{"events.json", `{"Action":"start","Package":"p"}` + "\n" + `{"Action":"output","Package":"p","Output":"BenchmarkA-2 \t"` + "\n", "events.json:2: invalid JSON"},
		// The bad figures arrive on line 3, but the line started on line 2.
		{"split.json", `{"Action":"start","Package":"p"}` + "\n" +
			`{"Action":"output","Package":"p","Output":"BenchmarkA-2 \t"}` + "\n" +
			`{"Action":"output","Package":"p","Output":"  10 zz ns/op\n"}` + "\n" +
			`{"Action":"pass","Package":"p"}` + "\n", "split.json:2: BenchmarkA-2: parsing measurement"},
		{"wrongtype.json", `{"Action":"output","Package":"p","Output":42}` + "\n", "wrongtype.json:1:"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.in), c.name)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %v, want prefix %q", c.name, err, c.want)
		}
		if err != nil && !IsSyntaxError(err) {
			t.Errorf("%s: %T is not a *SyntaxError", c.name, err)
		}
	}
}

func TestEmptyAndTextOnly(t *testing.T) {
	for _, in := range []string{"", "PASS\nok  \tpkg\t0.1s\n", "\n\n"} {
		bs, err := Parse(strings.NewReader(in), "x")
		if err != nil || len(bs) != 0 {
			t.Errorf("%q: %v, %v", in, bs, err)
		}
	}
}

// -cpu=1,2 results of one name are two benchmarks, told apart by
// GOMAXPROCS; a name without a suffix (GOMAXPROCS=1) is fine too.
func TestProcsAndGrouping(t *testing.T) {
	in := "pkg: m/a\nBenchmarkX 10 5 ns/op\nBenchmarkX-2 10 6 ns/op\nBenchmarkX 20 7 ns/op\nBenchmarkX 20 9 ns/op\nBenchmarkX 10 8 ns/op\n"
	bs, err := Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Name != "BenchmarkX-1" || bs[0].Param != "" {
		t.Fatalf("%+v", bs)
	}
	one := find(t, bs, "m/a::BenchmarkX-1")
	two := find(t, bs, "m/a::BenchmarkX-2")
	if one.Stats.Rounds != 4 || two.Stats.Rounds != 1 {
		t.Errorf("rounds %d, %d", one.Stats.Rounds, two.Stats.Rounds)
	}
	// N = 10 twice, 20 twice: the larger of the equally common.
	if one.Stats.Iterations != 20 {
		t.Errorf("iterations %d, want 20", one.Stats.Iterations)
	}
}

func TestRelPkgAndParams(t *testing.T) {
	for _, c := range [][3]string{
		{"github.com/b/b/tests/benchmarks", "github.com/b/b", "tests/benchmarks"},
		{"github.com/b/b", "github.com/b/b", "."},
		{"github.com/b/bb", "github.com/b/b", "github.com/b/bb"},
		{"hash/crc32", "", "hash/crc32"},
	} {
		if got := RelPkg(c[0], c[1]); got != c[2] {
			t.Errorf("RelPkg(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	param, params := Params("BenchmarkForward/batch=32/cold/mode=a=b")
	if param != "batch=32/cold/mode=a=b" || len(params) != 2 || params["batch"] != "32" || params["mode"] != "a=b" {
		t.Errorf("%q %v", param, params)
	}
}

// The reader hands out a result as soon as its line is complete, without
// waiting for the end of input: the runner's progress relies on it.
func TestReaderStreams(t *testing.T) {
	pr, pw := io.Pipe()
	rd := NewReader(pr, "pipe")
	go pw.Write([]byte("pkg: m\nBenchmarkA-2   \t  100\t  250 ns/op\t  16 B/op\n"))
	got := make(chan *Result, 1)
	go func() {
		res, err := rd.Next()
		if err != nil {
			t.Error(err)
		}
		got <- res
	}()
	select {
	case res := <-got:
		if res.Name != "BenchmarkA" || res.Procs != 2 || res.Iterations != 100 || res.SecPerOp != 250e-9 ||
			len(res.Metrics) != 1 || res.Metrics[0] != (Metric{"B/op", 16}) || res.Pkg != "m" || res.Line != 2 {
			t.Errorf("%+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next did not return while the input stayed open")
	}
	pw.Close()
	if _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after close: %v", err)
	}
}

func TestModulePath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("// c\nmodule \"example.com/q\" // why\n\ngo 1.22\n"), 0o644)
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got := ModulePath(sub); got != "example.com/q" {
		t.Errorf("ModulePath = %q", got)
	}
	if got := ModulePath("testdata/tinymod/sub"); got != "example.com/tiny" {
		t.Errorf("ModulePath(tinymod) = %q", got)
	}
}
