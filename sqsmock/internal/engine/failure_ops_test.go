package engine

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"
)

// opFailure is a request, other than a send, that fails on the fixture.
type opFailure struct {
	name    string
	prepare func(f *fixture) // optional, before the state is taken
	call    func(f *fixture) (any, error)
}

// batchFailed reports whether a batch output has failed entries and no successful one.
func batchFailed(out any) bool {
	switch o := out.(type) {
	case *sqs.DeleteMessageBatchOutput:
		return len(o.Successful) == 0 && len(o.Failed) > 0
	case *sqs.ChangeMessageVisibilityBatchOutput:
		return len(o.Successful) == 0 && len(o.Failed) > 0
	case *sqs.SendMessageBatchOutput:
		return len(o.Successful) == 0 && len(o.Failed) > 0
	}
	return false
}

func opFailures() []opFailure {
	cmv := func(queue, handle string, timeout int32) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.ChangeMessageVisibility(f.ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(queue),
				ReceiptHandle: aws.String(handle), VisibilityTimeout: timeout})
		}
	}
	del := func(queue, handle string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.DeleteMessage(f.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queue), ReceiptHandle: aws.String(handle)})
		}
	}
	setAttrs := func(queue string, attrs map[string]string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.SetQueueAttributes(f.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(queue), Attributes: attrs})
		}
	}
	create := func(name string, attrs, tags map[string]string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.CreateQueue(f.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs, Tags: tags})
		}
	}
	tag := func(tags map[string]string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.TagQueue(f.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(fxStd), Tags: tags})
		}
	}
	permit := func(label string, accounts, actions []string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.AddPermission(f.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(fxStd), Label: aws.String(label),
				AWSAccountIds: accounts, Actions: actions})
		}
	}
	receive := func(in *sqs.ReceiveMessageInput) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) { return f.e.ReceiveMessage(f.ctx, in) }
	}
	startTask := func(source, dest string, rate *int32) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(f.e.ARN(source)), MaxNumberOfMessagesPerSecond: rate}
			if dest != "" {
				in.DestinationArn = aws.String(f.e.ARN(dest))
			}
			return f.e.StartMessageMoveTask(f.ctx, in)
		}
	}
	cancelTask := func(handle func(f *fixture) string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) {
			return f.e.CancelMessageMoveTask(f.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(handle(f))})
		}
	}
	later := func(f *fixture) { f.clock.Add(int64(time.Second)) }
	receipt := func(body string) func(f *fixture) string { return func(f *fixture) string { return f.receipts[body] } }
	forged := func(queue, body string, nonce uint64) func(f *fixture) string {
		return func(f *fixture) string { return f.handle(queue, body, nonce) }
	}
	dyn := func(mk func(handle string) func(f *fixture) (any, error), h func(f *fixture) string) func(f *fixture) (any, error) {
		return func(f *fixture) (any, error) { return mk(h(f))(f) }
	}
	tooMany := map[string]string{}
	for i := range 6 {
		tooMany["new"+strconv.Itoa(i)] = "v"
	}
	ops := []opFailure{
		// ChangeMessageVisibility.
		{name: "CMV timeout negative", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, -1) }, receipt("s1"))},
		{name: "CMV timeout over 12 hours", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 43201) }, receipt("s1"))},
		{name: "CMV past 12 hours since receive", prepare: later, call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 43200) }, receipt("s1"))},
		{name: "CMV garbage handle", call: cmv(fxStd, "garbage", 10)},
		{name: "CMV other queue's handle", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxDLQ, h, 10) }, receipt("s1"))},
		{name: "CMV message gone", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 10) }, forged(fxStd, "nothing", 1))},
		{name: "CMV ready message", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 10) }, forged(fxStd, "s2", 1))},
		{name: "CMV delayed message", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 10) }, forged(fxStd, "s3", 1))},
		{name: "CMV FIFO stale handle", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxFifo, h, 10) }, forged(fxFifo, "f1", 99))},
		{name: "CMV FIFO ready message", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxFifo, h, 10) }, forged(fxFifo, "f3", 1))},
		{name: "CMV fault", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxStd, h, 10) }, receipt("fault-s"))},
		{name: "CMV FIFO fault", call: dyn(func(h string) func(*fixture) (any, error) { return cmv(fxFifo, h, 10) }, receipt("fault-f"))},
		{name: "CMV no queue", call: cmv("nope", "garbage", 10)},
		{name: "CMV batch all failing", call: func(f *fixture) (any, error) {
			return f.e.ChangeMessageVisibilityBatch(f.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(fxFifo),
				Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
					{Id: aws.String("a"), ReceiptHandle: aws.String(f.receipts["f1"]), VisibilityTimeout: -1},
					{Id: aws.String("b"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 10},
					{Id: aws.String("c"), ReceiptHandle: aws.String(f.handle(fxFifo, "f1", 99)), VisibilityTimeout: 10},
					{Id: aws.String("d"), VisibilityTimeout: 10},
					{Id: aws.String("e"), ReceiptHandle: aws.String(f.receipts["fault-f"]), VisibilityTimeout: 10},
					{Id: aws.String("fault-f"), ReceiptHandle: aws.String(f.receipts["f1"]), VisibilityTimeout: 10},
				}})
		}},
		{name: "CMV batch request", call: func(f *fixture) (any, error) {
			return f.e.ChangeMessageVisibilityBatch(f.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(fxStd),
				Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
					{Id: aws.String("a"), ReceiptHandle: aws.String(f.receipts["s1"]), VisibilityTimeout: 10},
					{Id: aws.String("a"), ReceiptHandle: aws.String(f.receipts["s1"]), VisibilityTimeout: 10},
				}})
		}},
		// DeleteMessage.
		{name: "delete garbage handle", call: del(fxStd, "garbage")},
		{name: "delete no handle", call: func(f *fixture) (any, error) {
			return f.e.DeleteMessage(f.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(fxStd)})
		}},
		{name: "delete other queue's handle", call: dyn(func(h string) func(*fixture) (any, error) { return del(fxDLQ, h) }, receipt("s1"))},
		{name: "delete FIFO stale handle", call: dyn(func(h string) func(*fixture) (any, error) { return del(fxFifo, h) }, forged(fxFifo, "f1", 99))},
		{name: "delete FIFO ready message", call: dyn(func(h string) func(*fixture) (any, error) { return del(fxFifo, h) }, forged(fxFifo, "f3", 1))},
		{name: "delete fault", call: dyn(func(h string) func(*fixture) (any, error) { return del(fxStd, h) }, receipt("fault-s"))},
		{name: "delete FIFO fault", call: dyn(func(h string) func(*fixture) (any, error) { return del(fxFifo, h) }, receipt("fault-f"))},
		{name: "delete batch all failing", call: func(f *fixture) (any, error) {
			return f.e.DeleteMessageBatch(f.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(fxFifo),
				Entries: []types.DeleteMessageBatchRequestEntry{
					{Id: aws.String("a"), ReceiptHandle: aws.String("garbage")},
					{Id: aws.String("b"), ReceiptHandle: aws.String(f.handle(fxFifo, "f1", 99))},
					{Id: aws.String("c")},
					{Id: aws.String("d"), ReceiptHandle: aws.String(f.receipts["fault-f"])},
					{Id: aws.String("fault-e"), ReceiptHandle: aws.String(f.receipts["f1"])},
				}})
		}},
		{name: "delete batch request", call: func(f *fixture) (any, error) {
			return f.e.DeleteMessageBatch(f.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(fxStd),
				Entries: []types.DeleteMessageBatchRequestEntry{
					{Id: aws.String("a"), ReceiptHandle: aws.String(f.receipts["s1"])},
					{Id: aws.String("b b"), ReceiptHandle: aws.String(f.receipts["s1"])},
				}})
		}},
		// ReceiveMessage.
		{name: "receive eleven", call: receive(&sqs.ReceiveMessageInput{QueueUrl: aws.String(fxStd), MaxNumberOfMessages: 11})},
		{name: "receive wait", call: receive(&sqs.ReceiveMessageInput{QueueUrl: aws.String(fxStd), WaitTimeSeconds: 21})},
		{name: "receive visibility", call: receive(&sqs.ReceiveMessageInput{QueueUrl: aws.String(fxStd), VisibilityTimeout: -1})},
		{name: "receive attribute", call: receive(&sqs.ReceiveMessageInput{QueueUrl: aws.String(fxFifo),
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"Bogus"}})},
		{name: "receive attempt id", call: receive(&sqs.ReceiveMessageInput{QueueUrl: aws.String(fxFifo), ReceiveRequestAttemptId: aws.String("a b")})},
		// SetQueueAttributes: nothing applies unless everything does.
		{name: "set unknown attribute", call: setAttrs(fxStd, map[string]string{"VisibilityTimeout": "60", "Bogus": "1"})},
		{name: "set bad value after a good one", call: setAttrs(fxFifo, map[string]string{"DelaySeconds": "10", "VisibilityTimeout": "-1"})},
		{name: "set redrive to nowhere", call: setAttrs(fxFifo, map[string]string{"DelaySeconds": "10",
			"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:nope.fifo","maxReceiveCount":1}`})},
		{name: "set redrive to a standard queue", call: setAttrs(fxFifo, map[string]string{"MaximumMessageSize": "2048",
			"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1}`})},
		{name: "set redrive allow policy", call: setAttrs(fxDLQ, map[string]string{"MessageRetentionPeriod": "60", "RedriveAllowPolicy": "{"})},
		{name: "set FIFO attribute on standard", call: setAttrs(fxStd, map[string]string{"DelaySeconds": "5", "ContentBasedDeduplication": "true"})},
		{name: "set queue type", call: setAttrs(fxFifo, map[string]string{"ContentBasedDeduplication": "true", "FifoQueue": "false"})},
		{name: "set throughput without scope", call: setAttrs(fxFifo, map[string]string{"DelaySeconds": "3", "FifoThroughputLimit": "perMessageGroupId"})},
		{name: "set no attributes", call: setAttrs(fxStd, nil)},
		// CreateQueue.
		{name: "create bad name", call: create("bad name", nil, nil)},
		{name: "create FIFO without suffix", call: create("nofifo", map[string]string{"FifoQueue": "true"}, nil)},
		{name: "create bad attribute", call: create("new", map[string]string{"VisibilityTimeout": "60", "Bogus": "x"}, nil)},
		{name: "create bad tag", call: create("new", nil, map[string]string{"ok": "v", "aws:x": "v"})},
		{name: "create existing with other attributes", call: create(fxStd, map[string]string{"VisibilityTimeout": "99"}, map[string]string{"new": "v"})},
		{name: "create deleted recently", call: create(fxGone, nil, map[string]string{"new": "v"})},
		{name: "create over the queue limit", prepare: func(f *fixture) { f.e.cfg.MaxQueues = len(f.e.QueueNames()) },
			call: create("new", nil, map[string]string{"new": "v"})},
		{name: "create over the queue limit after expiry", prepare: func(f *fixture) {
			f.e.cfg.MaxQueues = len(f.e.QueueNames())
			f.clock.Add(int64(deletedRecently))
		}, call: create(fxGone, nil, nil)},
		// Tags, permissions, purge, delete.
		{name: "tag none", call: tag(nil)},
		{name: "tag invalid among valid", call: tag(map[string]string{"new": "v", strings.Repeat("k", 129): "v"})},
		{name: "tag too many", call: tag(tooMany)},
		{name: "untag none", call: func(f *fixture) (any, error) {
			return f.e.UntagQueue(f.ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(fxStd)})
		}},
		{name: "permission label exists", call: permit("p1", []string{"222222222222"}, []string{"ReceiveMessage"})},
		{name: "permission bad label", call: permit("p 2", []string{"222222222222"}, []string{"ReceiveMessage"})},
		{name: "permission bad account", call: permit("p2", []string{"222222222222", "x"}, []string{"ReceiveMessage"})},
		{name: "permission bad action", call: permit("p2", []string{"222222222222"}, []string{"ReceiveMessage", "CreateQueue"})},
		{name: "permission too many actions", call: permit("p2", []string{"222222222222"}, strings.Split("a b c d e f g h", " "))},
		{name: "remove unknown permission", call: func(f *fixture) (any, error) {
			return f.e.RemovePermission(f.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(fxStd), Label: aws.String("p9")})
		}},
		{name: "purge again", call: func(f *fixture) (any, error) {
			return f.e.PurgeQueue(f.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(fxPurge)})
		}},
		{name: "delete queue gone", call: func(f *fixture) (any, error) {
			return f.e.DeleteQueue(f.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(fxGone)})
		}},
		// Message move tasks.
		{name: "move from a queue that is no DLQ", call: startTask(fxStd, "", nil)},
		{name: "move to nowhere", call: startTask(fxFDLQ, "nope", nil)},
		{name: "move to itself", call: startTask(fxFDLQ, fxFDLQ, nil)},
		{name: "move rate", call: startTask(fxFDLQ, "", aws.Int32(501))},
		{name: "move while a task runs", call: startTask(fxDLQ, "", nil)},
		{name: "cancel garbage", call: cancelTask(func(*fixture) string { return "garbage" })},
		{name: "cancel unknown task", call: cancelTask(func(f *fixture) string {
			return base64.StdEncoding.EncodeToString([]byte(`{"taskId":"x","sourceArn":"` + f.e.ARN(fxDLQ) + `"}`))
		})},
		{name: "cancel finished task", call: cancelTask(func(f *fixture) string { return f.finished })},
	}
	return ops
}

// Every failing request leaves the engine's state as it was.
func TestFailedRequestLeavesNoState(t *testing.T) {
	for _, c := range opFailures() {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, 5)
			if c.prepare != nil {
				c.prepare(f)
			}
			before := f.snapshot()
			out, err := c.call(f)
			if err == nil {
				require.True(t, batchFailed(out), "the request succeeded: %#v", out)
			}
			f.requireUnchanged(before)
		})
	}
}
