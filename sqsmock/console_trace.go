package sqsmock

import (
	"net/http"
	"slices"
)

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
	evs, last := ring.newest(maxFaultEvents, func(ev *TraceEvent) bool { return ev.Seq > since && ev.Kind == TraceFault },
		func(ev *TraceEvent) bool { return ev.Seq <= since })
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "last": last})
}

// maxHistory bounds a message's history.
const maxHistory = 1000

// messageHistory is the trace events that name message id in queue q's namespace (in q or in the
// queues it went to: a dead-letter queue keeps the id), oldest first, the newest 1000 of them.
func (m *Mock) messageHistory(q queueRef, id string) []TraceEvent {
	if m.trace == nil || id == "" {
		return []TraceEvent{}
	}
	evs, _ := m.trace.newest(maxHistory, func(ev *TraceEvent) bool {
		return (ev.MessageID == id || ev.TargetMessageID == id) && ev.Account == q.ns.account && ev.Region == q.ns.region
	}, nil)
	return evs
}

// newest returns the newest n events that keep accepts, oldest first, scanning back from the
// newest until stop says to (nil: the whole ring), and the Seq of the newest event.
func (r *traceRing) newest(n int, keep, stop func(*TraceEvent) bool) ([]TraceEvent, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []TraceEvent{}
	for k := len(r.buf) - 1; k >= 0 && len(out) < n; k-- {
		ev := &r.buf[(r.head+k)%len(r.buf)]
		if stop != nil && stop(ev) {
			break
		}
		if keep(ev) {
			out = append(out, *ev)
		}
	}
	slices.Reverse(out)
	return out, r.last
}
