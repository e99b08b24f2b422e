package faultplan_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

const ordersURL = "https://sqs.us-east-1.amazonaws.com/000000000000/orders-eu"

func sendCall(body string) faultplan.Call {
	return faultplan.Call{Operation: "SendMessage", QueueURL: ordersURL, Message: &faultplan.Message{Body: body, Attributes: map[string]string{"tenant": "acme"}}}
}

func TestRuleMatching(t *testing.T) {
	tests := []struct {
		name string
		rule faultplan.Rule
		call faultplan.Call
		want bool
	}{
		{"any operation", faultplan.Rule{Probability: 1}, sendCall("x"), true},
		{"operation listed", faultplan.Rule{Operations: []string{"ReceiveMessage", "SendMessage"}, Probability: 1}, sendCall("x"), true},
		{"operation not listed", faultplan.Rule{Operations: []string{"ReceiveMessage"}, Probability: 1}, sendCall("x"), false},
		{"queue name exact", faultplan.Rule{Queue: "orders-eu", Probability: 1}, sendCall("x"), true},
		{"queue name other", faultplan.Rule{Queue: "orders", Probability: 1}, sendCall("x"), false},
		{"queue URL exact", faultplan.Rule{Queue: ordersURL, Probability: 1}, sendCall("x"), true},
		{"queue glob on name", faultplan.Rule{Queue: "orders-*", Probability: 1}, sendCall("x"), true},
		{"queue glob ?", faultplan.Rule{Queue: "orders-e?", Probability: 1}, sendCall("x"), true},
		{"queue glob on URL", faultplan.Rule{Queue: "https://*/orders-*", Probability: 1}, sendCall("x"), true},
		{"queue glob no match", faultplan.Rule{Queue: "payments-*", Probability: 1}, sendCall("x"), false},
		{"queue regexp", faultplan.Rule{QueueRegexp: `^orders-(eu|us)$`, Probability: 1}, sendCall("x"), true},
		{"queue regexp no match", faultplan.Rule{QueueRegexp: `^orders-us$`, Probability: 1}, sendCall("x"), false},
		{"queue name given", faultplan.Rule{Queue: "orders-eu", Probability: 1}, faultplan.Call{Operation: "SendMessage", QueueName: "orders-eu"}, true},
		{"body contains", faultplan.Rule{Message: &faultplan.MessagePredicate{BodyContains: "poison"}, Probability: 1}, sendCall("a poison pill"), true},
		{"body contains no", faultplan.Rule{Message: &faultplan.MessagePredicate{BodyContains: "poison"}, Probability: 1}, sendCall("fine"), false},
		{"body regexp", faultplan.Rule{Message: &faultplan.MessagePredicate{BodyRegexp: `^\{"id":\d+`}, Probability: 1}, sendCall(`{"id":42}`), true},
		{"attribute equals", faultplan.Rule{Message: &faultplan.MessagePredicate{Attributes: map[string]string{"tenant": "acme"}}, Probability: 1}, sendCall("x"), true},
		{"attribute differs", faultplan.Rule{Message: &faultplan.MessagePredicate{Attributes: map[string]string{"tenant": "other"}}, Probability: 1}, sendCall("x"), false},
		{"predicate needs a message", faultplan.Rule{Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Call{Operation: "SendMessage", QueueURL: ordersURL}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Kind, r.ErrorCode = faultplan.Error, "InternalError"
			if r.Message != nil {
				r.Operations = []string{"SendMessage"}
			}
			p := faultplan.MustPlan(t, 1, r)
			d := p.Decide(tt.call)
			assert.Equal(t, tt.want, d.Error != nil)
		})
	}
}

