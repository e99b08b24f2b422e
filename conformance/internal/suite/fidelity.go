package suite

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Behaviours pinned down by answers recorded against AWS that the other files did not cover:
// boolean attribute spelling, a DeduplicationScope changed on an existing queue, and batch entries
// of receipt handles that no longer apply.

func fidelityTests() (tests []Test) {
	tests = append(tests,
		// LocalStack's AWS-validated tests create FIFO queues with "True" and "False"; the snapshot
		// holds AWS's GetQueueAttributes answer, "true" and "false".
		Test{ID: "SQS-ATTR-050", Title: "Boolean attributes (FifoQueue, ContentBasedDeduplication, SqsManagedSseEnabled) are taken in any case and reported as true or false",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				q := c.FIFOQueue("bools", map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "False", "SqsManagedSseEnabled": "TRUE"})
				c.AssertQueueAttributes(q, map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false", "SqsManagedSseEnabled": "true"})
				c.OK(c.setAttrs(q, map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "True"}), "SetQueueAttributes with True")
				c.AssertQueueAttributes(q, map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
			}},
		// Recorded: right after the switch AWS reports the new scope but deduplicates as before,
		// both ids sent before the switch and ids sent after it.
		Test{ID: "SQS-FIFO-050", Title: "Right after DeduplicationScope changes from queue to messageGroup, the same MessageDeduplicationId in another group is still a duplicate",
			Doc: apiDoc("SetQueueAttributes"), Run: func(c *C) {
				q := c.FIFOQueue("togroup", map[string]string{"ContentBasedDeduplication": "false", "DeduplicationScope": "queue"})
				c.Send(q, "Test1", group("group1"), dedup("same-dedup"))
				c.Delete(q, c.one(q, 5*time.Second))
				c.Send(q, "Test2", group("group2"), dedup("same-dedup"))
				c.none(q, "a duplicate in queue scope")

				c.SetAttributes(q, map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
				c.AssertQueueAttributes(q, map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
				c.none(q, "old duplicates are not delivered")
				c.Send(q, "Test3", group("group3"), dedup("same-dedup"))
				c.none(q, "an id sent before the change is still a duplicate in another group")
				c.Send(q, "Test4", group("group4"), dedup("dedup_2"))
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "Test4", aws.ToString(m.Body))
				c.Delete(q, m)
				c.Send(q, "Test5", group("group5"), dedup("dedup_2"))
				c.none(q, "an id sent after the change is a duplicate in another group too")
			}},
		Test{ID: "SQS-FIFO-051", Title: "Right after DeduplicationScope changes from messageGroup to queue, the same MessageDeduplicationId in another group is still delivered",
			Doc: apiDoc("SetQueueAttributes"), Run: func(c *C) {
				q := c.FIFOQueue("toqueue", map[string]string{"ContentBasedDeduplication": "false",
					"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
				for _, m := range []struct{ body, group string }{{"Test1", "group1"}, {"Test2", "group2"}} {
					c.Send(q, m.body, group(m.group), dedup("same-dedup"))
					got := c.one(q, 5*time.Second)
					assert.Equal(c, m.body, aws.ToString(got.Body), "no duplicate in messageGroup scope")
					c.Delete(q, got)
				}
				c.SetAttributes(q, map[string]string{"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"})
				c.AssertQueueAttributes(q, map[string]string{"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"})
				c.Send(q, "Test3", group("group3"), dedup("same-dedup"))
				got := c.one(q, 5*time.Second)
				assert.Equal(c, "Test3", aws.ToString(got.Body), "right after the change the old scope applies")
			}},
		// Recorded on AWS (us-east-2, 2026-03) by Go CDK's pubsub conformance test TestDoubleAck
		// (github.com/google/go-cloud, pubsub/awssnssqs/testdata/TestConformanceSQSTopic/TestDoubleAck.replay).
		Test{ID: "SQS-BATCH-050", Title: "ChangeMessageVisibilityBatch fails the entries of deleted messages with ReceiptHandleIsInvalid (sender fault); deleting them again in a batch succeeds",
			Doc: apiDoc("ChangeMessageVisibilityBatch"), Run: func(c *C) {
				q := c.Queue("doubleack", nil)
				for _, b := range []string{"0", "1", "2"} {
					c.Send(q, b)
				}
				msgs := c.RequireN(q, 3, 10*time.Second)
				for range 2 {
					out, err := c.deleteBatch(q, []types.DeleteMessageBatchRequestEntry{
						{Id: aws.String("0"), ReceiptHandle: msgs[0].ReceiptHandle},
						{Id: aws.String("1"), ReceiptHandle: msgs[1].ReceiptHandle},
					})
					c.OK(err, "DeleteMessageBatch")
					assert.Len(c, out.Successful, 2, "both entries succeed, also the second time")
					assert.Empty(c, out.Failed)
				}
				out, err := c.cmvBatch(q, []types.ChangeMessageVisibilityBatchRequestEntry{
					{Id: aws.String("0"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 1},
					{Id: aws.String("1"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 1},
					{Id: aws.String("2"), ReceiptHandle: msgs[2].ReceiptHandle, VisibilityTimeout: 1},
				})
				c.OK(err, "ChangeMessageVisibilityBatch")
				require.Len(c, out.Successful, 1)
				assert.Equal(c, "2", aws.ToString(out.Successful[0].Id))
				require.Len(c, out.Failed, 2)
				for i, f := range out.Failed {
					assert.Equal(c, []string{"0", "1"}[i], aws.ToString(f.Id))
					assert.Equal(c, "ReceiptHandleIsInvalid", aws.ToString(f.Code))
					assert.Equal(c, "Message does not exist or is not available for visibility timeout change", aws.ToString(f.Message))
					assert.True(c, f.SenderFault, "SenderFault")
				}
			}},
	)
	return
}
