package suite

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	recvParams = apiDocAt("ReceiveMessage", "API_ReceiveMessage_RequestParameters")
	visDoc     = guideDoc("sqs-visibility-timeout.html")
	delayDoc   = guideDoc("sqs-delay-queues.html")
	timerDoc   = guideDoc("sqs-message-timers.html")
	pollDoc    = guideDoc("sqs-short-and-long-polling.html")
)

// attrFilterMsg sends the three-attribute message of AWS's recorded filter test and returns the queue.
func attrFilterQueue(c *C) string {
	q := c.Queue("filter", map[string]string{"VisibilityTimeout": "0"})
	_, err := c.send(q, "msg", func(in *sqs.SendMessageInput) {
		in.MessageAttributes = map[string]types.MessageAttributeValue{"Help.Me": str("Me"), "Hello": str("There"), "General": str("Kenobi")}
	})
	c.OK(err, "SendMessage")
	return q
}

func receiveTests() (tests []Test) {
	filters := []struct {
		id, title string
		names     []string
		want      []string // attribute names returned
	}{
		{"SQS-RECV-010", "no MessageAttributeNames returns no message attributes and no MD5OfMessageAttributes", nil, nil},
		{"SQS-RECV-011", `MessageAttributeNames ["All"] returns every attribute`, []string{"All"}, []string{"Help.Me", "Hello", "General"}},
		{"SQS-RECV-012", `MessageAttributeNames [".*"] returns every attribute`, []string{".*"}, []string{"Help.Me", "Hello", "General"}},
		{"SQS-RECV-013", `MessageAttributeNames ["Help.*"] returns the attributes with that prefix`, []string{"Help.*"}, []string{"Help.Me"}},
		{"SQS-RECV-014", "MessageAttributeNames naming only absent attributes returns none", []string{"Foo", "Help"}, nil},
		{"SQS-RECV-015", "MessageAttributeNames naming some attributes returns those, with an MD5 over just them", []string{"Hello", "General"}, []string{"Hello", "General"}},
	}
	for _, f := range filters {
		tests = append(tests, Test{ID: f.id, Title: f.title, Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageAttributeNames"), Run: func(c *C) {
			q := attrFilterQueue(c)
			m := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = f.names })
			var got []string
			for k := range m.MessageAttributes {
				got = append(got, k)
			}
			assert.ElementsMatch(c, f.want, got, "attributes returned")
			if len(f.want) == 0 {
				assert.Nil(c, m.MD5OfMessageAttributes, "no MD5OfMessageAttributes without attributes")
				return
			}
			assert.Equal(c, attrMD5(m.MessageAttributes), aws.ToString(m.MD5OfMessageAttributes), "MD5 covers the returned attributes")
		}})
	}

	tests = append(tests,
		Test{ID: "SQS-RECV-001", Title: "A short poll of an empty queue returns no messages and no error",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("empty", nil)
				out, err := c.recv(q)
				c.OK(err, "ReceiveMessage")
				assert.Empty(c, out.Messages)
			}},
		Test{ID: "SQS-RECV-002", Title: "MaxNumberOfMessages=11 fails with InvalidParameterValue",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("max", nil)
				_, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 11 })
				c.Err(err, "InvalidParameterValue", 400, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
			}},
		Test{ID: "SQS-RECV-003", Title: "WaitTimeSeconds=21 fails with InvalidParameterValue",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("wait", nil)
				_, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = 21 })
				c.Err(err, "InvalidParameterValue", 400, "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
			}},
		Test{ID: "SQS-RECV-004", Title: "WaitTimeSeconds=-1 fails with InvalidParameterValue",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("wait", nil)
				_, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = -1 })
				c.Err(err, "InvalidParameterValue", 400, "Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
			}},
		Test{ID: "SQS-RECV-005", Title: "A receive returns at most MaxNumberOfMessages messages",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("max", nil)
				c.SendN(q, 5)
				out, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 2 })
				c.OK(err, "ReceiveMessage")
				assert.LessOrEqual(c, len(out.Messages), 2)
				assert.NotEmpty(c, out.Messages)
			}},
		Test{ID: "SQS-RECV-006", Title: "Without MaxNumberOfMessages a receive returns at most one message",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("one", nil)
				c.SendN(q, 3)
				out, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 0 })
				c.OK(err, "ReceiveMessage")
				assert.Len(c, out.Messages, 1)
			}},
		Test{ID: "SQS-RECV-007", Title: "Every receive of a message gives a new receipt handle and increments ApproximateReceiveCount",
			Doc: visDoc, Run: func(c *C) {
				q := c.Queue("count", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				a := c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				b := c.one(q, 5*time.Second)
				assert.NotEqual(c, aws.ToString(a.ReceiptHandle), aws.ToString(b.ReceiptHandle))
				assert.Equal(c, aws.ToString(a.MessageId), aws.ToString(b.MessageId))
				assert.Equal(c, 1, attrInt(a, "ApproximateReceiveCount"))
				assert.Equal(c, 2, attrInt(b, "ApproximateReceiveCount"))
				assert.Equal(c, a.Attributes["ApproximateFirstReceiveTimestamp"], b.Attributes["ApproximateFirstReceiveTimestamp"], "first receive timestamp is kept")
			}},
		Test{ID: "SQS-RECV-008", Title: "MessageSystemAttributeNames with one name returns only that attribute",
			Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageSystemAttributeNames"), Run: func(c *C) {
				q := c.Queue("sys", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) {
					in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameSentTimestamp}
				})
				var names []string
				for k := range m.Attributes {
					names = append(names, k)
				}
				assert.Equal(c, []string{"SentTimestamp"}, names)
			}},
		Test{ID: "SQS-RECV-009", Title: "The deprecated AttributeNames=[All] still returns the system attributes",
			Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-AttributeNames"), Run: func(c *C) {
				q := c.Queue("legacy", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) {
					in.MessageSystemAttributeNames = nil
					//lint:ignore SA1019 the deprecated member is what is checked
					in.AttributeNames = []types.QueueAttributeName{types.QueueAttributeNameAll}
				})
				for _, k := range []string{"SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"} {
					assert.Contains(c, m.Attributes, k)
				}
			}},
		Test{ID: "SQS-RECV-016", Title: "A receive with no attribute names returns no system attributes",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("noattrs", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) {
					in.MessageSystemAttributeNames = nil
					in.MessageAttributeNames = nil
				})
				assert.Empty(c, m.Attributes)
				assert.Equal(c, md5Hex("x"), aws.ToString(m.MD5OfBody))
			}},
		Test{ID: "SQS-RECV-017", Title: "Messages of a standard queue are all delivered (at least once) across receives",
			Doc: guideDoc("standard-queues.html"), Run: func(c *C) {
				q := c.Queue("all", nil)
				sent := c.SendN(q, 15)
				got := c.Receive(q, 15, 10*time.Second)
				assert.Subset(c, bodies(got), sent)
				assert.Subset(c, sent, bodies(got))
			}},
	)
	return
}

func visibilityTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-VIS-001", Title: "A received message is invisible to other receives during its visibility timeout",
			Doc: visDoc, Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "30"})
				c.Send(q, "x")
				c.one(q, 5*time.Second)
				c.none(q, "in flight")
			}},
		Test{ID: "SQS-VIS-002", Title: "A message not deleted becomes visible again when its visibility timeout passes",
			Doc: visDoc, Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "x", aws.ToString(m.Body))
			}},
		Test{ID: "SQS-VIS-003", Title: "A deleted message is not delivered again after the visibility timeout",
			Doc: apiDoc("DeleteMessage"), Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.OK(c.del(q, m.ReceiptHandle), "DeleteMessage")
				c.Advance(1500 * time.Millisecond)
				c.none(q, "deleted")
				c.WaitForCount(q, "ApproximateNumberOfMessagesNotVisible", 0, 5*time.Second)
			}},
		Test{ID: "SQS-VIS-004", Title: "ChangeMessageVisibility to 0 makes the message visible at once",
			Doc: apiDoc("ChangeMessageVisibility"), Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "30"})
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.OK(c.cmv(q, m.ReceiptHandle, 0), "ChangeMessageVisibility 0")
				c.one(q, 3*time.Second)
			}},
		Test{ID: "SQS-VIS-005", Title: "ChangeMessageVisibility extends the timeout from the time of the call",
			Doc: apiDoc("ChangeMessageVisibility"), Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.OK(c.cmv(q, m.ReceiptHandle, 6), "ChangeMessageVisibility 6")
				c.Advance(1500 * time.Millisecond)
				c.none(q, "still in flight after the original timeout")
				c.Advance(5 * time.Second)
				c.one(q, 5*time.Second)
			}},
		Test{ID: "SQS-VIS-006", Title: "ChangeMessageVisibility above 43200 seconds fails with InvalidParameterValue",
			Doc: apiDocAt("ChangeMessageVisibility", "API_ChangeMessageVisibility_RequestParameters"), Run: func(c *C) {
				q := c.Queue("vis", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.Err(c.cmv(q, m.ReceiptHandle, 43201), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-VIS-007", Title: "ChangeMessageVisibility with a malformed receipt handle fails with ReceiptHandleIsInvalid",
			Doc: apiDocAt("ChangeMessageVisibility", "API_ChangeMessageVisibility_Errors"), Run: func(c *C) {
				q := c.Queue("vis", nil)
				err := c.cmv(q, aws.String("INVALID"), 10)
				// HTTP 404: the status of ReceiptHandleIsInvalid in AWS's Smithy model of SQS.
				c.Err(err, "ReceiptHandleIsInvalid", 404, "")
				errAs[*types.ReceiptHandleIsInvalid](c, err)
			}},
		Test{ID: "SQS-VIS-008", Title: "DeleteMessage with a malformed receipt handle fails with ReceiptHandleIsInvalid",
			Doc: apiDocAt("DeleteMessage", "API_DeleteMessage_Errors"), Run: func(c *C) {
				q := c.Queue("vis", nil)
				err := c.del(q, aws.String("INVALID"))
				c.Err(err, "ReceiptHandleIsInvalid", 404, `The input receipt handle "INVALID" is not a valid receipt handle.`)
				errAs[*types.ReceiptHandleIsInvalid](c, err)
			}},
		Test{ID: "SQS-VIS-009", Title: "ChangeMessageVisibility after the timeout expired (message visible again) succeeds on a standard queue",
			Doc: apiDoc("ChangeMessageVisibility"), Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.Advance(1500 * time.Millisecond)
				c.OK(c.cmv(q, m.ReceiptHandle, 1), "ChangeMessageVisibility after expiry")
			}},
		Test{ID: "SQS-VIS-010", Title: "VisibilityTimeout on ReceiveMessage overrides the queue's",
			Doc: recvParams, Run: func(c *C) {
				q := c.Queue("vis", map[string]string{"VisibilityTimeout": "60"})
				c.Send(q, "x")
				c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 1 })
				c.Advance(1500 * time.Millisecond)
				c.one(q, 5*time.Second)
			}},
		Test{ID: "SQS-VIS-011", Title: "ApproximateNumberOfMessagesNotVisible counts in-flight messages and ApproximateNumberOfMessages the rest",
			Doc: guideDoc("sqs-available-cloudwatch-metrics.html"), Run: func(c *C) {
				q := c.Queue("counts", map[string]string{"VisibilityTimeout": "30"})
				c.SendN(q, 3)
				c.one(q, 5*time.Second, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
				c.WaitForCount(q, "ApproximateNumberOfMessagesNotVisible", 1, 5*time.Second)
				c.WaitForCount(q, "ApproximateNumberOfMessages", 2, 5*time.Second)
			}},
		Test{ID: "SQS-VIS-012", Title: "ChangeMessageVisibilityBatch changes each entry's timeout and reports each as successful",
			Doc: apiDoc("ChangeMessageVisibilityBatch"), Run: func(c *C) {
				q := c.Queue("visb", map[string]string{"VisibilityTimeout": "30"})
				c.SendN(q, 2)
				msgs := c.RequireN(q, 2, 5*time.Second)
				out, err := c.Client().ChangeMessageVisibilityBatch(c.Ctx(), &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(q),
					Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
						{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0},
						{Id: aws.String("b"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 0},
					}})
				c.OK(err, "ChangeMessageVisibilityBatch")
				assert.Len(c, out.Successful, 2)
				assert.Empty(c, out.Failed)
				c.RequireN(q, 2, 5*time.Second)
			}},
		Test{ID: "SQS-VIS-013", Title: "ChangeMessageVisibilityBatch reports a malformed receipt handle as a failed entry (ReceiptHandleIsInvalid, sender fault)",
			Doc: apiDoc("ChangeMessageVisibilityBatch"), Run: func(c *C) {
				q := c.Queue("visb", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				out, err := c.Client().ChangeMessageVisibilityBatch(c.Ctx(), &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(q),
					Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
						{Id: aws.String("ok"), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10},
						{Id: aws.String("bad"), ReceiptHandle: aws.String("INVALID"), VisibilityTimeout: 10},
					}})
				c.OK(err, "ChangeMessageVisibilityBatch")
				require.Len(c, out.Successful, 1)
				assert.Equal(c, "ok", aws.ToString(out.Successful[0].Id))
				require.Len(c, out.Failed, 1)
				assert.Equal(c, "bad", aws.ToString(out.Failed[0].Id))
				assert.Equal(c, "ReceiptHandleIsInvalid", aws.ToString(out.Failed[0].Code))
				assert.True(c, out.Failed[0].SenderFault)
			}},
		Test{ID: "SQS-VIS-014", Title: "ChangeMessageVisibility on a message deleted since fails with InvalidParameterValue",
			Doc: apiDocAt("ChangeMessageVisibility", "API_ChangeMessageVisibility_Errors"), Run: func(c *C) {
				q := c.Queue("vis", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.OK(c.del(q, m.ReceiptHandle), "DeleteMessage")
				c.Err(c.cmv(q, m.ReceiptHandle, 10), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-VIS-015", Title: "Deleting an already deleted message with its receipt handle succeeds",
			Doc: apiDoc("DeleteMessage"), Run: func(c *C) {
				q := c.Queue("vis", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				c.OK(c.del(q, m.ReceiptHandle), "DeleteMessage")
				c.OK(c.del(q, m.ReceiptHandle), "DeleteMessage again")
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-DELAY-001", Title: "A per-message DelaySeconds hides the message until it passes",
			Doc: timerDoc, Run: func(c *C) {
				q := c.Queue("delay", nil)
				delayedThenDelivered(c, q, func(in *sqs.SendMessageInput) { in.DelaySeconds = testDelaySeconds })
			}},
		Test{ID: "SQS-DELAY-002", Title: "The queue's DelaySeconds delays every message",
			Doc: delayDoc, Run: func(c *C) {
				q := c.Queue("delay", map[string]string{"DelaySeconds": strconv.Itoa(testDelaySeconds)})
				delayedThenDelivered(c, q)
			}},
		Test{ID: "SQS-DELAY-003", Title: "ApproximateNumberOfMessagesDelayed counts delayed messages",
			Doc: delayDoc, Run: func(c *C) {
				q := c.Queue("delay", nil)
				c.Send(q, "x", func(in *sqs.SendMessageInput) { in.DelaySeconds = 900 })
				c.WaitForCount(q, "ApproximateNumberOfMessagesDelayed", 1, 5*time.Second)
				assert.Equal(c, "0", c.Attribute(q, "ApproximateNumberOfMessages"))
			}},
		Test{ID: "SQS-DELAY-004", Title: "A per-message delay overrides a longer queue delay",
			Doc: timerDoc, Run: func(c *C) {
				q := c.Queue("delay", map[string]string{"DelaySeconds": "900"})
				c.Send(q, "x", func(in *sqs.SendMessageInput) { in.DelaySeconds = 1 })
				c.Advance(1500 * time.Millisecond)
				c.one(q, 5*time.Second)
			}},
		Test{ID: "SQS-DELAY-005", Title: "Per-entry DelaySeconds in SendMessageBatch delays only that entry",
			Doc: timerDoc, Run: func(c *C) {
				q := c.Queue("delay", nil)
				c.SendBodies(q, []string{"now", "later"}, func(i int, e *types.SendMessageBatchRequestEntry) {
					if i == 1 {
						e.DelaySeconds = 900
					}
				})
				got := c.Receive(q, 2, 3*time.Second)
				assert.Equal(c, []string{"now"}, bodies(got))
			}},
		Test{ID: "SQS-DELAY-006", Title: "On a FIFO queue, lowering DelaySeconds applies to messages already delayed (retroactive)",
			Doc: delayDoc, Run: func(c *C) {
				q := c.FIFOQueue("redelay", map[string]string{"DelaySeconds": "900"})
				c.Send(q, "x")
				c.WaitForCount(q, "ApproximateNumberOfMessagesDelayed", 1, 5*time.Second)
				c.OK(c.setAttrs(q, map[string]string{"DelaySeconds": "0"}), "SetQueueAttributes")
				wait := 5 * time.Second
				if c.Backend() == "aws" {
					wait = 65 * time.Second // attribute changes may take up to 60 seconds to propagate
				}
				assert.Equal(c, "x", aws.ToString(c.one(q, wait).Body))
			}},
		Test{ID: "SQS-DELAY-007", Title: "On a standard queue, lowering DelaySeconds leaves messages already delayed as they were",
			Doc: delayDoc, Run: func(c *C) {
				q := c.Queue("redelay", map[string]string{"DelaySeconds": "900"})
				c.Send(q, "x")
				c.WaitForCount(q, "ApproximateNumberOfMessagesDelayed", 1, 5*time.Second)
				c.OK(c.setAttrs(q, map[string]string{"DelaySeconds": "0"}), "SetQueueAttributes")
				c.none(q, "still delayed")
				assert.Equal(c, "1", c.Attribute(q, "ApproximateNumberOfMessagesDelayed"))
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-POLL-001", Title: "A long poll on an empty queue returns as soon as a message is sent",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("poll", nil)
				done := make(chan []types.Message, 1)
				go func() {
					out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20})
					if err != nil {
						done <- nil
						return
					}
					done <- out.Messages
				}()
				c.WaitForPollers(1)
				wakeWithSend(c, q, done)
			}},
		Test{ID: "SQS-POLL-002", Title: "A long poll on an empty queue waits WaitTimeSeconds and returns no messages",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("poll", nil)
				done := make(chan int, 1)
				start := time.Now()
				go func() {
					out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 2})
					if err != nil {
						done <- -1
						return
					}
					done <- len(out.Messages)
				}()
				c.WaitForPollers(1)
				if c.Caps().FastForward {
					select {
					case <-done:
						c.Fatalf("long poll returned before its wait time")
					case <-time.After(50 * time.Millisecond):
					}
					c.Advance(2 * time.Second)
				}
				select {
				case n := <-done:
					assert.Equal(c, 0, n)
					if !c.Caps().FastForward {
						assert.GreaterOrEqual(c, time.Since(start), 1800*time.Millisecond, "waited")
					}
				case <-time.After(15 * time.Second):
					c.Fatalf("long poll did not end")
				}
			}},
		Test{ID: "SQS-POLL-003", Title: "ReceiveMessageWaitTimeSeconds on the queue makes receives without WaitTimeSeconds long polls",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("poll", map[string]string{"ReceiveMessageWaitTimeSeconds": "20"})
				done := make(chan []types.Message, 1)
				go func() {
					out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
					if err != nil {
						done <- nil
						return
					}
					done <- out.Messages
				}()
				c.WaitForPollers(1)
				select {
				case <-done:
					c.Fatalf("receive returned at once: not a long poll")
				case <-time.After(200 * time.Millisecond):
				}
				wakeWithSend(c, q, done)
			}},
		Test{ID: "SQS-POLL-004", Title: "A long poll returns messages already in the queue at once",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("poll", nil)
				c.Send(q, "ready")
				start := time.Now()
				out, err := c.recv(q, func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = 20 })
				c.OK(err, "ReceiveMessage")
				assert.Equal(c, []string{"ready"}, bodies(out.Messages))
				assert.Less(c, time.Since(start), 10*time.Second)
			}},
		Test{ID: "SQS-POLL-005", Title: "A long poll wakes when a message's delay ends",
			Doc: pollDoc, Run: func(c *C) {
				q := c.Queue("poll", nil)
				c.Send(q, "delayed", func(in *sqs.SendMessageInput) { in.DelaySeconds = 1 })
				done := make(chan []types.Message, 1)
				go func() {
					out, err := c.Client().ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 5})
					if err != nil {
						done <- nil
						return
					}
					done <- out.Messages
				}()
				c.WaitForPollers(1)
				if c.Caps().FastForward {
					c.Advance(1500 * time.Millisecond)
				}
				select {
				case msgs := <-done:
					if len(msgs) == 0 && c.Caps().FastForward {
						c.Fatalf("long poll ended empty")
					}
					if len(msgs) == 0 { // a real backend may end the poll at its deadline: the message is there now
						msgs = c.Receive(q, 1, 3*time.Second)
					}
					assert.Equal(c, []string{"delayed"}, bodies(msgs))
				case <-time.After(15 * time.Second):
					c.Fatalf("long poll did not return")
				}
			}},
	)
	return
}

// testDelaySeconds is the delay of the tests that check a delayed message stays hidden: long
// enough that a loaded peer, whose clock is real, is still within it when the test looks.
const testDelaySeconds = 4

// delayedThenDelivered sends "x" to q, delayed testDelaySeconds (by the queue or by edit), and
// checks that it is hidden at first and delivered once the delay has passed.
func delayedThenDelivered(c *C, q string, edit ...func(*sqs.SendMessageInput)) {
	c.Send(q, "x", edit...)
	c.none(q, "delayed")
	c.Advance(testDelaySeconds*time.Second + 500*time.Millisecond)
	c.one(q, 5*time.Second)
}

// wakeWithSend sends "wake" to q and checks that the long poll waiting on done returns it.
func wakeWithSend(c *C, q string, done <-chan []types.Message) {
	c.Send(q, "wake")
	select {
	case msgs := <-done:
		assert.Equal(c, []string{"wake"}, bodies(msgs))
	case <-time.After(15 * time.Second):
		c.Fatalf("long poll did not return after a send")
	}
}
