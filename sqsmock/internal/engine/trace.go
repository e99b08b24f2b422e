package engine

import (
	"context"
	"strings"
	"time"
)

// EventKind is what a trace Event records.
type EventKind uint8

// The kinds of trace events; the mock names them (string).
const (
	EventQueueCreated    EventKind = iota + 1 // CreateQueue made a queue
	EventQueueDeleted                         // DeleteQueue: Count messages went with it
	EventQueuePurged                          // PurgeQueue: Count messages removed
	EventQueueAttributes                      // SetQueueAttributes: Detail names the attributes given
	EventSent                                 // stored; VisibleAt when delayed
	EventDeduplicated                         // a FIFO send within the deduplication interval: MessageID is the original's
	EventReceived                             // delivered: ReceiptHandle, ReceiveCount, VisibleAt (end of its visibility)
	EventVisibility                           // ChangeMessageVisibility: VisibleAt is the new deadline
	EventVisible                              // a delay or visibility timeout ended; Time is when
	EventDeleted                              // DeleteMessage: ReceiptHandle is the one used
	EventExpired                              // the retention period ended; Time is when
	EventDeadLettered                         // moved to the dead-letter queue Target
	EventMoved                                // moved by a message move task to Target, as TargetMessageID
	EventFault                                // a fault plan's message-level fault: Rule, Fault, Detail
	EventQueueTagged                          // TagQueue: Detail is the keys given, sorted, comma-separated
	EventQueueUntagged                        // UntagQueue: Detail is the keys given, sorted, comma-separated
)

// Event is one thing that happened in the engine, for the mock's trace.
type Event struct {
	Kind  EventKind
	Time  time.Time
	Queue string
	// Call is the call that caused the event (zero for the clock's events: visible, expired).
	Call            Call
	MessageID       string
	Body            string // the whole body, on EventSent: the hook truncates
	GroupID         string
	ReceiptHandle   string
	ReceiveCount    int
	VisibleAt       time.Time
	Target          string // queue name
	TargetMessageID string
	Count           int
	Rule, Fault     string
	Detail          string
}

// Call identifies the call an operation runs for: its number and SDK operation name.
type Call struct {
	ID        uint64
	Operation string
}

type callKey struct{}

// callCtx is a context carrying a Call: one allocation, where context.WithValue would take two.
type callCtx struct {
	context.Context
	call Call
}

func (c *callCtx) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// WithCall tells the engine, for its trace, which call the operation in ctx runs for.
func WithCall(ctx context.Context, c Call) context.Context { return &callCtx{Context: ctx, call: c} }

// callOf is the call ctx runs for (zero if none was given, or the engine does not trace).
func (e *Engine) callOf(ctx context.Context) Call {
	if e.cfg.Trace == nil {
		return Call{}
	}
	if c, ok := ctx.Value(callKey{}).(*callCtx); ok {
		return c.call
	}
	return Call{}
}

// TraceHook receives the engine's events. The engine calls it synchronously, in the order the
// events happen, often with a queue's lock held: it must be quick, safe for concurrent use, and
// must not call back into the engine.
type TraceHook func(Event)

// tracing reports whether the engine records events.
func (e *Engine) tracing() bool { return e.cfg.Trace != nil }

// emit records one event. Callers check tracing first, so that building the event costs nothing
// when the engine does not trace.
func (e *Engine) emit(ev Event) { e.cfg.Trace(ev) }

// emitFaults records the message-level faults a fault action applied to one message (or batch
// entry: entryID, then named in Detail).
func (e *Engine) emitFaults(q *queue, c Call, act FaultAction, now time.Time, messageID, receipt, entryID string) {
	for _, f := range act.Fired {
		detail := f.Detail
		if entryID != "" {
			detail = strings.TrimSpace(detail + " (entry " + entryID + ")")
		}
		e.emit(Event{Kind: EventFault, Time: now, Queue: q.name, Call: c, MessageID: messageID,
			ReceiptHandle: receipt, Rule: f.Rule, Fault: f.Kind, Detail: detail})
	}
}
