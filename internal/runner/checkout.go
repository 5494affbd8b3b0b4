package runner

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Checkout writes the tree of git revision rev of the repository holding
// dir into a new temporary directory (`git archive`, which reads the object
// store only: the user's checkout, index and worktree list are untouched),
// and returns the directory that corresponds to dir there (the module's
// place in the repository) and a cleanup function. rev must name a commit.
func Checkout(ctx context.Context, dir, rev string) (moduleDir string, cleanup func(), err error) {
	prefix, err := gitOut(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return "", nil, fmt.Errorf("%s is not in a git repository: %v", dir, err)
	}
	tmp, err := os.MkdirTemp("", "benchsite-ref-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	cmd := exec.CommandContext(ctx, "git", "archive", "--format=tar", rev)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		cleanup()
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		cleanup()
		return "", nil, err
	}
	xerr := untar(out, tmp)
	io.Copy(io.Discard, out)
	if werr := cmd.Wait(); werr != nil {
		cleanup()
		return "", nil, fmt.Errorf("git archive %s: %v: %s", rev, werr, strings.TrimSpace(stderr.String()))
	}
	if xerr != nil {
		cleanup()
		return "", nil, fmt.Errorf("unpacking git archive %s: %v", rev, xerr)
	}
	return filepath.Join(tmp, filepath.FromSlash(strings.TrimSpace(prefix))), cleanup, nil
}

// untar extracts regular files, directories and symbolic links, refusing
// any path that would leave dst.
func untar(r io.Reader, dst string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if !filepath.IsLocal(name) {
			if h.Typeflag == tar.TypeXGlobalHeader || name == "." {
				continue
			}
			return fmt.Errorf("unsafe path %q in the archive", h.Name)
		}
		p := filepath.Join(dst, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(h.Mode)&0o777|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		}
	}
}

// ResolveCommit returns the full id of the commit rev names in the
// repository holding dir; an error says why there is none.
func ResolveCommit(ctx context.Context, dir, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("revision %q: must not start with '-'", rev)
	}
	id, err := gitOut(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("revision %q is not a commit of the repository at %s", rev, dir)
	}
	return strings.TrimSpace(id), nil
}

func gitOut(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%v: %s", err, msg)
		}
		return "", err
	}
	return stdout.String(), nil
}
