package faults_test

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

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/faulthook"
)

const ordersURL = "https://sqs.us-east-1.amazonaws.com/000000000000/orders-eu"

func sendCall(body string) faulthook.Call {
	return faulthook.Call{Operation: "SendMessage", QueueURL: ordersURL, Message: &faulthook.Message{Body: body, Attributes: map[string]string{"tenant": "acme"}}}
}

func TestRuleMatching(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
		call faulthook.Call
		want bool
	}{
		{"any operation", faults.Rule{Probability: 1}, sendCall("x"), true},
		{"operation listed", faults.Rule{Operations: []string{"ReceiveMessage", "SendMessage"}, Probability: 1}, sendCall("x"), true},
		{"operation not listed", faults.Rule{Operations: []string{"ReceiveMessage"}, Probability: 1}, sendCall("x"), false},
		{"queue name exact", faults.Rule{Queue: "orders-eu", Probability: 1}, sendCall("x"), true},
		{"queue name other", faults.Rule{Queue: "orders", Probability: 1}, sendCall("x"), false},
		{"queue URL exact", faults.Rule{Queue: ordersURL, Probability: 1}, sendCall("x"), true},
		{"queue glob on name", faults.Rule{Queue: "orders-*", Probability: 1}, sendCall("x"), true},
		{"queue glob ?", faults.Rule{Queue: "orders-e?", Probability: 1}, sendCall("x"), true},
		{"queue glob on URL", faults.Rule{Queue: "https://*/orders-*", Probability: 1}, sendCall("x"), true},
		{"queue glob no match", faults.Rule{Queue: "payments-*", Probability: 1}, sendCall("x"), false},
		{"queue regexp", faults.Rule{QueueRegexp: `^orders-(eu|us)$`, Probability: 1}, sendCall("x"), true},
		{"queue regexp no match", faults.Rule{QueueRegexp: `^orders-us$`, Probability: 1}, sendCall("x"), false},
		{"queue name given", faults.Rule{Queue: "orders-eu", Probability: 1}, faulthook.Call{Operation: "SendMessage", QueueName: "orders-eu"}, true},
		{"body contains", faults.Rule{Message: &faults.MessagePredicate{BodyContains: "poison"}, Probability: 1}, sendCall("a poison pill"), true},
		{"body contains no", faults.Rule{Message: &faults.MessagePredicate{BodyContains: "poison"}, Probability: 1}, sendCall("fine"), false},
		{"body regexp", faults.Rule{Message: &faults.MessagePredicate{BodyRegexp: `^\{"id":\d+`}, Probability: 1}, sendCall(`{"id":42}`), true},
		{"attribute equals", faults.Rule{Message: &faults.MessagePredicate{Attributes: map[string]string{"tenant": "acme"}}, Probability: 1}, sendCall("x"), true},
		{"attribute differs", faults.Rule{Message: &faults.MessagePredicate{Attributes: map[string]string{"tenant": "other"}}, Probability: 1}, sendCall("x"), false},
		{"predicate needs a message", faults.Rule{Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faulthook.Call{Operation: "SendMessage", QueueURL: ordersURL}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Kind, r.ErrorCode = faults.Error, "InternalError"
			if r.Message != nil {
				r.Operations = []string{"SendMessage"}
			}
			p := faults.MustPlan(t, 1, r)
			d := faulthook.Of(p).Decide(tt.call)
			assert.Equal(t, tt.want, d.Error != nil)
		})
	}
}

