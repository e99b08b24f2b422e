package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFloorServerReplyIsAcceptedByTheSDK(t *testing.T) {
	srv := httptest.NewServer(floorHandler())
	defer srv.Close()
	client, done := newClient(config{endpoint: srv.URL, region: "us-east-1", accessKey: "test", secretKey: "test", concurrency: 1})
	defer done()
	ctx := context.Background()

	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("floor")})
	require.NoError(t, err)
	// The SDK checks MD5OfMessageBody against the body it sent, and fails on a mismatch.
	body := "héllo, floor"
	out, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)})
	require.NoError(t, err)
	sum := md5.Sum([]byte(body))
	assert.Equal(t, hex.EncodeToString(sum[:]), aws.ToString(out.MD5OfMessageBody))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, aws.ToString(out.MessageId))
	_, err = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl})
	require.NoError(t, err)

	_, err = client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	assert.ErrorContains(t, err, "UnsupportedOperation")
}

func TestSendAgainstTheFloorReportsServerCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	srv := httptest.NewServer(floorHandler())
	defer srv.Close()
	var out bytes.Buffer
	// The server runs in this test's process, so -server-pid is this process.
	err := run(context.Background(), []string{"-endpoint", srv.URL, "-op", "send", "-c", "2", "-count", "50",
		"-server-pid", "auto", "-idle", "10ms", "-warmup", "50ms", "-format", "json"}, &out, &bytes.Buffer{})
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
	assert.Equal(t, int64(50), rep.Ops)
	assert.Equal(t, rep.Requests, rep.Answered)
	assert.InDelta(t, 0.05, rep.WarmupS, 1e-9)
	require.NotNil(t, rep.Server)
	assert.Equal(t, os.Getpid(), rep.Server.PID)
	assert.GreaterOrEqual(t, rep.Server.CPUSeconds, 0.0)
	assert.InDelta(t, rep.Server.CPUSeconds*1e6/float64(rep.Answered), rep.Server.UsPerRequest, 0.1)
	assert.Positive(t, rep.Server.IdleS)

	out.Reset()
	err = run(context.Background(), []string{"-endpoint", srv.URL, "-count", "3", "-server-pid", "auto", "-idle", "0s", "-format", "markdown"}, &out, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Regexp(t, `^\| http://127\.0\.0\.1:\d+ \| send \| 1 \| \d+ \| \d+ \| [0-9.]+ \| [0-9.]+ \| 0 \| [0-9.]+ \|\n$`, out.String())
}

func TestFloorFlagServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w, err := os.Pipe()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-floor", "127.0.0.1:0"}, w, &bytes.Buffer{}) }()
	line := make([]byte, 200)
	n, err := r.Read(line)
	require.NoError(t, err)
	assert.Regexp(t, `^sqsbench floor server listening url=http://127\.0\.0\.1:\d+\n`, string(line[:n]))
	cancel()
	require.NoError(t, <-done)

	_, err = parse([]string{"-floor", "10.1.2.3:9400"}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "-floor")
}
