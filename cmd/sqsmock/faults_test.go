package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type zeroBackoff struct{}

func (zeroBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// TestRunAppliesTheFaultsFile: a plan given with -faults runs inside the server from start-up and
// affects real SDK calls: OverLimit is not retried, a connection dropped after the send was
// applied is retried by the SDK and leaves a duplicate.
func TestRunAppliesTheFaultsFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "faults.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
seed: 7
rules:
  - name: full
    kind: error
    errorCode: OverLimit
    operations: [SendMessage]
    queue: "blocked"
  - name: reset
    kind: reset-after-apply
    operations: [SendMessage]
    queue: "jobs"
    times: 1
`), 0o600))
	queues := filepath.Join(dir, "queues.yaml")
	require.NoError(t, os.WriteFile(queues, []byte("queues:\n  - name: jobs\n  - name: blocked\n"), 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-queues", queues, "-faults", file},
			func(string) string { return "" }, &safeBuffer{}, func(u string) { urls <- u })
	}()
	url := <-urls
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
		Retryer:     retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = zeroBackoff{} })})
	bg := context.Background()

	_, err := c.SendMessage(bg, &sqs.SendMessageInput{QueueUrl: aws.String(url + "/000000000000/blocked"), MessageBody: aws.String("x")})
	var over *types.OverLimit
	require.ErrorAs(t, err, &over)
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "OverLimit", api.ErrorCode())

	jobs := url + "/000000000000/jobs"
	_, err = c.SendMessage(bg, &sqs.SendMessageInput{QueueUrl: aws.String(jobs), MessageBody: aws.String("order-1")})
	require.NoError(t, err, "the SDK retried the dropped connection")
	out, err := c.ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: aws.String(jobs), MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, out.Messages, 2, "the retry duplicated the send")
	assert.Equal(t, "order-1", aws.ToString(out.Messages[0].Body))
	assert.Equal(t, "order-1", aws.ToString(out.Messages[1].Body))
	assert.NotEqual(t, aws.ToString(out.Messages[0].MessageId), aws.ToString(out.Messages[1].MessageId))

	cancel()
	require.NoError(t, <-done)
}

func TestRunRejectsBadFaultsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "faults.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"seed": 1, "rules": [{"kind": "lost-delete", "operations": ["SendMessage"]}]}`), 0o600))
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-faults", file}, func(string) string { return "" }, &bytes.Buffer{}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot apply to SendMessage")
}
