package server

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var securityHeaders = map[string]string{
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
	"Cross-Origin-Resource-Policy": "same-origin",
	"X-Content-Type-Options":       "nosniff",
	"Cache-Control":                "no-cache",
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for k, want := range securityHeaders {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", what, k, got, want)
		}
	}
}

func TestServesBuiltFilesWithHeaders(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"index.html":              "<!DOCTYPE html><html><body><h1>Home</h1></BODY></html>\n",
		"docs/index.html":         page("Docs page"),
		"404.html":                page("Custom not found"),
		"app.js":                  "console.log('app');\n",
		"data.json":               `{"a":1}`,
		"style.css":               "body{color:red}\n",
		"icon.svg":                `<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		"bench.wasm":              "\x00asm\x01\x00\x00\x00",
		"notes.txt":               "plain text\n",
		"blob.unknownext":         "??",
		"evil.example/index.html": page("not a redirect target"),
	}
	for name, content := range files {
		writeFile(t, filepath.Join(src, name), content)
	}
	h := startServer(t, nil, copyBuild(src))

	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*/$`).MatchString(h.url) {
		t.Errorf("Ready URL = %q, want http://127.0.0.1:PORT/ with the real port", h.url)
	}
	if !strings.Contains(h.log.String(), h.url) || strings.Contains(h.log.String(), "other machines") {
		t.Errorf("log should print the URL %s and no note about other machines:\n%s", h.url, h.log)
	}

	cases := []struct {
		path, ctype, body string
	}{
		{"/app.js", "text/javascript; charset=utf-8", files["app.js"]},
		{"/data.json", "application/json", files["data.json"]},
		{"/style.css", "text/css; charset=utf-8", files["style.css"]},
		{"/icon.svg", "image/svg+xml", files["icon.svg"]},
		{"/bench.wasm", "application/wasm", files["bench.wasm"]},
		{"/notes.txt", "text/plain; charset=utf-8", files["notes.txt"]},
		{"/blob.unknownext", "application/octet-stream", files["blob.unknownext"]},
	}
	for _, c := range cases {
		resp, body := h.get(c.path)
		if resp.StatusCode != 200 || body != c.body {
			t.Errorf("GET %s = %d %q, want 200 %q", c.path, resp.StatusCode, body, c.body)
		}
		if got := resp.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("GET %s: Content-Type = %q, want %q", c.path, got, c.ctype)
		}
		checkSecurityHeaders(t, "GET "+c.path, resp.Header)
	}

	// HTML: the reload script is injected before </body> (any case), once,
	// in the response only.
	for _, p := range []string{"/", "/index.html"} {
		resp, body := h.get(p)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s = %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		build := strings.Trim(resp.Header.Get("ETag"), `"`)
		want := "<h1>Home</h1>" + reloadTag(build) + "</BODY></html>\n"
		if build == "" || !strings.HasSuffix(body, want) || strings.Count(body, reloadJSPath) != 1 {
			t.Errorf("GET %s body = %q, want it to end with %q", p, body, want)
		}
		checkSecurityHeaders(t, "GET "+p, resp.Header)
	}
	out := h.builds()[0]
	if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != files["index.html"] {
		t.Errorf("built index.html was modified on disk: %q", b)
	}

	// Directories: redirect to the slash form, then index.html.
	resp, _ := h.get("/docs")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/docs/" {
		t.Errorf("GET /docs = %d Location %q, want 302 /docs/", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := h.get("/docs/?x=1")
	if resp.StatusCode != 200 || !strings.Contains(body, "Docs page") {
		t.Errorf("GET /docs/ = %d %q", resp.StatusCode, body)
	}
	resp, _ = h.get("/app.js/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/app.js" {
		t.Errorf("GET /app.js/ = %d Location %q, want 302 /app.js", resp.StatusCode, resp.Header.Get("Location"))
	}
	// "//evil.example" must not redirect to "//evil.example/" (another host).
	code, hdr, _ := h.raw("//evil.example")
	if code != http.StatusFound || hdr.Get("Location") != "/evil.example/" {
		t.Errorf("GET //evil.example = %d Location %q, want 302 /evil.example/", code, hdr.Get("Location"))
	}

	// Missing file: the site's 404.html, with status 404 and live reload.
	resp, body = h.get("/no/such/page")
	if resp.StatusCode != 404 || !strings.Contains(body, "Custom not found") || !strings.Contains(body, reloadJSPath) {
		t.Errorf("GET /no/such/page = %d %q", resp.StatusCode, body)
	}
	checkSecurityHeaders(t, "404", resp.Header)

	resp, _ = h.do(http.MethodPost, "/", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST / = %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, body = h.do(http.MethodHead, "/data.json", nil)
	if resp.StatusCode != 200 || body != "" || resp.ContentLength != int64(len(files["data.json"])) {
		t.Errorf("HEAD /data.json = %d len %d body %q", resp.StatusCode, resp.ContentLength, body)
	}

	// Revalidation: the ETag names the build, so an unchanged site answers 304.
	resp, _ = h.get("/style.css")
	etag := resp.Header.Get("ETag")
	resp, _ = h.do(http.MethodGet, "/style.css", http.Header{"If-None-Match": {etag}})
	if etag == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("GET /style.css If-None-Match %q = %d, want 304", etag, resp.StatusCode)
	}

	resp, body = h.get("/__benchsite/reload.js")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		!strings.Contains(body, `new EventSource(EVENTS)`) {
		t.Errorf("GET reload.js = %d %s %.60q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	checkSecurityHeaders(t, "reload.js", resp.Header)
	if resp, _ := h.get("/__benchsite/other"); resp.StatusCode != 404 {
		t.Errorf("GET /__benchsite/other = %d, want 404", resp.StatusCode)
	}
}

func TestEditRebuildsAndReloads(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("version one"))
	h := startServer(t, []string{src}, copyBuild(src))
	s := h.subscribe()
	hello := s.expect("hello")
	if hello.field("build") == "" || hello.field("error") != "" {
		t.Fatalf("hello = %s", hello.data)
	}

	writeFile(t, filepath.Join(src, "index.html"), page("version two"))
	reload := s.expect("reload")
	if reload.field("build") == hello.field("build") {
		t.Errorf("reload carries the old build id %s", reload.data)
	}
	if _, body := h.get("/"); !strings.Contains(body, "version two") {
		t.Errorf("after reload GET / = %q", body)
	}
	// The replaced build directory is removed (no request holds it), just
	// after pages were told to reload.
	first := h.builds()[0]
	waitFor(t, func() bool { _, err := os.Stat(first); return os.IsNotExist(err) })

	// A new subdirectory is watched too: its creation is one change, a file
	// written into it later is another.
	if err := os.Mkdir(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.expect("reload")
	writeFile(t, filepath.Join(src, "sub", "page.html"), page("in a new directory"))
	s.expect("reload")
	if resp, body := h.get("/sub/page.html"); resp.StatusCode != 200 || !strings.Contains(body, "in a new directory") {
		t.Errorf("GET /sub/page.html = %d %q", resp.StatusCode, body)
	}
	writeFile(t, filepath.Join(src, "sub", "deeper", "x.html"), page("deeper"))
	s.expect("reload")
	// MkdirAll + write may arrive as two bursts; wait for the page.
	waitFor(t, func() bool { r, _ := h.get("/sub/deeper/x.html"); return r.StatusCode == 200 })

	// A burst of writes makes one build, not one per write.
	s.settle()
	n := len(h.builds())
	for i := range 20 {
		writeFile(t, filepath.Join(src, "burst.txt"), strings.Repeat("x", i))
	}
	s.expect("reload")
	s.settle()
	if got := len(h.builds()) - n; got != 1 {
		t.Errorf("20 quick writes caused %d builds, want 1", got)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEditorTempFilesIgnored(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("home"))
	h := startServer(t, []string{src}, copyBuild(src))
	s := h.subscribe()
	s.expect("hello")
	n := len(h.builds())
	for _, name := range []string{".index.html.swp", "index.html~", ".#index.html", "#index.html#", "4913", "index.html.tmp"} {
		writeFile(t, filepath.Join(src, name), "junk")
	}
	s.quiet(6 * debounce)
	if got := len(h.builds()); got != n {
		t.Errorf("editor temp files caused %d builds", got-n)
	}
	writeFile(t, filepath.Join(src, "index.html"), page("home, edited"))
	s.expect("reload")
}

func TestWatchFileRootAndLaterDirectory(t *testing.T) {
	proj := t.TempDir()
	cfg := filepath.Join(proj, "benchsite.toml")
	writeFile(t, cfg, "title = 'one'\n")
	hist := filepath.Join(proj, ".benchmarks") // does not exist yet
	build := func(ctx context.Context, out string) error {
		b, err := os.ReadFile(cfg)
		if err != nil {
			return err
		}
		n := 0
		filepath.WalkDir(hist, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return os.WriteFile(filepath.Join(out, "index.html"),
			[]byte(page(strings.TrimSpace(string(b))+" results="+strconv.Itoa(n))), 0o644)
	}
	h := startServer(t, []string{cfg, hist}, build)
	s := h.subscribe()
	s.expect("hello")

	// Editors save by writing a temporary file and renaming it over.
	tmp := filepath.Join(proj, "benchsite.toml.new")
	writeFile(t, tmp, "title = 'two'\n")
	if err := os.Rename(tmp, cfg); err != nil {
		t.Fatal(err)
	}
	s.expect("reload")
	if _, body := h.get("/"); !strings.Contains(body, "title = 'two' results=0") {
		t.Errorf("GET / = %q", body)
	}
	// An unrelated file beside the watched file is no change.
	writeFile(t, filepath.Join(proj, "go.mod"), "module x\n")
	s.quiet(6 * debounce)

	if err := os.MkdirAll(filepath.Join(hist, "Linux-Go-1.26-64bit"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.expect("reload")
	writeFile(t, filepath.Join(hist, "Linux-Go-1.26-64bit", "0001_run.json"), "{}")
	s.expect("reload")
	if _, body := h.get("/"); !strings.Contains(body, "results=1") {
		t.Errorf("GET / after a new result = %q", body)
	}
}

func TestBuildErrorKeepsLastGoodSite(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("good version"))
	h := startServer(t, []string{src}, copyBuild(src))
	s := h.subscribe()
	s.expect("hello")
	good := len(h.builds())

	writeFile(t, filepath.Join(src, "index.html"), "BROKEN <b>markup</b>\n"+page("bad version"))
	ev := s.expect("builderror")
	if msg := ev.field("error"); msg != "index.html: template error: BROKEN <b>markup</b>" {
		t.Errorf("builderror message = %q", msg)
	}
	if resp, body := h.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "good version") {
		t.Errorf("during a build error GET / = %d %q, want the last good site", resp.StatusCode, body)
	}
	if !strings.Contains(h.log.String(), "build failed") || !strings.Contains(h.log.String(), "BROKEN <b>markup</b>") {
		t.Errorf("log does not report the build error:\n%s", h.log)
	}
	// The failed build's directory is removed at once; the good one stays.
	dirs := h.builds()
	if _, err := os.Stat(dirs[len(dirs)-1]); !os.IsNotExist(err) {
		t.Errorf("failed build directory still exists (err %v)", err)
	}
	if _, err := os.Stat(dirs[good-1]); err != nil {
		t.Errorf("last good build directory is gone: %v", err)
	}
	// A page opened now learns about the error at once.
	if hello := h.subscribe().expect("hello"); !strings.Contains(hello.field("error"), "BROKEN") {
		t.Errorf("hello during a build error = %s", hello.data)
	}

	writeFile(t, filepath.Join(src, "index.html"), page("fixed version"))
	s.expect("reload")
	if _, body := h.get("/"); !strings.Contains(body, "fixed version") {
		t.Errorf("after the fix GET / = %q", body)
	}
	if hello := h.subscribe().expect("hello"); hello.field("error") != "" {
		t.Errorf("hello after the fix = %s", hello.data)
	}
}

func TestFirstBuildFailsThenRecovers(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), "BROKEN <script>alert(1)</script>\n")
	h := startServer(t, []string{src}, copyBuild(src))

	resp, body := h.get("/any/page")
	if resp.StatusCode != 500 || !strings.Contains(body, "BROKEN &lt;script&gt;alert(1)&lt;/script&gt;") ||
		strings.Contains(body, "<script>alert") || !strings.Contains(body, reloadJSPath) {
		t.Errorf("GET with no good build = %d %q", resp.StatusCode, body)
	}
	checkSecurityHeaders(t, "error page", resp.Header)
	s := h.subscribe()
	if hello := s.expect("hello"); !strings.Contains(hello.field("error"), "alert(1)") {
		t.Errorf("hello = %s", hello.data)
	}
	writeFile(t, filepath.Join(src, "index.html"), page("now it builds"))
	s.expect("reload")
	if resp, body := h.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "now it builds") {
		t.Errorf("after the fix GET / = %d %q", resp.StatusCode, body)
	}
}

func TestBuildPanicIsABuildError(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("ok"))
	build := copyBuild(src)
	h := startServer(t, []string{src}, func(ctx context.Context, out string) error {
		if b, _ := os.ReadFile(filepath.Join(src, "index.html")); strings.Contains(string(b), "PANIC") {
			panic("template helper bug")
		}
		return build(ctx, out)
	})
	s := h.subscribe()
	s.expect("hello")
	writeFile(t, filepath.Join(src, "index.html"), page("PANIC"))
	if ev := s.expect("builderror"); !strings.Contains(ev.field("error"), "build panicked: template helper bug") {
		t.Errorf("builderror = %s", ev.data)
	}
	if _, body := h.get("/"); !strings.Contains(body, "ok") {
		t.Errorf("GET / = %q", body)
	}
}

// TestTraversalNeverLeavesTheSite sends hostile paths on a raw connection.
// The server's build directories live in TMPDIR=<test>/tmp, two levels above
// the site root: <tmp>/benchsite-serve-*/site-*/. The secret sits in <tmp>.
func TestTraversalNeverLeavesTheSite(t *testing.T) {
	const secret = "TOPSECRET-7f3a"
	var tmp string
	h := startServer(t, nil, func(ctx context.Context, out string) error {
		tmp = filepath.Dir(filepath.Dir(out))
		// Build runs on the server's goroutine: return errors, no t.Fatal.
		for name, content := range map[string]string{
			filepath.Join(tmp, "secret.txt"):              secret,
			filepath.Join(tmp, "secretdir", "secret.txt"): secret,
			filepath.Join(out, "index.html"):              page("site home"),
			filepath.Join(out, "sub", "page.html"):        page("sub page"),
		} {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
				return err
			}
		}
		for link, target := range map[string]string{
			"abs.txt":      filepath.Join(tmp, "secret.txt"), // absolute, outside
			"rel.txt":      "../../secret.txt",               // relative, outside
			"sub/deep.txt": "../../../secret.txt",
			"linkdir":      "../../secretdir",
			"alias.html":   "index.html", // inside: allowed
			"sub/up.html":  "../index.html",
		} {
			if err := os.Symlink(target, filepath.Join(out, link)); err != nil {
				return err
			}
		}
		return nil
	})
	if b, err := os.ReadFile(filepath.Join(tmp, "secret.txt")); err != nil || string(b) != secret {
		t.Fatalf("test setup: secret not where expected: %v", err)
	}

	// Controls: the raw client works, and symlinks within the site are fine.
	for _, p := range []string{"/index.html", "/alias.html", "/sub/up.html"} {
		if code, _, body := h.raw(p); code != 200 || !strings.Contains(body, "site home") {
			t.Errorf("control GET %s = %d %q", p, code, body)
		}
	}

	var targets []string
	for depth := 1; depth <= 4; depth++ {
		for _, up := range []string{"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e"} {
			for _, sep := range []string{"/", "%2f", "%2F", "\\", "%5c", "%5C", "%252f"} {
				prefix := strings.Repeat(up+sep, depth)
				targets = append(targets,
					"/"+prefix+"secret.txt",
					"/sub/"+prefix+"secret.txt",
					"/"+prefix+"secretdir/secret.txt")
			}
		}
		targets = append(targets, "http://"+h.addr+"/"+strings.Repeat("../", depth)+"secret.txt")
	}
	targets = append(targets,
		filepath.Join(tmp, "secret.txt"),     // absolute path as the URL path
		"/"+filepath.Join(tmp, "secret.txt"), // and with a doubled slash
		"/abs.txt", "/rel.txt", "/sub/deep.txt", "/linkdir/secret.txt", "/linkdir/",
		"/index.html/../../../secret.txt",
		"/./../secret.txt",
		"/%00", "/index.html%00.txt",
		"/..;/..;/secret.txt",
	)
	for _, target := range targets {
		code, _, body := h.raw(target)
		if strings.Contains(body, secret) {
			t.Errorf("GET %s served the secret (status %d)", target, code)
			continue
		}
		if code != 400 && code != 403 && code != 404 {
			t.Errorf("GET %s = %d %q, want 400, 403 or 404", target, code, body)
		}
	}
	t.Logf("%d hostile targets refused", len(targets))
}

