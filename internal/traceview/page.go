// Package traceview renders a trace of sqsmock (sqsmock.TraceEvent) as one self-contained HTML
// file: a timeline with one lane per message, fault markers on the lanes they hit, the depth of
// each queue over time, findings (the test's failed checks, duplicate deliveries, lost deletes,
// redeliveries after a visibility timeout, dead-letter moves, messages never sent, bodies sent
// twice) and a searchable, filterable event table. The page needs no network: its CSS and script are embedded
// in the binary (go:embed) and in the file, and the events are embedded in it as JSON.
//
// The harness writes these pages for failing tests (harness.WithTrace, SQSHARNESS_TRACE_DIR).
// The package is internal: the page is the product, not an API; cmd/sqsmock may serve it too.
package traceview

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Page is one trace to render.
type Page struct {
	// Title heads the page (the test's name).
	Title string
	// Source says where the events come from, e.g. "sqsmock (in process)" or "localstack at
	// http://127.0.0.1:4566".
	Source string
	// Events are the trace, in any order (the page sorts them by Seq).
	Events []sqsmock.TraceEvent
	// Dropped is how many older events the mock's trace ring dropped before these.
	Dropped uint64
	// ClientView marks events reconstructed from the client's own calls and answers (a real
	// backend, where no engine trace exists): the page says that it shows only what the client
	// saw.
	ClientView bool
	// Failures are the test's own failed checks, in words (the harness's sentences, the failure
	// messages of an Explore run): the page lists them first among its findings.
	Failures []string
	// Expected lists, by queue name, the bodies the test expected to be sent there: each the
	// trace never shows sent is a finding.
	Expected map[string][]string
}

//go:embed assets/view.css
var css string

//go:embed assets/view.js
var script string

//go:embed assets/page.html
var shell string

// Write renders p as one HTML document.
func Write(w io.Writer, p Page) error {
	data, err := json.Marshal(analyse(p)) // escapes <, > and &: safe inside <script>
	if err != nil {
		return err
	}
	title := p.Title
	if title == "" {
		title = "sqsmock trace"
	}
	r := strings.NewReplacer(
		"{{TITLE}}", html.EscapeString(title),
		"{{VIEWCLASS}}", map[bool]string{true: ` class="client"`}[p.ClientView],
		"{{VIEWKIND}}", html.EscapeString(viewKind(p)),
		"{{CSS}}", css,
		"{{SCRIPT}}", strings.ReplaceAll(script, "</script", `<\/script`),
		"{{DATA}}", string(data),
	)
	_, err = io.WriteString(w, r.Replace(shell))
	return err
}

// viewKind says, under the title, what the events are: the mock's own trace, or only what a
// client saw.
func viewKind(p Page) string {
	if p.ClientView {
		s := "Client-side view: only what the client saw (its calls and their answers)"
		if p.Source != "" {
			s += " on " + p.Source
		}
		return s + ". The backend's own history (visibility timeouts ending, redrives, retention) is not visible from here."
	}
	s := "The mock's full trace"
	if p.Source != "" {
		s += " · " + p.Source
	}
	return s + " · every event of every message, stamped with the mock's clock"
}

// WriteFile renders p into path, making its directory.
func WriteFile(path string, p Page) error {
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName is the file a test's trace is written to: its name with / (subtests) and other
// characters a file name should not have replaced by _, and .html.
func FileName(testName string) string {
	name := strings.Trim(unsafeChars.ReplaceAllString(testName, "_"), "_.")
	if name == "" {
		name = "trace"
	}
	return name + ".html"
}