func TestDefaultOperations(t *testing.T) {
	p := faultplan.MustPlan(t, 1,
		faultplan.Rule{Name: "fe", Kind: faultplan.FalseEmpty, Probability: 1},
		faultplan.Rule{Name: "ld", Kind: faultplan.LostDelete, Probability: 1},
	)
	assert.False(t, p.Decide(faultplan.Call{Operation: "SendMessage"}).FalseEmpty)
	assert.True(t, p.Decide(faultplan.Call{Operation: "ReceiveMessage"}).FalseEmpty)
	assert.False(t, p.DecideMessage(faultplan.Call{Operation: "ReceiveMessage"}, faultplan.Message{}).LostDelete)
	assert.True(t, p.DecideMessage(faultplan.Call{Operation: "DeleteMessage"}, faultplan.Message{}).LostDelete)
	assert.True(t, p.DecideMessage(faultplan.Call{Operation: "DeleteMessageBatch"}, faultplan.Message{EntryID: "1"}).LostDelete)
}

// TestStaleHandleDeleteMatchesOnlyStaleHandles: the rule fires on deletes whose handle is stale,
// never on SendMessage, ChangeMessageVisibility or a FIFO queue; a delete with the latest handle
// is not counted as a match (After and Times see only stale deletes).
func TestStaleHandleDeleteMatchesOnlyStaleHandles(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "s", Kind: faultplan.StaleHandleDelete, After: 1, Times: 1, Probability: 1})
	v := p
	del := faultplan.Call{Operation: "DeleteMessage", QueueURL: ordersURL}
	assert.False(t, v.DecideMessage(del, faultplan.Message{MessageID: "m"}).LostDelete, "latest handle")
	assert.False(t, v.DecideMessage(del, faultplan.Message{MessageID: "m", Stale: true}).LostDelete, "first stale delete: After")
	for range 3 {
		assert.False(t, v.DecideMessage(del, faultplan.Message{MessageID: "m"}).LostDelete, "latest handles are not matches")
	}
	d := v.DecideMessage(faultplan.Call{Operation: "DeleteMessageBatch", QueueURL: ordersURL}, faultplan.Message{EntryID: "1", MessageID: "m", Stale: true})
	assert.True(t, d.LostDelete, "second stale delete fires")
	assert.Equal(t, []faultplan.Fired{{Rule: "s", Kind: "stale-handle-delete", Detail: "stale receipt handle"}}, d.Fired)
	assert.False(t, v.DecideMessage(del, faultplan.Message{MessageID: "m", Stale: true}).LostDelete, "Times: 1")

	q := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.StaleHandleDelete, Probability: 1})
	fifo := faultplan.Call{Operation: "DeleteMessage", QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/orders.fifo"}
	assert.False(t, q.DecideMessage(fifo, faultplan.Message{Stale: true}).LostDelete, "FIFO queues reject stale handles")
	_, err := faultplan.NewPlan(1, faultplan.Rule{Kind: faultplan.StaleHandleDelete, Operations: []string{"ChangeMessageVisibility"}, Probability: 1})
	assert.ErrorContains(t, err, "cannot apply to ChangeMessageVisibility")
	assert.True(t, faultplan.StaleHandleDelete.MessageLevel())
	assert.Contains(t, faultplan.Kinds(), faultplan.StaleHandleDelete)
}

// fires returns, for n sends, whether the plan injected an error.
func fires(p *faultplan.Plan, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = p.Decide(sendCall("x")).Error != nil
	}
	return out
}

func TestProbabilityIsDeterministicBySeed(t *testing.T) {
	rule := faultplan.Rule{Name: "flaky", Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 0.3}
	a := fires(faultplan.MustPlan(t, 42, rule), 1000)
	b := fires(faultplan.MustPlan(t, 42, rule), 1000)
	c := fires(faultplan.MustPlan(t, 43, rule), 1000)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.NotEqual(t, a, c, "another seed, other faults")
	n := 0
	for _, f := range a {
		if f {
			n++
		}
	}
	assert.InDelta(t, 300, n, 60)

	// Another rule added before it does not change its stream; Reset replays it.
	p := faultplan.MustPlan(t, 42, faultplan.Rule{Name: "other", Kind: faultplan.Latency, Latency: time.Millisecond, Probability: 0.5}, rule)
	got := make([]bool, 1000)
	for i := range got {
		got[i] = p.Decide(sendCall("x")).Error != nil
	}
	assert.Equal(t, a, got)
	p.Reset()
	assert.Empty(t, p.Injections())
	for i := range got {
		got[i] = p.Decide(sendCall("x")).Error != nil
	}
	assert.Equal(t, a, got)
}

