package traceview

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/traceview/tracefixture"
	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestAnalyseFindsTheDuplicateAndTheLostDelete(t *testing.T) {
	m := analyse(Page{Title: "TestStory", Events: tracefixture.Story()})
	require.Len(t, m.Lanes, 3)
	lanes := map[string]lane{}
	for _, l := range m.Lanes {
		lanes[l.ID] = l
	}
	assert.Equal(t, 2, lanes["m-dup"].Receives)
	assert.Contains(t, lanes["m-dup"].Flags, "duplicate")
	assert.Contains(t, lanes["m-lost"].Flags, "lost-delete")
	assert.False(t, lanes["m-ok"].Problem, "m-ok was handled once")
	assert.Equal(t, "deleted", lanes["m-ok"].End)

	require.Len(t, m.Findings, 2, "%+v", m.Findings)
	dup, lost := m.Findings[0], m.Findings[1]
	assert.Equal(t, "duplicate", dup.Kind)
	assert.Equal(t, "duplicate", dup.Rule)
	assert.Contains(t, dup.Text, "after it was deleted")
	assert.Contains(t, dup.Text, "after fault duplicate (duplicate-delivery)")
	assert.Equal(t, "lost-delete", lost.Kind)
	assert.Equal(t, "lost-delete", lost.Rule)
	assert.Contains(t, lost.Text, "visible again")
	assert.Equal(t, "message.received", m.Events[lost.Event].Kind, "the finding points at the second receive")

	assert.Equal(t, []int{4}, m.CallLane, "the throttled receive hit no message")
	assert.Equal(t, 3, m.Counts.Faults)

	// m-lost's lane: visible, in flight, visible again, in flight again.
	var states []string
	for _, s := range lanes["m-lost"].Segs {
		states = append(states, s[2].(string))
	}
	assert.Equal(t, []string{stVisible, stInFlight, stVisible, stInFlight}, states)

	// The depth ends at zero; at its peak three messages were visible.
	require.Len(t, m.Queues, 1)
	pts := m.Queues[0].Points
	assert.Equal(t, [4]int{len(m.Events) - 1, 0, 0, 0}, pts[len(pts)-1])
	assert.Equal(t, 3, pts[2][1])
}

// TestAnalyseStaleHandleDeleteIsALostDelete: a stale-handle-delete fault kept the message as a
// lost delete does, and the page says so.
func TestAnalyseStaleHandleDeleteIsALostDelete(t *testing.T) {
	evs := tracefixture.Story()
	for i, e := range evs {
		if e.Fault == "lost-delete" {
			evs[i].Rule, evs[i].Fault, evs[i].Detail = "stale", "stale-handle-delete", "stale receipt handle"
		}
	}
	m := analyse(Page{Events: evs})
	var lost []finding
	for _, f := range m.Findings {
		if f.Kind == "lost-delete" {
			lost = append(lost, f)
		}
	}
	require.Len(t, lost, 1, "%+v", m.Findings)
	assert.Equal(t, "stale", lost[0].Rule)
	assert.Contains(t, lost[0].Text, "fault stale (stale-handle-delete) kept the message")
	assert.Equal(t, 1, m.Counts.LostDelete)
}

