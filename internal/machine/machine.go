// Package machine describes where a benchmark run happens: the machine
// (machine_info) and the source revision (commit_info), in the shapes
// pytest-benchmark writes, so that result files of both tools compare.
//
// machine_info keeps pytest-benchmark's keys that make sense outside Python —
// node, processor, machine, system, release and cpu{brand_raw, arch, bits,
// count, vendor_id_raw} (py-cpuinfo's names) — and adds Go's: go_version,
// goos, goarch, gomaxprocs, num_cpu and cpu_model. The python_* keys are
// omitted. Its ID() is e.g. "Linux-Go-1.26-64bit".
//
// commit_info comes from git, as pytest-benchmark's get_commit_info does: id
// (full hash), time (committer date) and author_time in strict ISO 8601
// (RFC 3339), dirty (tracked files changed, as `git describe --dirty`),
// project (basename of the origin remote, else of the repository
// directory), branch ("(detached head)" when detached) and, benchsite's
// addition, message (the subject line). Outside a repository, without git,
// or before the first commit the id is "unversioned".
package machine

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

// Info describes this machine and the Go runtime benchsite was built with.
// (The runner replaces go_version, goos and goarch with those of the
// toolchain that builds the benchmarks.)
func Info() result.MachineInfo {
	u := uname()
	node, _ := os.Hostname()
	cpu := cpuInfo()
	m := result.MachineInfo{
		"node":       node,
		"processor":  u.machine, // Python's platform.processor() is uname -p: the machine, or "" on newer Linux
		"machine":    u.machine,
		"system":     u.system,
		"release":    u.release,
		"go_version": runtime.Version(),
		"goos":       runtime.GOOS,
		"goarch":     runtime.GOARCH,
		"gomaxprocs": runtime.GOMAXPROCS(0),
		"num_cpu":    runtime.NumCPU(),
		"cpu_model":  cpu.model,
		"cpu": map[string]any{
			"brand_raw":     cpu.model,
			"vendor_id_raw": cpu.vendor,
			"arch":          cpuArch(runtime.GOARCH),
			"bits":          bits(runtime.GOARCH),
			"count":         runtime.NumCPU(),
		},
	}
	return m
}

type unameInfo struct{ system, release, machine string }

// fallbackUname is used where the system call is not available: the names
// Go knows, spelled as Python's platform module spells them.
func fallbackUname() unameInfo {
	sys := runtime.GOOS
	switch sys {
	case "darwin":
		sys = "Darwin"
	case "windows":
		sys = "Windows"
	case "freebsd":
		sys = "FreeBSD"
	case "openbsd":
		sys = "OpenBSD"
	case "netbsd":
		sys = "NetBSD"
	default:
		sys = strings.ToUpper(sys[:1]) + sys[1:]
	}
	m := runtime.GOARCH
	switch m {
	case "amd64":
		m = "x86_64"
	case "386":
		m = "i686"
	}
	return unameInfo{system: sys, machine: m}
}

// cpuArch gives py-cpuinfo's arch names.
func cpuArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "X86_64"
	case "386":
		return "X86_32"
	case "arm64":
		return "ARM_8"
	case "arm":
		return "ARM_7"
	case "ppc64", "ppc64le":
		return "PPC_64"
	case "riscv64":
		return "RISCV_64"
	case "s390x":
		return "S390X"
	case "mips64", "mips64le":
		return "MIPS_64"
	case "loong64":
		return "LOONG_64"
	}
	return strings.ToUpper(goarch)
}

func bits(goarch string) int {
	switch goarch {
	case "386", "arm", "mips", "mipsle", "wasm":
		return 32
	}
	return 64
}

type cpuDesc struct{ model, vendor string }

// cpuInfo reads the CPU's model and vendor from /proc/cpuinfo (Linux); other
// systems leave them empty.
func cpuInfo() cpuDesc {
	var d cpuDesc
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return d
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name", "Model": // x86; arm boards name the model "Model"
			if d.model == "" {
				d.model = v
			}
		case "vendor_id":
			if d.vendor == "" {
				d.vendor = v
			}
		}
		if d.model != "" && d.vendor != "" {
			break
		}
	}
	return d
}

// Commit describes the git revision checked out at dir.
func Commit(dir string) result.CommitInfo {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	ci := result.CommitInfo{ID: "unversioned", Project: filepath.Base(abs)}
	if _, err := exec.LookPath("git"); err != nil {
		return ci
	}
	top, ok := git(abs, "rev-parse", "--show-toplevel")
	if !ok {
		return ci
	}
	ci.Project = filepath.Base(top)
	if url, ok := git(abs, "config", "--get", "remote.origin.url"); ok && url != "" {
		if p := projectFromURL(url); p != "" {
			ci.Project = p
		}
	}
	// symbolic-ref also names the branch before its first commit.
	if b, ok := git(abs, "symbolic-ref", "--short", "-q", "HEAD"); ok {
		ci.Branch = b
	} else {
		ci.Branch = "(detached head)"
	}
	out, ok := git(abs, "log", "-1", "--format=%H%x00%cI%x00%aI%x00%s")
	if !ok {
		return ci // no commit yet
	}
	f := strings.SplitN(out, "\x00", 4)
	if len(f) != 4 {
		return ci
	}
	ci.ID, ci.Time, ci.AuthorTime, ci.Message = f[0], f[1], f[2], f[3]
	status, _ := git(abs, "status", "--porcelain", "--untracked-files=no")
	ci.Dirty = status != ""
	return ci
}

// projectFromURL returns the repository name of a remote URL:
// "git@github.com:o/benchsite.git" and "https://github.com/o/benchsite/"
// give "benchsite".
func projectFromURL(url string) string {
	url = strings.TrimRight(url, "/")
	url = strings.TrimSuffix(url, ".git")
	if i := strings.LastIndexAny(url, "/:\\"); i >= 0 {
		url = url[i+1:]
	}
	return url
}

// git runs a git command in dir and returns its trimmed output.
func git(dir string, args ...string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	// Reading must not take the index lock that a concurrent `git commit`
	// needs (status refreshes the index otherwise); C locale for stable
	// output.
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return "", false
	}
	return strings.TrimRight(stdout.String(), "\r\n"), true
}

// CommitAt describes commit rev of the repository holding dir, as Commit
// describes the checkout (Dirty false, Branch empty: a revision, not a
// checkout). An unknown revision gives ID rev and nothing else.
func CommitAt(dir, rev string) result.CommitInfo {
	ci := Commit(dir)
	ci.Dirty, ci.Branch = false, ""
	out, ok := git(dir, "log", "-1", "--format=%H%x00%cI%x00%aI%x00%s", rev, "--")
	f := strings.SplitN(out, "\x00", 4)
	if !ok || len(f) != 4 {
		return result.CommitInfo{ID: rev, Project: ci.Project}
	}
	ci.ID, ci.Time, ci.AuthorTime, ci.Message = f[0], f[1], f[2], f[3]
	return ci
}