func TestTimesAndAfter(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "r", Kind: faultplan.Error, ErrorCode: "InternalError", After: 2, Times: 3, Probability: 1})
	assert.Equal(t, []bool{false, false, true, true, true, false, false}, fires(p, 7))
	assert.Equal(t, 3, p.Fired("r"))
	assert.Len(t, p.Injections(), 3)
}

func TestWindowUsesThePlanClock(t *testing.T) {
	clock := newFakeClock()
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "w", Kind: faultplan.Error, ErrorCode: "ServiceUnavailable", From: time.Second, Until: 3 * time.Second, Probability: 1})
	p.SetClock(clock)
	var got []bool
	for range 5 {
		got = append(got, p.Decide(sendCall("x")).Error != nil)
		clock.Advance(time.Second)
	}
	assert.Equal(t, []bool{false, true, true, false, false}, got)
	inj := p.Injections()
	require.Len(t, inj, 2)
	assert.Equal(t, clock.t.Add(-4*time.Second), inj[0].Time)

	// A Call's Now overrides the clock.
	start := clock.Now().Add(-5 * time.Second)
	assert.NotNil(t, p.Decide(faultplan.Call{Operation: "SendMessage", Now: start.Add(2 * time.Second)}).Error)
}

func TestThrottleTokenBucket(t *testing.T) {
	clock := newFakeClock()
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "tb", Kind: faultplan.Throttle, Rate: 2, Burst: 2, Probability: 1})
	p.SetClock(clock)
	throttled := func() bool {
		d := p.Decide(faultplan.Call{Operation: "SendMessage"})
		if d.Error != nil {
			assert.Equal(t, "RequestThrottled", d.Error.Code)
			assert.Equal(t, 403, d.Error.Status)
		}
		return d.Error != nil
	}
	assert.Equal(t, []bool{false, false, true, true}, []bool{throttled(), throttled(), throttled(), throttled()})
	clock.Advance(500 * time.Millisecond) // one token back
	assert.Equal(t, []bool{false, true}, []bool{throttled(), throttled()})
	clock.Advance(10 * time.Second) // bucket full again, not more
	assert.Equal(t, []bool{false, false, true}, []bool{throttled(), throttled(), throttled()})
}

func TestLatency(t *testing.T) {
	tests := []struct {
		name     string
		rule     faultplan.Rule
		min, max time.Duration
	}{
		{"fixed", faultplan.Rule{Latency: 250 * time.Millisecond, Probability: 1}, 250 * time.Millisecond, 250 * time.Millisecond},
		{"uniform", faultplan.Rule{Latency: 100 * time.Millisecond, Jitter: 50 * time.Millisecond, Probability: 1}, 50 * time.Millisecond, 150 * time.Millisecond},
		{"normal", faultplan.Rule{Latency: 10 * time.Millisecond, Jitter: 20 * time.Millisecond, Distribution: faultplan.Normal, Probability: 1}, 0, time.Second},
		{"fixed with jitter", faultplan.Rule{Latency: 10 * time.Millisecond, Jitter: 20 * time.Millisecond, Distribution: faultplan.Fixed, Probability: 1}, 10 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Kind = faultplan.Latency
			sample := func(seed uint64) []time.Duration {
				p := faultplan.MustPlan(t, seed, r)
				var out []time.Duration
				for range 200 {
					out = append(out, p.Decide(sendCall("x")).Latency)
				}
				return out
			}
			a := sample(7)
			assert.Equal(t, a, sample(7))
			distinct := map[time.Duration]bool{}
			for _, d := range a {
				assert.GreaterOrEqual(t, d, tt.min)
				assert.LessOrEqual(t, d, tt.max)
				distinct[d] = true
			}
			if tt.min != tt.max {
				assert.Greater(t, len(distinct), 50)
			}
		})
	}
}

