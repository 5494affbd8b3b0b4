package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The project's own benchsite.toml must load: CI and `make` depend on it.
func TestLoadProjectConfig(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", FileName), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Targets) != 4 || c.Targets[0].Limit.Duration != 200*time.Microsecond || c.Targets[0].Excess.Fraction != 0.10 {
		t.Errorf("targets = %+v", c.Targets)
	}
	if c.Run.Rounds < 10 {
		t.Errorf("rounds = %d, the issue asks for at least 10", c.Run.Rounds)
	}
	if len(c.Site.BrowserBenchmarks) == 0 {
		t.Error("no browser benchmarks")
	}
}

func TestMissingDefaultFileGivesDefaults(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), FileName), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "" || c.Compare.Fail != "mean:10%" || c.Run.Rounds != 10 {
		t.Errorf("defaults = %+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), FileName), true); err == nil {
		t.Error("an explicitly named missing file must be an error")
	}
}

func TestPartialFileKeepsOtherDefaults(t *testing.T) {
	c, err := Load(write(t, "[run]\nrounds = 5\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Run.Rounds != 5 || c.Run.RoundTime.Duration != 100*time.Millisecond || c.Storage != ".benchmarks" {
		t.Errorf("got %+v", c.Run)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := []struct{ body, want string }{
		{"[run]\nroundz = 3\n", `unknown key "run.roundz"; the keys in [run] are rounds, round-time, bench, short`},
		{"titel = \"x\"\n", `unknown key "titel"; the keys at the top level are packages, storage, run, compare, groups, targets, site`},
		{"[[targets]]\nbenchmark = \"X\"\nlimt = \"1ms\"\n", `unknown key "targets.limt"; the keys in [[targets]] are benchmark, limit, excess`},
		{"packages = []\n", `"packages"`},
		{"[run]\nrounds = 0\n", `"run.rounds"`},
		{"[run]\nround-time = \"fast\"\n", `"fast" is not a positive duration`},
		{"[[targets]]\nbenchmark = \"X\"\nlimit = \"2ms\"\nexcess = \"ten\"\n", `"ten" is not a percentage`},
		{"[[targets]]\nbenchmark = \"X\"\n", `"targets[0].limit"`},
		{"[[groups]]\npattern = \"(\"\ngroup = \"g\"\n", `"groups[0].pattern"`},
		{"[compare]\nalpha = 2.0\n", `"compare.alpha"`},
		{"packages = [\n", FileName + ":"},
		{"[site]\nbase-url = \"repo\"\n", `"site.base-url"`},
		{"[site]\nbase-url = \"//evil.example/\"\n", `"site.base-url"`},
		{"[site]\nrepo-url = \"javascript:alert(1)\"\n", `"site.repo-url"`},
	}
	for _, c := range cases {
		p := write(t, c.body)
		_, err := Load(p, true)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("Load(%q) error = %v, want it to name the file and contain %q", c.body, err, c.want)
		}
	}
}

// Without a site.title, a module is named by its path (go.mod beside the
// configuration), with or without a configuration file.
func TestTitleIsTheModulePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("// a comment\nmodule example.com/measured\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(filepath.Join(dir, FileName), false)
	if err != nil || c.Site.Title != "example.com/measured" {
		t.Fatalf("no file: title %q, err %v", c.Site.Title, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("[site]\ntitle = \"Mine\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(filepath.Join(dir, FileName), false); err != nil || c.Site.Title != "Mine" {
		t.Fatalf("site.title set: title %q, err %v", c.Site.Title, err)
	}
	if c, err := Load(filepath.Join(t.TempDir(), FileName), false); err != nil || c.Site.Title != "Benchmarks" {
		t.Fatalf("no go.mod: title %q, err %v", c.Site.Title, err)
	}
}
