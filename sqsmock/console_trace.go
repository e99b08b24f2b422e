package sqsmock

import "net/http"

// maxFaultEvents bounds one answer of GET /_sqsmock/faults/injections.
const maxFaultEvents = 200

// faultEvents is GET /_sqsmock/faults/injections?since=N: the trace's fault events with Seq > N
// (the newest 200 of them, oldest first) and last, the Seq of the trace's newest event, to ask
// from next time. Without a trace (WithTrace, -trace) events is empty and off is true.
func (c *console) faultEvents(w http.ResponseWriter, r *http.Request) {
	since, ok := sinceParam(w, r)
	if !ok {
		return
	}
	ring := c.m.trace
	if ring == nil {
		writeJSON(w, http.StatusOK, map[string]any{"events": []TraceEvent{}, "last": 0, "off": true})
		return
	}
	evs, last := ring.faults(since, maxFaultEvents)
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "last": last})
}

// maxHistory bounds a message's history.
const maxHistory = 1000

// messageHistory is the trace events that name message id in queue q's namespace (in q or in the
// queues it went to: a dead-letter queue keeps the id), oldest first, the newest 1000 of them.
// It reads the trace's index (traceRing.messageEvents): only that message's events, however long
// the trace.
func (m *Mock) messageHistory(q queueRef, id string) []TraceEvent {
	if m.trace == nil || id == "" {
		return []TraceEvent{}
	}
	evs, _ := m.trace.messageEvents(id, maxHistory, func(ev *TraceEvent) bool {
		return ev.Account == q.ns.account && ev.Region == q.ns.region
	})
	return evs
}