func TestOneOutcomePerCall(t *testing.T) {
	p := faultplan.MustPlan(t, 1,
		faultplan.Rule{Name: "slow", Kind: faultplan.Latency, Latency: time.Second, Probability: 1},
		faultplan.Rule{Name: "first", Kind: faultplan.Error, ErrorCode: "OverLimit", Probability: 1},
		faultplan.Rule{Name: "second", Kind: faultplan.ResetBeforeApply, Probability: 1},
		faultplan.Rule{Name: "slower", Kind: faultplan.Latency, Latency: time.Second, Probability: 1},
	)
	d := p.Decide(sendCall("x"))
	assert.Equal(t, 2*time.Second, d.Latency)
	assert.Equal(t, "OverLimit", d.Error.Code)
	assert.Empty(t, d.Transport)
	assert.Equal(t, 0, p.Fired("second"))
	var names []string
	for _, in := range p.Injections() {
		names = append(names, in.Rule)
	}
	assert.Equal(t, []string{"slow", "first", "slower"}, names)
}

func TestTransportDecisions(t *testing.T) {
	tests := []struct {
		rule    faultplan.Rule
		applied bool
	}{
		{faultplan.Rule{Kind: faultplan.ResetBeforeApply, Probability: 1}, false},
		{faultplan.Rule{Kind: faultplan.ResetAfterApply, Probability: 1}, true},
		{faultplan.Rule{Kind: faultplan.Timeout, Latency: time.Second, Probability: 1}, false},
		{faultplan.Rule{Kind: faultplan.Timeout, Applied: true, Probability: 1}, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule.Kind), func(t *testing.T) {
			d := faultplan.MustPlan(t, 1, tt.rule).Decide(sendCall("x"))
			assert.Equal(t, faultplan.Transport(tt.rule.Kind), d.Transport)
			assert.Equal(t, tt.applied, d.Applied)
			assert.Equal(t, tt.rule.Latency, d.Latency)
		})
	}
}

func TestDecideMessage(t *testing.T) {
	p := faultplan.MustPlan(t, 1,
		faultplan.Rule{Name: "pbf", Kind: faultplan.PartialBatchFailure, EntryIDs: []string{"b"}, Probability: 1},
		faultplan.Rule{Name: "late", Kind: faultplan.DelayedVisibility, Delay: 2 * time.Second, Message: &faultplan.MessagePredicate{BodyContains: "slow"}, Probability: 1},
		faultplan.Rule{Name: "dup", Kind: faultplan.DuplicateDelivery, Delay: time.Minute, Times: 1, Probability: 1},
		faultplan.Rule{Name: "lost", Kind: faultplan.LostDelete, After: 1, Probability: 1},
	)
	batch := faultplan.Call{Operation: "SendMessageBatch", QueueURL: ordersURL}
	assert.Zero(t, p.DecideMessage(batch, faultplan.Message{EntryID: "a", Body: "x"}))
	d := p.DecideMessage(batch, faultplan.Message{EntryID: "b", Body: "slow"})
	require.NotNil(t, d.Fail)
	assert.Equal(t, "InternalError", d.Fail.Code)
	assert.True(t, d.Fail.Server)
	assert.Equal(t, 2*time.Second, d.ExtraDelay)

	recv := faultplan.Call{Operation: "ReceiveMessage", QueueURL: ordersURL}
	assert.Equal(t, faultplan.MessageDecision{Duplicate: true, DuplicateAfter: time.Minute,
		Fired: []faultplan.Fired{{Rule: "dup", Kind: "duplicate-delivery", Detail: "after 1m0s"}}}, p.DecideMessage(recv, faultplan.Message{MessageID: "m1"}))
	assert.Zero(t, p.DecideMessage(recv, faultplan.Message{MessageID: "m2"}))

	del := faultplan.Call{Operation: "DeleteMessage", QueueURL: ordersURL}
	assert.False(t, p.DecideMessage(del, faultplan.Message{ReceiptHandle: "h1"}).LostDelete)
	assert.True(t, p.DecideMessage(del, faultplan.Message{ReceiptHandle: "h2"}).LostDelete)

	inj := p.Injections()
	require.Len(t, inj, 4)
	assert.Equal(t, faultplan.Injection{Rule: "pbf", Kind: string(faultplan.PartialBatchFailure), Operation: "SendMessageBatch", Queue: "orders-eu", EntryID: "b", Detail: "InternalError", Time: inj[0].Time}, inj[0])
	assert.Equal(t, "m1", inj[2].MessageID)

	// Operation-level and message-level kinds do not mix.
	assert.Zero(t, p.Decide(recv))
}

