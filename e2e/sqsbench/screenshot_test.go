package sqsbench_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
	"github.com/sqsharness/sqsharness/e2e/internal/repo"
	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// readmeScreenshot is the README's picture of the console under load, relative to the repository.
const readmeScreenshot = "docs/images/console-load.png"

// TestWriteREADMEConsoleScreenshot regenerates docs/images/console-load.png: the mock's server
// with a fault plan (slow sends, duplicate deliveries), a queue a person filled by hand, sqsbench
// (built from cmd/sqsbench) loading it for about ten seconds, and the console's queue page in
// headless Chromium. It runs only when asked, from the e2e module:
//
//	go test ./sqsbench -run TestWriteREADMEConsoleScreenshot -count=1 -update
func TestWriteREADMEConsoleScreenshot(t *testing.T) {
	if !repo.Update() {
		t.Skip("writes " + readmeScreenshot + ": run with -update")
	}
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	plan, err := faults.Parse([]byte(`{"seed": 1, "rules": [
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

	// sqsbench, until the screenshot is taken; SIGTERM stops it as ^C does.
	bench := buildSQSBench(t)
	var errOut lockedBuffer
	cmd := exec.Command(bench, "-endpoint", srv.URL, "-op", "send:3,receive:1", "-c", "4", "-duration", "60s",
		"-prefill", "10", "-format", "json")
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &errOut
	require.NoError(t, cmd.Start())
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
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
	repo.WriteGenerated(t, readmeScreenshot, data)
}

// buildSQSBench builds cmd/sqsbench (a main package, which no other package imports) into a
// temporary directory and returns the binary's path.
func buildSQSBench(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its GOROOT/bin first on PATH
	require.NoError(t, err, "the go command builds cmd/sqsbench")
	bin := filepath.Join(t.TempDir(), "sqsbench")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/sqsbench")
	cmd.Dir = repo.Root(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/sqsbench\n%s", out)
	return bin
}

// lockedBuffer is sqsbench's standard error, written by exec's copying goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
