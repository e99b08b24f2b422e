package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

const orders = 40

// run produces the orders and drains the queue with the worker, under Plan(seed).
func run(t *testing.T, seed uint64, idempotent bool) *Scenario {
	t.Helper()
	ctx := context.Background()
	s, err := NewScenario(ctx, seed, orders, idempotent)
	require.NoError(t, err)
	require.NoError(t, s.Drain(ctx, 5000), "the worker survives throttling and server errors")
	q, ok := s.Mock.Queue("orders")
	require.True(t, ok)
	assert.Zero(t, q.Ready+q.InFlight+q.Delayed, "the queue is drained")
	return s
}

// requireFaults asserts the plan did inject every fault the example is about, so a passing
// test is not a run in which nothing went wrong.
func requireFaults(t *testing.T, s *Scenario) {
	t.Helper()
	got := s.Injected()
	for _, rule := range []string{"throttled", "rate", "duplicate", "lost-delete", "reset"} {
		assert.Positive(t, got[rule], "rule %s fired (injections: %v)", rule, got)
	}
}

// TestIdempotentWorkerSurvivesFaults: under throttling, duplicates, lost deletes and duplicate
// sends, the idempotent worker charges every order exactly once, for several seeds.
func TestIdempotentWorkerSurvivesFaults(t *testing.T) {
	for _, seed := range []uint64{1, 2, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s := run(t, seed, true)
			requireFaults(t, s)
			assert.Empty(t, Check(s.Worker.Ledger, s.Orders), "exactly once in effect")
		})
	}
}

// TestNonIdempotentWorkerFailsTheCheck: the same worker without deduplication, under the same
// plan and seed, charges some orders twice — and the checker reports exactly that. This is the
// test a non-idempotent consumer fails.
func TestNonIdempotentWorkerFailsTheCheck(t *testing.T) {
	for _, seed := range []uint64{1, 2, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			naive := run(t, seed, false)
			requireFaults(t, naive)
			problems := Check(naive.Worker.Ledger, naive.Orders)
			require.NotEmpty(t, problems, "the checker catches the double processing")
			for _, p := range problems {
				assert.Regexp(t, `^o-\d+: charged [2-9]\d* times$`, p, "only over-charging, nothing lost")
			}

			// Same seed, same SQS calls: the runs differ only in what the worker did with them.
			idem := run(t, seed, true)
			assert.Equal(t, withoutIDs(naive.Plan.Injections()), withoutIDs(idem.Plan.Injections()), "the same faults, deterministically")
			assert.Empty(t, Check(idem.Worker.Ledger, idem.Orders))
			t.Logf("non-idempotent worker: %s", strings.Join(problems, "; "))
		})
	}
}

// withoutIDs drops the message ids (random UUIDs) from injections, for comparing runs.
func withoutIDs(in []faults.Injection) []faults.Injection {
	out := make([]faults.Injection, len(in))
	for i, x := range in {
		x.MessageID = ""
		out[i] = x
	}
	return out
}

// TestEachFaultAloneBreaksTheNaiveWorker: duplicates, lost deletes and duplicate sends each
// cause double charging without idempotency; throttling alone does not (it loses nothing
// either, because the worker retries).
func TestEachFaultAloneBreaksTheNaiveWorker(t *testing.T) {
	tests := []struct {
		name   string
		rule   faults.Rule
		breaks bool
	}{
		{"duplicate delivery", faults.DuplicateDelivery(0).Times(1), true},
		{"lost delete", faults.LostDelete().Times(1), true},
		{"reset after send applied", faults.ResetAfterApply().On("SendMessage").Times(1), true},
		{"throttling", faults.Error("RequestThrottled").On("ReceiveMessage", "DeleteMessage").Probability(0.5), false},
		{"token bucket", faults.Throttle(2, 1).On("ReceiveMessage", "DeleteMessage"), false},
	}
	for _, tt := range tests {
		for _, idempotent := range []bool{false, true} {
			name := tt.name + map[bool]string{true: " idempotent", false: " naive"}[idempotent]
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
				plan := mustPlan(t, 9, tt.rule)
				m := sqsmock.New(func(o *sqsmock.Options) {
					o.Queues = []sqsmock.Queue{{Name: "orders", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
					o.Clock = clk
					o.Faults = plan
				})
				sleep := func(ctx context.Context, d time.Duration) error { clk.Advance(d); return nil }
				url := m.QueueURL("orders")
				ids, err := Produce(ctx, m.Client(), url, 5, sleep)
				require.NoError(t, err)
				s := &Scenario{Clock: clk, Mock: m, Plan: plan, Orders: ids,
					Worker: &Worker{SQS: m.Client(), QueueURL: url, Ledger: NewLedger(), Sleep: sleep, Idempotent: idempotent}}
				require.NoError(t, s.Drain(ctx, 1000))
				require.NotEmpty(t, plan.Injections(), "the fault was injected")
				problems := Check(s.Worker.Ledger, s.Orders)
				if tt.breaks && !idempotent {
					assert.Len(t, problems, 1, "one order charged twice")
				} else {
					assert.Empty(t, problems)
				}
			})
		}
	}
}

// TestWorkerGivesUpOnPermanentErrors: errors that are not transient are returned, not retried.
func TestWorkerGivesUpOnPermanentErrors(t *testing.T) {
	clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	plan := mustPlan(t, 1, faults.Error("QueueDoesNotExist").On("DeleteMessage"))
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "orders"}}; o.Clock = clk; o.Faults = plan })
	url := m.QueueURL("orders")
	_, err := m.Client().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(`{"id":"o-1","amount":1}`)})
	require.NoError(t, err)
	w := &Worker{SQS: m.Client(), QueueURL: url, Ledger: NewLedger(), Idempotent: true,
		Sleep: func(context.Context, time.Duration) error { t.Fatal("no retry expected"); return nil }}
	_, err = w.Poll(context.Background())
	require.ErrorContains(t, err, "AWS.SimpleQueueService.NonExistentQueue")
	assert.Len(t, plan.Injections(), 1)
}

// mustPlan is faults.NewPlan for tests: an invalid rule fails the test.
func mustPlan(t testing.TB, seed uint64, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(seed, rules...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}
