package site

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/compare"
)

// A run's label is whatever its file is named: pytest-benchmark's
// --benchmark-save and a file copied into the history may give it spaces,
// '#', '?' and '%'. Every link to the run's result file (the runs tables of
// the benchmark page and of the older pages, the home page's baseline, and the data files' "raw",
// which the distribution chart fetches) must lead to that very file, not
// cut at '#' or '?' nor with "%41" read as "A".
func TestResultFileLinksEscaped(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	paths := genHistory(t, hist, genSpec{Runs: 130, Benchmarks: 1, Seed: 5})
	odd := map[int]string{4: "0005_v1 #3?x=%41.json", 128: "0129_a%2Fb #c.json"}
	for i, name := range odd {
		to := filepath.Join(filepath.Dir(paths[i]), name)
		if err := os.Rename(paths[i], to); err != nil {
			t.Fatal(err)
		}
	}
	checks, _ := compare.ParseChecks("mean:10%")
	opt := Options{Storage: hist, Out: filepath.Join(dir, "public"), Compare: compare.Options{Checks: checks}}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	// resolve resolves ref against the site path base (both slash paths
	// from the site root) as a browser does, and checks it names a file.
	found := map[string]bool{}
	resolve := func(where, base, ref string) {
		t.Helper()
		b := &url.URL{Scheme: "http", Host: "site", Path: "/" + base}
		u, err := b.Parse(ref)
		if err != nil {
			t.Errorf("%s: link %q: %v", where, ref, err)
			return
		}
		if u.Fragment != "" || u.RawQuery != "" {
			t.Errorf("%s: link %q has a query or fragment: the browser asks for %q", where, ref, u.Path)
		}
		rel := strings.TrimPrefix(u.Path, "/")
		if _, err := os.Stat(filepath.Join(opt.Out, filepath.FromSlash(rel))); err != nil {
			t.Errorf("%s: link %q leads to %q, which is not in the site", where, ref, rel)
		}
		found[path.Base(rel)] = true
	}
	err := filepath.WalkDir(opt.Out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(opt.Out, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".html"):
			doc, err := html.Parse(strings.NewReader(readFile(t, p)))
			if err != nil {
				t.Fatal(err)
			}
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode || n.Data != "a" {
					return
				}
				for _, a := range n.Attr {
					if a.Key == "href" && strings.Contains(a.Val, "results/") {
						resolve(rel, rel, a.Val)
					}
				}
			})
		case strings.HasPrefix(rel, "data/") && strings.HasSuffix(rel, ".json"):
			var v any
			if err := json.Unmarshal([]byte(readFile(t, p)), &v); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			var visit func(v any)
			visit = func(v any) {
				switch v := v.(type) {
				case map[string]any:
					for k, x := range v {
						if s, ok := x.(string); ok && k == "raw" && s != "" {
							// charts.js: new URL('../' + raw, dataURL),
							// dataURL being data/<slug>.json.
							resolve(rel, "data/x.json", "../"+s)
						} else {
							visit(x)
						}
					}
				case []any:
					for _, x := range v {
						visit(x)
					}
				}
			}
			visit(v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range odd {
		if !found[name] {
			t.Errorf("no link leads to %q", name)
		}
	}
}
