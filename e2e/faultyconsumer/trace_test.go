package faultyconsumer_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
	"github.com/sqsharness/sqsharness/e2e/internal/repo"
)

// docsImage is the README's screenshot of the page, which -update rewrites.
const docsImage = "docs/images/trace-faultyconsumer.png"

// writeTrace runs the example's TestTraceOfTheNaiveWorker (examples/faultyconsumer, in the root
// module: the example is a main package, which no other package imports), which runs the
// non-idempotent worker through the harness under the plan of seed 42, checks that it
// double-charged, and writes the mock's trace as an HTML page into dir. It returns the page.
func writeTrace(t *testing.T, dir string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its GOROOT/bin first on PATH
	require.NoError(t, err, "the go command runs the example's test")
	cmd := exec.Command(goCmd, "test", "-count=1", "-run", "^TestTraceOfTheNaiveWorker$", "-v", "./examples/faultyconsumer/")
	cmd.Dir = repo.Root(t)
	cmd.Env = append(os.Environ(), "SQSHARNESS_TRACE_DIR"+"="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go test ./examples/faultyconsumer/ -run TestTraceOfTheNaiveWorker\n%s", out)
	t.Logf("examples/faultyconsumer:\n%s", out)
	path := filepath.Join(dir, "TestTraceOfTheNaiveWorker_naive_worker.html")
	require.FileExists(t, path)
	return path
}

// TestTraceShowsWhyTheNaiveWorkerFailed: the trace of the naive worker's run (the example's
// TestTraceOfTheNaiveWorker, the plan and seed of its TestNonIdempotentWorkerFailsTheCheck),
// opened in headless Chromium, shows at a glance what broke it: a message received twice (a
// duplicate delivery, its lane flagged, its second receive marked), a lost delete (the fault's
// marker with its rule name on the message's lane, the message visible again and received
// again), and the message's whole history in the event table. Screenshots are saved under the
// test's artifact directory (go test -artifacts, or $SQSHARNESS_ARTIFACTS); -update writes the
// page's screenshot over the README's (docsImage).
func TestTraceShowsWhyTheNaiveWorkerFailed(t *testing.T) {
	ctx := browsertest.New(t)
	dir := os.Getenv("SQSHARNESS_TRACE_DIR") // where to keep the page to look at; else with the screenshots
	if dir == "" {
		dir = browsertest.Dir(t)
	}
	path := writeTrace(t, dir)

	browsertest.Open(t, ctx, "file://"+path, `body[data-ready="true"]`)
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return s
	}
	text := func(sel string) string {
		return eval(`Array.from(document.querySelectorAll("` + sel + `")).map(e => e.textContent).join(" | ")`)
	}

	// The header and the findings name both problems.
	assert.Contains(t, text("#view-kind"), "The mock's full trace")
	findings := text("#findings li")
	assert.Contains(t, findings, "DUPLICATE")
	assert.Contains(t, findings, "LOST DELETE")
	assert.Regexp(t, `after fault duplicate \(duplicate-delivery\)`, findings)
	assert.Regexp(t, `fault lost-delete \(lost-delete\) kept the message; it became visible again and was received again`, findings)

	// The first message lane (problems first) is a message received twice, flagged, with its
	// second receive marked and the fault that caused it on the lane.
	dup := eval(`(() => { const b = document.querySelector(".lbl .badge.duplicate"); if (!b) return ""; const l = b.closest(".lbl"); return document.querySelector('.lane[data-lane="' + l.dataset.lane + '"]').dataset.id; })()`)
	require.NotEmpty(t, dup, "a lane flagged duplicate is in view")
	lane := `.lane[data-id=\"` + dup + `\"]`
	assert.GreaterOrEqual(t, countOf(t, ctx, lane+` .mk[data-kind=\"message.received\"]`), 2, "received twice")
	assert.GreaterOrEqual(t, countOf(t, ctx, lane+` .mk.hot[data-kind=\"message.received\"]`), 1, "the duplicate receive stands out")
	assert.GreaterOrEqual(t, countOf(t, ctx, lane+` .mk[data-rule=\"duplicate\"]`), 1, "the duplicate-delivery fault on its lane")

	// A lost delete: its fault marker, named, on a message's lane.
	assert.GreaterOrEqual(t, countOf(t, ctx, `.lane[data-id] .mk[data-rule=\"lost-delete\"]`), 1)
	assert.Contains(t, text(".lane[data-id] .rule-label"), "lost-delete")
	// Rule names sit where their lane has room: none covers a marker or another name.
	overlaps := eval(`(() => {
		const out = [];
		for (const lane of document.querySelectorAll(".lane")) {
			const labels = Array.from(lane.querySelectorAll(".rule-label")).map(e => [e.textContent, e.getBoundingClientRect()]);
			const marks = Array.from(lane.querySelectorAll(".mk .g")).map(e => ["marker", e.getBoundingClientRect()]);
			labels.forEach(([name, r], i) => {
				for (const [other, o] of labels.slice(i + 1).concat(marks)) {
					if (r.left < o.right - 0.5 && o.left < r.right - 0.5 && r.top < o.bottom - 0.5 && o.top < r.bottom - 0.5) out.push(name + " on " + other);
				}
			});
		}
		return out.join(", ");
	})()`)
	assert.Empty(t, overlaps, "rule names overlapping")
	assert.Contains(t, text(".calls-lane .rule-label"), "reset", "the busy calls lane still names some rules")
	shot := browsertest.Screenshot(t, ctx, "trace")
	if repo.Update() {
		png, err := os.ReadFile(shot)
		require.NoError(t, err)
		repo.WriteGenerated(t, docsImage, png)
	}
	browsertest.ScreenshotOf(t, ctx, "#timeline-sec", "timeline")
	// On the mock's clock: the run spans minutes (the lost deletes' messages come back after
	// their 30 s visibility timeout), and the axis says so.
	eval(`(() => { const s = document.getElementById("axis"); s.value = "time"; s.dispatchEvent(new Event("change")); return ""; })()`)
	assert.Regexp(t, `^0 \| .*\b1 min\b`, text("#axis-svg .tick text"))
	browsertest.ScreenshotOf(t, ctx, "#timeline-sec", "timeline-clock")
	eval(`(() => { const s = document.getElementById("axis"); s.value = "order"; s.dispatchEvent(new Event("change")); return ""; })()`)

	// Click the lost delete's finding: the table becomes that message's history, and it reads
	// received, the lost delete's fault, visible again, received again.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#findings li.lost-delete`)), chromedp.Sleep(50*time.Millisecond)))
	assert.Contains(t, text("#table-title"), "History of message")
	history := text("#table-rows .row .c-kind")
	assert.Regexp(t, `message\.received \| fault \| (.* \| )?message\.visible \| (.* \| )?(⚠ )?message\.received`, history)
	browsertest.ScreenshotOf(t, ctx, "#table-sec", "history")
}

func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`))
	require.NoError(t, err)
	return n
}
