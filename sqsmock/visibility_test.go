package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeleteMessage(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "a")
	e.send(e.queue, "b")
	m := e.recvOne(e.queue)
	require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
	// Deleting again succeeds (test_delete_message_with_deleted_receipt_handle).
	require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
	require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
	msgs := e.mock.Messages(e.queue)
	require.Len(t, msgs, 1)
	assert.Equal(t, "b", msgs[0].Body)
	e.clk.Advance(time.Hour)
	assert.Equal(t, []string{"b"}, bodies(e.recv(e.queue, nil)), "a deleted message never comes back")
}

func TestDeleteMessageInvalidHandle(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	other := e.create("other", nil)
	e.send(other, "x")
	otherHandle := aws.ToString(e.recvOne(other).ReceiptHandle)
	for h, msg := range map[string]string{
		"garbage":   `The input receipt handle "garbage" is not a valid receipt handle.`,
		otherHandle: `The receipt handle "` + otherHandle + `" is not valid for this queue.`, // TestReceiptHandleOfAnotherQueue
	} {
		err := e.del(e.queue, h)
		requireAPIError(t, err, "ReceiptHandleIsInvalid", msg)
		var rhi *types.ReceiptHandleIsInvalid
		require.ErrorAs(t, err, &rhi)
	}
	// ChangeMessageVisibility too (test_invalid_receipt_handle_should_return_error_message).
	err := e.cmv(e.queue, "INVALID", 60)
	requireAPIError(t, err, "ReceiptHandleIsInvalid", `The input receipt handle "INVALID" is not a valid receipt handle.`)
}

func TestDeleteAfterVisibilityExpiryStandard(t *testing.T) {
	t.Parallel()
	// Recorded: test_delete_after_visibility_timeout — the old handle still deletes.
	e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "1"})
	e.send(e.queue, "foobar")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	e.clk.Advance(time.Second)
	require.NoError(t, e.del(e.queue, h))
	assert.Empty(t, e.recv(e.queue, nil))
	assert.Empty(t, e.mock.Messages(e.queue))
}

func TestDeleteAfterVisibilityExpiryFifo(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_delete_after_visibility_timeout.
	e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
	e.sendFifo(e.queue, "foobar", "1", "")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	e.clk.Advance(time.Second)
	err := e.del(e.queue, h)
	requireAPIError(t, err, "InvalidParameterValue", "Value "+h+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
	require.Len(t, e.mock.Messages(e.queue), 1, "the message stays")

	// An old handle stays expired after the message is received again.
	h2 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	requireAPIError(t, e.del(e.queue, h), "InvalidParameterValue", "")
	require.NoError(t, e.del(e.queue, h2))
	assert.Empty(t, e.mock.Messages(e.queue))
}

// An expired FIFO handle is expired by what happened to it, not by who holds the message now: it
// stays refused after the receiver that got the message next deleted it (SQS answers by the
// handle: test_fifo_delete_after_visibility_timeout, and the knowledge center's "If you try to
// delete the message outside of the visibility timeout period, then you see an error").
func TestDeleteExpiredHandleFifoAfterAnotherReceiverDeleted(t *testing.T) {
	t.Parallel()
	expired := func(h string) string {
		return "Value " + h + " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
	}
	t.Run("superseded and deleted", func(t *testing.T) {
		e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
		e.sendFifo(e.queue, "m", "g", "")
		h1 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		e.clk.Advance(time.Second)
		h2 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.NoError(t, e.del(e.queue, h2))
		requireAPIError(t, e.del(e.queue, h1), "InvalidParameterValue", expired(h1))
		out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue),
			Entries: []types.DeleteMessageBatchRequestEntry{{Id: aws.String("old"), ReceiptHandle: aws.String(h1)},
				{Id: aws.String("new"), ReceiptHandle: aws.String(h2)}}})
		require.NoError(t, err)
		require.Len(t, out.Failed, 1)
		assert.Equal(t, "old", aws.ToString(out.Failed[0].Id))
		assert.Equal(t, "ReceiptHandleIsInvalid", aws.ToString(out.Failed[0].Code))
		assert.Equal(t, "The receipt handle has expired", aws.ToString(out.Failed[0].Message))
		require.Len(t, out.Successful, 1, "the handle that deleted the message deletes it again")
		require.NoError(t, e.del(e.queue, h2))
	})
	t.Run("released by ChangeMessageVisibility 0", func(t *testing.T) {
		e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
		e.sendFifo(e.queue, "m", "g", "")
		h1 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.NoError(t, e.cmv(e.queue, h1, 0))
		h2 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.NoError(t, e.del(e.queue, h2))
		requireAPIError(t, e.del(e.queue, h1), "InvalidParameterValue", expired(h1))
	})
	t.Run("moved to the dead-letter queue", func(t *testing.T) {
		e := newEnvQueue(t, "dlq.fifo", nil)
		dlq := e.queue
		arn := e.attr(dlq, "QueueArn")
		q := e.create("q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true",
			"RedrivePolicy": `{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":"1"}`})
		e.sendFifo(q, "m", "g", "")
		h := aws.ToString(e.recvOne(q).ReceiptHandle)
		e.clk.Advance(time.Second)
		assert.Empty(t, e.recv(q, nil), "the second receive moves it")
		require.Len(t, e.mock.Messages(dlq), 1)
		requireAPIError(t, e.del(q, h), "InvalidParameterValue", expired(h))
	})
	t.Run("deleted with its own handle", func(t *testing.T) {
		e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
		e.sendFifo(e.queue, "m", "g", "")
		h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.NoError(t, e.del(e.queue, h))
		e.clk.Advance(time.Hour)
		require.NoError(t, e.del(e.queue, h), "deleting a deleted message succeeds")
	})
	t.Run("standard queues delete with any handle", func(t *testing.T) {
		// Recorded: test_delete_after_visibility_timeout — an expired handle still deletes.
		e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "1"})
		e.send(e.queue, "m")
		h1 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		e.clk.Advance(time.Second)
		h2 := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.NoError(t, e.del(e.queue, h2))
		require.NoError(t, e.del(e.queue, h1))
	})
}

