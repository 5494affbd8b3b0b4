package site

import (
	"fmt"
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
