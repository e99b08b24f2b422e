package sqsmock_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchOps runs one batch operation with entries of the given ids.
var batchOps = []struct {
	name  string
	entry string // the entry shape named in EmptyBatchRequest
	call  func(e *env, ids []string) error
}{
	{"SendMessageBatch", "SendMessageBatchRequestEntry", func(e *env, ids []string) error {
		entries := []types.SendMessageBatchRequestEntry{}
		for _, id := range ids {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String("b")})
		}
		_, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
		return err
	}},
	{"DeleteMessageBatch", "DeleteMessageBatchRequestEntry", func(e *env, ids []string) error {
		entries := []types.DeleteMessageBatchRequestEntry{}
		for _, id := range ids {
			entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(id), ReceiptHandle: aws.String("h")})
		}
		_, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
		return err
	}},
	{"ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry", func(e *env, ids []string) error {
		entries := []types.ChangeMessageVisibilityBatchRequestEntry{}
		for _, id := range ids {
			entries = append(entries, types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(id), ReceiptHandle: aws.String("h")})
		}
		_, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
		return err
	}},
}

func TestBatchRequestErrors(t *testing.T) {
	t.Parallel()
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = "id" + strconv.Itoa(i)
	}
	const badID = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
	for _, op := range batchOps {
		cases := []struct {
			name, code, msg string
			ids             []string
		}{
			{"empty", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one " + op.entry + " in the request.", nil},
			// Recorded: test_too_many_entries_in_batch_request and the delete/change variants.
			{"too many", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 20.", twenty},
			{"not distinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "", []string{"a", "b", "a"}},
			// Recorded: test_delete_message_batch_invalid_msg_id, test_invalid_batch_id.
			{"empty id", "AWS.SimpleQueueService.InvalidBatchEntryId", badID, []string{""}},
			{"long id", "AWS.SimpleQueueService.InvalidBatchEntryId", badID, []string{strings.Repeat("testLongId", 10)}},
			{"colon id", "AWS.SimpleQueueService.InvalidBatchEntryId", badID, []string{"invalid:id"}},
			{"dot id", "AWS.SimpleQueueService.InvalidBatchEntryId", badID, []string{"a.b"}},
		}
		for _, tc := range cases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnvQueue(t, "q", nil)
				err := op.call(e, tc.ids)
				requireAPIError(t, err, tc.code, tc.msg)
				assert.Empty(t, e.mock.Messages(e.queue), "a rejected batch does nothing")
			})
		}
		t.Run(op.name+"/valid ids", func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			err := op.call(e, []string{"a", strings.Repeat("Z", 80), "x_y-z", "0"})
			require.NoError(t, err, "request-level rules pass; entries may still fail one by one")
		})
	}
	t.Run("typed errors", func(t *testing.T) {
		t.Parallel()
		e := newEnvQueue(t, "q", nil)
		var ebr *types.EmptyBatchRequest
		require.ErrorAs(t, batchOps[0].call(e, nil), &ebr)
		var tm *types.TooManyEntriesInBatchRequest
		require.ErrorAs(t, batchOps[1].call(e, twenty), &tm)
		var nd *types.BatchEntryIdsNotDistinct
		require.ErrorAs(t, batchOps[2].call(e, []string{"a", "a"}), &nd)
		var ibe *types.InvalidBatchEntryId
		require.ErrorAs(t, batchOps[0].call(e, []string{"a:b"}), &ibe)
	})
}

func TestSendMessageBatch(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("one"), MessageAttributes: map[string]types.MessageAttributeValue{"k": strAttr("x")}},
		{Id: aws.String("2"), MessageBody: aws.String("two"), DelaySeconds: 10},
		{Id: aws.String("3"), MessageBody: aws.String("bad\x01")},
		{Id: aws.String("4"), MessageBody: aws.String("four"), MessageAttributes: map[string]types.MessageAttributeValue{"n": numAttr("NaN-ish")}},
	}})
	require.NoError(t, err)
	require.Len(t, out.Successful, 2)
	assert.Equal(t, "1", aws.ToString(out.Successful[0].Id))
	assert.Equal(t, md5Hex("one"), aws.ToString(out.Successful[0].MD5OfMessageBody))
	assert.Equal(t, "a45daa70926828a2f0a1db3418e6feb4", aws.ToString(out.Successful[0].MD5OfMessageAttributes))
	assert.NotEmpty(t, aws.ToString(out.Successful[0].MessageId))
	assert.Equal(t, "2", aws.ToString(out.Successful[1].Id))
	assert.Nil(t, out.Successful[1].MD5OfMessageAttributes)

	require.Len(t, out.Failed, 2)
	failed := map[string]types.BatchResultErrorEntry{}
	for _, f := range out.Failed {
		failed[aws.ToString(f.Id)] = f
		assert.True(t, f.SenderFault)
		assert.NotEmpty(t, aws.ToString(f.Message))
	}
	// test_batch_send_with_invalid_char_should_succeed: the bad entry fails alone.
	assert.Equal(t, "InvalidMessageContents", aws.ToString(failed["3"].Code))
	assert.Equal(t, "InvalidParameterValue", aws.ToString(failed["4"].Code))

	assert.Equal(t, []string{"one"}, bodies(e.recv(e.queue, nil)))
	e.clk.Advance(10 * time.Second)
	assert.Equal(t, []string{"two"}, bodies(e.recv(e.queue, nil)), "per-entry DelaySeconds")
}

