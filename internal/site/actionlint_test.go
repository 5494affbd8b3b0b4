package site

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// repoRoot finds the module root (the directory holding go.mod) above the
// test's working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// lint runs actionlint over the workflow files in dir and returns its findings
// as text. shellcheck is used for run: scripts when it is installed.
func lint(t *testing.T, dir string) (findings []*actionlint.Error, out string) {
	t.Helper()
	var buf bytes.Buffer
	opt := &actionlint.LinterOptions{WorkingDir: dir}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opt.Shellcheck = p
	}
	l, err := actionlint.NewLinter(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return errs, buf.String()
}

// TestWorkflowsLint runs actionlint over .github/workflows and fails on any
// finding, so a broken workflow never reaches GitHub.
func TestWorkflowsLint(t *testing.T) {
	dir := filepath.Join(repoRoot(t), ".github", "workflows")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml") {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no workflow files in %s", dir)
	}
	errs, out := lint(t, dir)
	if len(errs) > 0 {
		t.Errorf("actionlint found %d problem(s) in %s:\n%s", len(errs), dir, out)
	}
}

// TestWorkflowsLintCatches checks that the linting above can fail: a workflow
// with an unknown action input, an undefined step output and a bad expression
// must be reported.
func TestWorkflowsLintCatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".github", "workflows")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := `name: bad
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          no-such-input: true
      - run: echo "${{ steps.nope.outputs.x }}"
      - run: echo "${{ github.event.pull_request.title }}"
`
	if err := os.WriteFile(filepath.Join(dir, "bad.yml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	errs, out := lint(t, dir)
	if len(errs) < 3 {
		t.Fatalf("actionlint found %d problems in a broken workflow, want at least 3:\n%s", len(errs), out)
	}
}
