package suite

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
					msgs := c.Receive(q, 1, 5*time.Second)
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
				got := c.Receive(q, 2, 3*time.Second)
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
				got := c.Receive(q, 3, 3*time.Second)
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
				got := c.Receive(q, 2, 3*time.Second)
				assert.Equal(c, []string{"a"}, bodies(got))
			}},
		Test{ID: "SQS-FIFO-008", Title: "With DeduplicationScope=messageGroup the same MessageDeduplicationId in another group is delivered",
			Doc: htDoc, Run: func(c *C) {
				q := c.FIFOQueue("scopeg", map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
				_, err := c.send(q, "a", group("g1"), dedup("d"))
				c.OK(err, "send")
				_, err = c.send(q, "b", group("g2"), dedup("d"))
				c.OK(err, "send")
				got := c.Receive(q, 2, 5*time.Second)
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
				rest := c.Receive(q, 1, 3*time.Second)
				assert.Equal(c, []string{"b1"}, bodies(rest), "group a is locked by a1 in flight")
				c.Delete(q, first)
				next := c.Receive(q, 1, 3*time.Second)
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
				got := c.Receive(q, 5, 5*time.Second)
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
				got := c.Receive(q, 10, 5*time.Second)
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
					msgs := c.Receive(q, 1, 5*time.Second)
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
		Test{ID: "SQS-FIFO-031", Title: "DeleteMessage with a receipt handle whose visibility timeout expired fails with InvalidParameterValue also when nobody received the message again",
			Doc: apiDocAt("DeleteMessage", "API_DeleteMessage_Errors"), Run: func(c *C) {
				q := c.FIFOQueue("expired", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "foobar")
				m := c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				err := c.del(q, m.ReceiptHandle)
				c.Err(err, "InvalidParameterValue", 400, "Value "+aws.ToString(m.ReceiptHandle)+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
			}},
		Test{ID: "SQS-FIFO-032", Title: "A receipt handle whose visibility timeout ended stays expired after another receiver received and deleted the message",
			Doc: apiDocAt("DeleteMessage", "API_DeleteMessage_Errors"), Run: func(c *C) {
				q := c.FIFOQueue("expired", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				old := c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				again := c.one(q, 5*time.Second)
				c.Delete(q, again)
				err := c.del(q, old.ReceiptHandle)
				c.Err(err, "InvalidParameterValue", 400, "Value "+aws.ToString(old.ReceiptHandle)+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
			}},
		Test{ID: "SQS-FIFO-033", Title: "Concurrent receivers get only the first message of each group while it is in flight",
			Doc: attemptID, Run: func(c *C) {
				const groups, perGroup = 5, 3
				q := c.FIFOQueue("lockc", map[string]string{"VisibilityTimeout": "120"})
				c.SendBodies(q, groupedBodies(groups, perGroup), groupOfBody)
				got := receiveConcurrently(c, q, 8, 3)
				heads := map[string]string{}
				checkHeads := func(msgs []types.Message, when string) {
					for _, m := range msgs {
						body, g := aws.ToString(m.Body), groupOfMessage(m)
						assert.True(c, strings.HasSuffix(body, "-0"), "%s: %s was received while the head of group %s was in flight", when, body, g)
						if prev, ok := heads[g]; ok {
							assert.Failf(c, "a group was delivered twice", "%s: group %s gave %s and then %s", when, g, prev, body)
						}
						heads[g] = body
					}
				}
				checkHeads(got, "concurrent receives")
				// Collect the heads the concurrent short polls did not get, one at a time.
				for len(heads) < groups {
					more := c.Receive(q, 1, 10*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
					require.NotEmpty(c, more, "received the heads of %d of %d groups (%v); the queue counts %v", len(heads), groups, heads, c.Attributes(q))
					checkHeads(more, "later receives")
				}
				c.none(q, "every group is locked by its head in flight")
			}},
		Test{ID: "SQS-FIFO-034", Title: "Concurrent consumers never hold two messages of one group at once, and consume each group in order",
			Doc: guideDoc("using-messagegroupid-property.html"), Run: func(c *C) {
				const groups, perGroup = 4, 5
				q := c.FIFOQueue("lockd", map[string]string{"VisibilityTimeout": "120"})
				c.SendBodies(q, groupedBodies(groups, perGroup), groupOfBody)
				byGroup := consumeConcurrently(c, q, 6, groups*perGroup)
				require.Len(c, byGroup, groups, "groups consumed")
				for g, ds := range byGroup {
					var order []string
					for _, d := range ds {
						order = append(order, d.body)
					}
					want := make([]string, perGroup)
					for i := range want {
						want[i] = g + "-" + strconv.Itoa(i)
					}
					if !assert.Equal(c, want, order, "group %s consumed in order, once each", g) {
						continue
					}
					for i := 1; i < len(ds); i++ {
						assert.Greater(c, ds[i].received, ds[i-1].deleting,
							"%s was received before %s, in flight, was deleted", ds[i].body, ds[i-1].body)
					}
				}
			}},
		Test{ID: "SQS-FIFO-035", Title: "ChangeMessageVisibility to 0 releases the group: the same message is received again before the later ones",
			Doc: apiDoc("ChangeMessageVisibility"), Run: func(c *C) {
				q := c.FIFOQueue("release", map[string]string{"VisibilityTimeout": "120"})
				c.SendBodies(q, []string{"a1", "a2"}, func(_ int, e *types.SendMessageBatchRequestEntry) { e.MessageGroupId = aws.String("a") })
				one := func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 }
				first := c.one(q, 5*time.Second, one)
				require.Equal(c, "a1", aws.ToString(first.Body))
				c.none(q, "a2 waits behind a1 in flight")
				c.OK(c.cmv(q, first.ReceiptHandle, 0), "ChangeMessageVisibility to 0")
				again := c.one(q, 5*time.Second, one)
				assert.Equal(c, "a1", aws.ToString(again.Body), "a1 comes back before a2")
				assert.Equal(c, 2, attrInt(again, "ApproximateReceiveCount"))
				c.none(q, "a1 in flight again locks the group")
				c.Delete(q, again)
				next := c.one(q, 5*time.Second, one)
				assert.Equal(c, "a2", aws.ToString(next.Body))
			}},
		Test{ID: "SQS-FIFO-036", Title: "ChangeMessageVisibility to a longer timeout keeps the group locked after the queue's visibility timeout; other groups are delivered",
			Doc: apiDoc("ChangeMessageVisibility"), Run: func(c *C) {
				q := c.FIFOQueue("extend", map[string]string{"VisibilityTimeout": "3"})
				c.SendBodies(q, []string{"a1", "a2"}, func(_ int, e *types.SendMessageBatchRequestEntry) { e.MessageGroupId = aws.String("a") })
				first := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
				require.Equal(c, "a1", aws.ToString(first.Body))
				c.OK(c.cmv(q, first.ReceiptHandle, 120), "ChangeMessageVisibility to 120")
				c.Send(q, "b1", group("b"))
				c.Advance(4 * time.Second) // past the queue's 3 seconds
				rest := c.Receive(q, 1, 5*time.Second)
				assert.Equal(c, []string{"b1"}, bodies(rest), "only group b: a1's extended timeout keeps group a locked")
				c.Delete(q, rest...)
				c.none(q, "group a stays locked")
				c.Delete(q, first)
				next := c.Receive(q, 1, 5*time.Second)
				assert.Equal(c, []string{"a2"}, bodies(next), "a2 after a1 was deleted")
			}},
		Test{ID: "SQS-FIFO-037", Title: "ChangeMessageVisibility to 0 on the first of two in-flight messages of a group delivers none after the second to another receiver",
			Doc: attemptID, Run: func(c *C) {
				q := c.FIFOQueue("release2", map[string]string{"VisibilityTimeout": "120"})
				held := twoInFlight(c, q)
				c.OK(c.cmv(q, held[0].ReceiptHandle, 0), "ChangeMessageVisibility of g-0 to 0")
				finishAfterRelease(c, q, held)
			}},
		Test{ID: "SQS-FIFO-038", Title: "When the first of two in-flight messages of a group times out and the second was extended, none after the second is delivered",
			Doc: attemptID, Run: func(c *C) {
				q := c.FIFOQueue("expire2", map[string]string{"VisibilityTimeout": "3"})
				held := twoInFlight(c, q)
				c.OK(c.cmv(q, held[1].ReceiptHandle, 120), "ChangeMessageVisibility of g-1 to 120")
				c.Advance(4 * time.Second) // g-0's 3 seconds are over, g-1 is in flight
				finishAfterRelease(c, q, held)
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

// groupedBodies returns "g<k>-<i>" for perGroup messages of each of groups groups, interleaved:
// g0-0, g1-0, …, g0-1, g1-1, ….
func groupedBodies(groups, perGroup int) []string {
	var out []string
	for i := range perGroup {
		for g := range groups {
			out = append(out, "g"+strconv.Itoa(g)+"-"+strconv.Itoa(i))
		}
	}
	return out
}

// groupOfBody sets a batch entry's group to its body's prefix ("g3" for "g3-1").
func groupOfBody(_ int, e *types.SendMessageBatchRequestEntry) {
	body := aws.ToString(e.MessageBody)
	e.MessageGroupId = aws.String(body[:strings.IndexByte(body, '-')])
}

func groupOfMessage(m types.Message) string {
	body := aws.ToString(m.Body)
	return body[:strings.IndexByte(body, '-')]
}

// concurrentWait is how long concurrent consumers may take in real time before the test gives up
// on a backend that stops delivering (well within the test's 60-second context).
const concurrentWait = 40 * time.Second

// receiveConcurrently starts receivers goroutines at once, each making rounds short-poll receives
// of one message, and returns what they got. Nothing is deleted.
func receiveConcurrently(c *C, q string, receivers, rounds int) []types.Message {
	var (
		mu   sync.Mutex
		got  []types.Message
		errs []error
		wg   sync.WaitGroup
	)
	start := make(chan struct{})
	for range receivers {
		wg.Go(func() {
			<-start
			for range rounds {
				out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), MaxNumberOfMessages: 1,
					MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					got = append(got, out.Messages...)
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	require.Empty(c, errs, "ReceiveMessage")
	return got
}

// consumed is one message a concurrent consumer received and deleted, with two points of one
// sequence shared by the consumers: right after its receive returned, and right before its delete
// was sent. A message received at a point before another's delete point was received while the
// other was still in flight (the server answered the receive before it got the delete).
type consumed struct {
	body               string
	received, deleting int64
}

// consumeConcurrently runs consumers goroutines that receive one message at a time and delete it,
// until total messages are deleted (or concurrentWait passes), and returns what each group's
// messages saw, in the order they were received.
func consumeConcurrently(c *C, q string, consumers, total int) map[string][]consumed {
	var (
		mu      sync.Mutex
		seq     atomic.Int64
		deleted atomic.Int64
		byGroup = map[string][]consumed{}
		errs    []error
		wg      sync.WaitGroup
	)
	wait := int32(1) // long polls on real backends; short polls where time is the test's
	if c.Caps().FastForward {
		wait = 0
	}
	deadline := time.Now().Add(concurrentWait)
	start := make(chan struct{})
	for range consumers {
		wg.Go(func() {
			<-start
			for deleted.Load() < int64(total) && time.Now().Before(deadline) && c.Ctx().Err() == nil {
				out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q),
					MaxNumberOfMessages: 1, WaitTimeSeconds: wait})
				received := seq.Add(1)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				for _, m := range out.Messages {
					d := consumed{body: aws.ToString(m.Body), received: received, deleting: seq.Add(1)}
					mu.Lock()
					g := groupOfMessage(m)
					byGroup[g] = append(byGroup[g], d)
					mu.Unlock()
					if _, err := c.Client().DeleteMessage(c.Ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle}); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					deleted.Add(1)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for _, ds := range byGroup {
		slices.SortFunc(ds, func(a, b consumed) int { return cmp.Compare(a.received, b.received) })
	}
	require.Empty(c, errs, "ReceiveMessage and DeleteMessage (consumed %v)", byGroup)
	require.EqualValues(c, total, deleted.Load(), "messages consumed within %s: %v; the queue counts %v", concurrentWait, byGroup, c.Attributes(q))
	return byGroup
}

// twoInFlight sends g-0 … g-3 in group g and receives g-0 and g-1 in one receive (SQS returns as
// many messages of one group as it can), which stay in flight.
func twoInFlight(c *C, q string) []types.Message {
	c.SendBodies(q, []string{"g-0", "g-1", "g-2", "g-3"}, func(_ int, e *types.SendMessageBatchRequestEntry) { e.MessageGroupId = aws.String("g") })
	held := c.RequireN(q, 2, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 2 })
	require.Equal(c, []string{"g-0", "g-1"}, bodies(held), "one receive of two messages")
	return held
}

// finishAfterRelease checks, once g-0 of twoInFlight is visible again and g-1 still in flight,
// that another receiver gets nothing after g-1 (whether it may get g-0 again is not asserted),
// then lets the group go on: g-0 and g-1 deleted, g-2 comes next.
func finishAfterRelease(c *C, q string, held []types.Message) {
	wait := int32(0)
	if !c.Caps().FastForward {
		wait = 1
	}
	out, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = wait })
	c.OK(err, "ReceiveMessage by another receiver")
	first := held[0]
	for _, m := range out.Messages {
		switch aws.ToString(m.Body) {
		case "g-0":
			first = m // received again: its new handle deletes it
		default:
			assert.Failf(c, "a later message of the group was delivered", "%s while g-1 was in flight", aws.ToString(m.Body))
		}
	}
	c.Delete(q, held[1])
	if first.ReceiptHandle == held[0].ReceiptHandle {
		first = c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
		require.Equal(c, "g-0", aws.ToString(first.Body), "g-0 comes back first")
	}
	c.Delete(q, first)
	next := c.Receive(q, 1, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	assert.Equal(c, []string{"g-2"}, bodies(next), "g-2 once g-0 and g-1 are deleted")
}