func TestSendMessageBatchSizeLimits(t *testing.T) {
	t.Parallel()
	t.Run("entry above MaximumMessageSize", func(t *testing.T) {
		t.Parallel()
		// Recorded: test_send_batch_message_size.
		e := newEnvQueue(t, "q", map[string]string{"MaximumMessageSize": "1024"})
		out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("ok"), MessageBody: aws.String(strings.Repeat("a", 1024))},
			{Id: aws.String("big"), MessageBody: aws.String(strings.Repeat("a", 1025))},
		}})
		require.NoError(t, err)
		require.Len(t, out.Successful, 1)
		assert.Equal(t, "ok", aws.ToString(out.Successful[0].Id))
		assert.Equal(t, "c9a34cfc85d982698c6ac89f76071abd", aws.ToString(out.Successful[0].MD5OfMessageBody))
		require.Len(t, out.Failed, 1)
		assert.Equal(t, types.BatchResultErrorEntry{Id: aws.String("big"), Code: aws.String("InvalidParameterValue"), SenderFault: true,
			Message: aws.String("One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.")}, out.Failed[0])
	})
	t.Run("attributes count against an updated limit", func(t *testing.T) {
		t.Parallel()
		// Recorded: test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size.
		e := newEnvQueue(t, "q", nil)
		require.NoError(t, e.setAttrs(e.queue, map[string]string{"MaximumMessageSize": "2048"}))
		body := strings.Repeat("a", 2048-len("k")-len("String")-len("x"))
		out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("1"), MessageBody: aws.String(body), MessageAttributes: map[string]types.MessageAttributeValue{"k": strAttr("x")}},
			{Id: aws.String("2"), MessageBody: aws.String("a")},
		}})
		require.NoError(t, err)
		require.Len(t, out.Successful, 2)
		assert.Empty(t, out.Failed)
		assert.Equal(t, "f44facf5a7ee0af446ecf3e0f854441e", aws.ToString(out.Successful[0].MD5OfMessageBody))
		assert.Equal(t, "a45daa70926828a2f0a1db3418e6feb4", aws.ToString(out.Successful[0].MD5OfMessageAttributes))
		assert.Equal(t, "0cc175b9c0f1b6a831c399e269772661", aws.ToString(out.Successful[1].MD5OfMessageBody))
	})
	t.Run("whole batch above 1 MiB", func(t *testing.T) {
		t.Parallel()
		// Recorded: test_send_message_batch_with_oversized_contents.
		e := newEnvQueue(t, "q", nil)
		_, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("1"), MessageBody: aws.String(strings.Repeat("a", 524288))},
			{Id: aws.String("2"), MessageBody: aws.String(strings.Repeat("a", 524289))},
		}})
		requireAPIError(t, err, "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.")
		var brt *types.BatchRequestTooLong
		require.ErrorAs(t, err, &brt)
		assert.Empty(t, e.mock.Messages(e.queue))
	})
}

func TestSendMessageBatchFifo(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("a"), MessageGroupId: aws.String("g")},
		{Id: aws.String("2"), MessageBody: aws.String("b"), MessageGroupId: aws.String("g")},
		{Id: aws.String("3"), MessageBody: aws.String("a"), MessageGroupId: aws.String("g")}, // duplicate of 1
	}})
	require.NoError(t, err)
	require.Len(t, out.Successful, 3)
	assert.Less(t, aws.ToString(out.Successful[0].SequenceNumber), aws.ToString(out.Successful[1].SequenceNumber))
	assert.Equal(t, aws.ToString(out.Successful[0].MessageId), aws.ToString(out.Successful[2].MessageId))
	assert.Empty(t, out.Failed)
	assert.Equal(t, []string{"a", "b"}, bodies(e.recv(e.queue, nil)))
}

func TestDeleteMessageBatch(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for i := 0; i < 3; i++ {
		e.send(e.queue, "m"+strconv.Itoa(i))
	}
	msgs := e.recv(e.queue, nil)
	require.Len(t, msgs, 3)
	out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle},
		{Id: aws.String("b"), ReceiptHandle: aws.String("garbage")},
		{Id: aws.String("c"), ReceiptHandle: msgs[2].ReceiptHandle},
	}})
	require.NoError(t, err)
	assert.Equal(t, []types.DeleteMessageBatchResultEntry{{Id: aws.String("a")}, {Id: aws.String("c")}}, out.Successful)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, types.BatchResultErrorEntry{Id: aws.String("b"), Code: aws.String("ReceiptHandleIsInvalid"), SenderFault: true,
		Message: aws.String(`The input receipt handle "garbage" is not a valid receipt handle.`)}, out.Failed[0])
	left := e.mock.Messages(e.queue)
	require.Len(t, left, 1)
	assert.Equal(t, "m1", left[0].Body)
}

func TestChangeMessageVisibilityBatch(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "a")
	e.send(e.queue, "b")
	msgs := e.recv(e.queue, nil)
	require.Len(t, msgs, 2)
	out, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("zero"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0},
		{Id: aws.String("long"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 600},
		{Id: aws.String("bad"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 10},
		{Id: aws.String("range"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 43201},
	}})
	require.NoError(t, err)
	assert.Equal(t, []types.ChangeMessageVisibilityBatchResultEntry{{Id: aws.String("zero")}, {Id: aws.String("long")}}, out.Successful)
	require.Len(t, out.Failed, 2)
	assert.Equal(t, "ReceiptHandleIsInvalid", aws.ToString(out.Failed[0].Code))
	assert.Equal(t, "InvalidParameterValue", aws.ToString(out.Failed[1].Code))
	for _, f := range out.Failed {
		assert.True(t, f.SenderFault)
	}
	again := e.recv(e.queue, nil)
	require.Equal(t, []string{"a"}, bodies(again))
	require.NoError(t, e.del(e.queue, aws.ToString(again[0].ReceiptHandle)))
	e.clk.Advance(599 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(time.Second)
	assert.Equal(t, []string{"b"}, bodies(e.recv(e.queue, nil)))
}