func TestDefaultOperations(t *testing.T) {
	p := faults.MustPlan(t, 1,
		faults.Rule{Name: "fe", Kind: faults.FalseEmpty, Probability: 1},
		faults.Rule{Name: "ld", Kind: faults.LostDelete, Probability: 1},
	)
	assert.False(t, faulthook.Of(p).Decide(faulthook.Call{Operation: "SendMessage"}).FalseEmpty)
	assert.True(t, faulthook.Of(p).Decide(faulthook.Call{Operation: "ReceiveMessage"}).FalseEmpty)
	assert.False(t, faulthook.Of(p).DecideMessage(faulthook.Call{Operation: "ReceiveMessage"}, faulthook.Message{}).LostDelete)
	assert.True(t, faulthook.Of(p).DecideMessage(faulthook.Call{Operation: "DeleteMessage"}, faulthook.Message{}).LostDelete)
	assert.True(t, faulthook.Of(p).DecideMessage(faulthook.Call{Operation: "DeleteMessageBatch"}, faulthook.Message{EntryID: "1"}).LostDelete)
}

// TestStaleHandleDeleteMatchesOnlyStaleHandles: the rule fires on deletes whose handle is stale,
// never on SendMessage, ChangeMessageVisibility or a FIFO queue; a delete with the latest handle
// is not counted as a match (After and Times see only stale deletes).
func TestStaleHandleDeleteMatchesOnlyStaleHandles(t *testing.T) {
	p := faults.MustPlan(t, 1, faults.Rule{Name: "s", Kind: faults.StaleHandleDelete, After: 1, Times: 1, Probability: 1})
	v := faulthook.Of(p)
	del := faulthook.Call{Operation: "DeleteMessage", QueueURL: ordersURL}
	assert.False(t, v.DecideMessage(del, faulthook.Message{MessageID: "m"}).LostDelete, "latest handle")
	assert.False(t, v.DecideMessage(del, faulthook.Message{MessageID: "m", Stale: true}).LostDelete, "first stale delete: After")
	for range 3 {
		assert.False(t, v.DecideMessage(del, faulthook.Message{MessageID: "m"}).LostDelete, "latest handles are not matches")
	}
	d := v.DecideMessage(faulthook.Call{Operation: "DeleteMessageBatch", QueueURL: ordersURL}, faulthook.Message{EntryID: "1", MessageID: "m", Stale: true})
	assert.True(t, d.LostDelete, "second stale delete fires")
	assert.Equal(t, []faulthook.Fired{{Rule: "s", Kind: "stale-handle-delete", Detail: "stale receipt handle"}}, d.Fired)
	assert.False(t, v.DecideMessage(del, faulthook.Message{MessageID: "m", Stale: true}).LostDelete, "Times: 1")

	q := faults.MustPlan(t, 1, faults.Rule{Kind: faults.StaleHandleDelete, Probability: 1})
	fifo := faulthook.Call{Operation: "DeleteMessage", QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/orders.fifo"}
	assert.False(t, faulthook.Of(q).DecideMessage(fifo, faulthook.Message{Stale: true}).LostDelete, "FIFO queues reject stale handles")
	_, err := faults.NewPlan(1, faults.Rule{Kind: faults.StaleHandleDelete, Operations: []string{"ChangeMessageVisibility"}, Probability: 1})
	assert.ErrorContains(t, err, "cannot apply to ChangeMessageVisibility")
	assert.True(t, faults.StaleHandleDelete.MessageLevel())
	assert.Contains(t, faults.Kinds(), faults.StaleHandleDelete)
}

// fires returns, for n sends, whether the plan injected an error.
func fires(p *faults.Plan, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = faulthook.Of(p).Decide(sendCall("x")).Error != nil
	}
	return out
}

func TestProbabilityIsDeterministicBySeed(t *testing.T) {
	rule := faults.Rule{Name: "flaky", Kind: faults.Error, ErrorCode: "InternalError", Probability: 0.3}
	a := fires(faults.MustPlan(t, 42, rule), 1000)
	b := fires(faults.MustPlan(t, 42, rule), 1000)
	c := fires(faults.MustPlan(t, 43, rule), 1000)
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
	p := faults.MustPlan(t, 42, faults.Rule{Name: "other", Kind: faults.Latency, Latency: time.Millisecond, Probability: 0.5}, rule)
	got := make([]bool, 1000)
	for i := range got {
		got[i] = faulthook.Of(p).Decide(sendCall("x")).Error != nil
	}
	assert.Equal(t, a, got)
	p.Reset()
	assert.Empty(t, p.Injections())
	for i := range got {
		got[i] = faulthook.Of(p).Decide(sendCall("x")).Error != nil
	}
	assert.Equal(t, a, got)
}

