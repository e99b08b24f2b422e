package faults

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Call describes one operation for a decision: one SDK call in the engine, one attempt in the
// client placement.
type Call struct {
	Operation string // SDK operation name, e.g. "SendMessage"
	QueueURL  string
	QueueName string // empty: derived from QueueURL's last path segment
	// Message is the message of a single-message operation, for rules with a message predicate:
	// SendMessage's; the engine also passes the message a DeleteMessage or
	// ChangeMessageVisibility names, when it exists. May be nil.
	Message *Message
	// Now is the time of the call; zero means the plan's clock. Windows are measured from the
	// plan's start on the plan's clock, so an engine passing its own time calls SetClock too.
	Now time.Time
}

// Message describes one message for a decision: the message of SendMessage or DeleteMessage,
// one entry of a batch, or one message a ReceiveMessage is about to return.
type Message struct {
	EntryID       string            // batch entry id
	MessageID     string            // when known (not for sends)
	ReceiptHandle string            // for deletes and visibility changes
	Body          string            // when known (sends, receives)
	Attributes    map[string]string // message attributes by name, as MessagePredicate.Attributes matches them (Binary as standard base64)
}

// Decision is what the plan wants done with one operation. Its zero value means "proceed".
//
// The engine applies it in this order: wait Latency on its clock; if Transport is set, fail the
// call as that transport fault (ResetBeforeApply: nothing applied; ResetAfterApply or Timeout
// with Applied: apply the operation, then fail; the HTTP server drops the connection, the
// in-process client returns ResetError or TimeoutError wrapped as the SDK wraps transport
// errors); else if Error is set, return it without applying anything; else run the operation,
// returning no messages if FalseEmpty (state unchanged) and calling Shuffle on the messages a
// receive returns.
type Decision struct {
	Latency    time.Duration // wait before answering
	Error      *ServiceError // fail with this SQS error; nothing applied
	Transport  Kind          // "", ResetBeforeApply, ResetAfterApply or Timeout
	Applied    bool          // with Transport: the operation is applied before the fault (ResetAfterApply; Timeout with Applied)
	FalseEmpty bool          // ReceiveMessage: return no messages, change nothing
	Reorder    bool          // ReceiveMessage: shuffle the returned messages with Shuffle
	Seed       uint64        // seeds Shuffle, drawn from the rule's stream
}

// Shuffle permutes n items with swap when Reorder is set (deterministically, from Seed), and does
// nothing otherwise.
func (d Decision) Shuffle(n int, swap func(i, j int)) {
	if !d.Reorder || n < 2 {
		return
	}
	rand.New(rand.NewPCG(d.Seed, d.Seed^0x9e3779b97f4a7c15)).Shuffle(n, swap)
}

// MessageDecision is what the plan wants done with one message of an operation. Its zero value
// means "proceed".
type MessageDecision struct {
	// Fail, for a batch entry: report the entry in Failed with this error's code, message and
	// fault (SenderFault = !Server) and do not apply it.
	Fail *ServiceError
	// LostDelete, for DeleteMessage or a DeleteMessageBatch entry: report success, do not delete.
	LostDelete bool
	// Duplicate, for a received message: deliver it once more to a later receive, DuplicateAfter
	// after this delivery (new receipt handle, receive count increased), even if it is deleted
	// through this delivery's receipt handle meanwhile.
	Duplicate      bool
	DuplicateAfter time.Duration
	// ExtraDelay: for a sent message, it becomes receivable this much later than its delay says;
	// for a received message, it reappears this much later after its visibility timeout expires;
	// for a visibility change (engine only), the change takes effect this much later.
	ExtraDelay time.Duration
}

// Decide is the engine hook for one operation: the mock calls it once per SDK call, before
// applying the operation, with the operation-level kinds (Error, Throttle, Latency,
// ResetBeforeApply, ResetAfterApply, Timeout, FalseEmpty, Reorder). Rules are tried in order;
// latencies add up; of Error, Throttle, the resets, Timeout and FalseEmpty only the first rule
// that fires applies, and the later ones are skipped without counting a match (After, Times and
// token buckets see only the calls they could have affected). Every fired rule is recorded in
// Injections. A nil plan decides nothing.
func (p *Plan) Decide(c Call) Decision {
	if p == nil {
		return Decision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decide(c, func(k Kind) bool { return !k.MessageLevel() })
}

// decide is Decide restricted to the kinds want admits. Called with mu held.
func (p *Plan) decide(c Call, want func(Kind) bool) Decision {
	var d Decision
	now := c.Now
	if now.IsZero() {
		now = p.clock.Now()
	}
	p.evaluate(target{call: c, msg: c.Message, now: now}, want, func(r *compiled) string {
		switch r.Kind {
		case Latency:
			l := r.latency()
			d.Latency += l
			return l.String()
		case Timeout:
			d.Transport, d.Applied = Timeout, r.Applied
			d.Latency += r.Latency
			return fmt.Sprintf("after %v, applied=%v", r.Latency, r.Applied)
		case ResetBeforeApply:
			d.Transport = ResetBeforeApply
		case ResetAfterApply:
			d.Transport, d.Applied = ResetAfterApply, true
		case Error, Throttle:
			d.Error = r.serviceError()
			return d.Error.Code
		case FalseEmpty:
			d.FalseEmpty = true
		case Reorder:
			d.Reorder, d.Seed = true, r.rng.Uint64()
		}
		return ""
	})
	return d
}

// DecideMessage is the engine hook for one message of an operation: the mock calls it, after
// Decide let the operation proceed, for the message of SendMessage, DeleteMessage and
// ChangeMessageVisibility, for each entry of a batch, and for each message a ReceiveMessage is
// about to return, with the message-level kinds (LostDelete, DuplicateDelivery,
// DelayedVisibility, PartialBatchFailure). A nil plan decides nothing.
func (p *Plan) DecideMessage(c Call, m Message) MessageDecision {
	if p == nil {
		return MessageDecision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideMessage(c, m)
}

// decideMessage is DecideMessage with mu held.
func (p *Plan) decideMessage(c Call, m Message) MessageDecision {
	var d MessageDecision
	now := c.Now
	if now.IsZero() {
		now = p.clock.Now()
	}
	p.evaluate(target{call: c, msg: &m, now: now}, Kind.MessageLevel, func(r *compiled) string {
		switch r.Kind {
		case PartialBatchFailure:
			d.Fail = r.serviceError()
			return d.Fail.Code
		case LostDelete:
			d.LostDelete = true
		case DuplicateDelivery:
			d.Duplicate, d.DuplicateAfter = true, r.Delay
			return "after " + r.Delay.String()
		case DelayedVisibility:
			d.ExtraDelay += r.Delay
			return "+" + r.Delay.String()
		}
		return ""
	})
	return d
}
