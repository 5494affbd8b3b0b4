// Package browsertest finds the headless Chromium that real-browser tests
// drive, with one policy for every such test: a missing browser fails the
// test with the install command, because a check that silently does not run
// is a defect; BENCHSITE_NO_BROWSER=1 skips on explicit request, and -short
// skips too. Screenshots go to $BENCHSITE_SCREENSHOTS when set (make test
// sets artifacts/screenshots), so a person can look at them after a run.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Chromium returns the browser's path, or ends the test as the package
// comment says.
func Chromium(t testing.TB) string {
	t.Helper()
	if os.Getenv("BENCHSITE_NO_BROWSER") == "1" {
		t.Skip("BENCHSITE_NO_BROWSER=1: real-browser tests skipped on request")
	}
	if testing.Short() {
		t.Skip("starts headless Chromium; skipped with -short")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Fatal("no Chromium found (looked for chromium, chromium-browser, google-chrome on PATH): install it with `apt-get install chromium`, or set BENCHSITE_NO_BROWSER=1 to skip the real-browser tests")
	return ""
}

// ScreenshotDir is where a test keeps its screenshots: $BENCHSITE_SCREENSHOTS
// (created if needed) or a temporary directory.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BENCHSITE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return t.TempDir()
}
