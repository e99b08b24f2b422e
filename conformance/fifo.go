package conformance

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	fifoDoc   = guideDoc("FIFO-queues-understanding-logic.html")
	dedupDoc  = guideDoc("FIFO-queues-exactly-once-processing.html")
	groupDoc  = guideDoc("FIFO-key-terms.html")
	htDoc     = guideDoc("high-throughput-fifo.html")
	attemptID = apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-ReceiveRequestAttemptId")
)

func group(g string) func(*sqs.SendMessageInput) {
	return func(in *sqs.SendMessageInput) { in.MessageGroupId = aws.String(g) }
}

func dedup(d string) func(*sqs.SendMessageInput) {
	return func(in *sqs.SendMessageInput) { in.MessageDeduplicationId = aws.String(d) }
}

func fifoTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-FIFO-001", Title: "Messages of one group are received in the order they were sent",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("order", nil)
				sent := c.SendN(q, 20)
				var got []types.Message
				for len(got) < 20 {
					msgs := c.ReceiveN(q, 1, 5*time.Second)
					require.NotEmpty(c, msgs, "received %d of 20", len(got))
					got = append(got, msgs...)
					c.Delete(q, msgs...)
				}
				c.AssertBodiesInOrder(got, sent...)
			}},
		Test{ID: "SQS-FIFO-002", Title: "SendMessage to a FIFO queue without MessageGroupId fails with MissingParameter",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-MessageGroupId"), Run: func(c *C) {
				q := c.FIFOQueue("nogroup", nil)
				_, err := c.send(q, "x", dedup("d1"))
				c.Err(err, "MissingParameter", 400, "The request must contain the parameter MessageGroupId.")
			}},
		Test{ID: "SQS-FIFO-003", Title: "Without ContentBasedDeduplication a send without MessageDeduplicationId fails with InvalidParameterValue",
			Doc: dedupDoc, Run: func(c *C) {
				q := c.FIFOQueue("nodedup", nil)
				_, err := c.send(q, "x", group("g"))
				c.Err(err, "InvalidParameterValue", 400, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}},
		Test{ID: "SQS-FIFO-004", Title: "A second send with the same MessageDeduplicationId succeeds but is not delivered",
			Doc: dedupDoc, Run: func(c *C) {
				q := c.FIFOQueue("dedup", nil)
				a, err := c.send(q, "first", group("g"), dedup("same"))
				c.OK(err, "first send")
				b, err := c.send(q, "second", group("g"), dedup("same"))
				c.OK(err, "duplicate send")
				assert.Equal(c, aws.ToString(a.MessageId), aws.ToString(b.MessageId), "the duplicate gets the original's MessageId")
				got := c.ReceiveN(q, 2, 3*time.Second)
				assert.Equal(c, []string{"first"}, bodies(got))
			}},
		Test{ID: "SQS-FIFO-005", Title: "With ContentBasedDeduplication equal bodies are deduplicated",
			Doc: dedupDoc, Run: func(c *C) {
				q := c.FIFOQueue("cbd", map[string]string{"ContentBasedDeduplication": "true"})
				for range 2 {
					_, err := c.send(q, `{"foo": "bar"}`, group("g"))
					c.OK(err, "send")
				}
				_, err := c.send(q, "other", group("g"))
				c.OK(err, "send")
				got := c.ReceiveN(q, 3, 3*time.Second)
				assert.Equal(c, []string{`{"foo": "bar"}`, "other"}, bodies(got))
			}},
		Test{ID: "SQS-FIFO-006", Title: "Deduplication still applies after the first message was deleted",
			Doc: dedupDoc, Run: func(c *C) {
				q := c.FIFOQueue("afterdel", nil)
				_, err := c.send(q, "x", group("g"), dedup("d"))
				c.OK(err, "send")
				m := c.one(q, 5*time.Second)
				c.OK(c.del(q, m.ReceiptHandle), "delete")
				_, err = c.send(q, "x", group("g"), dedup("d"))
				c.OK(err, "send again")
				c.none(q, "deduplicated after delete")
			}},
		Test{ID: "SQS-FIFO-007", Title: "With DeduplicationScope=queue the same MessageDeduplicationId in another group is a duplicate",
			Doc: htDoc, Run: func(c *C) {
				q := c.FIFOQueue("scopeq", nil)
				_, err := c.send(q, "a", group("g1"), dedup("d"))
				c.OK(err, "send")
				_, err = c.send(q, "b", group("g2"), dedup("d"))
				c.OK(err, "send")
				got := c.ReceiveN(q, 2, 3*time.Second)
				assert.Equal(c, []string{"a"}, bodies(got))
			}},
		Test{ID: "SQS-FIFO-008", Title: "With DeduplicationScope=messageGroup the same MessageDeduplicationId in another group is delivered",
			Doc: htDoc, Run: func(c *C) {
				q := c.FIFOQueue("scopeg", map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
				_, err := c.send(q, "a", group("g1"), dedup("d"))
				c.OK(err, "send")
				_, err = c.send(q, "b", group("g2"), dedup("d"))
				c.OK(err, "send")
				got := c.ReceiveN(q, 2, 5*time.Second)
				assert.ElementsMatch(c, []string{"a", "b"}, bodies(got))
			}},
		Test{ID: "SQS-FIFO-009", Title: "While a message of a group is in flight no later message of that group is delivered; other groups are",
			Doc: groupDoc, Run: func(c *C) {
				q := c.FIFOQueue("lock", map[string]string{"VisibilityTimeout": "30"})
				c.SendBodies(q, []string{"a1", "a2", "b1"}, func(i int, e *types.SendMessageBatchRequestEntry) {
					e.MessageGroupId = aws.String([]string{"a", "a", "b"}[i])
				})
				first := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
				require.Equal(c, "a", first.Attributes["MessageGroupId"], "first message comes from group a")
				rest := c.ReceiveN(q, 1, 3*time.Second)
				assert.Equal(c, []string{"b1"}, bodies(rest), "group a is locked by a1 in flight")
				c.Delete(q, first)
				next := c.ReceiveN(q, 1, 3*time.Second)
				assert.Equal(c, []string{"a2"}, bodies(next), "a2 after a1 was deleted")
			}},
		Test{ID: "SQS-FIFO-010", Title: "SendMessage to a FIFO queue returns a SequenceNumber that grows with each send",
			Doc: apiDocAt("SendMessage", "API_SendMessage_ResponseElements"), Run: func(c *C) {
				// Eight sends: numbers that merely happen to grow pass two sends half the time.
				q := c.FIFOQueue("seq", nil)
				prev := ""
				for i := range 8 {
					out := c.Send(q, "m"+strconv.Itoa(i))
					require.NotNil(c, out.SequenceNumber, "SequenceNumber")
					seq := aws.ToString(out.SequenceNumber)
					assert.Len(c, seq, 20, "a 20-digit number")
					assert.Less(c, prev, seq, "send %d", i)
					prev = seq
				}
			}},
		Test{ID: "SQS-FIFO-011", Title: "A FIFO message is received with MessageGroupId, MessageDeduplicationId and SequenceNumber attributes",
			Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageSystemAttributeNames"), Run: func(c *C) {
				q := c.FIFOQueue("sysattrs", nil)
				out := c.Send(q, "x", group("grp"), dedup("ddd"))
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "grp", m.Attributes["MessageGroupId"])
				assert.Equal(c, "ddd", m.Attributes["MessageDeduplicationId"])
				assert.Equal(c, aws.ToString(out.SequenceNumber), m.Attributes["SequenceNumber"])
			}},
		Test{ID: "SQS-FIFO-012", Title: "A receive retried with the same ReceiveRequestAttemptId returns the same messages",
			Doc: attemptID, Run: func(c *C) {
				q := c.FIFOQueue("attempt", map[string]string{"VisibilityTimeout": "30"})
				c.SendN(q, 3)
				id := func(in *sqs.ReceiveMessageInput) {
					in.ReceiveRequestAttemptId = aws.String("attempt-1")
					in.MaxNumberOfMessages = 2
				}
				first, err := c.recv(q, id)
				c.OK(err, "receive")
				require.NotEmpty(c, first.Messages)
				again, err := c.recv(q, id)
				c.OK(err, "retried receive")
				var a, b []string
				for _, m := range first.Messages {
					a = append(a, aws.ToString(m.MessageId))
				}
				for _, m := range again.Messages {
					b = append(b, aws.ToString(m.MessageId))
				}
				assert.Equal(c, a, b, "the retried receive returns the same messages")
			}},
		Test{ID: "SQS-FIFO-030", Title: "A receive retried with the same ReceiveRequestAttemptId after ChangeMessageVisibility does not return the same receipt handle",
			Doc: attemptID, Run: func(c *C) {
				q := c.FIFOQueue("attempt", map[string]string{"VisibilityTimeout": "60"})
				c.SendN(q, 2)
				id := func(in *sqs.ReceiveMessageInput) {
					in.ReceiveRequestAttemptId = aws.String("attempt-1")
					in.MaxNumberOfMessages = 1
				}
				first, err := c.recv(q, id)
				c.OK(err, "receive")
				require.Len(c, first.Messages, 1)
				c.OK(c.cmv(q, first.Messages[0].ReceiptHandle, 120), "ChangeMessageVisibility")
				again, err := c.recv(q, id)
				c.OK(err, "retried receive")
				for _, m := range again.Messages {
					assert.NotEqual(c, aws.ToString(first.Messages[0].ReceiptHandle), aws.ToString(m.ReceiptHandle),
						"a message whose visibility changed is not replayed by its receive attempt")
				}
			}},
		Test{ID: "SQS-FIFO-013", Title: "A per-message DelaySeconds on a FIFO queue fails with InvalidParameterValue",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-DelaySeconds"), Run: func(c *C) {
				q := c.FIFOQueue("delay", nil)
				_, err := c.send(q, "x", group("g"), dedup("d"), func(in *sqs.SendMessageInput) { in.DelaySeconds = 2 })
				c.Err(err, "InvalidParameterValue", 400, "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
			}},
		Test{ID: "SQS-FIFO-014", Title: "The queue's DelaySeconds delays FIFO messages",
			Doc: delayDoc, Run: func(c *C) {
				q := c.FIFOQueue("qdelay", map[string]string{"DelaySeconds": strconv.Itoa(testDelaySeconds)})
				delayedThenDelivered(c, q)
			}},
		Test{ID: "SQS-FIFO-015", Title: "ContentBasedDeduplication can be enabled on an existing FIFO queue",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.FIFOQueue("cbd", nil)
				c.SetAttributes(q, map[string]string{"ContentBasedDeduplication": "true"})
				assert.Equal(c, "true", c.Attribute(q, "ContentBasedDeduplication"))
				_, err := c.send(q, "x", group("g"))
				c.OK(err, "send without MessageDeduplicationId")
			}},
		Test{ID: "SQS-FIFO-016", Title: "One receive returns several messages of a group in order",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("batch", nil)
				sent := c.SendN(q, 5)
				got := c.ReceiveN(q, 5, 5*time.Second)
				c.AssertBodiesInOrder(got, sent...)
			}},
		Test{ID: "SQS-FIFO-017", Title: "A message whose visibility timeout passed is delivered again before later messages of its group",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("retry", map[string]string{"VisibilityTimeout": "1"})
				c.SendN(q, 3)
				first := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
				require.Equal(c, "msg-0", aws.ToString(first.Body))
				c.Advance(1500 * time.Millisecond)
				again := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
				assert.Equal(c, "msg-0", aws.ToString(again.Body))
				assert.Equal(c, 2, attrInt(again, "ApproximateReceiveCount"))
			}},
		Test{ID: "SQS-FIFO-018", Title: "DeleteMessage with a receipt handle whose visibility timeout expired fails with InvalidParameterValue",
			Doc: apiDocAt("DeleteMessage", "API_DeleteMessage_Errors"), Run: func(c *C) {
				q := c.FIFOQueue("expired", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				c.one(q, 5*time.Second)
				err := c.del(q, m.ReceiptHandle)
				c.Err(err, "InvalidParameterValue", 400, "Value "+aws.ToString(m.ReceiptHandle)+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
			}},
		Test{ID: "SQS-FIFO-019", Title: "SendMessageBatch keeps the order of its entries within a group",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("border", nil)
				sent := c.SendN(q, 10)
				got := c.ReceiveN(q, 10, 5*time.Second)
				c.AssertBodiesInOrder(got, sent...)
			}},
		Test{ID: "SQS-FIFO-020", Title: "ApproximateNumberOfMessagesNotVisible counts in-flight FIFO messages",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("counts", nil)
				c.SendBodies(q, []string{"a", "b"}, func(i int, e *types.SendMessageBatchRequestEntry) {
					e.MessageGroupId = aws.String([]string{"g1", "g2"}[i])
				})
				c.RequireN(q, 2, 5*time.Second)
				c.WaitForCount(q, "ApproximateNumberOfMessagesNotVisible", 2, 5*time.Second)
				c.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
			}},
		Test{ID: "SQS-FIFO-021", Title: "SendMessageBatch to a FIFO queue with an entry lacking MessageGroupId fails with InvalidParameterValue",
			Doc: apiDoc("SendMessageBatch"), Run: func(c *C) {
				q := c.FIFOQueue("bnogroup", map[string]string{"ContentBasedDeduplication": "false"})
				_, err := c.Client().SendMessageBatch(c.Ctx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(q), Entries: []types.SendMessageBatchRequestEntry{
					{Id: aws.String("m1"), MessageBody: aws.String("messageBody"), MessageGroupId: aws.String("test-group"), MessageDeduplicationId: aws.String("d1")},
					{Id: aws.String("m2"), MessageBody: aws.String("messageBody"), MessageDeduplicationId: aws.String("d2")},
				}})
				c.Err(err, "InvalidParameterValue", 400, "The request must contain the parameter MessageGroupId.")
			}},
		Test{ID: "SQS-FIFO-022", Title: "SendMessageBatch to a FIFO queue with an entry lacking MessageDeduplicationId fails with InvalidParameterValue",
			Doc: apiDoc("SendMessageBatch"), Run: func(c *C) {
				q := c.FIFOQueue("bnodedup", nil)
				_, err := c.Client().SendMessageBatch(c.Ctx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(q), Entries: []types.SendMessageBatchRequestEntry{
					{Id: aws.String("m1"), MessageBody: aws.String("b"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1")},
					{Id: aws.String("m2"), MessageBody: aws.String("b"), MessageGroupId: aws.String("g")},
				}})
				c.Err(err, "InvalidParameterValue", 400, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}},
		Test{ID: "SQS-FIFO-023", Title: "FifoThroughputLimit=perMessageGroupId with DeduplicationScope=queue fails with InvalidAttributeValue",
			Doc: htDoc, Run: func(c *C) {
				q := c.FIFOQueue("ht", nil)
				c.Err(c.setAttrs(q, map[string]string{"FifoThroughputLimit": "perMessageGroupId"}), "InvalidAttributeValue", 400, "")
			}},
		Test{ID: "SQS-FIFO-024", Title: "Messages of different groups may interleave but each group keeps its order",
			Doc: groupDoc, Run: func(c *C) {
				q := c.FIFOQueue("groups", nil)
				sent := []string{"a0", "b0", "a1", "b1", "a2", "b2"}
				c.SendBodies(q, sent, func(i int, e *types.SendMessageBatchRequestEntry) {
					e.MessageGroupId = aws.String(sent[i][:1])
				})
				var got []types.Message
				for len(got) < len(sent) {
					msgs := c.ReceiveN(q, 1, 5*time.Second)
					require.NotEmpty(c, msgs, "received %v", bodies(got))
					got = append(got, msgs...)
					c.Delete(q, msgs...)
				}
				var a, b []string
				for _, x := range bodies(got) {
					if strings.HasPrefix(x, "a") {
						a = append(a, x)
					} else {
						b = append(b, x)
					}
				}
				assert.Equal(c, []string{"a0", "a1", "a2"}, a)
				assert.Equal(c, []string{"b0", "b1", "b2"}, b)
			}},
	)
	dedupIDs := []struct{ id, name, value string }{
		{"SQS-FIFO-025", "empty", ""},
		{"SQS-FIFO-026", "longer than 128 characters", strings.Repeat("a", 129)},
		{"SQS-FIFO-027", "with spaces", "group 123"},
	}
	for _, d := range dedupIDs {
		tests = append(tests, Test{ID: d.id, Title: "A MessageDeduplicationId " + d.name + " fails with InvalidParameterValue",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-MessageDeduplicationId"), Run: func(c *C) {
				q := c.FIFOQueue("dedupid", nil)
				_, err := c.send(q, "Hello World!", group("test"), dedup(d.value))
				c.Err(err, "InvalidParameterValue", 400, "Value "+d.value+" for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
			}})
	}
	fifoGroupIDs := []struct{ id, name, value string }{
		{"SQS-FIFO-028", "longer than 128 characters", strings.Repeat("a", 129)},
		{"SQS-FIFO-029", "with spaces", "group 123"},
	}
	for _, g := range fifoGroupIDs {
		tests = append(tests, Test{ID: g.id, Title: "A MessageGroupId " + g.name + " on a FIFO queue fails with InvalidParameterValue",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-MessageGroupId"), Run: func(c *C) {
				q := c.FIFOQueue("groupid", nil)
				_, err := c.send(q, "x", group(g.value), dedup("d"))
				c.Err(err, "InvalidParameterValue", 400, "Value "+g.value+" for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
			}})
	}
	return
}
