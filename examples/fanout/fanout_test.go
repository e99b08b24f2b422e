package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// run sets the topology up on a fresh mock, publishes Orders and drains both queues.
func run(t *testing.T, topo Topology) (m *sqsmock.Mock, billing, shipping []Order, errs []error) {
	ctx := context.Background()
	m = sqsmock.New(func(o *sqsmock.Options) { o.TraceSize = 1000 })
	require.NoError(t, topo.Setup(ctx, m.Client(), m.SNS()))
	for _, o := range Orders() {
		require.NoError(t, Publish(ctx, m.SNS(), topo.Topic, o), "a publish succeeds whether or not anything arrives")
	}
	billing, e1 := Drain(ctx, m.Client(), topo.Billing, BillingOrder)
	shipping, e2 := Drain(ctx, m.Client(), topo.Shipping, ShippingOrder)
	return m, billing, shipping, append(e1, e2...)
}

func ids(orders []Order) []string {
	var out []string
	for _, o := range orders {
		out = append(out, o.ID)
	}
	return out
}

// The fan-out as designed: each queue gets what its filter policy lets through, in the form
// its consumer reads.
func TestFanOut(t *testing.T) {
	_, billing, shipping, errs := run(t, Topology{})
	assert.Empty(t, errs)
	assert.ElementsMatch(t, []string{"o-1", "o-2", "o-3"}, ids(billing), "created and cancelled orders")
	assert.Equal(t, []string{"o-1"}, ids(shipping), "orders created in the EU")
}

// Planted mistake 1: no queue policy. SNS needs sqs:SendMessage granted to sns.amazonaws.com,
// even in the queue's own account; without it every publish succeeds and nothing arrives (on
// LocalStack's free edition, which does not check, the same code passes). The trace says why.
func TestForgottenQueuePolicy(t *testing.T) {
	m, billing, shipping, _ := run(t, Topology{NoPolicies: true})
	assert.Empty(t, billing)
	assert.Empty(t, shipping)
	var why []string
	for _, ev := range m.Trace() {
		if ev.Kind == "sns.failed" {
			why = append(why, ev.Detail)
		}
	}
	require.NotEmpty(t, why)
	assert.Contains(t, why[0], "does not allow sns.amazonaws.com to sqs:SendMessage")
}

// Planted mistake 2: the shipping subscription without RawMessageDelivery. The shipping
// consumer, which reads bare orders, gets SNS's envelope and can read none of them.
func TestEnvelopeToARawConsumer(t *testing.T) {
	_, _, shipping, errs := run(t, Topology{EnvelopeToShipping: true})
	assert.Empty(t, shipping)
	require.Len(t, errs, 1)
	assert.True(t, strings.HasPrefix(errs[0].Error(), `not an order: {"Type":"Notification"`), errs[0].Error())
}