// TestAnalyseKeepsUnknownKinds: an event of a kind the viewer does not know is kept (the table
// lists every event); on a message it is one of its lane's marks and changes nothing else.
func TestAnalyseKeepsUnknownKinds(t *testing.T) {
	plain := analyse(Page{Events: tracefixture.Story()})
	m := analyse(Page{Events: tracefixture.WithUnknownKinds()})
	require.Len(t, m.Events, len(plain.Events)+3)
	byKind := map[string]event{}
	for _, e := range m.Events {
		byKind[e.Kind] = e
	}
	require.Contains(t, byKind, "queue.tagged")
	require.Contains(t, byKind, "mock.reset")
	assert.Equal(t, -1, byKind["queue.tagged"].Lane, "a queue's event is on no lane")
	assert.Equal(t, -1, byKind["mock.reset"].Lane)
	assert.Equal(t, plain.CallLane, m.CallLane, "nor on the calls lane")

	require.Len(t, m.Lanes, 3)
	ann := byKind["message.annotated"]
	ok := m.Lanes[ann.Lane]
	assert.Equal(t, "m-ok", ok.ID, "on its message's lane")
	assert.Contains(t, ok.Marks, 6, "as one of its marks")
	assert.Equal(t, "a future kind", ann.Detail)
	assert.False(t, ok.Problem)
	assert.Equal(t, "deleted", ok.End)
	assert.Len(t, ok.Segs, len(plain.Lanes[2].Segs), "its states are those without the unknown event")
	require.Len(t, m.Findings, len(plain.Findings), "the same findings")
	for i, f := range m.Findings {
		assert.Equal(t, plain.Findings[i].Kind, f.Kind)
		assert.Equal(t, plain.Findings[i].Lane, f.Lane)
	}
}

func TestAnalyseClientViewLostDelete(t *testing.T) {
	// A client-side view has no fault or visible events: a delete that succeeded, then the same
	// message received again after its visibility deadline, is a delete that did not stick.
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := []sqsmock.TraceEvent{
		{Seq: 1, Time: t0, Kind: "message.sent", Queue: "q", MessageID: "a"},
		{Seq: 2, Time: t0, Kind: "message.received", Queue: "q", MessageID: "a", VisibleAt: t0.Add(time.Second)},
		{Seq: 3, Time: t0, Kind: "message.deleted", Queue: "q", MessageID: "a", Operation: "DeleteMessage"},
		{Seq: 4, Time: t0.Add(2 * time.Second), Kind: "message.received", Queue: "q", MessageID: "a"},
		{Seq: 5, Time: t0.Add(2 * time.Second), Kind: KindCallFailed, Queue: "q", Operation: "DeleteMessage", Detail: "throttled"},
	}
	m := analyse(Page{Events: evs, ClientView: true})
	require.Len(t, m.Findings, 1)
	assert.Equal(t, "duplicate", m.Findings[0].Kind, "received after the client deleted it")
	assert.Equal(t, []int{4}, m.CallLane)
}

func TestWriteIsOneSelfContainedFile(t *testing.T) {
	evs := tracefixture.Story()
	evs[1].Body = `</script><script>alert(1)</script>`
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Page{Title: "Test<Story>/seed 1", Events: evs, Dropped: 7}))
	page := buf.String()
	assert.Contains(t, page, "<title>Test&lt;Story&gt;/seed 1</title>")
	assert.NotContains(t, page, "alert(1)</script>", "event data cannot close the script element")
	assert.Equal(t, 2, strings.Count(page, "</script>"), "the data and the viewer's script, nothing else")
	for _, ref := range regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?[a-z]+:`).FindAllString(page, -1) {
		t.Errorf("the page refers to something outside itself: %s", ref)
	}
	// The only address is SVG's XML namespace, a name, never fetched.
	assert.NotRegexp(t, `https?://(?:[a-z0-9-]+\.)+[a-z]{2,}/`, strings.ReplaceAll(page, "http://www.w3.org/2000/svg", ""), "no network")
	// The embedded data is the model, as JSON.
	start := strings.Index(page, `id="trace-data">`) + len(`id="trace-data">`)
	end := strings.Index(page[start:], "</script>")
	var got model
	require.NoError(t, json.Unmarshal([]byte(page[start:start+end]), &got))
	assert.Equal(t, uint64(7), got.Dropped)
	assert.Len(t, got.Events, len(evs))
	assert.True(t, strings.Contains(page, `<div id="view-kind">The mock&#39;s full trace · every event`), "the page says what it shows")

	// A client-side view says so in the page itself, without its script.
	buf.Reset()
	require.NoError(t, Write(&buf, Page{Title: "TestRemote", Source: "elasticmq at http://127.0.0.1:9325/?a&b", Events: evs, ClientView: true}))
	assert.True(t, strings.Contains(buf.String(), `<div id="view-kind" class="client">Client-side view: only what the client saw (its calls and their answers) on elasticmq at http://127.0.0.1:9325/?a&amp;b.`), "the page says it is a client's view")
}

