package browser

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/site"
	"github.com/benchsite/benchsite/internal/storage"
)

// TestProfileOnBenchmarkPage opens, in headless Chromium over a real HTTP
// server on 127.0.0.1, the page of a benchmark whose newest run has a real
// CPU profile (internal/site/testdata/profiles/hot-cpu.pprof): the flame
// graph is drawn at a readable size and names the hot function, the top
// functions table lists it, and the download link serves the very file.
func TestProfileOnBenchmarkPage(t *testing.T) {
	tb := newBrowser(t)
	dir := t.TempDir()
	store := storage.Store{Root: filepath.Join(dir, ".benchmarks")}
	writeHistory(t, store, 2, false)
	runs, err := store.List("")
	if err != nil {
		t.Fatal(err)
	}
	newest := runs[len(runs)-1]
	f, err := newest.Read()
	if err != nil {
		t.Fatal(err)
	}
	const name = "BenchmarkForward/batch=32"
	file := storage.ProfileFileName(name)
	found := false
	for i := range f.Benchmarks {
		if f.Benchmarks[i].Name == name {
			f.Benchmarks[i].Options[result.OptProfile] = "cpu"
			f.Benchmarks[i].Options[result.OptProfileFile] = file
			found = true
		}
	}
	if !found {
		t.Fatalf("%s not in the history", name)
	}
	data, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The test stands in for `benchsite run --profile`: the run file is
	// rewritten in place, which benchsite itself never does.
	if err := os.WriteFile(newest.Path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	hot, err := os.ReadFile(filepath.Join(repoRoot(t), "internal", "site", "testdata", "profiles", "hot-cpu.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.SaveProfiles(newest.Path, map[string][]byte{file: hot}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if _, err := site.Build(site.Options{Storage: store.Root, Out: out}); err != nil {
		t.Fatal(err)
	}
	var page string
	des, _ := os.ReadDir(filepath.Join(out, "bench"))
	for _, de := range des {
		if strings.HasPrefix(de.Name(), "benchmarkforward-batch-32") {
			page = de.Name()
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(out)), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	tb.visit("http://" + ln.Addr().String() + "/bench/" + page)
	tb.chartsRendered("benchmark page")
	w := eval[float64](tb, `document.querySelector('svg.flame').getBoundingClientRect().width`)
	h := eval[float64](tb, `document.querySelector('svg.flame').getBoundingClientRect().height`)
	if w < 600 || h < 40 {
		t.Errorf("flame graph drawn %.0f × %.0f px; want at least 600 × 40 in a 1280 px window", w, h)
	}
	if n := eval[int](tb, `document.querySelectorAll('svg.flame rect').length`); n < 5 {
		t.Errorf("flame graph has %d frames", n)
	}
	if !eval[bool](tb, `Array.from(document.querySelectorAll('svg.flame text')).some(function (e) { return e.textContent.indexOf('hotbench.spinHot') >= 0 && e.getBBox().width > 50; })`) {
		t.Error("no visible flame graph label names hotbench.spinHot")
	}
	if !eval[bool](tb, `Array.from(document.querySelectorAll('table.profile code')).some(function (e) { return e.textContent === 'hotbench.spinHot'; })`) {
		t.Error("the top functions table does not list hotbench.spinHot")
	}
	eval[bool](tb, `(function () { window.__pprof = -1; fetch(document.querySelector('p a[download]').href).then(function (r) { return r.arrayBuffer(); }).then(function (b) { window.__pprof = b.byteLength; }); return true; })()`)
	tb.waitFor("the profile download", `window.__pprof > 0`, 30*time.Second)
	if n := eval[int](tb, `window.__pprof`); n != len(hot) {
		t.Errorf("the download link served %d bytes, want the profile's %d", n, len(hot))
	}
	tb.noProblems("benchmark page with a profile")
	tb.screenshot(screenshotDir(t), "profile-benchmark-page")
}
