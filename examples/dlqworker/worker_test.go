package main

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// backends are the two ways to reach the mock: its in-process client, and a real *sqs.Client
// over HTTP to sqsmock's server. The fault plan runs inside the mock in both. The worker retries
// throttling itself, so both clients are told not to (the SDK's retryer, which the in-process
// client follows, would otherwise retry first).
var backends = []struct {
	name string
	new  func(t *testing.T, clk *sqsmock.ManualClock, plan *faults.Plan) (sqsmock.API, *sqsmock.Mock)
}{
	{"in-process", func(t *testing.T, clk *sqsmock.ManualClock, plan *faults.Plan) (sqsmock.API, *sqsmock.Mock) {
		m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = clk; o.Faults = plan })
		return m.Client(noSDKRetries), m
	}},
	{"over HTTP", func(t *testing.T, clk *sqsmock.ManualClock, plan *faults.Plan) (sqsmock.API, *sqsmock.Mock) {
		srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
			so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Clock = clk; o.Faults = plan })
		})
		return srv.SDKClient(noSDKRetries), srv.Mock()
	}},
}

func noSDKRetries(o *sqs.Options) { o.Retryer = aws.NopRetryer{} }

// TestWorkerWithDLQ: on both backends, under the same seeded throttling, good messages are
// handled exactly once and poison messages end in the DLQ after maxReceiveCount (3) receives,
// keeping their message id; the injected faults are the same on both.
func TestWorkerWithDLQ(t *testing.T) {
	var injections [][]faults.Injection
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			plan, err := Plan(7)
			require.NoError(t, err)
			c, m := b.new(t, clk, plan)
			handled, dlq, err := Run(ctx, c, clk, []string{"a", "poison-1", "b", "c", "poison-2", "d"})
			require.NoError(t, err)

			assert.Equal(t, map[string]int{"a": 1, "b": 1, "c": 1, "d": 1}, handled)
			q, ok := m.Queue("jobs")
			require.True(t, ok)
			assert.Zero(t, q.Ready+q.InFlight+q.Delayed, "jobs is drained")
			var dead []string
			for _, msg := range m.Messages(dlq) {
				dead = append(dead, msg.Body)
				assert.Equal(t, 3, msg.ReceiveCount, "moved after maxReceiveCount receives")
				assert.NotEmpty(t, msg.DeadLetterSourceARN)
			}
			sort.Strings(dead)
			assert.Equal(t, []string{"poison-1", "poison-2"}, dead)

			inj := plan.Injections()
			require.NotEmpty(t, inj, "throttling was injected and survived")
			for i := range inj {
				inj[i].MessageID = ""
			}
			injections = append(injections, inj)
		})
	}
	if len(injections) == 2 {
		assert.Equal(t, injections[0], injections[1], "the same seed throttles the same calls on both backends")
	}
}
