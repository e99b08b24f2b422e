package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetentionExpiry(t *testing.T) {
	t.Parallel()
	// test_message_retention: at least 60 seconds on AWS.
	e := newEnvQueue(t, "q", map[string]string{"MessageRetentionPeriod": "60"})
	e.send(e.queue, "foobar1")
	e.send(e.queue, "foobar2")
	e.clk.Advance(30 * time.Second)
	e.send(e.queue, "young")
	e.clk.Advance(29 * time.Second)
	assert.Equal(t, "3", e.attr(e.queue, "ApproximateNumberOfMessages"))
	e.clk.Advance(time.Second)
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"))
	assert.Equal(t, []string{"young"}, bodies(e.recv(e.queue, nil)))
	e.clk.Advance(30 * time.Second)
	assert.Empty(t, e.mock.Messages(e.queue), "in-flight messages expire too")
	assert.Equal(t, "0", e.attr(e.queue, "ApproximateNumberOfMessagesNotVisible"))
}

func TestRetentionDefaultFourDays(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "m")
	e.clk.Advance(4*24*time.Hour - time.Second)
	assert.Len(t, e.mock.Messages(e.queue), 1)
	e.clk.Advance(time.Second)
	assert.Empty(t, e.mock.Messages(e.queue))
	assert.Empty(t, e.recv(e.queue, nil))
}

func TestRetentionCountsFromSendIncludingDelay(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", map[string]string{"MessageRetentionPeriod": "60"})
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("delayed"), DelaySeconds: 90})
	require.NoError(t, err)
	e.clk.Advance(90 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil), "expired before its delay ended")
	assert.Equal(t, "0", e.attr(e.queue, "ApproximateNumberOfMessagesDelayed"))
}

func TestRetentionShortenedAppliesToStoredMessages(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "old")
	e.clk.Advance(2 * time.Minute)
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"MessageRetentionPeriod": "60"}))
	assert.Empty(t, e.recv(e.queue, nil))
}

func TestRetentionAfterDeadLetterMove(t *testing.T) {
	t.Parallel()
	// The developer guide: a standard message keeps its original enqueue time in the
	// dead-letter queue; a FIFO message's time starts again when it moves.
	e := newEnv(t)
	dlq := e.create("dlq", map[string]string{"MessageRetentionPeriod": "120"})
	src := e.create("src", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 1), "VisibilityTimeout": "0"})
	fdlq := e.create("dlq.fifo", map[string]string{"MessageRetentionPeriod": "120", "ContentBasedDeduplication": "true"})
	fsrc := e.create("src.fifo", map[string]string{"RedrivePolicy": redrive(e.arn(fdlq), 1), "VisibilityTimeout": "0", "ContentBasedDeduplication": "true"})
	e.send(src, "std")
	e.sendFifo(fsrc, "fifo", "g", "")
	e.clk.Advance(100 * time.Second)
	require.Len(t, e.recv(src, nil), 1)
	require.Len(t, e.recv(fsrc, nil), 1)
	require.Empty(t, e.recv(src, nil))
	require.Empty(t, e.recv(fsrc, nil))
	require.Len(t, e.mock.Messages(dlq), 1)
	require.Len(t, e.mock.Messages(fdlq), 1)

	e.clk.Advance(20 * time.Second) // 120 s after the send, 20 s after the move
	assert.Empty(t, e.mock.Messages(dlq), "standard: expires 120 s after the original send")
	assert.Len(t, e.mock.Messages(fdlq), 1, "FIFO: 120 s from the move")
	e.clk.Advance(100 * time.Second)
	assert.Empty(t, e.mock.Messages(fdlq))
}
