package browser

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/history/historytest"
	"github.com/benchsite/benchsite/internal/site"
)

// historySite writes the generated history spec, builds its site with opt
// (Storage and Out are set here) and serves it on 127.0.0.1; it returns the
// server's URL and the output folder.
func historySite(t *testing.T, spec historytest.Spec, opt site.Options) (url, out string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), ".benchmarks")
	if _, err := historytest.Write(root, spec); err != nil {
		t.Fatal(err)
	}
	opt.Storage, opt.Out = root, filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(opt); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(opt.Out)))
	t.Cleanup(srv.Close)
	return srv.URL, opt.Out
}

// benchSlug is the slug of the one benchmark page in out whose file name
// starts with prefix ("benchmarkup").
func benchSlug(t *testing.T, out, prefix string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(out, "bench", prefix+"-*.html"))
	if len(m) != 1 {
		t.Fatalf("bench pages %s: %v", prefix, m)
	}
	return strings.TrimSuffix(filepath.Base(m[0]), ".html")
}
