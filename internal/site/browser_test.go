package site

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// With a module (Options.WasmFile), the module and the files beside it go
// into wasm/, and the pages that offer browser runs load the panel and give
// it their paths; without one, the pages say so and load nothing.
func TestBrowserRunFiles(t *testing.T) {
	opt := testOptions(t)
	mod := t.TempDir()
	files := map[string]string{
		"benchsite.wasm": "\x00asm\x01\x00\x00\x00",
		"wasm_exec.js":   "// go\n",
		"worker.js":      "// worker\n",
		"panel.js":       "// panel\n",
		"panel.css":      "/* panel */\n",
	}
	for n, d := range files {
		writeFile(t, filepath.Join(mod, n), d)
	}
	writeFile(t, filepath.Join(mod, "unrelated.txt"), "not copied\n")
	opt.WasmFile = filepath.Join(mod, "benchsite.wasm")
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	for n, d := range files {
		if got := readFile(t, filepath.Join(opt.Out, "wasm", n)); got != d {
			t.Errorf("wasm/%s = %q, want %q", n, got, d)
		}
	}
	if _, err := os.Stat(filepath.Join(opt.Out, "wasm", "unrelated.txt")); err == nil {
		t.Error("a file beside the module that is not a browser-run file was copied")
	}

	panels := func(page string) (scripts []string, panel map[string]string) {
		doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(opt.Out, page))))
		if err != nil {
			t.Fatal(err)
		}
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if n.Data == "script" {
				scripts = append(scripts, attrs["src"])
			}
			if _, ok := attrs["data-benchsite-run"]; ok {
				panel = attrs
			}
		})
		return scripts, panel
	}

	var benchPage string
	for _, p := range siteFiles(t, opt.Out) {
		if strings.HasPrefix(p, "bench/benchmarkwork01-size-2") {
			benchPage = p
		}
	}
	scripts, panel := panels(benchPage)
	if !slices.Contains(scripts, "../wasm/panel.js") || panel == nil {
		t.Fatalf("%s: scripts %v, panel %v", benchPage, scripts, panel)
	}
	for k, want := range map[string]string{"data-root": "../", "data-worker": "wasm/worker.js", "data-wasm": "wasm/benchsite.wasm",
		"data-wasm-exec": "wasm/wasm_exec.js", "data-list": "data/browser.json", "data-benchmark": "BenchmarkWork01/size=2"} {
		if panel[k] != want {
			t.Errorf("%s: %s=%q, want %q", benchPage, k, panel[k], want)
		}
	}
	if scripts, panel := panels("run.html"); !slices.Contains(scripts, "wasm/panel.js") || panel == nil || panel["data-root"] != "" || panel["data-list"] != "data/browser.json" {
		t.Errorf("run.html: scripts %v, panel %v", scripts, panel)
	}
	// Pages without browser runs do not load the panel.
	if scripts, panel := panels("compare.html"); slices.Contains(scripts, "wasm/panel.js") || panel != nil {
		t.Errorf("compare.html loads the panel: %v", scripts)
	}

	// Without the module: no panel, and the pages say why.
	opt.WasmFile = ""
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if scripts, panel := panels(benchPage); slices.Contains(scripts, "../wasm/panel.js") || panel != nil {
		t.Errorf("%s without a module: scripts %v, panel %v", benchPage, scripts, panel)
	}
	if !strings.Contains(readFile(t, filepath.Join(opt.Out, benchPage)), "built without the WebAssembly module") ||
		!strings.Contains(readFile(t, filepath.Join(opt.Out, "run.html")), "built without the WebAssembly module") {
		t.Error("without a module, the pages do not say that nothing can run")
	}
}
