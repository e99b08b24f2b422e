package suite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/queueurl"
)

var (
	dlqDoc  = guideDoc("sqs-dead-letter-queues.html")
	moveDoc = guideDoc("sqs-configure-dead-letter-queue-redrive.html")
)

// dlqPair makes a DLQ and a source with maxReceiveCount=1 and VisibilityTimeout=1.
func dlqPair(c *C, fifo bool) (src, dlq string) {
	name := "src"
	if fifo {
		name += ".fifo"
	}
	return c.QueueWithDLQ(name, map[string]string{"VisibilityTimeout": "1"}, 1)
}

// deadLetter receives the message on src once, lets its timeout pass, and receives again so that
// it moves to the DLQ. It returns the first receive.
func deadLetter(c *C, src string) types.Message {
	first := c.one(src, 5*time.Second)
	c.Advance(1500 * time.Millisecond)
	c.none(src, "moved to the dead-letter queue on the receive past maxReceiveCount")
	return first
}

func redriveTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-DLQ-001", Title: "A message received maxReceiveCount times moves to the dead-letter queue on the next receive",
			Doc: dlqDoc, Run: func(c *C) {
				src, dlq := dlqPair(c, false)
				c.Send(src, "message-1")
				deadLetter(c, src)
				m := c.one(dlq, 5*time.Second)
				assert.Equal(c, "message-1", aws.ToString(m.Body))
			}},
		Test{ID: "SQS-DLQ-002", Title: "A dead-lettered message keeps its MessageId, body and attributes, and its receive count keeps counting",
			Doc: dlqDoc, Run: func(c *C) {
				src, dlq := dlqPair(c, false)
				attrs := map[string]types.MessageAttributeValue{"MyAttribute": str("foobar")}
				c.Send(src, "message-1", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				first := deadLetter(c, src)
				m := c.one(dlq, 5*time.Second)
				assert.Equal(c, aws.ToString(first.MessageId), aws.ToString(m.MessageId))
				assert.Equal(c, "adb59cd4678ea5a855436b949cd07ab6", aws.ToString(m.MD5OfMessageAttributes))
				c.AssertMessageAttributes(m, attrs)
				assert.Equal(c, 2, attrInt(m, "ApproximateReceiveCount"))
				assert.Equal(c, first.Attributes["SentTimestamp"], m.Attributes["SentTimestamp"], "SentTimestamp kept")
			}},
		Test{ID: "SQS-DLQ-003", Title: "A dead-lettered message has the DeadLetterQueueSourceArn attribute",
			Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageSystemAttributeNames"), Run: func(c *C) {
				src, dlq := dlqPair(c, false)
				c.Send(src, "x")
				deadLetter(c, src)
				m := c.one(dlq, 5*time.Second)
				assert.Equal(c, c.QueueARN(src), m.Attributes["DeadLetterQueueSourceArn"])
			}},
		Test{ID: "SQS-DLQ-004", Title: "ListDeadLetterSourceQueues lists the queues whose RedrivePolicy targets the queue",
			Doc: apiDoc("ListDeadLetterSourceQueues"), Run: func(c *C) {
				src, dlq := dlqPair(c, false)
				out, err := c.Client().ListDeadLetterSourceQueues(c.Ctx(), &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
				c.OK(err, "ListDeadLetterSourceQueues")
				assert.Equal(c, []string{src}, out.QueueUrls)
			}},
		Test{ID: "SQS-DLQ-005", Title: "A RedrivePolicy whose deadLetterTargetArn is not an ARN fails with InvalidParameterValue",
			Doc: dlqDoc, Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("src", false)),
					Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"dummy","maxReceiveCount":42}`}})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-006", Title: "A RedrivePolicy with maxReceiveCount 0 fails with InvalidParameterValue",
			Doc: dlqDoc, Run: func(c *C) {
				dlq := c.Queue("dlq", nil)
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 0)}), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-007", Title: "A RedrivePolicy with maxReceiveCount 1001 fails with InvalidParameterValue",
			Doc: dlqDoc, Run: func(c *C) {
				dlq := c.Queue("dlq", nil)
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 1001)}), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-008", Title: "A RedriveAllowPolicy of denyAll on the dead-letter queue rejects a source's RedrivePolicy",
			Doc: apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_RequestParameters"), Run: func(c *C) {
				dlq := c.Queue("dlq", map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"denyAll"}`})
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 5)}), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-009", Title: "A RedriveAllowPolicy byQueue admits the listed source queue and rejects others",
			Doc: apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_RequestParameters"), Run: func(c *C) {
				allowed := c.Queue("allowed", nil)
				other := c.Queue("other", nil)
				pol, _ := json.Marshal(map[string]any{"redrivePermission": "byQueue", "sourceQueueArns": []string{c.QueueARN(allowed)}})
				dlq := c.Queue("dlq", map[string]string{"RedriveAllowPolicy": string(pol)})
				c.OK(c.setAttrs(allowed, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 5)}), "listed source")
				c.Err(c.setAttrs(other, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 5)}), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-010", Title: "The dead-letter queue of a standard queue must be a standard queue",
			Doc: dlqDoc, Run: func(c *C) {
				dlq := c.FIFOQueue("dlq", nil)
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(c.QueueARN(dlq), 5)}), "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-DLQ-011", Title: "Setting RedrivePolicy to an empty string removes it",
			Doc: dlqDoc, Run: func(c *C) {
				src, _ := dlqPair(c, false)
				c.SetAttributes(src, map[string]string{"RedrivePolicy": ""})
				assert.Empty(c, c.Attribute(src, "RedrivePolicy"))
			}},
		Test{ID: "SQS-DLQ-012", Title: "RedrivePolicy is returned as the JSON map it was set to (target ARN, numeric maxReceiveCount)",
			Doc: dlqDoc, Run: func(c *C) {
				dlq := c.Queue("dlq", nil)
				src := c.Queue("src", map[string]string{"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":3}`, c.QueueARN(dlq))})
				var p map[string]any
				require.NoError(c, json.Unmarshal([]byte(c.Attribute(src, "RedrivePolicy")), &p))
				assert.Equal(c, c.QueueARN(dlq), p["deadLetterTargetArn"])
				assert.Equal(c, float64(3), p["maxReceiveCount"])
			}},
		Test{ID: "SQS-DLQ-013", Title: "A FIFO queue's messages move to its FIFO dead-letter queue, keeping their group",
			Doc: dlqDoc, Run: func(c *C) {
				src, dlq := dlqPair(c, true)
				c.Send(src, "x", group("grp"))
				deadLetter(c, src)
				m := c.one(dlq, 5*time.Second)
				assert.Equal(c, "x", aws.ToString(m.Body))
				assert.Equal(c, "grp", m.Attributes["MessageGroupId"])
			}},
		Test{ID: "SQS-DLQ-015", Title: "In a FIFO dead-letter queue a message's MessageDeduplicationId is its original MessageId",
			Doc: moveDoc, Run: func(c *C) {
				src, dlq := dlqPair(c, true)
				c.Send(src, "x", group("grp"), func(in *sqs.SendMessageInput) { in.MessageDeduplicationId = aws.String("shared-dedup-id") })
				first := deadLetter(c, src)
				assert.Equal(c, "shared-dedup-id", first.Attributes["MessageDeduplicationId"])
				m := c.one(dlq, 5*time.Second)
				assert.Equal(c, aws.ToString(first.MessageId), aws.ToString(m.MessageId))
				assert.Equal(c, aws.ToString(first.MessageId), m.Attributes["MessageDeduplicationId"])
			}},
		Test{ID: "SQS-DLQ-014", Title: "A consumer that fails on one message leaves exactly that message in the dead-letter queue",
			Doc: dlqDoc, Run: func(c *C) {
				src, _ := c.QueueWithDLQ("consumer", map[string]string{"VisibilityTimeout": "1"}, 2)
				sent := c.SendN(src, 5)
				rep := c.CheckConsumer(src, harness.Expect{Bodies: sent, Timeout: 30 * time.Second}, harness.Loop(src, 1, failOn("msg-2")))
				assert.Equal(c, []string{"msg-2"}, rep.DeadLettered)
			}},
	)
	return
}

func moveTaskTests() (tests []Test) {
	startMove := func(c *C, src string, edit ...func(*sqs.StartMessageMoveTaskInput)) (*sqs.StartMessageMoveTaskOutput, error) {
		in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(src)}
		for _, e := range edit {
			e(in)
		}
		return c.Client().StartMessageMoveTask(c.Ctx(), in)
	}
	// filledDLQ makes src→dlq and dead-letters n messages; it returns the URLs.
	filledDLQ := func(c *C, n int) (src, dlq string) {
		src, dlq = dlqPair(c, false)
		sent := c.SendN(src, n)
		got := c.RequireN(src, n, 5*time.Second)
		require.Len(c, got, len(sent))
		c.Advance(1500 * time.Millisecond)
		c.none(src, "all moved")
		c.WaitForCount(dlq, "ApproximateNumberOfMessages", n, 5*time.Second)
		return src, dlq
	}
	waitStatus := func(c *C, dlqARN, want string) types.ListMessageMoveTasksResultEntry {
		var last types.ListMessageMoveTasksResultEntry
		for range 30 {
			out, err := c.Client().ListMessageMoveTasks(c.Ctx(), &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN)})
			c.OK(err, "ListMessageMoveTasks")
			if len(out.Results) > 0 {
				last = out.Results[0]
				if aws.ToString(last.Status) == want {
					return last
				}
			}
			c.Advance(time.Second)
			if c.Caps().FastForward {
				time.Sleep(10 * time.Millisecond) // the task moves messages in its own goroutine
			}
		}
		c.Fatalf("move task status %q, want %q", aws.ToString(last.Status), want)
		return last
	}
	tests = append(tests,
		Test{ID: "SQS-MOVE-001", Title: "StartMessageMoveTask without a destination moves dead-letter messages back to their source queue",
			Doc: moveDoc, Run: func(c *C) {
				src, dlq := filledDLQ(c, 2)
				out, err := startMove(c, c.QueueARN(dlq))
				c.OK(err, "StartMessageMoveTask")
				assert.NotEmpty(c, aws.ToString(out.TaskHandle))
				waitStatus(c, c.QueueARN(dlq), "COMPLETED")
				got := c.Receive(src, 2, 5*time.Second)
				assert.ElementsMatch(c, []string{"msg-0", "msg-1"}, bodies(got))
			}},
		Test{ID: "SQS-MOVE-002", Title: "StartMessageMoveTask with DestinationArn moves the messages there",
			Doc: apiDoc("StartMessageMoveTask"), Run: func(c *C) {
				_, dlq := filledDLQ(c, 2)
				dest := c.Queue("dest", nil)
				_, err := startMove(c, c.QueueARN(dlq), func(in *sqs.StartMessageMoveTaskInput) { in.DestinationArn = aws.String(c.QueueARN(dest)) })
				c.OK(err, "StartMessageMoveTask")
				waitStatus(c, c.QueueARN(dlq), "COMPLETED")
				got := c.Receive(dest, 2, 5*time.Second)
				assert.ElementsMatch(c, []string{"msg-0", "msg-1"}, bodies(got))
			}},
		Test{ID: "SQS-MOVE-003", Title: "StartMessageMoveTask from a queue that is no dead-letter queue fails with InvalidParameterValue",
			Doc: apiDocAt("StartMessageMoveTask", "API_StartMessageMoveTask_Errors"), Timeout: 20 * time.Second, Run: func(c *C) {
				q := c.Queue("plain", nil)
				_, err := startMove(c, c.QueueARN(q))
				c.Err(err, "InvalidParameterValue", 400, "Source queue must be configured as a Dead Letter Queue.")
			}},
		Test{ID: "SQS-MOVE-004", Title: "StartMessageMoveTask to a destination that does not exist fails with ResourceNotFoundException",
			Doc: apiDocAt("StartMessageMoveTask", "API_StartMessageMoveTask_Errors"), Run: func(c *C) {
				_, dlq := dlqPair(c, false)
				arn := c.QueueARN(dlq)
				missing := arn[:len(arn)-len(queueurl.Name(dlq))] + c.UniqueName("missing", false)
				_, err := startMove(c, arn, func(in *sqs.StartMessageMoveTaskInput) { in.DestinationArn = aws.String(missing) })
				c.Err(err, "ResourceNotFoundException", 404, "The resource that you specified for the DestinationArn parameter doesn't exist.")
				errAs[*types.ResourceNotFoundException](c, err)
			}},
		Test{ID: "SQS-MOVE-005", Title: "A second StartMessageMoveTask while one is running fails with InvalidParameterValue",
			Doc: apiDocAt("StartMessageMoveTask", "API_StartMessageMoveTask_Errors"), Run: func(c *C) {
				_, dlq := filledDLQ(c, 5)
				rate := func(in *sqs.StartMessageMoveTaskInput) { in.MaxNumberOfMessagesPerSecond = aws.Int32(1) }
				_, err := startMove(c, c.QueueARN(dlq), rate)
				c.OK(err, "first StartMessageMoveTask")
				_, err = startMove(c, c.QueueARN(dlq), rate)
				c.Err(err, "InvalidParameterValue", 400, "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
			}},
		Test{ID: "SQS-MOVE-006", Title: "ListMessageMoveTasks reports the task with its source, status RUNNING and the number of messages to move",
			Doc: apiDoc("ListMessageMoveTasks"), Run: func(c *C) {
				_, dlq := filledDLQ(c, 5)
				out, err := startMove(c, c.QueueARN(dlq), func(in *sqs.StartMessageMoveTaskInput) { in.MaxNumberOfMessagesPerSecond = aws.Int32(1) })
				c.OK(err, "StartMessageMoveTask")
				l, err := c.Client().ListMessageMoveTasks(c.Ctx(), &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(c.QueueARN(dlq))})
				c.OK(err, "ListMessageMoveTasks")
				require.NotEmpty(c, l.Results)
				r := l.Results[0]
				assert.Equal(c, c.QueueARN(dlq), aws.ToString(r.SourceArn))
				assert.Equal(c, "RUNNING", aws.ToString(r.Status))
				assert.Equal(c, aws.ToString(out.TaskHandle), aws.ToString(r.TaskHandle))
				assert.Equal(c, int64(5), aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
			}},
		Test{ID: "SQS-MOVE-007", Title: "CancelMessageMoveTask with a malformed task handle fails with InvalidParameterValue",
			Doc: apiDocAt("CancelMessageMoveTask", "API_CancelMessageMoveTask_Errors"), Run: func(c *C) {
				_, err := c.Client().CancelMessageMoveTask(c.Ctx(), &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("foobar")})
				c.Err(err, "InvalidParameterValue", 400, "Value for parameter TaskHandle is invalid.")
			}},
		Test{ID: "SQS-MOVE-008", Title: "CancelMessageMoveTask stops a running task, which is then reported CANCELLED",
			Doc: apiDoc("CancelMessageMoveTask"), Run: func(c *C) {
				_, dlq := filledDLQ(c, 5)
				out, err := startMove(c, c.QueueARN(dlq), func(in *sqs.StartMessageMoveTaskInput) { in.MaxNumberOfMessagesPerSecond = aws.Int32(1) })
				c.OK(err, "StartMessageMoveTask")
				_, err = c.Client().CancelMessageMoveTask(c.Ctx(), &sqs.CancelMessageMoveTaskInput{TaskHandle: out.TaskHandle})
				c.OK(err, "CancelMessageMoveTask")
				waitStatus(c, c.QueueARN(dlq), "CANCELLED")
			}},
		Test{ID: "SQS-MOVE-010", Title: "A message moved by a move task is a new message: new MessageId, receive count and SentTimestamp start again",
			Doc: moveDoc, Run: func(c *C) {
				src, dlq := dlqPair(c, false)
				c.Send(src, "x")
				first := deadLetter(c, src)
				c.Advance(2 * time.Second)
				_, err := startMove(c, c.QueueARN(dlq))
				c.OK(err, "StartMessageMoveTask")
				waitStatus(c, c.QueueARN(dlq), "COMPLETED")
				m := c.one(src, 5*time.Second)
				assert.Equal(c, "x", aws.ToString(m.Body))
				assert.NotEqual(c, aws.ToString(first.MessageId), aws.ToString(m.MessageId), "a redriven message gets a new MessageId")
				assert.Equal(c, 1, attrInt(m, "ApproximateReceiveCount"))
				assert.Greater(c, attrInt(m, "SentTimestamp"), attrInt(first, "SentTimestamp"), "and a new enqueue time")
				assert.NotContains(c, m.Attributes, "DeadLetterQueueSourceArn")
			}},
		Test{ID: "SQS-MOVE-009", Title: "StartMessageMoveTask from a queue ARN that does not exist fails with ResourceNotFoundException",
			Doc: apiDocAt("StartMessageMoveTask", "API_StartMessageMoveTask_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				arn := c.QueueARN(q)
				missing := arn[:len(arn)-len(queueurl.Name(q))] + c.UniqueName("missing", false)
				_, err := startMove(c, missing)
				c.Err(err, "ResourceNotFoundException", 404, "")
			}},
	)
	return
}