func TestDeleteAfterVisibilityExtendedFifo(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_delete_after_visibility_timeout_extended.
	e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
	e.sendFifo(e.queue, "foobar", "1", "")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	require.NoError(t, e.cmv(e.queue, h, 5))
	e.clk.Advance(1500 * time.Millisecond)
	require.NoError(t, e.del(e.queue, h))
	assert.Empty(t, e.recv(e.queue, nil))
}

func TestChangeMessageVisibility(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "m")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)

	// The new timeout counts from the call.
	e.clk.Advance(20 * time.Second)
	require.NoError(t, e.cmv(e.queue, h, 60))
	e.clk.Advance(59 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessagesNotVisible"))
	e.clk.Advance(time.Second)
	m2 := e.recvOne(e.queue)

	// 0 makes it visible at once.
	require.NoError(t, e.cmv(e.queue, aws.ToString(m2.ReceiptHandle), 0))
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"))
	assert.Len(t, e.recv(e.queue, nil), 1)
}

func TestChangeMessageVisibilityExtendRepeatedly(t *testing.T) {
	t.Parallel()
	// test_extend_message_visibility_timeout_set_in_queue: extend even after the timeout passed.
	e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "2"})
	e.send(e.queue, "test")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	for i := 0; i < 4; i++ {
		e.clk.Advance(time.Second)
		require.NoError(t, e.cmv(e.queue, h, 2))
		assert.Empty(t, e.recv(e.queue, nil))
	}
	e.clk.Advance(2 * time.Second)
	assert.Equal(t, []string{"test"}, bodies(e.recv(e.queue, nil)))
}

func TestChangeMessageVisibilityAfterExpiry(t *testing.T) {
	t.Parallel()
	// Recorded: test_change_message_visibility_after_visibility_timeout_expiration succeeds
	// and hides the message again.
	e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "1"})
	e.send(e.queue, "test")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	e.clk.Advance(2 * time.Second)
	require.NoError(t, e.cmv(e.queue, h, 2))
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(2 * time.Second)
	assert.Len(t, e.recv(e.queue, nil), 1)
}

func TestChangeMessageVisibilityLimits(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "m")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)

	for _, v := range []int32{-1, 43201} {
		requireAPIError(t, e.cmv(e.queue, h, v), "InvalidParameterValue", "")
	}
	require.NoError(t, e.cmv(e.queue, h, 43200), "the ceiling itself, right after the receive")

	// The 12-hour ceiling counts from the receive: 6 hours later at most 6 hours are left.
	e.clk.Advance(6 * time.Hour)
	requireAPIError(t, e.cmv(e.queue, h, 6*3600+1), "InvalidParameterValue", "")
	require.NoError(t, e.cmv(e.queue, h, 6*3600))
	e.clk.Advance(6*time.Hour - time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(time.Second)
	m := e.recvOne(e.queue)
	// A new receive starts a new 12 hours.
	require.NoError(t, e.cmv(e.queue, aws.ToString(m.ReceiptHandle), 43200))
}

func TestChangeMessageVisibilityDeletedMessage(t *testing.T) {
	t.Parallel()
	// test_change_visibility_on_deleted_message_raises_invalid_parameter_value (validated on AWS).
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "foo")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	require.NoError(t, e.cmv(e.queue, h, 42))
	require.NoError(t, e.del(e.queue, h))
	err := e.cmv(e.queue, h, 42)
	requireAPIError(t, err, "InvalidParameterValue",
		"Value "+h+" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
}

func TestChangeMessageVisibilityFifoExpiredHandle(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
	e.sendFifo(e.queue, "m", "g", "")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	e.clk.Advance(time.Second)
	requireAPIError(t, e.cmv(e.queue, h, 10), "InvalidParameterValue",
		"Value "+h+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
}

func TestApproximateNumberOfMessagesNotVisible(t *testing.T) {
	t.Parallel()
	// test_approximate_number_of_messages_not_visible.
	e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "60"})
	for i := 0; i < 6; i++ {
		e.send(e.queue, "m")
	}
	e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.queue),
		AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"ApproximateNumberOfMessages": "5", "ApproximateNumberOfMessagesNotVisible": "1", "ApproximateNumberOfMessagesDelayed": "0"}, out.Attributes)
	e.clk.Advance(time.Minute)
	assert.Equal(t, "6", e.attr(e.queue, "ApproximateNumberOfMessages"))
	assert.Equal(t, "0", e.attr(e.queue, "ApproximateNumberOfMessagesNotVisible"))
}
