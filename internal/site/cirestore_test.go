package site

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// The jobs of a shard matrix restore CI's history from one commit of the
// benchmarks-data branch, read once (make ci-data-ref), not each the
// branch's head when it starts: a push to main in between would give
// shards different splits (or paired baselines) and merge would refuse
// them. Real git repositories and the real Makefile.
func TestCIRestorePinned(t *testing.T) {
	for _, tool := range []string{"git", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	makefile := filepath.Join(repoRoot(t), "Makefile")
	dir := t.TempDir()
	run := func(wd string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	origin := filepath.Join(dir, "origin.git")
	run(dir, "git", "init", "-q", "--bare", origin)
	// The history branch gets run 1 (commit A), then run 2 (commit B).
	data := filepath.Join(dir, "data")
	run(dir, "git", "init", "-q", "-b", "benchmarks-data", data)
	machine := filepath.Join(data, ".benchmarks", "ci")
	if err := os.MkdirAll(machine, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(machine, "0001_baseline.json"), []byte("{}\n"), 0o644)
	run(data, "git", "add", ".")
	run(data, "git", "commit", "-q", "-m", "run 1")
	run(data, "git", "push", "-q", origin, "benchmarks-data")
	checkout := filepath.Join(dir, "checkout")
	run(dir, "git", "clone", "-q", origin, checkout)
	ref := strings.TrimSpace(run(checkout, "make", "-s", "-f", makefile, "ci-data-ref"))
	a := strings.TrimSpace(run(data, "git", "rev-parse", "HEAD"))
	if ref != "ref="+a {
		t.Fatalf("make ci-data-ref printed %q, want ref=%s", ref, a)
	}
	os.WriteFile(filepath.Join(machine, "0002_baseline.json"), []byte("{}\n"), 0o644)
	run(data, "git", "add", ".")
	run(data, "git", "commit", "-q", "-m", "run 2")
	run(data, "git", "push", "-q", origin, "benchmarks-data")

	restored := func() []string {
		t.Helper()
		es, _ := os.ReadDir(filepath.Join(checkout, ".benchmarks", "ci"))
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	run(checkout, "make", "-s", "-f", makefile, "ci-restore", "CI_DATA_REF="+a)
	if got := restored(); len(got) != 1 || got[0] != "0001_baseline.json" {
		t.Errorf("ci-restore CI_DATA_REF=<run 1's commit> restored %v, want only 0001_baseline.json", got)
	}
	os.RemoveAll(filepath.Join(checkout, ".benchmarks"))
	run(checkout, "make", "-s", "-f", makefile, "ci-restore")
	if got := restored(); len(got) != 2 {
		t.Errorf("ci-restore without CI_DATA_REF restored %v, want the branch's head (2 runs)", got)
	}

	// The workflow hands the one ref to every shard job's restore.
	wf := filepath.Join(repoRoot(t), ".github", "workflows", "benchmarks.yml")
	src, err := os.ReadFile(wf)
	if err != nil {
		t.Fatal(err)
	}
	w, errs := actionlint.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", wf, errs)
	}
	shardJobs := 0
	for id, job := range w.Jobs {
		var restore, shard bool
		for _, st := range job.Steps {
			r, ok := st.Exec.(*actionlint.ExecRun)
			if !ok || r.Run == nil {
				continue
			}
			shard = shard || strings.Contains(r.Run.Value, "make ci-shard") || strings.Contains(r.Run.Value, "make ci-check-shard")
			if strings.Contains(r.Run.Value, "make ci-restore") {
				restore = strings.Contains(r.Run.Value, "CI_DATA_REF=") && st.Env != nil &&
					strings.Contains(st.Env.Vars["ci_data_ref"].Value.Value, "needs.history.outputs.ref")
			}
		}
		if shard {
			shardJobs++
			if !restore {
				t.Errorf("job %s runs a shard but does not restore the history at needs.history.outputs.ref (make ci-restore CI_DATA_REF=...)", id)
			}
		}
	}
	if shardJobs != 2 {
		t.Errorf("%d jobs run shards, want 2 (check and shards)", shardJobs)
	}
}
