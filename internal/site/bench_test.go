package site

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/target"
)

// The site's speed goal: building the site from a history of 1,000 runs ×
// 20 benchmarks takes at most 3× the time of only reading and parsing those
// files. Compare the two:
//
//	go test ./internal/site -run '^$' -bench 'Build|Parse' -benchtime 5x
var bigHistory = genSpec{Runs: 1000, Benchmarks: 20, Rounds: 20, BaselineEvery: 100, Regress: 500, Seed: 7}

// BenchmarkParse reads and parses every file of the history: the floor.
func BenchmarkParse(b *testing.B) {
	root := filepath.Join(b.TempDir(), "history")
	genHistory(b, root, bigHistory)
	b.ResetTimer()
	for b.Loop() {
		store := storage.Store{Root: root}
		machines, err := store.Machines()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, m := range machines {
			entries, err := store.List(m)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(e.Path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := result.Decode(data, e.Path); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		if n != bigHistory.Runs {
			b.Fatalf("parsed %d files", n)
		}
	}
}

// BenchmarkBuild builds the whole site from the same history.
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	root := filepath.Join(dir, "history")
	genHistory(b, root, bigHistory)
	content := filepath.Join(dir, "content")
	writeFile(b, filepath.Join(content, "_index.md"), "---\ntitle: Bench\n---\n\nIntro.\n")
	guide, err := os.ReadFile(filepath.Join("..", "..", "content", "benchmarks.md"))
	if err != nil {
		guide = []byte("# Guide\n")
	}
	writeFile(b, filepath.Join(content, "benchmarks.md"), string(guide))
	checks, _ := compare.ParseChecks("mean:10%")
	opt := Options{
		Storage: root, Content: content, Out: filepath.Join(dir, "public"),
		RepoURL: "https://github.com/owner/repo", Compare: compare.Options{Checks: checks},
		Targets:           []target.Target{{Benchmark: "BenchmarkWork00/size=1", Limit: 1e-6, Excess: 0.1}},
		BrowserBenchmarks: []string{"BenchmarkWork01/size=2"},
	}
	var res *Result
	b.ResetTimer()
	for b.Loop() {
		if res, err = Build(opt); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	home, err := os.Stat(filepath.Join(opt.Out, "index.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Bytes)/(1<<20), "MiB-site")
	b.ReportMetric(float64(home.Size())/1024, "KiB-home")
}
