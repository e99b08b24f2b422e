package engine

import (
	"context"
	"time"

	"github.com/sqsharness/sqsharness/internal/msgattr"
)

// FaultPoint is one message of one operation, where a fault plan may act: the message of
// SendMessage, DeleteMessage or ChangeMessageVisibility, one batch entry, or one message a
// receive is about to return.
type FaultPoint struct {
	Operation     string // SDK operation name
	Queue         string // queue name
	QueueURL      string
	EntryID       string // batch entry id
	MessageID     string
	ReceiptHandle string
	Stale         bool // a delete's ReceiptHandle is not the latest one issued for the message
	Body          string
	Attributes    map[string]string // message attributes for message predicates, flattened by msgattr.Strings
}

// FaultAction is what a fault plan decided for a FaultPoint. The zero value does nothing.
type FaultAction struct {
	Err            error         // a batch entry fails with this error (*sqserr.Error) and is not applied
	ExtraDelay     time.Duration // a send, an expiring visibility timeout or a visibility change takes effect this much later
	LostDelete     bool          // a delete reports success and does nothing
	Duplicate      bool          // a received message is delivered once more to a later receive
	DuplicateAfter time.Duration // ... no sooner than this after this delivery
	Fired          []FiredRule   // the plan's rules that fired, for the trace
}

// FiredRule is one rule of a fault plan that fired: its name, its kind and what it did.
type FiredRule struct{ Rule, Kind, Detail string }

// Hook is called by the engine at each fault point. It must be safe for concurrent use and must
// not call back into the engine.
type Hook func(FaultPoint) FaultAction

// CallFaults are a fault plan's decisions for a whole call: a ReceiveMessage, or an SNS
// delivery's SendMessage.
type CallFaults struct {
	Off        bool                             // the call is exempt from the plan: no fault at all
	Send       *FaultAction                     // SendMessage: the action decided for its message before the call (ExtraDelay, Fired)
	FalseEmpty bool                             // return no messages (a long poll after its wait time), change nothing
	Reorder    bool                             // deliver out of order (standard queues)
	Shuffle    func(n int, swap func(i, j int)) // permutes the messages returned
}

type callFaultsKey struct{}

// WithCallFaults passes a plan's call-level decisions to the engine.
func WithCallFaults(ctx context.Context, f CallFaults) context.Context {
	return context.WithValue(ctx, callFaultsKey{}, f)
}

func callFaults(ctx context.Context) CallFaults {
	f, _ := ctx.Value(callFaultsKey{}).(CallFaults)
	return f
}

// fault consults the hook for one message. url is the queue URL as the request gave it, so that
// message-level rules match the same URL as the call-level ones ("" for the default URL);
// off: the call is exempt (CallFaults.Off); stale: receipt is not m's latest receipt handle.
// Caller holds q.mu.
func (e *Engine) fault(off bool, q *queue, url, op string, m *message, entryID, receipt string, stale bool) FaultAction {
	if off || e.cfg.Faults == nil || (e.cfg.FaultsActive != nil && !e.cfg.FaultsActive()) {
		return FaultAction{}
	}
	if url == "" {
		url = e.queueURL(context.Background(), q.name)
	}
	p := FaultPoint{Operation: op, Queue: q.name, QueueURL: url, EntryID: entryID, ReceiptHandle: receipt, Stale: stale}
	if m != nil {
		p.MessageID, p.Body, p.Attributes = m.id, m.body, msgattr.Strings(m.attrs)
	}
	return e.cfg.Faults(p)
}

// ReceiptMessage describes the message a receipt handle names, for operation-level fault rules
// with a message predicate on DeleteMessage and ChangeMessageVisibility. ok is false when the
// queue, the handle or the message does not exist. It changes nothing.
func (e *Engine) ReceiptMessage(queueURL, handle string) (p FaultPoint, ok bool) {
	q, err := e.lookup(&queueURL)
	if err != nil {
		return FaultPoint{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	m, _, _, err := q.findReceipt(handle)
	if err != nil || m == nil {
		return FaultPoint{}, false
	}
	return FaultPoint{Queue: q.name, QueueURL: queueURL, ReceiptHandle: handle, MessageID: m.id, Body: m.body,
		Attributes: msgattr.Strings(m.attrs)}, true
}

// duplicate is a delivery a fault plan asked for: a copy of the message as it was delivered, so
// it can come again even after the original was deleted.
type duplicate struct {
	at   time.Time
	orig *message
	copy message
}

// scheduleDuplicate records a fault plan's duplicate of m for a receive at or after at.
// Caller holds q.mu.
func (q *queue) scheduleDuplicate(m *message, at time.Time) {
	q.dups = append(q.dups, duplicate{at: at, orig: m, copy: *m})
}

// takeDuplicates delivers due duplicates: the same message again with a new receipt handle and
// the receive count increased. If the original still exists it goes in flight again; if it was
// deleted meanwhile, the copy is delivered (deleting it later succeeds). Caller holds q.mu.
func (q *queue) takeDuplicates(o receiveOptions, now time.Time, room int) []*message {
	var out []*message
	kept := q.dups[:0]
	for _, d := range q.dups {
		if len(out) == room || now.Before(d.at) {
			kept = append(kept, d)
			continue
		}
		if q.byID[d.orig.id] == d.orig {
			m := d.orig
			m.receiveCount++
			q.nonce++
			m.receipt = q.nonce
			m.receivedAt = stampOf(now)
			q.changeVisibility(m, now, now.Add(o.visibility))
			out = append(out, m)
			continue
		}
		ghost := d.copy
		ghost.receiveCount++
		q.nonce++
		ghost.receipt = q.nonce
		ghost.group = nil
		out = append(out, &ghost)
	}
	clear(q.dups[len(kept):])
	q.dups = kept
	return out
}
