package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/browsertest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// readmeScreenshot is the README's picture of the console under load, relative to this package.
const readmeScreenshot = "../../docs/images/console-load.png"

// TestWriteREADMEConsoleScreenshot regenerates docs/images/console-load.png: the mock's server
// with a fault plan (slow sends, duplicate deliveries), a queue a person filled by hand, sqsbench
// loading it in process for about ten seconds, and the console's queue page in headless
// Chromium. It runs only when asked:
//
//	SQSHARNESS_WRITE_SCREENSHOTS=1 go test ./cmd/sqsbench -run TestWriteREADMEConsoleScreenshot -count=1
func TestWriteREADMEConsoleScreenshot(t *testing.T) {
	if os.Getenv("SQSHARNESS_WRITE_SCREENSHOTS") != "1" {
		t.Skip("writes docs/images/console-load.png: run with SQSHARNESS_WRITE_SCREENSHOTS=1")
	}
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	plan, err := faults.ParseJSON([]byte(`{"seed": 1, "rules": [
		{"name": "slow-sends", "kind": "latency", "operations": ["SendMessage"], "latency": "20ms", "probability": 0.002},
		{"name": "dup-receives", "kind": "duplicate-delivery", "operations": ["ReceiveMessage"], "probability": 0.002}]}`))
	require.NoError(t, err)
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "orders"}}
			o.TraceSize = 100000
			o.Faults = plan
		})
	})

	// A queue filled by hand (the AWS CLI in another terminal): five waiting, one in flight.
	sdk := srv.SDKClient()
	orders := aws.String(srv.URL + "/000000000000/orders")
	for i := range 6 {
		_, err := sdk.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: orders, MessageBody: aws.String("order " + strconv.Itoa(i))})
		require.NoError(t, err)
	}
	_, err = sdk.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: orders, VisibilityTimeout: 3600})
	require.NoError(t, err)

	// sqsbench, in process, until the screenshot is taken.
	load, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	var out, errOut bytes.Buffer
	go func() {
		done <- run(load, []string{"-endpoint", srv.URL, "-op", "send:3,receive:1", "-c", "4", "-duration", "60s",
			"-prefill", "10", "-format", "json"}, &out, &errOut)
	}()
	defer func() {
		stop()
		<-done
	}()

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/")))
	// About ten seconds of load on the chart, and both rules on the feed.
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`Number(document.getElementById('depth-chart')?.dataset.points) >= 11 &&
		new Set(state.injections.map(e => e.rule)).size === 2`, chromedp.WithPollingTimeout(90*time.Second))); err != nil {
		t.Fatalf("waiting for the load and both faults on the console: %v\nsqsbench: %s", err, errOut.String())
	}
	png := browsertest.Screenshot(t, ctx, "console-load")
	data, err := os.ReadFile(png)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.FromSlash(readmeScreenshot), data, 0o644))
	t.Logf("wrote %s (%d bytes)", readmeScreenshot, len(data))
}
