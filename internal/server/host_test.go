package server

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostAllowed(t *testing.T) {
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 8000}
	lan := &net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 8000}
	web := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}
	cases := []struct {
		host  string
		bound *net.TCPAddr
		want  bool
	}{
		{"127.0.0.1:8000", loop, true},
		{"localhost:8000", loop, true},
		{"LOCALHOST.:8000", loop, true},
		{"app.localhost:8000", loop, true},
		{"[::1]:8000", loop, true},
		{"127.0.0.1:8001", loop, false},
		{"127.0.0.1", loop, false},
		{"evil.example:8000", loop, false},
		{"localhost.evil.example:8000", loop, false},
		{"127.0.0.1.nip.io:8000", loop, false},
		{"", loop, false},
		{"[fe80::1%25eth0]:8000", all, false},
		{"192.168.1.5:8000", lan, true},
		{"127.0.0.1:8000", lan, false},
		{"localhost:8000", lan, false},
		{"10.0.0.7:8000", all, true},
		{"localhost:8000", all, true},
		{"mybox.lan:8000", all, false},
		{"localhost", web, true},
		{"127.0.0.1", web, true},
		{"[::1]", web, true},
		{"evil.example", web, false},
	}
	for _, c := range cases {
		if got := hostAllowed(c.host, c.bound); got != c.want {
			t.Errorf("hostAllowed(%q, %v) = %v, want %v", c.host, c.bound, got, c.want)
		}
	}
}

// A real server answers its own names and refuses others with 421, the
// live-reload stream included (DNS rebinding).
func TestHostHeader(t *testing.T) {
	src := filepath.Join(t.TempDir(), "site")
	writeFile(t, filepath.Join(src, "index.html"), page("secret figures"))
	h := startServer(t, nil, copyBuild(src))
	_, port, _ := net.SplitHostPort(h.addr)
	get := func(host, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(h.url, "/")+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if path == eventsPath && resp.StatusCode == http.StatusOK {
			return resp.StatusCode, ""
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port} {
		if code, body := get(host, "/"); code != http.StatusOK || !strings.Contains(body, "secret figures") {
			t.Errorf("Host %s: %d %q", host, code, body)
		}
		if code, _ := get(host, eventsPath); code != http.StatusOK {
			t.Errorf("Host %s, event stream: %d", host, code)
		}
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1:1", "rebind.127.0.0.1.nip.io:" + port} {
		for _, path := range []string{"/", "/index.html", eventsPath, reloadJSPath, "/missing"} {
			code, body := get(host, path)
			if code != http.StatusMisdirectedRequest || strings.Contains(body, "secret") {
				t.Errorf("Host %s %s: %d %q; want 421 and nothing of the site", host, path, code, body)
			}
		}
	}
}