func TestShutdownEndsOpenStreams(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("home"))
	h := startServer(t, []string{src}, copyBuild(src))
	s := h.subscribe()
	s.expect("hello")

	start := time.Now()
	h.stop() // fails if Serve takes longer than waitTimeout, or leaves temp dirs
	// Far below the 5 s shutdown grace: the stream ended, nothing timed out.
	if d := time.Since(start); d > shutdownTimeout/2 {
		t.Errorf("shutdown with an open event stream took %v", d)
	}
	select {
	case _, ok := <-s.events:
		if ok {
			t.Error("event after shutdown")
		}
	case <-time.After(waitTimeout):
		t.Error("event stream still open after shutdown")
	}
	if _, err := net.DialTimeout("tcp", h.addr, time.Second); err == nil {
		t.Error("still accepting connections after Serve returned")
	}
}

func TestAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	built := false
	err = Serve(context.Background(), Options{
		Addr:  ln.Addr().String(),
		Build: func(context.Context, string) error { built = true; return nil },
	})
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("Serve on a busy address = %v", err)
	}
	if built {
		t.Error("built the site although the address was busy")
	}
}

func TestMissingBuild(t *testing.T) {
	if err := Serve(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "Build") {
		t.Errorf("Serve without Build = %v", err)
	}
}

// ":0" listens on every interface; the URL handed out must still be one a
// local browser can open, with the real port.
func TestAllInterfacesAddr(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "index.html"), page("everywhere"))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	var log lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Options{Addr: ":0", Build: copyBuild(src), Log: &log, Ready: func(u string) { ready <- u }})
	}()
	var u string
	select {
	case u = <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(waitTimeout):
		t.Fatal("not ready")
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*/$`).MatchString(u) {
		t.Errorf("URL for :0 = %q", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s = %d", u, resp.StatusCode)
	}
	if !strings.Contains(log.String(), "other machines can reach") {
		t.Errorf("no note about listening beyond loopback:\n%s", log.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