func TestStandardOnlyKindsNeverFireOnFifoQueues(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "r", Kind: faultplan.Reorder, Probability: 1}, faultplan.Rule{Name: "d", Kind: faultplan.DuplicateDelivery, Delay: time.Second, Probability: 1})
	fifo := faultplan.Call{Operation: "ReceiveMessage", QueueURL: "http://localhost/000000000000/q.fifo"}
	assert.False(t, p.Decide(fifo).Reorder)
	assert.False(t, p.DecideMessage(fifo, faultplan.Message{MessageID: "m"}).Duplicate)
	assert.Zero(t, p.Fired("r")+p.Fired("d"))
	std := faultplan.Call{Operation: "ReceiveMessage", QueueURL: "http://localhost/000000000000/q"}
	assert.True(t, p.Decide(std).Reorder)
	assert.True(t, p.DecideMessage(std, faultplan.Message{MessageID: "m"}).Duplicate)
}

func TestShuffleIsDeterministic(t *testing.T) {
	order := func(seed uint64) []int {
		d := faultplan.MustPlan(t, seed, faultplan.Rule{Kind: faultplan.Reorder, Probability: 1}).Decide(faultplan.Call{Operation: "ReceiveMessage"})
		require.True(t, d.Reorder)
		s := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		d.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	assert.Equal(t, order(3), order(3))
	assert.ElementsMatch(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, order(3))
	assert.NotEqual(t, order(3), order(4))
	s := []int{1, 2}
	faultplan.Decision{}.Shuffle(2, func(i, j int) { s[i], s[j] = s[j], s[i] })
	assert.Equal(t, []int{1, 2}, s)
}

func TestPlanEditing(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 1})
	require.Len(t, p.Rules(), 1)
	assert.Equal(t, "error#1", p.Rules()[0].Name)

	p.Pause()
	assert.True(t, p.Paused())
	assert.Zero(t, p.Decide(sendCall("x")))
	p.Resume()
	assert.NotNil(t, p.Decide(sendCall("x")).Error)

	require.NoError(t, p.Add(faultplan.Rule{Name: "lat", Kind: faultplan.Latency, Latency: time.Second, Probability: 1}))
	assert.ErrorContains(t, p.Add(faultplan.Rule{Name: "lat", Kind: faultplan.Latency, Latency: time.Second, Probability: 1}), `two rules named "lat"`)
	assert.True(t, p.Remove("error#1"))
	assert.False(t, p.Remove("error#1"))
	d := p.Decide(sendCall("x"))
	assert.Nil(t, d.Error)
	assert.Equal(t, time.Second, d.Latency)

	require.NoError(t, p.SetRules(faultplan.Rule{Name: "a", Kind: faultplan.FalseEmpty, Probability: 1}))
	assert.Equal(t, []string{"a"}, []string{p.Rules()[0].Name})
	assert.Error(t, p.SetRules(faultplan.Rule{Kind: "nonsense", Probability: 1}))
	assert.Len(t, p.Rules(), 1, "a failed SetRules leaves the plan unchanged")
	p.Clear()
	assert.Empty(t, p.Rules())
	assert.Len(t, p.Injections(), 2, "Clear keeps the record")
	var nilPlan *faultplan.Plan
	assert.Zero(t, nilPlan.Decide(sendCall("x")))
	assert.Zero(t, nilPlan.DecideMessage(sendCall("x"), faultplan.Message{}))
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		rule faultplan.Rule
		pl   faultplan.Placement
		want string
	}{
		{"unknown kind", faultplan.Rule{Kind: "boom", Probability: 1}, "", "unknown kind"},
		{"probability", faultplan.Rule{Kind: faultplan.Reorder, Probability: 1.5}, "", "probability 1.5 is not in (0, 1]"},
		{"negative probability", faultplan.Rule{Kind: faultplan.Reorder, Probability: -0.1}, "", "probability -0.1 is not in (0, 1]"},
		{"NaN probability", faultplan.Rule{Kind: faultplan.Reorder, Probability: math.NaN()}, "", "probability NaN is not in (0, 1]"},
		{"zero probability", faultplan.Rule{Kind: faultplan.Reorder}, "", "probability 0 never fires"},
		{"zero probability, times", faultplan.Rule{Kind: faultplan.Reorder, Times: 1}, "", ""},
		{"zero probability, throttle", faultplan.Rule{Kind: faultplan.Throttle, Rate: 1}, "", ""},
		{"zero probability, after only", faultplan.Rule{Kind: faultplan.Reorder, After: 1}, "", "probability 0 never fires"},
		{"negative probability, times", faultplan.Rule{Kind: faultplan.Reorder, Times: 1, Probability: -0.1}, "", "probability -0.1 is not in (0, 1]"},
		{"tiny probability", faultplan.Rule{Kind: faultplan.Reorder, Probability: 1e-9}, "", ""},
		{"window", faultplan.Rule{Kind: faultplan.Reorder, From: 2 * time.Second, Until: time.Second, Probability: 1}, "", "window"},
		{"negative times", faultplan.Rule{Kind: faultplan.Reorder, Times: -1, Probability: 1}, "", "negative"},
		{"error without code", faultplan.Rule{Kind: faultplan.Error, Probability: 1}, "", "needs an errorCode"},
		{"unknown code", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "Nope", Probability: 1}, "", "unknown error code"},
		{"throttle without rate", faultplan.Rule{Kind: faultplan.Throttle, Probability: 1}, "", "rate"},
		{"latency without duration", faultplan.Rule{Kind: faultplan.Latency, Probability: 1}, "", "needs latency"},
		{"distribution", faultplan.Rule{Kind: faultplan.Latency, Latency: 1, Distribution: "zipf", Probability: 1}, "", "distribution"},
		{"unknown operation", faultplan.Rule{Kind: faultplan.Latency, Latency: 1, Operations: []string{"Send"}, Probability: 1}, "", "unknown operation"},
		{"lost delete on send", faultplan.Rule{Kind: faultplan.LostDelete, Operations: []string{"SendMessage"}, Probability: 1}, "", "cannot apply to SendMessage"},
		{"false empty on send", faultplan.Rule{Kind: faultplan.FalseEmpty, Operations: []string{"SendMessage"}, Probability: 1}, "", "cannot apply"},
		{"bad glob", faultplan.Rule{Kind: faultplan.Reorder, QueueRegexp: "(", Probability: 1}, "", "queueRegexp"},
		{"delayed visibility change, engine", faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Probability: 1}, faultplan.Engine, ""},
		{"delayed visibility change, client", faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Probability: 1}, faultplan.Client, "in the client placement"},
		{"predicate on delete, client", faultplan.Rule{Kind: faultplan.LostDelete, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Client, "message predicate"},
		{"predicate on delete, engine", faultplan.Rule{Kind: faultplan.LostDelete, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Engine, ""},
		{"entry ids on an operation-level kind", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", EntryIDs: []string{"a"}, Probability: 1}, "", "entryIds"},
		{"operation-level predicate without operations", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, "", "must name its operations"},
		{"operation-level predicate on a batch", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessageBatch"}, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, "", "carries no single message"},
		{"operation-level predicate on delete, engine", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"DeleteMessage"}, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Engine, ""},
		{"operation-level predicate on delete, client", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"DeleteMessage"}, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Client, "carries no single message"},
		{"predicate on send, client", faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessage"}, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}, faultplan.Client, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := faultplan.NewPlan(1, tt.rule)
			if err == nil && tt.pl != "" {
				err = p.Validate(tt.pl)
			}
			if tt.want == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tt.want)
			}
		})
	}
}

