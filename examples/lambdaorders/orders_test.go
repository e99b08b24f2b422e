package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/lambdaesm"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// eachBackend runs f on the mock, in a testing/synctest bubble (Lambda's 30 s visibility
// timeout and its redeliveries take no real time), and on LocalStack and ElasticMQ in real time
// with short timeouts (skipped under -short; a peer that is down skips with instructions, and
// fails under CI=true). SQSHARNESS_BACKEND=<name> runs one backend.
func eachBackend(t *testing.T, f func(t *testing.T, h *harness.H)) {
	backends := []harness.Backend{"mock", "localstack", "elasticmq"}
	if b := os.Getenv("SQSHARNESS_BACKEND"); b != "" {
		backends = []harness.Backend{harness.Backend(b)}
	}
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			if b != "mock" && b != "server" {
				t.Parallel()
			}
			harness.Test(t, f, func(o *harness.Options) { o.Backend = b })
		})
	}
}

const badBody = "not an order"

// setup makes the orders queue (redrive after 3 receives) and sends six orders and one body
// that is not an order.
func setup(h *harness.H) (url string, orders []Order, bodies []string, cfg lambdaesm.Config) {
	visibility, timeout := "30", int32(10) // Lambda's defaults' shape, free on the mock
	if !h.Caps().FastForward {
		visibility, timeout = "2", 1
	}
	url, _ = h.QueueWithDLQ("lambda-orders", map[string]string{"VisibilityTimeout": visibility}, 3)
	for i := range 6 {
		orders = append(orders, Order{ID: fmt.Sprintf("o-%d", i), Amount: 100 + i})
		bodies = append(bodies, orders[i].Body())
	}
	bodies = h.SendBodies(url, append(bodies, badBody))
	// The mapping as deployed: batches of up to 10 gathered for a second, partial batch responses.
	cfg = lambdaesm.Config{BatchSize: 10, MaximumBatchingWindowInSeconds: 1, ReportBatchItemFailures: true, FunctionTimeoutSeconds: timeout}
	return url, orders, bodies, cfg
}

// runMapping runs the handler under the event source mapping inside CheckConsumer, which
// asserts that nothing was lost (every message deleted or in the dead-letter queue) and, when
// deadLettered is not nil, the dead-letter queue's contents.
func runMapping(h *harness.H, url string, bodies, deadLettered []string, cfg lambdaesm.Config, fn lambdaesm.Function) (lambdaesm.Report, *harness.ConsumerReport) {
	var m *lambdaesm.Mapping
	crep := h.CheckConsumer(url, harness.Expect{Bodies: bodies, DeadLettered: deadLettered}, func(ctx context.Context, api sqsmock.API) error {
		cfg.QueueURL = url
		var err error
		if m, err = lambdaesm.New(ctx, api, cfg, fn); err != nil {
			return err
		}
		return m.Run(ctx)
	})
	require.NotNil(h.T(), m)
	return m.Report(), crep
}

// TestHandlerChargesEachOrderOnce: the fixed handler reports the bad record by its message ID;
// every order is charged exactly once and only the bad body ends in the dead-letter queue.
func TestHandlerChargesEachOrderOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness.H) {
		url, orders, bodies, cfg := setup(h)
		svc := &Service{Ledger: NewLedger()}
		rep, crep := runMapping(h, url, bodies, []string{badBody}, cfg, svc.Handle)
		assert.Empty(t, Check(svc.Ledger, orders, crep.DeadLettered))
		assert.Equal(t, 3, crep.Deliveries[badBody], "the bad body is retried up to maxReceiveCount")
		assert.Len(t, rep.Deleted, len(orders))
	})
}

// TestBuggyHandlerIsCaught: the handler that reports the receipt handle instead of the message
// ID passes a unit test that only looks at its response, but the event source mapping fails the
// whole batch on an unknown identifier: the orders charged in it come back, are charged again,
// and end in the dead-letter queue. This is the test the buggy handler fails.
func TestBuggyHandlerIsCaught(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness.H) {
		url, orders, bodies, cfg := setup(h)
		svc := &Service{Ledger: NewLedger()}
		// Nothing is lost even so (every message is deleted or dead-lettered): CheckConsumer's
		// invariants hold, and the dead-letter queue is not pinned here. The ledger shows the bug.
		rep, crep := runMapping(h, url, bodies, nil, cfg, svc.HandleBuggy)
		problems := Check(svc.Ledger, orders, crep.DeadLettered)
		require.NotEmpty(t, problems, "the buggy handler is caught")
		for _, p := range problems {
			assert.Regexp(t, `^o-\d: (charged [2-9] times|in the dead-letter queue)$`, p)
		}
		var bad int
		for _, inv := range rep.Invocations {
			if inv.Err != nil {
				assert.ErrorIs(t, inv.Err, lambdaesm.ErrBadResponse)
				bad++
			}
		}
		assert.Positive(t, bad, "whole batches failed on the unknown itemIdentifier")
		t.Logf("buggy handler: %v", problems)
	})
}
