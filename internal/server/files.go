package server

import (
	"bytes"
	"html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP sets the headers every response carries and routes the request.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache") // a preview: always revalidate
	if !hostAllowed(r.Host, s.bound) {
		misdirected(w, r, s.bound)
		return
	}
	switch p := r.URL.Path; {
	case p == eventsPath:
		s.serveEvents(w, r)
	case p == reloadJSPath:
		s.serveReloadJS(w, r)
	case strings.HasPrefix(p, reservedPrefix):
		http.Error(w, "404 not found", http.StatusNotFound)
	default:
		s.serveFile(w, r)
	}
}

func methodNotAllowed(w http.ResponseWriter) {
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
}

// localName turns a decoded URL path into a name relative to the site root
// ("." for the root itself). It refuses rather than cleans "." and ".."
// segments (browsers never send them; %2e%2e arrives here decoded, as does
// %2f), backslashes (a separator on Windows, and a traversal trick
// elsewhere) and NUL. os.Root is the second line of defence.
func localName(p string) (string, bool) {
	if p == "" {
		p = "/" // absolute-form request without a path
	}
	if p[0] != '/' || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return "", false
		}
	}
	rel := strings.TrimPrefix(path.Clean(p), "/")
	if rel == "" {
		return ".", true
	}
	if !fs.ValidPath(rel) {
		return "", false
	}
	name, err := filepath.Localize(rel) // also refuses Windows device names
	if err != nil {
		return "", false
	}
	return name, true
}

func (s *server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w)
		return
	}
	name, ok := localName(r.URL.Path)
	if !ok {
		http.Error(w, "403 forbidden: path outside the site", http.StatusForbidden)
		return
	}
	st, buildErr := s.acquire()
	defer s.release(st)
	if st == nil {
		s.writeHTML(w, r, http.StatusInternalServerError, buildErrorPage(buildErr), s.buildID(0))
		return
	}

	// The URL path the client should use: cleaned, so a redirect can never
	// start with "//" (which a browser would read as another host).
	clean := "/"
	if name != "." {
		clean += filepath.ToSlash(name)
	}
	fi, err := st.root.Stat(name) // follows symlinks only within the site
	if err != nil {
		s.notFound(w, r, st)
		return
	}
	if fi.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			redirect(w, r, strings.TrimSuffix(clean, "/")+"/")
			return
		}
		name = filepath.Join(name, "index.html")
		if fi, err = st.root.Stat(name); err != nil {
			s.notFound(w, r, st)
			return
		}
	} else if strings.HasSuffix(r.URL.Path, "/") {
		redirect(w, r, clean)
		return
	}
	// Only regular files: no FIFOs (open would block), devices or sockets.
	if !fi.Mode().IsRegular() {
		s.notFound(w, r, st)
		return
	}
	f, err := st.root.Open(name)
	if err != nil {
		s.notFound(w, r, st)
		return
	}
	defer f.Close()

	ctype := contentType(name)
	w.Header().Set("Content-Type", ctype)
	// A build's files never change, so the build id is a valid validator;
	// modification times are not (a quick rebuild can land in the same second).
	w.Header().Set("ETag", `"`+s.buildID(st.gen)+`"`)
	if isHTML(ctype) {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "500 cannot read "+clean, http.StatusInternalServerError)
			return
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(injectReload(b, s.buildID(st.gen))))
		return
	}
	http.ServeContent(w, r, name, time.Time{}, f)
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	loc := (&url.URL{Path: to}).EscapedPath()
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	// 302, not 301: browsers cache permanent redirects beyond a preview's life.
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusFound)
}

// notFound serves the site's /404.html with status 404, or a plain page.
func (s *server) notFound(w http.ResponseWriter, r *http.Request, st *site) {
	if fi, err := st.root.Stat("404.html"); err == nil && fi.Mode().IsRegular() {
		if b, err := st.root.ReadFile("404.html"); err == nil {
			s.writeHTML(w, r, http.StatusNotFound, b, s.buildID(st.gen))
			return
		}
	}
	s.writeHTML(w, r, http.StatusNotFound, []byte(`<!doctype html>
<html><head><meta charset="utf-8"><title>404 not found</title></head>
<body><h1>404 not found</h1><p>`+html.EscapeString(r.URL.Path)+` is not part of the site.</p></body></html>
`), s.buildID(st.gen))
}

// writeHTML writes a generated (non-file) HTML page with the reload script.
func (s *server) writeHTML(w http.ResponseWriter, r *http.Request, status int, page []byte, build string) {
	body := injectReload(page, build)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// buildErrorPage is served for every page while no build has succeeded yet.
func buildErrorPage(msg string) []byte {
	return []byte(`<!doctype html>
<html><head><meta charset="utf-8"><title>benchsite: build failed</title></head>
<body><h1>benchsite: the site could not be built</h1>
<p>Fix the problem below and save; this page reloads when a build succeeds.</p>
<pre>` + html.EscapeString(msg) + `</pre></body></html>
`)
}

// injectReload inserts the live-reload script tag before the last </body>
// (ASCII case-insensitive), or appends it when there is none.
func injectReload(b []byte, build string) []byte {
	tag := reloadTag(build)
	const end = "</body"
	i := len(b) - len(end)
	for ; i >= 0; i-- {
		if b[i] == '<' && bytes.EqualFold(b[i:i+len(end)], []byte(end)) {
			break
		}
	}
	if i < 0 {
		i = len(b)
	}
	out := make([]byte, 0, len(b)+len(tag))
	out = append(out, b[:i]...)
	out = append(out, tag...)
	return append(out, b[i:]...)
}

// contentTypes is fixed rather than taken from the system's MIME database,
// which differs between machines (and may lack .wasm or map .js to
// application/x-javascript).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".htm":   "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".wasm":  "application/wasm",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/vnd.microsoft.icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/markdown; charset=utf-8",
	".csv":   "text/csv; charset=utf-8",
	".xml":   "application/xml",
	".rss":   "application/rss+xml",
	".atom":  "application/atom+xml",
	".pdf":   "application/pdf",
	".gz":    "application/gzip",
	".zip":   "application/zip",
}

func contentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func isHTML(ctype string) bool { return strings.HasPrefix(ctype, "text/html") }