// TestZeroProbabilityIsRejected: the zero value of Probability would fire never (or, as it once
// did, always); every way a rule enters a plan refuses it, naming the rule, and leaves the plan
// unchanged.
func TestZeroProbabilityIsRejected(t *testing.T) {
	zero := faultplan.Rule{Name: "no-throttling", Kind: faultplan.Error, ErrorCode: "RequestThrottled"}
	const want = `faults: rule "no-throttling" (error): probability 0 never fires; give a probability in (0, 1] (1: every match)`

	_, err := faultplan.NewPlan(1, zero)
	assert.EqualError(t, err, want)
	tb := &fakeTB{}
	assert.Nil(t, faultplan.MustPlan(tb, 1, zero))
	assert.Equal(t, []string{want}, tb.fatal)

	always := faultplan.Rule{Name: "always", Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 1}
	p := faultplan.MustPlan(t, 1, always)
	assert.EqualError(t, p.SetRules(zero), want)
	assert.EqualError(t, p.Add(zero), want)
	assert.Equal(t, []faultplan.Rule{always}, p.Rules(), "the plan is unchanged")

	unnamed := zero
	unnamed.Name = ""
	assert.ErrorContains(t, p.Add(unnamed), `rule "error#`)

	assert.NotNil(t, p.Decide(sendCall("x")).Error, "probability 1 fires on every match")
}

