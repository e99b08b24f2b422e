package suite

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failOn is a consumer handler that fails on the given bodies and succeeds on the others.
func failOn(bad ...string) func(context.Context, types.Message) error {
	return func(_ context.Context, m types.Message) error {
		for _, b := range bad {
			if aws.ToString(m.Body) == b {
				return errors.New("poison")
			}
		}
		return nil
	}
}

func sendEntries(n int) []types.SendMessageBatchRequestEntry {
	out := make([]types.SendMessageBatchRequestEntry, n)
	for i := range out {
		out[i] = types.SendMessageBatchRequestEntry{Id: aws.String("e" + strconv.Itoa(i)), MessageBody: aws.String("b" + strconv.Itoa(i))}
	}
	return out
}

func (c *C) sendBatch(url string, entries []types.SendMessageBatchRequestEntry) (*sqs.SendMessageBatchOutput, error) {
	return c.Client().SendMessageBatch(c.Ctx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
}

func (c *C) deleteBatch(url string, entries []types.DeleteMessageBatchRequestEntry) (*sqs.DeleteMessageBatchOutput, error) {
	return c.Client().DeleteMessageBatch(c.Ctx(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
}

func (c *C) cmvBatch(url string, entries []types.ChangeMessageVisibilityBatchRequestEntry) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	return c.Client().ChangeMessageVisibilityBatch(c.Ctx(), &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: entries})
}

const (
	invalidBatchID = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
	tooMany20      = "Maximum number of entries per request are 10. You have sent 20."
)

func batchTests() (tests []Test) {
	sendBatchDoc := apiDoc("SendMessageBatch")
	sendBatchErr := apiDocAt("SendMessageBatch", "API_SendMessageBatch_Errors")
	delBatchErr := apiDocAt("DeleteMessageBatch", "API_DeleteMessageBatch_Errors")
	cmvBatchErr := apiDocAt("ChangeMessageVisibilityBatch", "API_ChangeMessageVisibilityBatch_Errors")

	// Request-level errors shared by the three batch operations.
	type batchOp struct {
		name string
		doc  string
		call func(c *C, q string, ids []string) error
	}
	ops := []batchOp{
		{"SendMessageBatch", sendBatchErr, func(c *C, q string, ids []string) error {
			e := make([]types.SendMessageBatchRequestEntry, len(ids))
			for i, id := range ids {
				e[i] = types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String("b")}
			}
			_, err := c.sendBatch(q, e)
			return err
		}},
		{"DeleteMessageBatch", delBatchErr, func(c *C, q string, ids []string) error {
			e := make([]types.DeleteMessageBatchRequestEntry, len(ids))
			for i, id := range ids {
				e[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(id), ReceiptHandle: aws.String("handle")}
			}
			_, err := c.deleteBatch(q, e)
			return err
		}},
		{"ChangeMessageVisibilityBatch", cmvBatchErr, func(c *C, q string, ids []string) error {
			e := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(ids))
			for i, id := range ids {
				e[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(id), ReceiptHandle: aws.String("handle")}
			}
			_, err := c.cmvBatch(q, e)
			return err
		}},
	}
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "id" + strconv.Itoa(i)
		}
		return out
	}
	cases := []struct {
		what, code, msg string
		ids             []string
		typed           func(c *C, err error)
	}{
		{"with 20 entries fails with TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", tooMany20, ids(20),
			func(c *C, err error) { errAs[*types.TooManyEntriesInBatchRequest](c, err) }},
		{"with no entries fails with EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "", []string{},
			func(c *C, err error) { errAs[*types.EmptyBatchRequest](c, err) }},
		{"with two entries of the same id fails with BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "", []string{"same", "same"},
			func(c *C, err error) { errAs[*types.BatchEntryIdsNotDistinct](c, err) }},
		{"with an id containing ':' fails with InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", invalidBatchID, []string{"invalid:id"},
			func(c *C, err error) { errAs[*types.InvalidBatchEntryId](c, err) }},
		{"with an id of 81 characters fails with InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", invalidBatchID, []string{strings.Repeat("a", 81)}, nil},
	}
	n := 20
	for _, op := range ops {
		for _, tc := range cases {
			tests = append(tests, Test{ID: fmt.Sprintf("SQS-BATCH-%03d", n), Title: op.name + " " + tc.what, Doc: op.doc, Run: func(c *C) {
				q := c.Queue("batch", nil)
				err := op.call(c, q, tc.ids)
				c.Err(err, tc.code, 400, tc.msg)
				if tc.typed != nil {
					tc.typed(c, err)
				}
			}})
			n++
		}
	}

	tests = append(tests,
		Test{ID: "SQS-BATCH-001", Title: "SendMessageBatch of 10 entries succeeds for each, with MessageId and MD5OfMessageBody",
			Doc: sendBatchDoc, Run: func(c *C) {
				q := c.Queue("batch", nil)
				out, err := c.sendBatch(q, sendEntries(10))
				c.OK(err, "SendMessageBatch")
				require.Len(c, out.Successful, 10)
				assert.Empty(c, out.Failed)
				for _, s := range out.Successful {
					i, _ := strconv.Atoi(strings.TrimPrefix(aws.ToString(s.Id), "e"))
					assert.Equal(c, md5Hex("b"+strconv.Itoa(i)), aws.ToString(s.MD5OfMessageBody))
					assert.NotEmpty(c, aws.ToString(s.MessageId))
				}
				assert.Len(c, c.Receive(q, 10, 5*time.Second), 10)
			}},
		Test{ID: "SQS-BATCH-002", Title: "SendMessageBatch whose entries total more than 1 MiB fails with BatchRequestTooLong",
			Doc: sendBatchErr, Run: func(c *C) {
				q := c.Queue("batch", nil)
				attrs := map[string]types.MessageAttributeValue{"k": str("x")}
				_, err := c.sendBatch(q, []types.SendMessageBatchRequestEntry{
					{Id: aws.String("1"), MessageBody: aws.String(strings.Repeat("a", 1048576-8)), MessageAttributes: attrs},
					{Id: aws.String("2"), MessageBody: aws.String("a")},
				})
				c.Err(err, "AWS.SimpleQueueService.BatchRequestTooLong", 400, "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.")
				errAs[*types.BatchRequestTooLong](c, err)
			}},
		Test{ID: "SQS-BATCH-003", Title: "An entry over the queue's MaximumMessageSize fails alone, as a sender fault, while the others succeed",
			Doc: sendBatchDoc, Run: func(c *C) {
				q := c.Queue("batch", map[string]string{"MaximumMessageSize": "1024"})
				out, err := c.sendBatch(q, []types.SendMessageBatchRequestEntry{
					{Id: aws.String("ok"), MessageBody: aws.String(strings.Repeat("a", 1024))},
					{Id: aws.String("big"), MessageBody: aws.String(strings.Repeat("a", 1025))},
				})
				c.OK(err, "SendMessageBatch")
				require.Len(c, out.Successful, 1)
				assert.Equal(c, "ok", aws.ToString(out.Successful[0].Id))
				require.Len(c, out.Failed, 1)
				f := out.Failed[0]
				assert.Equal(c, "big", aws.ToString(f.Id))
				assert.Equal(c, "InvalidParameterValue", aws.ToString(f.Code))
				assert.Equal(c, "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.", aws.ToString(f.Message))
				assert.True(c, f.SenderFault)
			}},
		Test{ID: "SQS-BATCH-004", Title: "Entries of exactly the queue's MaximumMessageSize (attributes included) are accepted in a batch",
			Doc: sendBatchDoc, Run: func(c *C) {
				q := c.Queue("batch", map[string]string{"MaximumMessageSize": "2048"})
				out, err := c.sendBatch(q, []types.SendMessageBatchRequestEntry{
					{Id: aws.String("1"), MessageBody: aws.String(strings.Repeat("a", 2048-8)), MessageAttributes: map[string]types.MessageAttributeValue{"k": str("x")}},
					{Id: aws.String("2"), MessageBody: aws.String("a")},
				})
				c.OK(err, "SendMessageBatch")
				assert.Len(c, out.Successful, 2)
				assert.Empty(c, out.Failed)
				for _, s := range out.Successful {
					if aws.ToString(s.Id) == "1" {
						assert.Equal(c, "a45daa70926828a2f0a1db3418e6feb4", aws.ToString(s.MD5OfMessageAttributes))
					}
				}
			}},
		Test{ID: "SQS-BATCH-005", Title: "DeleteMessageBatch deletes every entry and reports each as successful",
			Doc: apiDoc("DeleteMessageBatch"), Run: func(c *C) {
				q := c.Queue("batch", map[string]string{"VisibilityTimeout": "1"})
				c.SendN(q, 3)
				msgs := c.RequireN(q, 3, 5*time.Second)
				var e []types.DeleteMessageBatchRequestEntry
				for i, m := range msgs {
					e = append(e, types.DeleteMessageBatchRequestEntry{Id: aws.String("d" + strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
				}
				out, err := c.deleteBatch(q, e)
				c.OK(err, "DeleteMessageBatch")
				assert.Len(c, out.Successful, 3)
				assert.Empty(c, out.Failed)
				c.Advance(1500 * time.Millisecond)
				c.none(q, "all deleted")
			}},
		Test{ID: "SQS-BATCH-006", Title: "DeleteMessageBatch reports a malformed receipt handle as a failed entry (ReceiptHandleIsInvalid, sender fault)",
			Doc: apiDoc("DeleteMessageBatch"), Run: func(c *C) {
				q := c.Queue("batch", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				out, err := c.deleteBatch(q, []types.DeleteMessageBatchRequestEntry{
					{Id: aws.String("ok"), ReceiptHandle: m.ReceiptHandle},
					{Id: aws.String("bad"), ReceiptHandle: aws.String("INVALID")},
				})
				c.OK(err, "DeleteMessageBatch")
				require.Len(c, out.Successful, 1)
				require.Len(c, out.Failed, 1)
				assert.Equal(c, "bad", aws.ToString(out.Failed[0].Id))
				assert.Equal(c, "ReceiptHandleIsInvalid", aws.ToString(out.Failed[0].Code))
				assert.True(c, out.Failed[0].SenderFault)
			}},
		Test{ID: "SQS-BATCH-007", Title: "SendMessageBatch with an entry of invalid characters fails that entry only",
			Doc: sendBatchDoc, Run: func(c *C) {
				q := c.Queue("batch", nil)
				out, err := c.sendBatch(q, []types.SendMessageBatchRequestEntry{
					{Id: aws.String("ok"), MessageBody: aws.String("fine")},
					{Id: aws.String("bad"), MessageBody: aws.String("bad\u0001")},
				})
				c.OK(err, "SendMessageBatch")
				require.Len(c, out.Successful, 1)
				require.Len(c, out.Failed, 1)
				assert.Equal(c, "bad", aws.ToString(out.Failed[0].Id))
				assert.Equal(c, "InvalidMessageContents", aws.ToString(out.Failed[0].Code))
				assert.True(c, out.Failed[0].SenderFault)
			}},
		Test{ID: "SQS-BATCH-008", Title: "SendMessageBatch to a missing queue fails with NonExistentQueue",
			Doc: sendBatchErr, Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.sendBatch(c.MissingURL(q), sendEntries(1))
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-BATCH-009", Title: "Batch entry ids may use letters, digits, hyphens and underscores up to 80 characters",
			Doc: sendBatchDoc, Run: func(c *C) {
				q := c.Queue("batch", nil)
				out, err := c.sendBatch(q, []types.SendMessageBatchRequestEntry{
					{Id: aws.String("A-b_9"), MessageBody: aws.String("x")},
					{Id: aws.String(strings.Repeat("z", 80)), MessageBody: aws.String("y")},
				})
				c.OK(err, "SendMessageBatch")
				assert.Len(c, out.Successful, 2)
			}},
	)
	return
}
