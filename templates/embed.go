// Package templates holds the default page templates of the report site
// (html/template syntax), embedded into the benchsite binary. A site's own
// templates directory overrides them by file name; see internal/site for
// the data each page gets (site.Page).
//
// Every file is parsed into one set, so blocks {{define}}d in one file can
// be used by all: partials.html has the layout ("head", "foot") and small
// pieces; browser.html has the hooks of the "Run in your browser" feature
// ("browser-run" on benchmark pages, "extra-head" in every <head>).
package templates

import "embed"

// FS holds the *.html templates.
//
//go:embed *.html
var FS embed.FS
