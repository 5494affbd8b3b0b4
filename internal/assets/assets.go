// Package assets holds the static files every built site carries: the pinned
// Apache ECharts build with its licence files, benchsite's one stylesheet and
// its small scripts. They are embedded into the binary so a site builds
// (and works offline) without fetching anything; see SOURCE.md for where each
// file came from.
//
// The site builder copies FS under "assets/" in the output, keeping the paths
// below (e.g. "assets/echarts/echarts.min.js").
package assets

import "embed"

// FS holds the files, by path relative to this directory.
//
//go:embed echarts/echarts.min.js echarts/LICENSE echarts/NOTICE echarts/LICENSE-d3 style.css site.js charts.js changes.js favicon.svg
var FS embed.FS

// Paths of the files within FS that pages refer to.
const (
	ECharts    = "echarts/echarts.min.js"
	Stylesheet = "style.css"
	SiteJS     = "site.js"
	ChartsJS   = "charts.js"
	ChangesJS  = "changes.js"  // the Changes page's filter
	Favicon    = "favicon.svg" // so browsers do not ask for a missing /favicon.ico
)
