package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Reserved paths of the preview server; a site's own files under
// /__benchsite/ are not reachable while previewing.
const (
	reservedPrefix = "/__benchsite/"
	eventsPath     = reservedPrefix + "events"
	reloadJSPath   = reservedPrefix + "reload.js"
	pingInterval   = 15 * time.Second
)

// reloadTag is the script element injected into HTML responses. data-build
// names the build the page came from, so that reload.js can tell a page
// that must reload even when its first connection already sees a newer
// build (the page loaded just before a rebuild or a server restart).
func reloadTag(build string) string {
	return `<script src="` + reloadJSPath + `" data-build="` + build + `"></script>`
}

//go:embed reload.js
var reloadJS []byte

// notifyLocked wakes every live-reload stream; s.mu must be held. Each
// subscriber channel holds at most one wake-up and the stream then reads the
// latest state, so a slow page never blocks a build and never misses the
// newest outcome (bursts collapse into one event).
func (s *server) notifyLocked() {
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (s *server) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch
}

func (s *server) unsubscribe(ch chan struct{}) {
	s.mu.Lock()
	delete(s.subs, ch)
	s.mu.Unlock()
}

// serveEvents is the server-sent-events stream of build outcomes.
func (s *server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w)
		return
	}
	rc := http.NewResponseController(w)
	ch := s.subscribe()
	defer s.unsubscribe(ch)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	gen, errMsg := s.state()
	// retry: how soon the browser reconnects after the server went away.
	fmt.Fprint(w, "retry: 1000\n\n")
	writeEvent(w, "hello", map[string]string{"build": s.buildID(gen), "error": errMsg})
	if rc.Flush() != nil {
		return
	}

	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		case <-ping.C:
			// A comment line: keeps intermediaries from timing the stream
			// out and lets a write fail for a page that is gone.
			fmt.Fprint(w, ": ping\n\n")
		case <-ch:
			g, e := s.state()
			switch {
			case g != gen:
				// The page reloads and gets any later error in its hello.
				writeEvent(w, "reload", map[string]string{"build": s.buildID(g)})
			case e != errMsg:
				writeEvent(w, "builderror", map[string]string{"error": e})
			}
			gen, errMsg = g, e
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// writeEvent writes one SSE event; the JSON encoding keeps newlines of
// multi-line error messages out of the line-based stream format.
func writeEvent(w http.ResponseWriter, name string, data any) {
	b, _ := json.Marshal(data)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
}

func (s *server) serveReloadJS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(reloadJS)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(reloadJS)
	}
}
