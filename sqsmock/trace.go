package sqsmock

import (
	"encoding/json"
	"io"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
)

// TraceEvent is one entry of the mock's trace: what happened to a queue or a message, when on the
// mock's clock, and which call caused it.
type TraceEvent struct {
	// Seq numbers the events 1, 2, 3, … in the order they were recorded, without gaps. The
	// clock's events (message.visible, message.expired) are recorded when the engine notices
	// them, at the next operation on their queue (or inspection), but their Time is when they
	// happened: Time may go back from one event to the next. Replay in Seq order; plot by Time.
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"` // the mock's clock
	// Kind is what happened: queue.created, queue.deleted, queue.purged, queue.attributes,
	// queue.tagged, queue.untagged, message.sent, message.deduplicated, message.received,
	// message.visibility, message.visible, message.deleted, message.expired,
	// message.deadlettered, message.moved, fault, mock.reset, call, sns.delivered, sns.filtered,
	// sns.failed (README, "Trace event kinds").
	Kind string `json:"kind"`
	// Queue is the queue's name; Region and Account its namespace.
	Queue   string `json:"queue,omitempty"`
	Region  string `json:"region,omitempty"`
	Account string `json:"account,omitempty"`
	// Operation is the API operation of the call that caused the event ("" for events of the
	// clock: visible, expired) and CallID the call's number, shared by the events of one call and
	// by its own event of kind call.
	Operation string `json:"operation,omitempty"`
	CallID    uint64 `json:"callId,omitempty"`

	MessageID     string    `json:"messageId,omitempty"`
	Body          string    `json:"body,omitempty"` // the first 256 bytes, on message.sent
	GroupID       string    `json:"groupId,omitempty"`
	ReceiptHandle string    `json:"receiptHandle,omitempty"`
	ReceiveCount  int       `json:"receiveCount,omitempty"`
	VisibleAt     time.Time `json:"visibleAt,omitzero"`
	Target        string    `json:"target,omitempty"` // the queue a message was moved to
	// TargetMessageID is the message's id in Target when it got a new one there (message.moved:
	// a move task sends a new message).
	TargetMessageID string `json:"targetMessageId,omitempty"`
	// Count is how many messages went with the queue (queue.purged, queue.deleted).
	Count int `json:"count,omitempty"`

	// Rule and Fault name the fault plan's rule and the fault injected (on kind fault).
	Rule  string `json:"rule,omitempty"`
	Fault string `json:"fault,omitempty"`
	// Detail says more in words (the attributes changed, an error returned, …).
	Detail string `json:"detail,omitempty"`
}

// publicEvents are the ring's events as TraceEvents.
func publicEvents(evs []trace.Event) []TraceEvent {
	out := make([]TraceEvent, len(evs))
	for i, e := range evs {
		out[i] = TraceEvent(e)
	}
	return out
}

// Trace returns the events the trace holds, oldest first (nil when tracing is off: Options.TraceSize).
// Seq numbers them in the order they were recorded, without gaps. Reset does not clear the trace
// (see Reset).
func (m *Mock) Trace() []TraceEvent {
	if m.trace == nil {
		return nil
	}
	evs, _, _ := m.trace.Since(0, 0)
	return publicEvents(evs)
}

// WriteTrace writes the trace's events as JSON lines, oldest first: one TraceEvent object per
// line, keys as in its JSON tags.
func (m *Mock) WriteTrace(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, ev := range m.Trace() {
		if err := enc.Encode(ev); err != nil {
			return err
		}
	}
	return nil
}
