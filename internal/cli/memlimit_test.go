package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"runtime/debug"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/memlimit"
)

// serve builds under the soft memory limit that build runs under (the
// main job, `make`, serves rather than builds), and puts back the limit
// before it when it stops.
func TestServeSetsMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() { done <- MainContext(ctx, dir, []string{"serve", "--addr", addr}, &out, &errb) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("serve did not answer: %v\n%s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := debug.SetMemoryLimit(-1)
	cancel()
	<-done
	if got < memlimit.Build || got == before {
		t.Errorf("memory limit while serving = %d, want at least %d (build's)", got, memlimit.Build)
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("memory limit after serve = %d, want %d back", after, before)
	}
}
