package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalName(t *testing.T) {
	ok := map[string]string{
		"":               ".",
		"/":              ".",
		"/a.html":        "a.html",
		"/docs/":         "docs",
		"//docs//x.html": "docs/x.html",
		"/%2e%2e.txt":    "%2e%2e.txt", // a literal file name once decoded
		"/..a/b..":       "..a/b..",
	}
	for in, want := range ok {
		if got, good := localName(in); !good || got != want {
			t.Errorf("localName(%q) = %q, %v; want %q, true", in, got, good, want)
		}
	}
	for _, in := range []string{
		"/..", "/../x", "/a/../../x", "/a/..", "/./x", "/.", "/a\\..\\x", "/a\\b",
		"/a\x00b", "relative", "../x",
	} {
		if got, good := localName(in); good {
			t.Errorf("localName(%q) = %q, true; want refused", in, got)
		}
	}
}

func TestInjectReload(t *testing.T) {
	tag := `<script src="/__benchsite/reload.js" data-build="n-1"></script>`
	cases := map[string]string{
		"<body>x</body></html>":                  "<body>x" + tag + "</body></html>",
		"<BODY>x</Body >":                        "<BODY>x" + tag + "</Body >",
		"<p>no body end</p>":                     "<p>no body end</p>" + tag,
		"":                                       tag,
		"<pre>&lt;/body&gt;</pre></body></body>": "<pre>&lt;/body&gt;</pre></body>" + tag + "</body>",
		"<script>'</body>'</script>x</body>tail": "<script>'</body>'</script>x" + tag + "</body>tail",
	}
	for in, want := range cases {
		if got := string(injectReload([]byte(in), "n-1")); got != want {
			t.Errorf("injectReload(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIgnoredName(t *testing.T) {
	for _, n := range []string{".a.md.swp", ".a.md.swo", ".a.swx", "a.md~", ".#a.md", "#a.md#", "4913", "a.md___jb_tmp___", "x.TMP"} {
		if !ignoredName(n) {
			t.Errorf("ignoredName(%q) = false", n)
		}
	}
	for _, n := range []string{"a.md", "benchsite.toml", "0001_run.json", "#", "index.html", "swp"} {
		if ignoredName(n) {
			t.Errorf("ignoredName(%q) = true", n)
		}
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"a.WASM": "application/wasm", "wasm_exec.js": "text/javascript; charset=utf-8",
		"x.json": "application/json", "s.css": "text/css; charset=utf-8", "i.svg": "image/svg+xml",
		"index.html": "text/html; charset=utf-8", "noext": "application/octet-stream",
	} {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(contentType("p.png"), "image/png") {
		t.Error("png")
	}
}

func TestShortPath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := shortPath(filepath.Join(wd, "content", "a.md")); got != filepath.Join("content", "a.md") {
		t.Errorf("shortPath below the working directory = %q", got)
	}
	outside := filepath.Join(filepath.Dir(wd), "elsewhere", "b.md")
	if got := shortPath(outside); got != outside {
		t.Errorf("shortPath outside the working directory = %q, want it unchanged", got)
	}
}
