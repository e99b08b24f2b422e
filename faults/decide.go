package faults

import (
	"fmt"

	"github.com/sqsharness/sqsharness/internal/faulthook"
)

// engineView is a plan as sqsmock's engine drives it (faulthook.Plan).
type engineView struct{ p *Plan }

func init() {
	faulthook.Of = func(plan any) faulthook.Plan { return engineView{plan.(*Plan)} }
}

// Decide decides for one operation with the operation-level kinds. Rules are tried in order;
// latencies add up; of Error, Throttle, the resets, Timeout and FalseEmpty only the first rule
// that fires applies, and the later ones are skipped without counting a match (After, Times and
// token buckets see only the calls they could have affected). A nil plan decides nothing.
func (v engineView) Decide(c faulthook.Call) faulthook.Decision {
	p := v.p
	if p == nil {
		return faulthook.Decision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decide(c, func(k Kind) bool { return !k.MessageLevel() })
}

// DecideMessage decides for one message of an operation with the message-level kinds. A nil
// plan decides nothing.
func (v engineView) DecideMessage(c faulthook.Call, m faulthook.Message) faulthook.MessageDecision {
	p := v.p
	if p == nil {
		return faulthook.MessageDecision{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.decideMessage(c, m)
}

// decide decides for one operation (an SDK call in the engine, an attempt in the client
// placement) with the kinds want admits. Called with mu held.
func (p *Plan) decide(c faulthook.Call, want func(Kind) bool) faulthook.Decision {
	var d faulthook.Decision
	now := c.Now
	if now.IsZero() {
		now = p.clock.Now()
	}
	p.evaluate(target{call: c, msg: c.Message, now: now}, want, fired(&d.Fired, func(r *compiled) string {
		switch r.Kind {
		case Latency:
			l := r.latency()
			d.Latency += l
			return l.String()
		case Timeout:
			d.Transport, d.Applied = faulthook.Timeout, r.Applied
			d.Latency += r.Latency
			return fmt.Sprintf("after %v, applied=%v", r.Latency, r.Applied)
		case ResetBeforeApply:
			d.Transport = faulthook.ResetBeforeApply
		case ResetAfterApply:
			d.Transport, d.Applied = faulthook.ResetAfterApply, true
		case Error, Throttle:
			d.Error = r.serviceError()
			return d.Error.Code
		case FalseEmpty:
			d.FalseEmpty = true
		case Reorder:
			d.Reorder, d.Seed = true, r.rng.Uint64()
		}
		return ""
	}))
	return d
}

// decideMessage decides for one message of an operation with the message-level kinds. Called
// with mu held.
func (p *Plan) decideMessage(c faulthook.Call, m faulthook.Message) faulthook.MessageDecision {
	var d faulthook.MessageDecision
	now := c.Now
	if now.IsZero() {
		now = p.clock.Now()
	}
	p.evaluate(target{call: c, msg: &m, now: now}, Kind.MessageLevel, fired(&d.Fired, func(r *compiled) string {
		switch r.Kind {
		case PartialBatchFailure:
			d.Fail = r.serviceError()
			return d.Fail.Code
		case LostDelete:
			d.LostDelete = true
		case StaleHandleDelete:
			d.LostDelete = true
			return "stale receipt handle"
		case DuplicateDelivery:
			d.Duplicate, d.DuplicateAfter = true, r.Delay
			return "after " + r.Delay.String()
		case DelayedVisibility:
			d.ExtraDelay += r.Delay
			return "+" + r.Delay.String()
		}
		return ""
	}))
	return d
}

// fired wraps a decision's fire function to list each rule that fired in out.
func fired(out *[]faulthook.Fired, fire func(r *compiled) string) func(r *compiled) string {
	return func(r *compiled) string {
		detail := fire(r)
		*out = append(*out, faulthook.Fired{Rule: r.Name, Kind: string(r.Kind), Detail: detail})
		return detail
	}
}
