package sqsmock

import "net/http"

// faultEvents is GET /_sqsmock/faults/injections?since=N: the trace's fault events after seq N.
func (c *console) faultEvents(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"events": []TraceEvent{}, "last": 0})
}

// messageHistory is the trace events that name message id in queue q, oldest first.
func (m *Mock) messageHistory(q queueRef, id string) []TraceEvent {
	_, _ = q, id
	return []TraceEvent{}
}
