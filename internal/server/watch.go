package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher watches the roots given in Options.Watch. fsnotify watches single
// directories, so a directory root is watched directory by directory, and a
// file root through its parent directory (editors save by renaming a new
// file over the old one, which would end a watch on the file itself). A root
// that does not exist yet is watched through its nearest existing ancestor
// until it appears.
type watcher struct {
	fs    *fsnotify.Watcher
	roots []string        // absolute, cleaned
	dirs  map[string]bool // directories we added to fs
	logf  func(string, ...any)
}

func newWatcher(paths []string, logf func(string, ...any)) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("serve: cannot watch files for changes: %w", err)
	}
	w := &watcher{fs: fw, dirs: make(map[string]bool), logf: logf}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			fw.Close()
			return nil, fmt.Errorf("serve: watch path %q: %w", p, err)
		}
		w.roots = append(w.roots, abs)
	}
	for _, r := range w.roots {
		if err := w.setup(r); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *watcher) close() { w.fs.Close() }

// setup (re)establishes the watch for one root.
func (w *watcher) setup(root string) error {
	fi, err := os.Stat(root)
	switch {
	case err == nil && fi.IsDir():
		return w.addTree(root)
	case err == nil:
		return w.add(filepath.Dir(root))
	case errors.Is(err, fs.ErrNotExist):
		for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return w.add(dir)
			}
			if dir == filepath.Dir(dir) {
				return nil
			}
		}
	default:
		return fmt.Errorf("serve: cannot watch %s: %w", root, err)
	}
}

func (w *watcher) add(dir string) error {
	if w.dirs[dir] {
		return nil
	}
	if err := w.fs.Add(dir); err != nil {
		return fmt.Errorf("serve: cannot watch %s: %w (on Linux, raise fs.inotify.max_user_watches if it is the limit)", dir, err)
	}
	w.dirs[dir] = true
	return nil
}

// addTree watches dir and every directory below it. Directories that vanish
// while walking are skipped: they were deleted, which is itself an event.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("serve: cannot watch %s: %w", p, err)
		}
		if !d.IsDir() {
			return nil
		}
		return w.add(p)
	})
}

// forget drops dir and the directories below it from the watch list after
// it was removed or renamed (fsnotify drops the kernel watch of the
// directory itself, but a renamed tree's subdirectories keep stale watches).
func (w *watcher) forget(dir string) {
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, dir+string(filepath.Separator)) {
			w.fs.Remove(d)
			delete(w.dirs, d)
		}
	}
}

// within reports whether p is root or below it.
func within(p, root string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// handle updates the watches for ev and reports whether ev is a change that
// calls for a rebuild.
func (w *watcher) handle(ev fsnotify.Event) bool {
	// Chmod alone: atime/attribute noise from indexers and virus scanners.
	if ev.Op == fsnotify.Chmod || ignoredName(filepath.Base(ev.Name)) {
		return false
	}
	name := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.forget(name)
	}
	relevant := false
	for _, root := range w.roots {
		switch {
		case within(name, root):
			relevant = true
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(name); err == nil && fi.IsDir() && (name == root || w.isDirRoot(root)) {
					w.report(w.addTree(name))
				} else if name == root {
					w.report(w.setup(root))
				}
			}
			if name == root && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
				w.report(w.setup(root)) // watch for it to come back
			}
		case ev.Has(fsnotify.Create) && within(root, name):
			// An ancestor of a missing root appeared: go one step closer.
			w.report(w.setup(root))
			if _, err := os.Stat(root); err == nil {
				relevant = true
			}
		}
	}
	return relevant
}

// isDirRoot reports whether root is (now) a directory; new directories
// under a file root's parent are not ours to watch.
func (w *watcher) isDirRoot(root string) bool {
	fi, err := os.Stat(root)
	return err == nil && fi.IsDir()
}

func (w *watcher) report(err error) {
	if err != nil {
		w.logf("%v\n", err)
	}
}

// ignoredName reports editor and tool temporary files, whose churn must not
// trigger builds: vim (.x.swp, .x.swo, .x.swx, 4913, x~), emacs (.#x, #x#),
// JetBrains (x___jb_tmp___, x___jb_old___) and generic *.tmp files.
func ignoredName(base string) bool {
	switch {
	case base == "4913",
		strings.HasSuffix(base, "~"),
		strings.HasPrefix(base, ".#"),
		len(base) > 1 && strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),
		strings.HasSuffix(base, "___jb_tmp___"),
		strings.HasSuffix(base, "___jb_old___"),
		base == ".DS_Store":
		return true
	}
	return slices.Contains([]string{".swp", ".swo", ".swx", ".tmp"}, strings.ToLower(filepath.Ext(base)))
}

// shortPath shows p relative to the working directory when it is below it,
// as the user typed the watch paths.
func shortPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

// watchLoop turns file events into build requests on trigger, one per burst:
// each relevant event restarts a 100 ms timer, and only its expiry asks for a
// build. trigger holds one pending request, so changes made during a build
// lead to exactly one more build afterwards.
func (s *server) watchLoop(ctx context.Context, w *watcher, trigger chan<- struct{}) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var changed []string
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if w.handle(ev) {
				if !slices.Contains(changed, ev.Name) {
					changed = append(changed, ev.Name)
				}
				timer.Reset(debounce)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			s.logf("serve: watching files: %v\n", err)
		case <-timer.C:
			switch len(changed) {
			case 1:
				s.logf("changed: %s; rebuilding ...\n", shortPath(changed[0]))
			default:
				s.logf("changed: %s and %d more; rebuilding ...\n", shortPath(changed[0]), len(changed)-1)
			}
			changed = changed[:0]
			select {
			case trigger <- struct{}{}:
			default:
			}
		}
	}
}
