package faultplan_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// TestHeldCountsWhatTheClientPlacementKeepsBack: the messages a client placement holds for a
// later receive (a duplicate, a delayed delivery) are counted per queue until a receive returns
// them, for the harness, which waits for them before it calls a consumer's run settled.
func TestHeldCountsWhatTheClientPlacementKeepsBack(t *testing.T) {
	clock := newFakeClock()
	p := newPlan(t, 1,
		faultplan.Rule{Kind: faultplan.DuplicateDelivery, Delay: 45 * time.Second, Message: &faultplan.MessagePredicate{BodyContains: "dup"}, Probability: 1},
		faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ReceiveMessage"}, Delay: 5 * time.Second,
			Message: &faultplan.MessagePredicate{BodyContains: "late"}, Probability: 1})
	p.SetClock(clock)
	f, c, q := setup(t, p)
	other := f.queueURL("other")
	assert.Zero(t, p.Held(q))
	for _, b := range []string{"dup", "late"} {
		_, err := send(t, c, q, b)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"dup"}, bodies(receive(t, c, q, 10)))
	assert.Equal(t, 2, p.Held(q), "the duplicate of dup and late itself")
	assert.Zero(t, p.Held(other), "per queue")
	clock.Advance(5 * time.Second)
	assert.Equal(t, []string{"late"}, bodies(receive(t, c, q, 10)))
	assert.Equal(t, 1, p.Held(q))
	clock.Advance(40 * time.Second)
	assert.Equal(t, []string{"dup"}, bodies(receive(t, c, q, 10)))
	assert.Zero(t, p.Held(q))
	assert.Zero(t, newPlan(t, 1).Held(q), "a plan with no client placement holds nothing")
}

// newPlan is faultplan.NewPlan that fails the test on an invalid rule.
func newPlan(t *testing.T, seed uint64, rules ...faultplan.Rule) *faultplan.Plan {
	t.Helper()
	p, err := faultplan.NewPlan(seed, rules...)
	require.NoError(t, err)
	return p
}