// TestZeroProbabilityBoundedByTimesOrABucket: a rule that Times or a token bucket bounds may leave
// Probability out; it then fires on every match, and Rules says so.
func TestZeroProbabilityBoundedByTimesOrABucket(t *testing.T) {
	p, err := faultplan.NewPlan(1, faultplan.Rule{Name: "twice", Kind: faultplan.Error, ErrorCode: "InternalError", Times: 2})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false, false}, fires(p, 4))
	assert.Equal(t, 1.0, p.Rules()[0].Probability)

	clock := newFakeClock()
	b, err := faultplan.NewPlan(1, faultplan.Rule{Name: "bucket", Kind: faultplan.Throttle, Rate: 1, Burst: 2})
	require.NoError(t, err)
	b.SetClock(clock)
	assert.Equal(t, []bool{false, false, true, true}, fires(b, 4), "the bucket lets two through, then every call above the rate fails")
	clock.Advance(time.Second)
	assert.Equal(t, []bool{false, true}, fires(b, 2))
	assert.Equal(t, 1.0, b.Rules()[0].Probability)

	require.NoError(t, b.Add(faultplan.Rule{Name: "once", Kind: faultplan.LostDelete, Times: 1}))
	assert.Equal(t, 1.0, b.Rules()[1].Probability)
}

// fakeTB is a test that records Fatalf (a *testing.T would end the test's goroutine there).
type fakeTB struct {
	helper bool
	fatal  []string
}

func (f *fakeTB) Helper() { f.helper = true }
func (f *fakeTB) Fatalf(format string, args ...any) {
	if !f.helper {
		panic("Fatalf before Helper: the failure would point into package faults")
	}
	f.fatal = append(f.fatal, fmt.Sprintf(format, args...))
}

