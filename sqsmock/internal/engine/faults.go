package engine

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// FaultPoint is one place inside the engine where a fault plan may act.
type FaultPoint struct {
	Operation string // SDK operation name
	Queue     string // queue name
	QueueURL  string
	MessageID string // the message concerned, if any
	Body      string
	// Attributes are the message's String and Number attributes, for message predicates.
	Attributes map[string]string
	EntryID    string // batch entry id, for partial batch failures
	Now        time.Time
}

// FaultAction is what a fault plan decided for a FaultPoint. The zero value does nothing.
type FaultAction struct {
	Err        error         // fail this call or batch entry with this error (*sqserr.Error)
	ExtraDelay time.Duration // a sent message, an expired visibility or a visibility change takes effect this much later
	LostDelete bool          // DeleteMessage reports success but does nothing
	Duplicate  bool          // deliver this message again on a later receive
	FalseEmpty bool          // a receive returns no messages
	Reorder    bool          // hold the oldest ready message back behind newer ones
}

// Hook is called by the engine at each fault point. It must be safe for concurrent use and must
// not call back into the engine.
type Hook func(FaultPoint) FaultAction

func (e *Engine) fault(q *queue, op string, m *message, entryID string) FaultAction {
	if e.cfg.Faults == nil {
		return FaultAction{}
	}
	p := FaultPoint{Operation: op, Queue: q.name, QueueURL: e.queueURL(context.Background(), q.name), EntryID: entryID, Now: e.now()}
	if m != nil {
		p.MessageID, p.Body = m.id, m.body
		if len(m.attrs) > 0 {
			p.Attributes = make(map[string]string, len(m.attrs))
			for k, v := range m.attrs {
				if v.StringValue != nil {
					p.Attributes[k] = aws.ToString(v.StringValue)
				}
			}
		}
	}
	return e.cfg.Faults(p)
}

// sendDelay is extra delay a fault plan adds to a sent message.
func (e *Engine) sendDelay(q *queue, m *message) time.Duration {
	if e.cfg.Faults == nil {
		return 0
	}
	return e.fault(q, "SendMessage", m, "").ExtraDelay
}

// batchEntryFault reports whether a fault plan fails one batch entry, and with what.
func (e *Engine) batchEntryFault(q *queue, op, entryID string) (error, bool) {
	if e.cfg.Faults == nil {
		return nil, false
	}
	a := e.fault(q, op, nil, entryID)
	return a.Err, a.Err != nil
}