func TestTimesAndAfter(t *testing.T) {
	p := faults.MustPlan(t, 1, faults.Rule{Name: "r", Kind: faults.Error, ErrorCode: "InternalError", After: 2, Times: 3, Probability: 1})
	assert.Equal(t, []bool{false, false, true, true, true, false, false}, fires(p, 7))
	assert.Equal(t, 3, p.Fired("r"))
	assert.Len(t, p.Injections(), 3)
}

func TestWindowUsesThePlanClock(t *testing.T) {
	clock := newFakeClock()
	p := faults.MustPlan(t, 1, faults.Rule{Name: "w", Kind: faults.Error, ErrorCode: "ServiceUnavailable", From: time.Second, Until: 3 * time.Second, Probability: 1})
	p.SetClock(clock)
	var got []bool
	for range 5 {
		got = append(got, faulthook.Of(p).Decide(sendCall("x")).Error != nil)
		clock.Advance(time.Second)
	}
	assert.Equal(t, []bool{false, true, true, false, false}, got)
	inj := p.Injections()
	require.Len(t, inj, 2)
	assert.Equal(t, clock.t.Add(-4*time.Second), inj[0].Time)

	// A Call's Now overrides the clock.
	start := clock.Now().Add(-5 * time.Second)
	assert.NotNil(t, faulthook.Of(p).Decide(faulthook.Call{Operation: "SendMessage", Now: start.Add(2 * time.Second)}).Error)
}

