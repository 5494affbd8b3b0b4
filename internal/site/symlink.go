package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkInside refuses a file of the project's content or templates that
// resolves, through symlinks, to a place outside root (the project folder):
// a committed link to a system file would otherwise publish a CI runner's
// files. Links that stay inside the project are followed. what names the
// file in the message ("content", "template").
func checkInside(what, path, root string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("site: %s %s: %w", what, path, err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("site: project folder %s: %w", root, err)
	}
	if rel, err := filepath.Rel(realRoot, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("site: %s %s is a symbolic link to %s, outside the project %s; benchsite publishes nothing from outside it (remove the link, or copy the file into the project)", what, path, real, root)
	}
	return nil
}

// projectRoot is Options.Root, or dir's parent when it is not set.
func (b *builder) projectRoot(dir string) string {
	if b.opt.Root != "" {
		return b.opt.Root
	}
	return filepath.Dir(filepath.Clean(dir))
}

// contentFiles returns the Markdown files under dir (paths relative to it,
// with '/'), following symbolic links — dir itself may be one, and so may
// any folder or file in it — as long as they stay inside root (the
// project): a link out of it is an error naming it (checkInside). Names
// starting with "." are skipped; a folder reached twice through links is
// read once. A missing dir has no files.
func contentFiles(dir, root string) ([]string, error) {
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return nil, nil
	}
	if err := checkInside("content folder", dir, root); err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	var walk func(path, rel string) error
	walk = func(path, rel string) error {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("site: content %s: %w", path, err)
		}
		if seen[real] {
			return nil
		}
		seen[real] = true
		entries, err := os.ReadDir(path)
		if err != nil {
			return fmt.Errorf("site: content directory: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p, r := filepath.Join(path, name), name
			if rel != "" {
				r = rel + "/" + name
			}
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				if err := checkInside("content", p, root); err != nil {
					return err
				}
				info, err := os.Stat(p)
				if err != nil {
					return fmt.Errorf("site: content %s: %w", p, err)
				}
				isDir = info.IsDir()
			}
			switch {
			case isDir:
				if err := walk(p, r); err != nil {
					return err
				}
			case strings.HasSuffix(name, ".md"):
				out = append(out, r)
			}
		}
		return nil
	}
	if err := walk(dir, ""); err != nil {
		return nil, err
	}
	return out, nil
}
