package faultplan

import (
	"fmt"
)

// Decide is the engine's hook for one operation: sqsmock calls it once per SDK call (once per
// attempt of its in-process client), before applying the operation, with the operation-level
// kinds. Rules are tried in order; latencies add up; of Error, Throttle, the resets, Timeout and
// FalseEmpty only the first rule that fires applies, and the later ones are skipped without
// counting a match (After, Times and token buckets see only the calls they could have affected).
// Every fired rule is recorded in the plan's Injections. A nil plan decides nothing.
func (p *Plan) Decide(c Call) Decision {
	if p == nil {
		return Decision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideAmong(c, p.rulesFor(c.Operation, false), nil)
}

// DecideMessage is the engine's hook for one message of an operation: sqsmock calls it, after
// Decide let the operation proceed, for the message of SendMessage, DeleteMessage and
// ChangeMessageVisibility, for each entry of a batch and for each message a ReceiveMessage is
// about to return, with the message-level kinds. A nil plan decides nothing.
func (p *Plan) DecideMessage(c Call, m Message) MessageDecision {
	if p == nil {
		return MessageDecision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideMessage(c, m, nil)
}

// DecidePublishEntry is the mock's SNS hook for one entry of a PublishBatch, before it is
// published: the partial-batch-failure rules on PublishBatch decide whether it fails (Fail).
// c names the topic (QueueURL its ARN, QueueName its name). A nil plan decides nothing.
func (p *Plan) DecidePublishEntry(c Call, m Message) MessageDecision {
	if p == nil {
		return MessageDecision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideMessage(c, m, publishEntryKinds)
}

// publishEntryKinds are the kinds that act on a PublishBatch entry before it is published.
func publishEntryKinds(k Kind) bool { return k == PartialBatchFailure }

// DecideDelivery is the mock's SNS hook for one delivery of a published message to one queue
// (c: the operation, Publish or PublishBatch, and the queue; m: the message as published): the
// duplicate-delivery and delayed-visibility rules on that operation decide whether the queue gets
// it twice (Duplicate, DuplicateAfter) or late (ExtraDelay). A nil plan decides nothing.
func (p *Plan) DecideDelivery(c Call, m Message) MessageDecision {
	if p == nil {
		return MessageDecision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideMessage(c, m, func(k Kind) bool { return k == DuplicateDelivery || k == DelayedVisibility })
}

// decide decides for one operation (an SDK call in the engine, an attempt in the client
// placement) with the kinds want admits. Called with mu held.
func (p *Plan) decide(c Call, want func(Kind) bool) Decision {
	return p.decideAmong(c, p.rules, want)
}

// decideAmong is decide with the rules to try (want nil: all of them). Called with mu held.
func (p *Plan) decideAmong(c Call, rules []*compiled, want func(Kind) bool) Decision {
	var d Decision
	p.evaluate(target{call: c, now: c.Now}, c.Message, rules, want, func(r *compiled) string {
		detail := ""
		switch r.Kind {
		case Latency:
			l := r.latency()
			d.Latency += l
			detail = l.String()
		case Timeout:
			d.Transport, d.Applied = TransportTimeout, r.Applied
			d.Latency += r.Latency
			detail = fmt.Sprintf("after %v, applied=%v", r.Latency, r.Applied)
		case ResetBeforeApply:
			d.Transport = TransportResetBeforeApply
		case ResetAfterApply:
			d.Transport, d.Applied = TransportResetAfterApply, true
		case Error, Throttle:
			d.Error = r.serviceError(c.Operation)
			detail = d.Error.Code
		case FalseEmpty:
			d.FalseEmpty = true
		case Reorder:
			d.Reorder, d.Seed = true, r.rng.Uint64()
		}
		d.Fired = append(d.Fired, fired(r, detail))
		return detail
	})
	return d
}

// decideMessage decides for one message of an operation with the message-level kinds want admits
// (nil: all). Called with mu held.
func (p *Plan) decideMessage(c Call, m Message, want func(Kind) bool) MessageDecision {
	var d MessageDecision
	p.evaluate(target{call: c, now: c.Now}, &m, p.rulesFor(c.Operation, true), want, func(r *compiled) string {
		detail := ""
		switch r.Kind {
		case PartialBatchFailure:
			d.Fail = r.serviceError(c.Operation)
			detail = d.Fail.Code
		case LostDelete:
			d.LostDelete = true
		case StaleHandleDelete:
			d.LostDelete = true
			detail = "stale receipt handle"
		case DuplicateDelivery:
			d.Duplicate, d.DuplicateAfter = true, r.Delay
			detail = "after " + r.Delay.String()
		case DelayedVisibility:
			d.ExtraDelay += r.Delay
			detail = "+" + r.Delay.String()
		}
		d.Fired = append(d.Fired, fired(r, detail))
		return detail
	})
	return d
}

// fired is the entry of a decision's Fired for a rule that fired with detail.
func fired(r *compiled, detail string) Fired {
	return Fired{Rule: r.Name, Kind: string(r.Kind), Detail: detail}
}
