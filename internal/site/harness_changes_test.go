package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/ingest"
	"github.com/benchsite/benchsite/internal/storage"
)

// A change point of a throughput (JMH's ops/s) is shown in ops/s in the
// Atom feed and on the benchmark's badge, as on the pages, never as
// seconds: 16 runs of the real JMH file, the last 8 at half its score.
func TestHarnessChangeUnits(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "harness", "testdata", "github-action-benchmark", "jmh_output.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store := storage.Store{Root: filepath.Join(dir, "history")}
	for i := range 16 {
		var doc []map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		f := 1 + float64(i%3)/100
		if i >= 8 {
			f /= 2
		}
		pm := doc[0]["primaryMetric"].(map[string]any)
		pm["score"] = pm["score"].(float64) * f
		for _, fork := range pm["rawData"].([]any) {
			for j, v := range fork.([]any) {
				fork.([]any)[j] = v.(float64) * f
			}
		}
		out, _ := json.Marshal(doc)
		p := filepath.Join(dir, fmt.Sprintf("jmh%02d.json", i))
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		run, err := ingest.ReadFile(p, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Save(run.File.MachineInfo.ID(), "import", run.File); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	if _, err := Build(Options{Storage: store.Root, Out: out}); err != nil {
		t.Fatal(err)
	}
	feed := readFeed(t, out)
	if len(feed.Entries) != 1 {
		t.Fatalf("%d entries in the feed, want the one regression", len(feed.Entries))
	}
	if e := feed.Entries[0]; !strings.Contains(e.Title, "G ops/s → ") || !strings.HasSuffix(e.Title, "G ops/s)") || !strings.Contains(e.Summary, "G ops/s to ") {
		t.Errorf("feed entry not in ops/s:\n%s\n%s", e.Title, e.Summary)
	}
	var badge string
	for _, f := range siteFiles(t, out) {
		if strings.HasPrefix(f, "badges/org-openjdk-jmh") {
			badge = svgCheck(t, filepath.Join(out, f))
		}
	}
	if !strings.Contains(badge, "G ops/s ↑ −") {
		t.Errorf("badge %q, want the median in ops/s and the regression", badge)
	}
}

// On the Compare page, a benchmark whose unit differs between the baseline
// and the newest run (req/s, then ms: github-action-benchmark's custom
// JSON, its tool changed) shows each side in its own unit, not the
// baseline's req/s as milliseconds.
func TestUnitsDiffer(t *testing.T) {
	src := filepath.Join("..", "harness", "testdata", "github-action-benchmark", "customBiggerIsBetter_output.json")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cur := filepath.Join(dir, "cur.json")
	if err := os.WriteFile(cur, []byte(strings.Replace(string(data), `"req/s"`, `"ms"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	store := storage.Store{Root: filepath.Join(dir, "history")}
	for _, in := range []struct{ path, format, label string }{{src, "customBiggerIsBetter", "baseline"}, {cur, "customSmallerIsBetter", "import"}} {
		run, err := ingest.ReadFile(in.path, ingest.Options{Format: in.format})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Save(run.File.MachineInfo.ID(), in.label, run.File); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	if _, err := Build(Options{Storage: store.Root, Out: out}); err != nil {
		t.Fatal(err)
	}
	// The benchmark page, in the newest run's unit (ms), shows the req/s
	// run in req/s, and its chart leaves that run out (no second axis).
	for _, f := range siteFiles(t, out) {
		switch {
		case strings.HasPrefix(f, "bench/my-custom-bigger-is-better-benchmark-throughput"):
			bench := readFile(t, filepath.Join(out, f))
			if !strings.Contains(bench, "70.00 req/s") || strings.Contains(bench, "70000") {
				t.Errorf("%s: the req/s run is not shown in req/s", f)
			}
		case strings.HasPrefix(f, "data/my-custom-bigger-is-better-benchmark-throughput"):
			var d struct {
				Machines []struct {
					Runs []struct {
						Median *float64 `json:"median"`
					} `json:"runs"`
				} `json:"machines"`
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, f))), &d); err != nil {
				t.Fatal(err)
			}
			if len(d.Machines) != 1 || len(d.Machines[0].Runs) != 2 || d.Machines[0].Runs[0].Median != nil || d.Machines[0].Runs[1].Median == nil || *d.Machines[0].Runs[1].Median != 70 {
				t.Errorf("%s: chart data %s", f, readFile(t, filepath.Join(out, f))[:300])
			}
		}
	}
	page := readFile(t, filepath.Join(out, "compare.html"))
	// The chart's tooltip rows, then the table's.
	if !strings.Contains(page, `"base":"70.00 req/s","cur":"70.00 ms"`) {
		t.Errorf("the chart's Throughput row is not in req/s and ms")
	}
	tbody := strings.Index(page, "<tbody")
	i := strings.Index(page[max(tbody, 0):], "Throughput")
	if tbody < 0 || i < 0 {
		t.Fatal("no Throughput row in the Compare page's table")
	}
	row := page[tbody+i:]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "70.00 req/s") || !strings.Contains(row, "70.00 ms") || !strings.Contains(row, "not compared") {
		t.Errorf("the Throughput row:\n%s", row)
	}
}
