package server

import (
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzLocalName: a URL path either is refused or becomes a local name that
// cannot leave the site. Seeds: the traversal probes below and
// testdata/fuzz/FuzzLocalName.
func FuzzLocalName(f *testing.F) {
	for _, s := range []string{"/", "/index.html", "/../etc/passwd", "/a/./b", "/a\\b", "/a\x00", "/bench/x.html", "//x", "/CON", "/.%2e/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		name, ok := localName(p)
		if !ok {
			return
		}
		if name != "." && !filepath.IsLocal(name) {
			t.Fatalf("localName(%q) = %q, not local", p, name)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == ".." {
				t.Fatalf("localName(%q) accepted a .. segment", p)
			}
		}
	})
}

// FuzzHostAllowed: only the bound address's names, with its port, pass.
// Seeds: testdata/fuzz/FuzzHostAllowed.
func FuzzHostAllowed(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "evil.example:8000", "127.0.0.1.nip.io:8000", "localhost", "[::ffff:127.0.0.1]:8000"} {
		f.Add(s)
	}
	bound := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	f.Fuzz(func(t *testing.T, host string) {
		if !hostAllowed(host, bound) {
			return
		}
		name, port, err := net.SplitHostPort(host)
		if err != nil || port != strconv.Itoa(bound.Port) {
			t.Fatalf("allowed %q: not the bound port", host)
		}
		if ip, err := netip.ParseAddr(name); err == nil {
			if !ip.Unmap().IsLoopback() {
				t.Fatalf("allowed %q: not loopback", host)
			}
			return
		}
		n := strings.ToLower(strings.TrimSuffix(name, "."))
		if n != "localhost" && !strings.HasSuffix(n, ".localhost") {
			t.Fatalf("allowed %q: not a localhost name", host)
		}
	})
}
