package traceview_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
	"github.com/sqsharness/sqsharness/internal/traceview"
	"github.com/sqsharness/sqsharness/internal/traceview/tracefixture"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// TestPageInChromium opens a rendered trace from a file (file://: the page needs no server and no
// network) and checks what a person sees: the duplicate's lane with its two receives, the fault
// markers with their rule names, the call-level lane, the depth chart, and a message's history
// in the table after clicking its lane.
func TestPageInChromium(t *testing.T) {
	ctx := browsertest.New(t)
	path := filepath.Join(t.TempDir(), "story.html")
	require.NoError(t, traceview.WriteFile(path, traceview.Page{Title: "TestStory", Source: "fixture", Events: tracefixture.Story()}))
	browsertest.Open(t, ctx, "file://"+path, `body[data-ready="true"]`)

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(`+jsString(sel)+`)).map(e => e.textContent).join(" | ")`))
		require.NoError(t, err)
		return s
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
		require.NoError(t, err)
		return n
	}

	assert.Contains(t, text("#view-kind"), "The mock's full trace")
	assert.Contains(t, text("#findings"), "DUPLICATE")
	assert.Contains(t, text("#findings"), "LOST DELETE")
	// Problems first: the duplicate's and the lost delete's lanes lead, each labelled.
	labels := text(".lbl")
	assert.Regexp(t, `^calls \(no single message\)1 \| m-dupreceived 2×duplicate`, labels)
	assert.Contains(t, labels, "m-lostreceived 2×lost-delete")
	assert.Equal(t, 2, count(`.lane[data-id="m-dup"] .mk[data-kind="message.received"]`), "two receives on the duplicate's lane")
	assert.Equal(t, 1, count(`.lane[data-id="m-dup"] .mk.hot[data-kind="message.received"]`), "the second one stands out")
	assert.Equal(t, 1, count(`.lane[data-id="m-lost"] .mk[data-rule="lost-delete"]`), "the lost delete's fault marker on its lane")
	assert.Contains(t, text(`.lane[data-id="m-lost"] .rule-label`), "lost-delete", "its rule named beside it")
	assert.Contains(t, text(`.calls-lane .rule-label`), "throttled")
	assert.Equal(t, 1, count(`.depth-chart[data-queue="orders"] path.a-v`))
	// The time axis: event numbers in event order (the default), the mock's clock in time.
	assert.Regexp(t, `^#1 \| #3 \| #5 .*#17$`, text("#axis-svg .tick text"))
	assert.Contains(t, text("#axis-title"), "event number")
	assert.GreaterOrEqual(t, count(".depth-chart .tick"), 3, "the depth chart has the same ticks")
	browsertest.Screenshot(t, ctx, "story")
	setAxis := func(v string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("axis"); s.value = '`+v+`'; return s.dispatchEvent(new Event("change")); })()`))
		require.NoError(t, err)
	}
	setAxis("time")
	assert.Regexp(t, `^0 \| 5 s \| 10 s \| .* \| 30 s$`, text("#axis-svg .tick text"))
	assert.Contains(t, text("#axis-title"), "mock clock, 0 = 00:00:00 UTC")
	browsertest.ScreenshotOf(t, ctx, "#timeline-sec", "timeline-clock")
	setAxis("order")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.lbl[data-lane] .id`)), chromedp.Sleep(50*time.Millisecond)))
	rows := text(`#table-rows .row .c-kind`)
	assert.Equal(t, "message.sent | message.received | fault | message.deleted | ⚠ message.received | message.deleted", rows, "m-dup's history")
	assert.Contains(t, text("#table-title"), "History of message m-dup")

	// Filters: by kind, then by rule.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("f-clear")), chromedp.SetValue(chromedp.ID("f-rule"), "lost-delete")))
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-rule").dispatchEvent(new Event("change"))`))
	require.NoError(t, err)
	assert.Equal(t, "1 of 17 events", text("#f-count"))
	browsertest.ScreenshotOf(t, ctx, "#table-sec", "table-filtered")
}

