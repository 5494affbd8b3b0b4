package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A symlink in content/ or templates/ that leaves the project stops the
// build, naming it; nothing is published. Links inside the project are
// followed.
func TestSymlinksOutOfProject(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "passwd")
	writeFile(t, secret, "root:x:0:0:SECRET-LINE\n")

	opt := testOptions(t)
	opt.Root = filepath.Dir(opt.Content)
	readme := filepath.Join(opt.Root, "README.md")
	writeFile(t, readme, "# Inside the project\n")
	if err := os.Symlink(readme, filepath.Join(opt.Content, "readme.md")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Build(opt); err != nil {
		t.Fatalf("a link inside the project: %v", err)
	}
	if got := readFile(t, filepath.Join(opt.Out, "readme.html")); !strings.Contains(got, "Inside the project") {
		t.Error("the link inside the project was not followed")
	}

	leak := filepath.Join(opt.Content, "leak.md")
	if err := os.Symlink(secret, leak); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	opt.Out = out
	_, err := Build(opt)
	if err == nil || !strings.Contains(err.Error(), leak) || !strings.Contains(err.Error(), "outside the project") {
		t.Fatalf("content link to %s: error %v", secret, err)
	}
	if files := siteFiles(t, out); len(files) != 0 {
		t.Errorf("a refused build published %d files", len(files))
	}
	os.Remove(leak)

	// A directory link is no way round it.
	if err := os.Symlink(filepath.Dir(secret), filepath.Join(opt.Content, "etc")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(filepath.Dir(secret), "x.md"), "SECRET-LINE\n")
	// Links are followed inside the project only: this one is refused,
	// naming it.
	if _, err := Build(opt); err == nil || !strings.Contains(err.Error(), "content/etc") || !strings.Contains(err.Error(), "outside the project") {
		t.Fatalf("a directory link out of the project: error %v", err)
	}
	for _, f := range siteFiles(t, out) {
		if strings.Contains(readFile(t, filepath.Join(out, f)), "SECRET-LINE") {
			t.Errorf("%s publishes the linked file", f)
		}
	}
	os.Remove(filepath.Join(opt.Content, "etc"))

	opt.Templates = filepath.Join(opt.Root, "templates")
	tleak := filepath.Join(opt.Templates, "leak.html")
	os.MkdirAll(opt.Templates, 0o755)
	if err := os.Symlink(secret, tleak); err != nil {
		t.Fatal(err)
	}
	opt.Out = filepath.Join(t.TempDir(), "public")
	if _, err := Build(opt); err == nil || !strings.Contains(err.Error(), tleak) || !strings.Contains(err.Error(), "outside the project") {
		t.Errorf("template link to %s: error %v", secret, err)
	}
}
