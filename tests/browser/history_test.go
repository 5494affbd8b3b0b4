package browser

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/storage"
)

// The payloads of the hostile history. Each one, if it ever ran, would set
// window.__pwned and open a dialog; the tests watch for both.
const (
	pwnScript = `</script><script>window.__pwned=1;alert("script")</script>`
	pwnAttr   = `x" onmouseover="window.__pwned=1" autofocus onfocus="window.__pwned=1;alert('attr')" data-x="`
	pwnImg    = `'><img src=x onerror="window.__pwned=1;alert('img')">`
	pwnURL    = `javascript:window.__pwned=1;alert('url')`
	pwnSVG    = `"><svg onload="window.__pwned=1;alert('svg')">`
)

// hostileNames are benchmark names that carry the payloads (and a line
// separator, which ends a JavaScript string literal in old engines).
var hostileNames = []string{
	"BenchmarkEvil/" + pwnScript,
	"BenchmarkAttr/" + pwnAttr,
	"BenchmarkURL/" + pwnURL,
	"BenchmarkSep/a\u2028b\u2029c",
}

// benchDef is one benchmark of the generated history.
type benchDef struct {
	name, group string
	median      float64 // seconds, of the first run
}

// projectBenchmarks are the suite's benchmarks (with roughly this
// machine's native medians) plus, when hostile, the hostile names.
func projectBenchmarks(hostile bool) []benchDef {
	defs := []benchDef{
		{"BenchmarkSetDeterminism", "data generation", 260e-9},
		{"BenchmarkDeterminismInfo", "data generation", 1.1e-6},
		{"BenchmarkGeneratePatients/n=10", "data generation", 11e-6},
		{"BenchmarkForward/batch=32", "model performance", 400e-6},
		{"BenchmarkTrainingStep/batch=32", "model performance", 1.6e-3},
		{"BenchmarkRetrievalMetrics/n=100", "model performance", 390e-6},
	}
	if hostile {
		for i, n := range hostileNames {
			defs = append(defs, benchDef{n, "hostile " + pwnSVG, float64(i+1) * 1e-5})
		}
	}
	return defs
}

// writeHistory saves runs result files for one machine into store: the
// first as the baseline, the rest as plain runs, each a day apart, with
// medians drifting a few percent. Samples are drawn from a fixed seed, so
// the history is the same every time.
func writeHistory(t testing.TB, store storage.Store, runs int, hostile bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	mi := result.MachineInfo{
		"node": "ci-runner", "system": "Linux", "machine": "x86_64", "release": "6.1.0",
		"go_version": "go1.26.8", "goos": "linux", "goarch": "amd64", "num_cpu": 2, "gomaxprocs": 2,
		"cpu_model": "Example CPU @ 2.0GHz",
		"cpu":       map[string]any{"brand_raw": "Example CPU @ 2.0GHz", "arch": "X86_64", "bits": 64, "count": 2},
	}
	if hostile {
		mi["node"] = pwnImg
		mi["cpu_model"] = pwnScript
		mi["release"] = `{{.}}` + pwnAttr
	}
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for r := 0; r < runs; r++ {
		f := &result.File{
			MachineInfo: mi,
			CommitInfo: result.CommitInfo{
				ID:      fmt.Sprintf("%016x%016x%08x", rng.Uint64(), rng.Uint64(), rng.Uint32()),
				Time:    start.Add(time.Duration(r) * 24 * time.Hour).Format(time.RFC3339),
				Dirty:   false,
				Project: "benchsite",
				Branch:  "main",
				Message: fmt.Sprintf("change %d: tune the kernels", r+1),
			},
			Datetime: start.Add(time.Duration(r)*24*time.Hour + time.Hour).Format("2006-01-02T15:04:05.000000-07:00"),
			Version:  "benchsite test",
		}
		if hostile {
			f.CommitInfo.Message = pwnScript + " " + pwnURL
			f.CommitInfo.Branch = pwnSVG
			f.CommitInfo.Project = pwnAttr
		}
		for _, d := range projectBenchmarks(hostile) {
			drift := 1 + 0.03*float64(r%3) - 0.02*float64(r%2)
			data := make([]float64, 10)
			for i := range data {
				data[i] = d.median * drift * (1 + 0.05*rng.NormFloat64()*0.2)
			}
			b := result.Benchmark{
				Group:     d.group,
				Name:      d.name,
				Fullname:  "tests/benchmarks::" + d.name,
				ExtraInfo: map[string]any{"B/op": 128.0, "allocs/op": 2.0},
				Options:   map[string]any{},
				Stats:     stats.Compute(data, 1000),
			}
			if param, ok := strings.CutPrefix(d.name, strings.SplitN(d.name, "/", 2)[0]+"/"); ok {
				b.Param = param
				b.Params = map[string]any{"p": param}
			}
			if hostile {
				b.ExtraInfo[pwnScript] = pwnImg
			}
			f.Benchmarks = append(f.Benchmarks, b)
		}
		name := "run"
		if r == 0 {
			name = "baseline"
		}
		if _, err := store.Save(mi.ID(), name, f); err != nil {
			t.Fatal(err)
		}
	}
}

// writeProject makes a small benchsite project in dir: benchsite.toml, a
// history, and content/ with a home text and one docs page. wasmDir is the
// repository's wasm/ package.
func writeProject(t testing.TB, dir, wasmDir string, hostile bool) {
	t.Helper()
	browserList := []string{"BenchmarkSetDeterminism", "BenchmarkGeneratePatients/n=10", "BenchmarkForward/batch=32", "BenchmarkRetrievalMetrics/n=100"}
	if hostile {
		browserList = append(browserList, hostileNames[0])
	}
	var quoted []string
	for _, n := range browserList {
		quoted = append(quoted, fmt.Sprintf("%q", n))
	}
	title := "Browser test project"
	repo := "https://github.com/example/project"
	if hostile {
		title = "Hostile " + pwnScript
	}
	cfg := fmt.Sprintf(`packages = ["./tests/benchmarks/..."]
storage = ".benchmarks"

[compare]
fail = "mean:10%%"

[[targets]]
benchmark = "BenchmarkForward/batch=32"
limit = "50ms"
excess = "10%%"

[site]
title = %q
repo-url = %q
wasm = %q
browser-benchmarks = [%s]
`, title, repo, wasmDir, strings.Join(quoted, ", "))
	write(t, filepath.Join(dir, "benchsite.toml"), cfg)
	write(t, filepath.Join(dir, "content", "_index.md"), "---\ntitle: Home\n---\nPerformance of the example project, built by the browser tests.\n")
	write(t, filepath.Join(dir, "content", "guide.md"), "---\ntitle: Guide\nweight: 1\n---\n# Guide\n\nHow the benchmarks are run.\n\n```go\nfunc BenchmarkX(b *testing.B) {}\n```\n")
	writeHistory(t, storage.Store{Root: filepath.Join(dir, ".benchmarks")}, 6, hostile)
}

func write(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
