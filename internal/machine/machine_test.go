package machine

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

func TestInfo(t *testing.T) {
	m := Info()
	for _, k := range []string{"node", "machine", "system", "go_version", "goos", "goarch", "gomaxprocs", "num_cpu", "cpu_model", "cpu", "processor", "release"} {
		if _, ok := m[k]; !ok {
			t.Errorf("machine_info lacks %q: %v", k, m)
		}
	}
	for k := range m {
		if strings.HasPrefix(k, "python") {
			t.Errorf("python key %q", k)
		}
	}
	cpu := m["cpu"].(map[string]any)
	if cpu["count"] != runtime.NumCPU() || cpu["bits"] != 64 && runtime.GOARCH == "amd64" {
		t.Errorf("cpu %v", cpu)
	}
	if runtime.GOOS == "linux" {
		if m["system"] != "Linux" || m["release"] == "" || m["cpu_model"] == "" {
			t.Errorf("linux machine_info %v", m)
		}
		// The id this project's storage is laid out by.
		v := strings.Join(strings.SplitN(strings.TrimPrefix(runtime.Version(), "go"), ".", 3)[:2], ".")
		if want := "Linux-Go-" + v + "-64bit"; runtime.GOARCH == "amd64" && m.ID() != want {
			t.Errorf("ID %q, want %q", m.ID(), want)
		}
	}
}

func TestProjectFromURL(t *testing.T) {
	for url, want := range map[string]string{
		"git@github.com:o/benchsite.git":      "benchsite",
		"https://github.com/o/benchsite/":     "benchsite",
		"https://github.com/o/benchsite.git/": "benchsite",
		"/srv/git/proj":                       "proj",
	} {
		if got := projectFromURL(url); got != want {
			t.Errorf("%q → %q, want %q", url, got, want)
		}
	}
}

// run runs git in dir with a fixed identity and dates, isolated from the
// user's configuration.
func run(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@example.com")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	// Isolate Commit's own git calls from the user's configuration too.
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := filepath.Join(t.TempDir(), "myproj")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	// Not a repository yet.
	ci := Commit(dir)
	if ci.ID != "unversioned" || ci.Project != "myproj" || ci.Dirty {
		t.Errorf("outside a repo: %+v", ci)
	}

	run(t, dir, nil, "init", "-q", "-b", "trunk")
	if ci := Commit(dir); ci.ID != "unversioned" || ci.Branch != "trunk" {
		t.Errorf("before the first commit: %+v", ci)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, nil, "add", "a.txt")
	run(t, dir, []string{"GIT_AUTHOR_DATE=2024-01-02T03:04:05+01:00", "GIT_COMMITTER_DATE=2024-02-03T04:05:06-05:00"},
		"commit", "-q", "-m", "Speed up <b>forward</b>\n\nLong body\nmore")
	head := run(t, dir, nil, "rev-parse", "HEAD")

	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	ci = Commit(sub) // any directory inside the checkout
	want := struct{ id, time, author, branch, project, msg string }{head, "2024-02-03T04:05:06-05:00", "2024-01-02T03:04:05+01:00", "trunk", "myproj", "Speed up <b>forward</b>"}
	if ci.ID != want.id || ci.Time != want.time || ci.AuthorTime != want.author || ci.Branch != want.branch || ci.Project != want.project || ci.Message != want.msg || ci.Dirty {
		t.Errorf("got %+v\nwant %+v", ci, want)
	}
	for _, s := range []string{ci.Time, ci.AuthorTime} {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("not RFC 3339: %v", err)
		}
	}

	// Untracked files do not make the checkout dirty; a changed tracked
	// file does.
	os.WriteFile(filepath.Join(dir, "new.txt"), []byte("x"), 0o644)
	if Commit(dir).Dirty {
		t.Error("dirty from an untracked file")
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("2\n"), 0o644)
	if !Commit(dir).Dirty {
		t.Error("not dirty after changing a tracked file")
	}

	// The origin's name wins over the directory's.
	run(t, dir, nil, "remote", "add", "origin", "git@github.com:someone/benchsite.git")
	if p := Commit(dir).Project; p != "benchsite" {
		t.Errorf("project %q, want benchsite", p)
	}

	run(t, dir, nil, "checkout", "-q", "--detach")
	if b := Commit(dir).Branch; b != "(detached head)" {
		t.Errorf("branch %q", b)
	}
}

// Two machines of pytest-benchmark's shape but different CPUs get different
// ids by default; files without CPU information keep the shape alone.
func TestID(t *testing.T) {
	a := result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "cpu_model": "AMD EPYC 7B13", "cpu": map[string]any{"bits": 64.0, "count": 2.0}}
	b := result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "cpu_model": "Intel(R) Core(TM) i7-8650U", "cpu": map[string]any{"bits": 64.0, "count": 8.0}}
	c := result.MachineInfo{"system": "Linux", "go_version": "go1.26.8", "cpu_model": "AMD EPYC 7B13", "cpu": map[string]any{"bits": 64.0, "count": 8.0}}
	ida, idb, idc := ID(a), ID(b), ID(c)
	if ida == idb || ida == idc || idb == idc {
		t.Errorf("different machines share an id: %s %s %s", ida, idb, idc)
	}
	if !strings.HasPrefix(ida, "Linux-Go-1.26-64bit-2cpu-") || len(ida) != len("Linux-Go-1.26-64bit-2cpu-")+6 {
		t.Errorf("id %q: want pytest-benchmark's shape, the CPU count and a 6-digit hash", ida)
	}
	if ID(a) != ida {
		t.Error("the id is not stable")
	}
	py := result.MachineInfo{"system": "Linux", "python_implementation": "CPython", "python_version": "3.11.7"}
	if ID(py) != "Linux-CPython-3.11-64bit" {
		t.Errorf("a file without CPU information: %q", ID(py))
	}
	if id := ID(Info()); !strings.HasPrefix(id, Info().ID()+"-") {
		t.Errorf("this machine's id %q does not extend %q", id, Info().ID())
	}
}
