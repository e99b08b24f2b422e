package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// traceSeed is the seed of the traced run (the one the README's screenshot shows).
const traceSeed = 42

// TestTraceOfTheNaiveWorker runs the non-idempotent variant under Plan(traceSeed) through the
// harness, with its trace written as an HTML page: the way a user of the harness gets the page
// (SQSHARNESS_TRACE_DIR, or harness.Options.TraceDir; SQSHARNESS_TRACE=always because here the run is
// expected to go wrong and the test itself passes). The page goes to $SQSHARNESS_TRACE_DIR, else
// to the test's artifact directory. The e2e module's TestTraceShowsWhyTheNaiveWorkerFailed runs
// this test and opens the page in headless Chromium.
func TestTraceOfTheNaiveWorker(t *testing.T) {
	dir := os.Getenv("SQSHARNESS_TRACE_DIR")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	var problems []string
	t.Run("naive worker", func(t *testing.T) {
		t.Setenv("SQSHARNESS_TRACE", "always")
		plan, err := Plan(traceSeed)
		require.NoError(t, err)
		h := harness.New(t, func(o *harness.Options) { o.Faults = plan }, func(o *harness.Options) { o.TraceDir = dir },
			func(o *harness.Options) { o.ClockStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
			func(o *harness.Options) {
				o.Mock = append(o.Mock, func(o *sqsmock.Options) {
					o.Queues = []sqsmock.Queue{{Name: "orders", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
				})
			})
		ctx := context.Background()
		clk := h.Clock()
		sleep := func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() }
		url := h.Mock().QueueURL("orders")
		ids, err := Produce(ctx, h.Client(), url, orders, sleep)
		require.NoError(t, err)
		s := &Scenario{Clock: clk, Mock: h.Mock(), Plan: h.Faults(), Orders: ids,
			Worker: &Worker{SQS: h.Client(), QueueURL: url, Ledger: NewLedger(), Sleep: sleep}}
		require.NoError(t, s.Drain(ctx, 5000))
		requireFaults(t, s)
		problems = Check(s.Worker.Ledger, s.Orders)
	})
	require.NotEmpty(t, problems, "the naive worker double-charges under this plan")
	path := filepath.Join(dir, "TestTraceOfTheNaiveWorker_naive_worker.html")
	require.FileExists(t, path)
	t.Logf("trace: %s", path)
	t.Logf("non-idempotent worker: %s", strings.Join(problems, "; "))
}
