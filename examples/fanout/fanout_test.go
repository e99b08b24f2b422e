package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/childtest"
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

// effectCharger is the payment provider of the tests: each charge is the effect the test
// declared, keyed by the order.
type effectCharger struct{ charged *harness.Effect }

func (c effectCharger) Charge(_ context.Context, orderID string, _ int) error {
	c.charged.Do(orderID)
	return nil
}

// billing is the Explore body: the topology's billing side on any backend, the orders
// published by a producer that retries a failed publish (as an outbox does), the biller with
// two workers, and what must hold whatever SNS and SQS do: every created order charged exactly
// once.
func billing(dedupByMessageID bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		topic := h.Topic("orders", nil)
		q := h.Queue("billing", map[string]string{"VisibilityTimeout": "30"})
		h.Subscribe(topic, q, map[string]string{"FilterPolicy": `{"kind":["created","cancelled"]}`})
		var created []string
		for _, o := range Orders() {
			for Publish(h.Ctx(), h.SNS(), topic, o) != nil {
				time.Sleep(time.Second) // the mock's time, in Explore's bubble
			}
			if o.Kind == "created" {
				created = append(created, o.ID)
			}
		}
		b := &Biller{Charger: effectCharger{h.ExactlyOnce("charge", created...)}, DedupByMessageID: dedupByMessageID}
		h.CheckConsumer(q, harness.Expect{}, func(ctx context.Context, api sqsmock.API) error { return b.Run(ctx, api, q, 2) })
	}
}

// The biller charges each order once whatever Explore's search of SQS's and SNS's faults throws
// at it: duplicate and late deliveries, retried publishes, lost deletes, throttling.
func TestBillingUnderExplore(t *testing.T) {
	harness.Explore(t, billing(false), func(o *harness.Options) { o.Corpus = "testdata/explore/TestBillingUnderExplore" })
}

// TestBillingDedupByMessageID is the biller with planted mistake 3. It passes every test that
// does not think of a retried publish, and fails under Explore. It runs only when asked to, as
// TestExploreFindsTheRetriedPublish's child: run it yourself with
//
//	SQSHARNESS_EXAMPLE_BUG=1 go test -run TestBillingDedupByMessageID ./examples/fanout
func TestBillingDedupByMessageID(t *testing.T) {
	if os.Getenv("SQSHARNESS_EXAMPLE_BUG") == "" {
		t.Skip("the buggy biller fails by design: SQSHARNESS_EXAMPLE_BUG=1 runs it")
	}
	harness.Explore(t, billing(true), func(o *harness.Options) { o.Corpus = os.Getenv("SQSHARNESS_EXAMPLE_CORPUS") })
}

// Deduplicating by the SNS MessageId survives SQS's duplicate deliveries and SNS's alike: the
// tests a careful author writes pass.
func TestBillingDedupByMessageIDSurvivesRedelivery(t *testing.T) {
	for name, rule := range map[string]faults.Rule{
		"SQS redelivers":      faults.DuplicateDelivery(0),
		"SNS delivers twice":  faults.DuplicateDelivery(10 * time.Second).On("Publish"),
		"SNS delivers late":   faults.DelayedVisibility(time.Minute).On("Publish"),
		"a receive times out": faults.Timeout(5 * time.Second).With(faults.Details{Applied: true}).On("ReceiveMessage").Times(2),
	} {
		t.Run(name, func(t *testing.T) {
			plan := mustPlan(t, rule)
			harness.Test(t, billing(true), func(o *harness.Options) { o.Faults = plan })
			assert.NotEmpty(t, plan.Injections(), "the rule fired")
		})
	}
}

// Explore finds the retried publish: the plan shrinks to a connection reset after a Publish was
// applied, the report names the order charged twice, and the plan is saved for replay.
func TestExploreFindsTheRetriedPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	dir := t.TempDir()
	out, failed := childtest.Run(t, "TestBillingDedupByMessageID", "SQSHARNESS_EXAMPLE_BUG=1", "SQSHARNESS_EXAMPLE_CORPUS="+dir)
	require.True(t, failed, "the buggy biller fails:\n%s", out)
	assert.Regexp(t, `(?s)rules:\n\s+- name: \S+\n\s+kind: reset-after-apply\n\s+operations:\n\s+- Publish\n`, out, "shrunk to a retried publish")
	assert.Regexp(t, `effect "charge" for key "o-[12]" happened twice`, out)
	assert.Contains(t, out, "no fault of the plan touched it, but the plan's faults on SNS's publishes may have: reset-after-apply", "the report points upstream")
	assert.Contains(t, out, "SQSHARNESS_EXPLORE_PLAN="+dir)
	saved, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.Len(t, saved, 1, "the plan is saved")
}

func mustPlan(t *testing.T, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(1, rules...)
	require.NoError(t, err)
	return p
}