func TestFileName(t *testing.T) {
	assert.Equal(t, "TestNonIdempotent_seed_42.html", FileName("TestNonIdempotent/seed 42"))
	assert.Equal(t, "TestA_b_.._c.html", FileName("TestA/b/../c"), "no / left: one file in the directory")
	assert.Equal(t, "trace.html", FileName("/"))
}

// A purge, a deleted queue and a reset of the mock end the lanes of the messages they removed,
// and the depth drops to zero.
func TestAnalyseEndsLanesOnPurgeDeleteAndReset(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []sqsmock.TraceEvent
	add := func(e sqsmock.TraceEvent) {
		e.Seq, e.Time = uint64(len(evs)+1), t0
		evs = append(evs, e)
	}
	for _, q := range []string{"a", "b", "c"} {
		add(sqsmock.TraceEvent{Kind: "queue.created", Queue: q})
		add(sqsmock.TraceEvent{Kind: "message.sent", Queue: q, MessageID: "m-" + q})
	}
	add(sqsmock.TraceEvent{Kind: "queue.purged", Queue: "a", Count: 1})
	add(sqsmock.TraceEvent{Kind: "queue.deleted", Queue: "b", Count: 1})
	add(sqsmock.TraceEvent{Kind: "mock.reset"})
	m := analyse(Page{Title: "TestEnds", Events: evs})
	ends := map[string]string{}
	for _, l := range m.Lanes {
		ends[l.ID] = l.End
	}
	assert.Equal(t, map[string]string{"m-a": "purged", "m-b": "queue deleted", "m-c": "reset"}, ends)
	for _, q := range m.Queues {
		last := q.Points[len(q.Points)-1]
		assert.Equal(t, [3]int{0, 0, 0}, [3]int{last[1], last[2], last[3]}, "depth of %s at the end", q.Name)
	}
}

// TestAnalyseHeartbeatBug: a page where every message was received twice because its visibility
// timeout expired while it was in flight, and one went to the dead-letter queue, shows each of
// them as a problem with a finding — never "0 with a problem" or nothing found.
func TestAnalyseHeartbeatBug(t *testing.T) {
	m := analyse(Page{Title: "TestHeartbeat", Events: tracefixture.Heartbeat()})
	require.Len(t, m.Lanes, 6)
	for _, l := range m.Lanes {
		assert.True(t, l.Problem, "%s was received twice after its visibility timeout expired", l.ID)
		assert.Contains(t, l.Flags, "vis-expired", l.ID)
		assert.Equal(t, 2, l.Receives+map[bool]int{true: -1}[l.ID == "m-slow"], "%s: the slow one was received a third time from the dead-letter queue", l.ID)
	}
	assert.Contains(t, m.Lanes[5].Flags, "dlq")
	assert.Equal(t, 6, m.Counts.Redelivered)
	assert.Equal(t, 1, m.Counts.DeadLettered)
	kinds := map[string]int{}
	for _, f := range m.Findings {
		kinds[f.Kind]++
	}
	assert.Equal(t, map[string]int{"redelivered": 6, "dead-lettered": 1}, kinds)
	first := m.Findings[0]
	assert.Equal(t, "redelivered", first.Kind, "the first finding of each kind leads")
	assert.Equal(t, "m-0: visibility timeout expired while it was in flight (received at event #7, neither deleted nor extended in time, visible again at 00:00:10.000) and it was received again (receive 2)", first.Text)
	assert.Equal(t, "message.received", m.Events[first.Event].Kind, "it points at the second receive")
	assert.Equal(t, "dead-lettered", m.Findings[1].Kind)
	assert.Equal(t, "m-slow moved to the dead-letter queue orders-dlq after 2 receives", m.Findings[1].Text)
}

