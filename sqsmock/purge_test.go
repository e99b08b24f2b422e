package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPurgeQueue(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "test-queue", nil)
	e.send(e.queue, "ready")
	e.send(e.queue, "inflight")
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("delayed"), DelaySeconds: 60})
	require.NoError(t, err)
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)

	_, err = e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(e.queue)})
	require.NoError(t, err)
	assert.Empty(t, e.mock.Messages(e.queue), "ready, in-flight and delayed messages all go")
	a := e.attrs(e.queue)
	assert.Equal(t, "0", a["ApproximateNumberOfMessages"])
	assert.Equal(t, "0", a["ApproximateNumberOfMessagesNotVisible"])
	assert.Equal(t, "0", a["ApproximateNumberOfMessagesDelayed"])
	e.clk.Advance(2 * time.Minute)
	assert.Empty(t, e.recv(e.queue, nil))
	require.NoError(t, e.del(e.queue, h), "deleting a purged message's handle is harmless")

	// Sending after a purge works.
	e.send(e.queue, "after")
	assert.Equal(t, []string{"after"}, bodies(e.recv(e.queue, nil)))
}

func TestPurgeQueueInProgress(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "test-queue", nil)
	purge := func() error {
		_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(e.queue)})
		return err
	}
	require.NoError(t, purge())
	e.clk.Advance(59 * time.Second)
	// Recorded: test_successive_purge_calls_fail (HTTP 403, the queue's name in the message).
	err := purge()
	requireAPIError(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress", "Only one PurgeQueue operation on test-queue is allowed every 60 seconds.")
	var pip *types.PurgeQueueInProgress
	require.ErrorAs(t, err, &pip)
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 403, re.HTTPStatusCode())

	e.clk.Advance(time.Second)
	require.NoError(t, purge(), "allowed again 60 seconds after the last purge")
	require.Error(t, purge())

	// Each queue has its own 60 seconds.
	other := e.create("other", nil)
	_, err = e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(other)})
	require.NoError(t, err)
}

func TestPurgeQueueClearsFifoDeduplication(t *testing.T) {
	t.Parallel()
	// test_purge_queue_clears_fifo_deduplication_cache (validated on AWS).
	e := newEnvQueue(t, "q.fifo", nil)
	e.sendFifo(e.queue, "message-1", "g", "d")
	_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(e.queue)})
	require.NoError(t, err)
	e.sendFifo(e.queue, "message-2", "g", "d")
	assert.Equal(t, []string{"message-2"}, bodies(e.recv(e.queue, nil)))
}
