package sqsmock

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/msgattr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// Faults returns the mock's fault plan (nil if none), e.g. to read its Injections.
func (m *Mock) Faults() *faults.Plan { return m.plan.Load() }

// SetFaults replaces the fault plan while the mock runs; nil removes it.
func (m *Mock) SetFaults(plan *faults.Plan) error {
	if plan != nil {
		p := (*faultplan.Plan)(plan)
		if err := p.Validate(faultplan.Engine); err != nil {
			return err
		}
		clock := m.cfg.clock
		p.SetClock(clock)
		p.SetSleeper(faultplan.SleeperFunc(func(ctx context.Context, d time.Duration) error {
			return sleep(ctx, clock, d)
		}))
	}
	m.plan.Store(plan)
	return nil
}

// pauseFaults is the server's pause switch (the console's Pause button, POST
// /_sqsmock/faults/pause and /resume): a paused plan injects nothing and is kept, with its record
// of injections, until resumed. It belongs to the mock and outlives SetFaults; in Go, pause the
// plan itself (Plan.Pause).
func (m *Mock) pauseFaults(paused bool) { m.faultsPaused.Store(paused) }

// activePlan is the fault plan to apply now, as the engine drives it (a *faults.Plan is a
// *faultplan.Plan, see package faultplan): nil when there is none or it is paused.
func (m *Mock) activePlan() *faultplan.Plan {
	if m.faultsPaused.Load() {
		return nil
	}
	return (*faultplan.Plan)(m.plan.Load())
}

// sleep waits d on the clock, or until ctx ends.
func sleep(ctx context.Context, clock Clock, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}

// outcome is what a call-level fault decision left to do.
type outcome struct {
	ctx       context.Context
	err       error               // fail with this (an *sqserr.Error or the context's error)
	transport faultplan.Transport // fail as this transport fault, after applying if applied
	applied   bool
	fired     []faultplan.Fired // the plan's rules that fired, for the trace
	firedAt   time.Time         // when they fired, on the mock's clock
}

// decide applies a plan's call-level decision: latency first, then a transport fault, an error,
// or receive-level effects passed to the engine through the context.
func (m *Mock) decide(ctx context.Context, e *engine.Engine, op string, in any) outcome {
	plan := m.activePlan()
	if plan == nil {
		return outcome{ctx: ctx}
	}
	if exempt.From(ctx) {
		return outcome{ctx: engine.WithCallFaults(ctx, engine.CallFaults{Off: true})}
	}
	url := queueURLOf(in)
	call := faultplan.Call{Operation: op, QueueURL: url}
	switch v := in.(type) {
	case *sqs.SendMessageInput:
		call.Message = pooledMessage()
		call.Message.Body, call.Message.Attributes = aws.ToString(v.MessageBody), msgattr.Strings(v.MessageAttributes)
	case *sqs.DeleteMessageInput:
		call.Message = receiptMessage(e, url, v.ReceiptHandle)
	case *sqs.ChangeMessageVisibilityInput:
		call.Message = receiptMessage(e, url, v.ReceiptHandle)
	}
	return m.decideCall(ctx, plan, call)
}

// decideCall asks plan about one call and applies its decision: latency first, then a
// transport fault, an error, or receive-level effects passed to the engine through the context.
// A call's message comes from pooledMessage; it is returned to the pool.
func (m *Mock) decideCall(ctx context.Context, plan *faultplan.Plan, call faultplan.Call) outcome {
	d := plan.Decide(call)
	if call.Message != nil { // the plan keeps nothing of it once it decided
		*call.Message = faultplan.Message{}
		messages.Put(call.Message)
	}
	var at time.Time
	if len(d.Fired) > 0 {
		at = m.cfg.clock.Now()
	}
	if d.Latency > 0 {
		if err := sleep(ctx, m.cfg.clock, d.Latency); err != nil {
			return outcome{ctx: ctx, err: err, fired: d.Fired, firedAt: at}
		}
	}
	switch {
	case d.Transport != "":
		return outcome{ctx: ctx, transport: d.Transport, applied: d.Applied, fired: d.Fired, firedAt: at}
	case d.Error != nil:
		return outcome{ctx: ctx, err: d.Error, fired: d.Fired, firedAt: at}
	case d.FalseEmpty || d.Reorder:
		ctx = engine.WithCallFaults(ctx, engine.CallFaults{FalseEmpty: d.FalseEmpty, Reorder: d.Reorder, Shuffle: d.Shuffle})
	}
	return outcome{ctx: ctx, fired: d.Fired, firedAt: at}
}

// receiptMessage is the message a receipt handle names, for rules with a message predicate on
// DeleteMessage and ChangeMessageVisibility (nil if there is none), in the engine the call was
// routed to (nil when it was refused). It comes from pooledMessage.
func receiptMessage(e *engine.Engine, queueURL string, handle *string) *faultplan.Message {
	if handle == nil || e == nil {
		return nil
	}
	p, ok := e.ReceiptMessage(queueURL, *handle)
	if !ok {
		return nil
	}
	m := pooledMessage()
	*m = faultplan.Message{MessageID: p.MessageID, ReceiptHandle: p.ReceiptHandle, Body: p.Body, Attributes: p.Attributes}
	return m
}

// messages recycles the messages of call-level decisions: a plan reads a call's message only
// while it decides, so each call need not allocate one.
var messages = sync.Pool{New: func() any { return new(faultplan.Message) }}

func pooledMessage() *faultplan.Message { return messages.Get().(*faultplan.Message) }

// messageFault is the engine's hook: the plan's decision for one message.
func (m *Mock) messageFault(p engine.FaultPoint) engine.FaultAction {
	plan := m.activePlan()
	if plan == nil {
		return engine.FaultAction{}
	}
	d := plan.DecideMessage(faultplan.Call{Operation: p.Operation, QueueURL: p.QueueURL, QueueName: p.Queue},
		faultplan.Message{EntryID: p.EntryID, MessageID: p.MessageID, ReceiptHandle: p.ReceiptHandle, Stale: p.Stale, Body: p.Body, Attributes: p.Attributes})
	a := engine.FaultAction{ExtraDelay: d.ExtraDelay, LostDelete: d.LostDelete, Duplicate: d.Duplicate, DuplicateAfter: d.DuplicateAfter}
	if d.Fail != nil {
		a.Err = d.Fail
	}
	if len(d.Fired) > 0 && m.trace != nil {
		a.Fired = make([]engine.FiredRule, len(d.Fired))
		for i, f := range d.Fired {
			a.Fired[i] = engine.FiredRule{Rule: f.Rule, Kind: f.Kind, Detail: f.Detail}
		}
	}
	return a
}

func (m *Mock) faultsActive() bool { return m.activePlan() != nil }

// transportError is what the in-process client returns for a transport fault: the error
// net/http would give, wrapped as the SDK wraps transport errors.
func transportError(kind faultplan.Transport, queueURL string) error {
	if queueURL == "" {
		queueURL = "https://sqs.amazonaws.com/"
	}
	return kind.Err("POST", queueURL)
}
