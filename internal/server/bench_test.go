package server

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkServeHTML is one GET of a 20 KB page over loopback keep-alive,
// including the read of the file and the injection of the reload script.
func BenchmarkServeHTML(b *testing.B) {
	src := b.TempDir()
	body := page(strings.Repeat("<p>benchmark row with some text</p>\n", 560))
	writeFile(b, filepath.Join(src, "index.html"), body)
	h := startServer(b, nil, copyBuild(src))
	benchGet(b, h.url, int64(len(body)))
}

// BenchmarkServeWasm is one GET of a 4 MiB .wasm module (served from the
// file, no injection); the MB/s column is the throughput.
func BenchmarkServeWasm(b *testing.B) {
	src := b.TempDir()
	writeFile(b, filepath.Join(src, "bench.wasm"), strings.Repeat("\x00asm", 1<<20))
	h := startServer(b, nil, copyBuild(src))
	benchGet(b, h.url+"bench.wasm", 4<<20)
}

func benchGet(b *testing.B, url string, size int64) {
	c := &http.Client{}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < size {
			b.Fatalf("GET %s = %d, %d bytes", url, resp.StatusCode, n)
		}
	}
}

// BenchmarkEditToReload is the time from writing a watched file to the
// "reload" event on an open live-reload stream, with a trivial build: the
// 100 ms debounce plus the server's own overhead.
func BenchmarkEditToReload(b *testing.B) {
	src := b.TempDir()
	writeFile(b, filepath.Join(src, "index.html"), page("v0"))
	h := startServer(b, []string{src}, copyBuild(src))
	s := h.subscribe()
	s.expect("hello")
	i := 0
	for b.Loop() {
		i++
		writeFile(b, filepath.Join(src, "index.html"), page(strings.Repeat("v", i)))
		s.expect("reload")
	}
}