// TestUnknownKindsInChromium: kinds the page does not know (a newer mock's) are in the event
// table and its kind filter, and one on a message is a neutral marker on that message's lane;
// the page still draws everything else.
func TestUnknownKindsInChromium(t *testing.T) {
	ctx := browsertest.New(t)
	path := filepath.Join(t.TempDir(), "unknown.html")
	require.NoError(t, traceview.WriteFile(path, traceview.Page{Title: "TestUnknown", Events: tracefixture.WithUnknownKinds()}))
	browsertest.Open(t, ctx, "file://"+path, `body[data-ready="true"]`)
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return s
	}
	text := func(sel string) string {
		return eval(`Array.from(document.querySelectorAll(` + jsString(sel) + `)).map(e => e.textContent).join(" | ")`)
	}
	assert.Equal(t, "20 of 20 events", text("#f-count"))
	kinds := text("#table-rows .row .c-kind")
	for _, k := range []string{"queue.tagged", "message.annotated", "mock.reset"} {
		assert.Contains(t, kinds, k, "listed in the table")
		assert.Contains(t, text("#f-kind option"), k, "and in the kind filter")
	}
	assert.Equal(t, "k-other", eval(`document.querySelector('.lane[data-id="m-ok"] .mk[data-kind="message.annotated"]')?.classList[1] ?? ""`), "a neutral marker on m-ok's lane")
	assert.Contains(t, eval(`document.querySelector('.lane[data-id="m-ok"] .mk[data-kind="message.annotated"] title').textContent`), "a future kind")
	assert.Contains(t, text("#legend"), "other event")
	assert.Contains(t, text("#findings"), "DUPLICATE", "the rest of the page is drawn")
	browsertest.Screenshot(t, ctx, "unknown")
}

// TestHeartbeatPageInChromium: the page of a consumer whose heartbeat came too late (every
// message received twice after its visibility timeout expired, one dead-lettered) says so: the
// test's failed check first, a finding per expired timeout and the dead-letter move, every lane a
// problem, and never the green "nothing found" line.
func TestHeartbeatPageInChromium(t *testing.T) {
	ctx := browsertest.New(t)
	path := filepath.Join(t.TempDir(), "heartbeat.html")
	require.NoError(t, traceview.WriteFile(path, traceview.Page{Title: "TestHeartbeat", Events: tracefixture.Heartbeat(),
		Failures: []string{"message #5 of 6 (\"order-5\") is in the dead-letter queue"}}))
	browsertest.Open(t, ctx, "file://"+path, `body[data-ready="true"]`)
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return s
	}
	text := func(sel string) string {
		return eval(`Array.from(document.querySelectorAll(` + jsString(sel) + `)).map(e => e.textContent).join(" | ")`)
	}
	assert.Equal(t, "6 messages, 6 with a problem", text("#lane-count"))
	tags := text("#findings .tag")
	assert.Regexp(t, `^FAILED \| VISIBILITY EXPIRED \| DEAD-LETTERED \| VISIBILITY EXPIRED`, tags)
	assert.Equal(t, 6, strings.Count(tags, "VISIBILITY EXPIRED"))
	assert.NotContains(t, text("#findings"), "No ")
	assert.Empty(t, text("#findings .none"))
	assert.Contains(t, text("#stats"), "6 visibility timeouts expired")
	assert.Contains(t, text("#stats"), "1 dead-lettered")
	assert.Contains(t, text("#stats"), "1 failed checks")
	assert.Contains(t, text(".lbl"), "vis-expired")
	browsertest.Screenshot(t, ctx, "heartbeat")
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestLargeTraceStaysSmallInTheDOM: 10,000 events (2,500 messages) render in well under the
// timeout, with only the lanes and table rows in view in the DOM.
func TestLargeTraceStaysSmallInTheDOM(t *testing.T) {
	ctx := browsertest.New(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []sqsmock.TraceEvent
	for i := 0; len(evs) < 10000; i++ {
		id := fmt.Sprintf("m-%04d", i)
		for _, k := range []string{"message.sent", "message.received", "message.deleted"} {
			evs = append(evs, sqsmock.TraceEvent{Seq: uint64(len(evs) + 1), Time: t0.Add(time.Duration(len(evs)) * time.Millisecond), Kind: k, Queue: "q", MessageID: id})
		}
		evs = append(evs, sqsmock.TraceEvent{Seq: uint64(len(evs) + 1), Time: t0.Add(time.Duration(len(evs)) * time.Millisecond), Kind: "fault", Queue: "q", Rule: "throttled", Fault: "error"})
	}
	path := filepath.Join(t.TempDir(), "large.html")
	require.NoError(t, traceview.WriteFile(path, traceview.Page{Title: "large", Events: evs}))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	start := time.Now()
	browsertest.Open(t, ctx, "file://"+path, `body[data-ready="true"]`)
	t.Logf("%d events: %d KB page, ready in %v", len(evs), fi.Size()/1024, time.Since(start).Round(time.Millisecond))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".lane").length + document.querySelectorAll("#table-rows .row").length`))
	require.NoError(t, err)
	assert.Less(t, n, 200, "lanes and rows are virtualised")
	browsertest.Screenshot(t, ctx, "large")
}