// TestMustPlanFailsOnlyItsTest: an invalid rule fails the test MustPlan was given, with
// t.Fatalf (so that test alone fails and the test binary goes on), instead of panicking; a valid
// plan fails nothing. It takes a *testing.T or a testing.TB.
func TestMustPlanFailsOnlyItsTest(t *testing.T) {
	bad := &fakeTB{}
	p := faultplan.MustPlan(bad, 1, faultplan.Rule{Name: "r", Kind: faultplan.Error, ErrorCode: "NoSuchCode", Probability: 1})
	assert.Nil(t, p)
	assert.Equal(t, []string{`faults: rule "r" (error): unknown error code "NoSuchCode" (known: ` + strings.Join(faultplan.ErrorCodes(), ", ") + ")"}, bad.fatal)

	good := &fakeTB{}
	p = faultplan.MustPlan(good, 1, faultplan.Rule{Name: "r", Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 1})
	require.NotNil(t, p)
	assert.Empty(t, good.fatal)
	assert.Equal(t, "r", p.Rules()[0].Name)

	var tb testing.TB = t
	assert.NotNil(t, faultplan.MustPlan(tb, 1))
}

func TestConcurrentUse(t *testing.T) {
	p := faultplan.MustPlan(t, 9,
		faultplan.Rule{Name: "limited", Kind: faultplan.Error, ErrorCode: "InternalError", Times: 100, Probability: 1},
		faultplan.Rule{Name: "sometimes", Kind: faultplan.Latency, Latency: time.Millisecond, Probability: 0.5},
	)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				p.Decide(sendCall("x"))
				p.DecideMessage(faultplan.Call{Operation: "DeleteMessage"}, faultplan.Message{})
				if i%50 == 0 {
					_ = p.Injections()
					_ = p.Rules()
					_ = p.Add(faultplan.Rule{Name: fmt.Sprintf("g%d-%d", g, i), Kind: faultplan.Reorder, Probability: 1})
					p.Remove(fmt.Sprintf("g%d-%d", g, i))
					p.Pause()
					p.Resume()
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 100, p.Fired("limited"))
	n := 0
	for _, in := range p.Injections() {
		if in.Rule == "limited" {
			n++
		}
	}
	assert.Equal(t, 100, n)
}

func TestServiceErrors(t *testing.T) {
	tests := []struct {
		code      string
		wantCode  string
		status    int
		server    bool
		wantTyped any
	}{
		{"RequestThrottled", "RequestThrottled", 403, false, &types.RequestThrottled{}},
		{"ThrottlingException", "ThrottlingException", 400, false, &smithy.GenericAPIError{}},
		{"OverLimit", "OverLimit", 403, false, &types.OverLimit{}},
		{"KmsThrottled", "KMS.ThrottlingException", 400, false, &types.KmsThrottled{}},
		{"KMS.ThrottlingException", "KMS.ThrottlingException", 400, false, &types.KmsThrottled{}},
		{"InternalError", "InternalError", 500, true, &smithy.GenericAPIError{}},
		{"ServiceUnavailable", "ServiceUnavailable", 503, true, &smithy.GenericAPIError{}},
		{"AWS.SimpleQueueService.NonExistentQueue", "AWS.SimpleQueueService.NonExistentQueue", 400, false, &types.QueueDoesNotExist{}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			e, ok := faultplan.NewServiceError(tt.code, "")
			require.True(t, ok)
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.status, e.Status)
			assert.Equal(t, tt.server, e.Server)
			assert.NotEmpty(t, e.Message)
			sdk := e.SDKError()
			assert.IsType(t, tt.wantTyped, sdk)
			var api smithy.APIError
			require.True(t, errors.As(sdk, &api))
			assert.Equal(t, tt.wantCode, api.ErrorCode())
			assert.Equal(t, e.Message, api.ErrorMessage())
		})
	}
	_, ok := faultplan.NewServiceError("NoSuchThing", "")
	assert.False(t, ok)
	assert.Contains(t, faultplan.ErrorCodes(), "KMS.ThrottlingException")
}