// TestAnalyseExtendedThenExpired: a heartbeat that extended the visibility timeout, but not
// enough, is named in the finding; a visibility change to 0 (the consumer letting the message
// go) is not an expiry.
func TestAnalyseExtendedThenExpired(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := []sqsmock.TraceEvent{
		{Seq: 1, Time: t0, Kind: "message.sent", Queue: "q", MessageID: "a"},
		{Seq: 2, Time: t0, Kind: "message.sent", Queue: "q", MessageID: "b"},
		{Seq: 3, Time: t0, Kind: "message.received", Queue: "q", MessageID: "a", ReceiveCount: 1, VisibleAt: t0.Add(10 * time.Second)},
		{Seq: 4, Time: t0, Kind: "message.received", Queue: "q", MessageID: "b", ReceiveCount: 1, VisibleAt: t0.Add(10 * time.Second)},
		{Seq: 5, Time: t0.Add(5 * time.Second), Kind: "message.visibility", Queue: "q", MessageID: "a", VisibleAt: t0.Add(15 * time.Second)},
		{Seq: 6, Time: t0.Add(5 * time.Second), Kind: "message.visibility", Queue: "q", MessageID: "b", VisibleAt: t0.Add(5 * time.Second)},
		{Seq: 7, Time: t0.Add(15 * time.Second), Kind: "message.visible", Queue: "q", MessageID: "a"},
		{Seq: 8, Time: t0.Add(15 * time.Second), Kind: "message.received", Queue: "q", MessageID: "a", ReceiveCount: 2},
		{Seq: 9, Time: t0.Add(15 * time.Second), Kind: "message.received", Queue: "q", MessageID: "b", ReceiveCount: 2},
	}
	m := analyse(Page{Events: evs})
	require.Len(t, m.Findings, 1, "%+v", m.Findings)
	assert.Equal(t, "a: visibility timeout expired while it was in flight (received at event #3, not deleted, last extended at event #5 until 00:00:15.000, visible again at 00:00:15.000) and it was received again (receive 2)", m.Findings[0].Text)
	assert.False(t, m.Lanes[1].Problem, "b was let go on purpose")
	assert.Contains(t, m.Lanes[1].Flags, "redelivered")
}

// TestAnalyseFailuresAndMessagesNeverSent: the test's own failed checks lead the findings, in
// the order given, and an expected body the trace never shows sent is a finding (a long body
// matches the trace's truncated copy).
func TestAnalyseFailuresAndMessagesNeverSent(t *testing.T) {
	long := strings.Repeat("x", 300)
	evs := []sqsmock.TraceEvent{
		{Seq: 1, Kind: "message.sent", Queue: "orders", MessageID: "a", Body: "order-0"},
		{Seq: 2, Kind: "message.sent", Queue: "orders", MessageID: "b", Body: long[:256]},
	}
	m := analyse(Page{Events: evs, Failures: []string{"message #1 of 3 was never delivered", "second"},
		Expected: map[string][]string{"orders": {"order-0", "order-1", long}}})
	require.Len(t, m.Findings, 3, "%+v", m.Findings)
	assert.Equal(t, finding{Kind: "failure", Lane: -1, Event: -1, Text: "message #1 of 3 was never delivered"}, m.Findings[0])
	assert.Equal(t, "second", m.Findings[1].Text)
	assert.Equal(t, finding{Kind: "never-sent", Lane: -1, Event: -1, Text: "expected on orders but never sent: order-1"}, m.Findings[2])
	assert.Equal(t, 2, m.Counts.Failures)
	assert.Equal(t, 1, m.Counts.NeverSent)

	// With events dropped from the ring, the send may be among them: nothing is claimed.
	m = analyse(Page{Events: evs, Dropped: 3, Expected: map[string][]string{"orders": {"order-1"}}})
	assert.Empty(t, m.Findings)
}