func TestThrottleTokenBucket(t *testing.T) {
	clock := newFakeClock()
	p := faults.MustPlan(t, 1, faults.Rule{Name: "tb", Kind: faults.Throttle, Rate: 2, Burst: 2, Probability: 1})
	p.SetClock(clock)
	throttled := func() bool {
		d := faulthook.Of(p).Decide(faulthook.Call{Operation: "SendMessage"})
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
		rule     faults.Rule
		min, max time.Duration
	}{
		{"fixed", faults.Rule{Latency: 250 * time.Millisecond, Probability: 1}, 250 * time.Millisecond, 250 * time.Millisecond},
		{"uniform", faults.Rule{Latency: 100 * time.Millisecond, Jitter: 50 * time.Millisecond, Probability: 1}, 50 * time.Millisecond, 150 * time.Millisecond},
		{"normal", faults.Rule{Latency: 10 * time.Millisecond, Jitter: 20 * time.Millisecond, Distribution: faults.Normal, Probability: 1}, 0, time.Second},
		{"fixed with jitter", faults.Rule{Latency: 10 * time.Millisecond, Jitter: 20 * time.Millisecond, Distribution: faults.Fixed, Probability: 1}, 10 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Kind = faults.Latency
			sample := func(seed uint64) []time.Duration {
				p := faults.MustPlan(t, seed, r)
				var out []time.Duration
				for range 200 {
					out = append(out, faulthook.Of(p).Decide(sendCall("x")).Latency)
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
	p := faults.MustPlan(t, 1,
		faults.Rule{Name: "slow", Kind: faults.Latency, Latency: time.Second, Probability: 1},
		faults.Rule{Name: "first", Kind: faults.Error, ErrorCode: "OverLimit", Probability: 1},
		faults.Rule{Name: "second", Kind: faults.ResetBeforeApply, Probability: 1},
		faults.Rule{Name: "slower", Kind: faults.Latency, Latency: time.Second, Probability: 1},
	)
	d := faulthook.Of(p).Decide(sendCall("x"))
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
		rule    faults.Rule
		applied bool
	}{
		{faults.Rule{Kind: faults.ResetBeforeApply, Probability: 1}, false},
		{faults.Rule{Kind: faults.ResetAfterApply, Probability: 1}, true},
		{faults.Rule{Kind: faults.Timeout, Latency: time.Second, Probability: 1}, false},
		{faults.Rule{Kind: faults.Timeout, Applied: true, Probability: 1}, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule.Kind), func(t *testing.T) {
			d := faulthook.Of(faults.MustPlan(t, 1, tt.rule)).Decide(sendCall("x"))
			assert.Equal(t, faulthook.Transport(tt.rule.Kind), d.Transport)
			assert.Equal(t, tt.applied, d.Applied)
			assert.Equal(t, tt.rule.Latency, d.Latency)
		})
	}
}

func TestDecideMessage(t *testing.T) {
	p := faults.MustPlan(t, 1,
		faults.Rule{Name: "pbf", Kind: faults.PartialBatchFailure, EntryIDs: []string{"b"}, Probability: 1},
		faults.Rule{Name: "late", Kind: faults.DelayedVisibility, Delay: 2 * time.Second, Message: &faults.MessagePredicate{BodyContains: "slow"}, Probability: 1},
		faults.Rule{Name: "dup", Kind: faults.DuplicateDelivery, Delay: time.Minute, Times: 1, Probability: 1},
		faults.Rule{Name: "lost", Kind: faults.LostDelete, After: 1, Probability: 1},
	)
	batch := faulthook.Call{Operation: "SendMessageBatch", QueueURL: ordersURL}
	assert.Zero(t, faulthook.Of(p).DecideMessage(batch, faulthook.Message{EntryID: "a", Body: "x"}))
	d := faulthook.Of(p).DecideMessage(batch, faulthook.Message{EntryID: "b", Body: "slow"})
	require.NotNil(t, d.Fail)
	assert.Equal(t, "InternalError", d.Fail.Code)
	assert.True(t, d.Fail.Server)
	assert.Equal(t, 2*time.Second, d.ExtraDelay)

	recv := faulthook.Call{Operation: "ReceiveMessage", QueueURL: ordersURL}
	assert.Equal(t, faulthook.MessageDecision{Duplicate: true, DuplicateAfter: time.Minute,
		Fired: []faulthook.Fired{{Rule: "dup", Kind: "duplicate-delivery", Detail: "after 1m0s"}}}, faulthook.Of(p).DecideMessage(recv, faulthook.Message{MessageID: "m1"}))
	assert.Zero(t, faulthook.Of(p).DecideMessage(recv, faulthook.Message{MessageID: "m2"}))

	del := faulthook.Call{Operation: "DeleteMessage", QueueURL: ordersURL}
	assert.False(t, faulthook.Of(p).DecideMessage(del, faulthook.Message{ReceiptHandle: "h1"}).LostDelete)
	assert.True(t, faulthook.Of(p).DecideMessage(del, faulthook.Message{ReceiptHandle: "h2"}).LostDelete)

	inj := p.Injections()
	require.Len(t, inj, 4)
	assert.Equal(t, faults.Injection{Rule: "pbf", Kind: faults.PartialBatchFailure, Operation: "SendMessageBatch", Queue: "orders-eu", EntryID: "b", Detail: "InternalError", Time: inj[0].Time}, inj[0])
	assert.Equal(t, "m1", inj[2].MessageID)

	// Operation-level and message-level kinds do not mix.
	assert.Zero(t, faulthook.Of(p).Decide(recv))
}

func TestStandardOnlyKindsNeverFireOnFifoQueues(t *testing.T) {
	p := faults.MustPlan(t, 1, faults.Rule{Name: "r", Kind: faults.Reorder, Probability: 1}, faults.Rule{Name: "d", Kind: faults.DuplicateDelivery, Delay: time.Second, Probability: 1})
	fifo := faulthook.Call{Operation: "ReceiveMessage", QueueURL: "http://localhost/000000000000/q.fifo"}
	assert.False(t, faulthook.Of(p).Decide(fifo).Reorder)
	assert.False(t, faulthook.Of(p).DecideMessage(fifo, faulthook.Message{MessageID: "m"}).Duplicate)
	assert.Zero(t, p.Fired("r")+p.Fired("d"))
	std := faulthook.Call{Operation: "ReceiveMessage", QueueURL: "http://localhost/000000000000/q"}
	assert.True(t, faulthook.Of(p).Decide(std).Reorder)
	assert.True(t, faulthook.Of(p).DecideMessage(std, faulthook.Message{MessageID: "m"}).Duplicate)
}

func TestShuffleIsDeterministic(t *testing.T) {
	order := func(seed uint64) []int {
		d := faulthook.Of(faults.MustPlan(t, seed, faults.Rule{Kind: faults.Reorder, Probability: 1})).Decide(faulthook.Call{Operation: "ReceiveMessage"})
		require.True(t, d.Reorder)
		s := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		d.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	assert.Equal(t, order(3), order(3))
	assert.ElementsMatch(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, order(3))
	assert.NotEqual(t, order(3), order(4))
	s := []int{1, 2}
	faulthook.Decision{}.Shuffle(2, func(i, j int) { s[i], s[j] = s[j], s[i] })
	assert.Equal(t, []int{1, 2}, s)
}

func TestPlanEditing(t *testing.T) {
	p := faults.MustPlan(t, 1, faults.Rule{Kind: faults.Error, ErrorCode: "InternalError", Probability: 1})
	require.Len(t, p.Rules(), 1)
	assert.Equal(t, "error#1", p.Rules()[0].Name)

	p.Pause()
	assert.True(t, p.Paused())
	assert.Zero(t, faulthook.Of(p).Decide(sendCall("x")))
	p.Resume()
	assert.NotNil(t, faulthook.Of(p).Decide(sendCall("x")).Error)

	require.NoError(t, p.Add(faults.Rule{Name: "lat", Kind: faults.Latency, Latency: time.Second, Probability: 1}))
	assert.ErrorContains(t, p.Add(faults.Rule{Name: "lat", Kind: faults.Latency, Latency: time.Second, Probability: 1}), `two rules named "lat"`)
	assert.True(t, p.Remove("error#1"))
	assert.False(t, p.Remove("error#1"))
	d := faulthook.Of(p).Decide(sendCall("x"))
	assert.Nil(t, d.Error)
	assert.Equal(t, time.Second, d.Latency)

	require.NoError(t, p.SetRules(faults.Rule{Name: "a", Kind: faults.FalseEmpty, Probability: 1}))
	assert.Equal(t, []string{"a"}, []string{p.Rules()[0].Name})
	assert.Error(t, p.SetRules(faults.Rule{Kind: "nonsense", Probability: 1}))
	assert.Len(t, p.Rules(), 1, "a failed SetRules leaves the plan unchanged")
	p.Clear()
	assert.Empty(t, p.Rules())
	assert.Len(t, p.Injections(), 2, "Clear keeps the record")
	var nilPlan *faults.Plan
	assert.Zero(t, faulthook.Of(nilPlan).Decide(sendCall("x")))
	assert.Zero(t, faulthook.Of(nilPlan).DecideMessage(sendCall("x"), faulthook.Message{}))
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
		pl   faults.Placement
		want string
	}{
		{"unknown kind", faults.Rule{Kind: "boom", Probability: 1}, "", "unknown kind"},
		{"probability", faults.Rule{Kind: faults.Reorder, Probability: 1.5}, "", "probability 1.5 is not in (0, 1]"},
		{"negative probability", faults.Rule{Kind: faults.Reorder, Probability: -0.1}, "", "probability -0.1 is not in (0, 1]"},
		{"NaN probability", faults.Rule{Kind: faults.Reorder, Probability: math.NaN()}, "", "probability NaN is not in (0, 1]"},
		{"zero probability", faults.Rule{Kind: faults.Reorder}, "", "probability 0 never fires"},
		{"zero probability, times", faults.Rule{Kind: faults.Reorder, Times: 1}, "", ""},
		{"zero probability, throttle", faults.Rule{Kind: faults.Throttle, Rate: 1}, "", ""},
		{"zero probability, after only", faults.Rule{Kind: faults.Reorder, After: 1}, "", "probability 0 never fires"},
		{"negative probability, times", faults.Rule{Kind: faults.Reorder, Times: 1, Probability: -0.1}, "", "probability -0.1 is not in (0, 1]"},
		{"tiny probability", faults.Rule{Kind: faults.Reorder, Probability: 1e-9}, "", ""},
		{"window", faults.Rule{Kind: faults.Reorder, From: 2 * time.Second, Until: time.Second, Probability: 1}, "", "window"},
		{"negative times", faults.Rule{Kind: faults.Reorder, Times: -1, Probability: 1}, "", "negative"},
		{"error without code", faults.Rule{Kind: faults.Error, Probability: 1}, "", "needs an errorCode"},
		{"unknown code", faults.Rule{Kind: faults.Error, ErrorCode: "Nope", Probability: 1}, "", "unknown error code"},
		{"throttle without rate", faults.Rule{Kind: faults.Throttle, Probability: 1}, "", "rate"},
		{"latency without duration", faults.Rule{Kind: faults.Latency, Probability: 1}, "", "needs latency"},
		{"distribution", faults.Rule{Kind: faults.Latency, Latency: 1, Distribution: "zipf", Probability: 1}, "", "distribution"},
		{"unknown operation", faults.Rule{Kind: faults.Latency, Latency: 1, Operations: []string{"Send"}, Probability: 1}, "", "unknown operation"},
		{"lost delete on send", faults.Rule{Kind: faults.LostDelete, Operations: []string{"SendMessage"}, Probability: 1}, "", "cannot apply to SendMessage"},
		{"false empty on send", faults.Rule{Kind: faults.FalseEmpty, Operations: []string{"SendMessage"}, Probability: 1}, "", "cannot apply"},
		{"bad glob", faults.Rule{Kind: faults.Reorder, QueueRegexp: "(", Probability: 1}, "", "queueRegexp"},
		{"delayed visibility change, engine", faults.Rule{Kind: faults.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Probability: 1}, faults.Engine, ""},
		{"delayed visibility change, client", faults.Rule{Kind: faults.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Probability: 1}, faults.Client, "in the client placement"},
		{"predicate on delete, client", faults.Rule{Kind: faults.LostDelete, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faults.Client, "message predicate"},
		{"predicate on delete, engine", faults.Rule{Kind: faults.LostDelete, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faults.Engine, ""},
		{"entry ids on an operation-level kind", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", EntryIDs: []string{"a"}, Probability: 1}, "", "entryIds"},
		{"operation-level predicate without operations", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, "", "must name its operations"},
		{"operation-level predicate on a batch", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessageBatch"}, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, "", "carries no single message"},
		{"operation-level predicate on delete, engine", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", Operations: []string{"DeleteMessage"}, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faults.Engine, ""},
		{"operation-level predicate on delete, client", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", Operations: []string{"DeleteMessage"}, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faults.Client, "carries no single message"},
		{"predicate on send, client", faults.Rule{Kind: faults.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessage"}, Message: &faults.MessagePredicate{BodyContains: "x"}, Probability: 1}, faults.Client, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := faults.NewPlan(1, tt.rule)
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
	zero := faults.Rule{Name: "no-throttling", Kind: faults.Error, ErrorCode: "RequestThrottled"}
	const want = `faults: rule "no-throttling" (error): probability 0 never fires; give a probability in (0, 1] (1: every match)`

	_, err := faults.NewPlan(1, zero)
	assert.EqualError(t, err, want)
	tb := &fakeTB{}
	assert.Nil(t, faults.MustPlan(tb, 1, zero))
	assert.Equal(t, []string{want}, tb.fatal)

	always := faults.Rule{Name: "always", Kind: faults.Error, ErrorCode: "InternalError", Probability: 1}
	p := faults.MustPlan(t, 1, always)
	assert.EqualError(t, p.SetRules(zero), want)
	assert.EqualError(t, p.Add(zero), want)
	assert.Equal(t, []faults.Rule{always}, p.Rules(), "the plan is unchanged")

	unnamed := zero
	unnamed.Name = ""
	assert.ErrorContains(t, p.Add(unnamed), `rule "error#`)

	assert.NotNil(t, faulthook.Of(p).Decide(sendCall("x")).Error, "probability 1 fires on every match")
}

// TestZeroProbabilityBoundedByTimesOrABucket: a rule that Times or a token bucket bounds may leave
// Probability out; it then fires on every match, and Rules says so.
func TestZeroProbabilityBoundedByTimesOrABucket(t *testing.T) {
	p, err := faults.NewPlan(1, faults.Rule{Name: "twice", Kind: faults.Error, ErrorCode: "InternalError", Times: 2})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false, false}, fires(p, 4))
	assert.Equal(t, 1.0, p.Rules()[0].Probability)

	clock := newFakeClock()
	b, err := faults.NewPlan(1, faults.Rule{Name: "bucket", Kind: faults.Throttle, Rate: 1, Burst: 2})
	require.NoError(t, err)
	b.SetClock(clock)
	assert.Equal(t, []bool{false, false, true, true}, fires(b, 4), "the bucket lets two through, then every call above the rate fails")
	clock.Advance(time.Second)
	assert.Equal(t, []bool{false, true}, fires(b, 2))
	assert.Equal(t, 1.0, b.Rules()[0].Probability)

	require.NoError(t, b.Add(faults.Rule{Name: "once", Kind: faults.LostDelete, Times: 1}))
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
	p := faults.MustPlan(bad, 1, faults.Rule{Name: "r", Kind: faults.Error, ErrorCode: "NoSuchCode", Probability: 1})
	assert.Nil(t, p)
	assert.Equal(t, []string{`faults: rule "r" (error): unknown error code "NoSuchCode" (known: ` + strings.Join(faults.ErrorCodes(), ", ") + ")"}, bad.fatal)

	good := &fakeTB{}
	p = faults.MustPlan(good, 1, faults.Rule{Name: "r", Kind: faults.Error, ErrorCode: "InternalError", Probability: 1})
	require.NotNil(t, p)
	assert.Empty(t, good.fatal)
	assert.Equal(t, "r", p.Rules()[0].Name)

	var tb testing.TB = t
	assert.NotNil(t, faults.MustPlan(tb, 1))
}

func TestConcurrentUse(t *testing.T) {
	p := faults.MustPlan(t, 9,
		faults.Rule{Name: "limited", Kind: faults.Error, ErrorCode: "InternalError", Times: 100, Probability: 1},
		faults.Rule{Name: "sometimes", Kind: faults.Latency, Latency: time.Millisecond, Probability: 0.5},
	)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				faulthook.Of(p).Decide(sendCall("x"))
				faulthook.Of(p).DecideMessage(faulthook.Call{Operation: "DeleteMessage"}, faulthook.Message{})
				if i%50 == 0 {
					_ = p.Injections()
					_ = p.Rules()
					_ = p.Add(faults.Rule{Name: fmt.Sprintf("g%d-%d", g, i), Kind: faults.Reorder, Probability: 1})
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
			e, ok := faults.NewServiceError(tt.code, "")
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
	_, ok := faults.NewServiceError("NoSuchThing", "")
	assert.False(t, ok)
	assert.Contains(t, faults.ErrorCodes(), "KMS.ThrottlingException")
}
