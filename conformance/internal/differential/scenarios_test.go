package differential_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/conformance/internal/differential"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Peers, for Known marks.
const (
	ls  = "localstack"
	mt  = "moto"
	emq = "elasticmq"
)

// Reasons shared by many marks.
const (
	emqShape   = "ElasticMQ's x-amzn-query-error header carries the shape name, so the SDK reports com.amazonaws.sqs#<Shape> instead of the legacy code"
	accepts    = "accepts the request; AWS rejects it"
	status400  = "answers ReceiptHandleIsInvalid with HTTP 400; the API reference (and the SDK's error table) give 404"
	noSeqNoCBD = "returns no SequenceNumber for a message of a FIFO queue with ContentBasedDeduplication"
)

// scenario is a sequence of operations run on a reference and on the mock, compared step by
// step. Steps whose difference on a peer is a reviewed deviation (conformance/internal/suite/deviations.yaml)
// carry Known marks; nothing else is loosened per backend.
type scenario struct {
	name string
	run  func(d *differential.D)
}

var scenarios = []scenario{
	// ---- queue management ----
	{"queue/create-idempotent-and-conflict", func(d *differential.D) {
		d.Do(createQueue("a", map[string]string{"VisibilityTimeout": "5"})).Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(s.Name("a"))})
		}).Exact()
		d.Do(createQueue("a", map[string]string{"VisibilityTimeout": "5"})).Exact()
		d.Do(createQueue("a", map[string]string{"VisibilityTimeout": "6"})).Known(emq, "SQS-Q-003", emqShape).Error()
	}},
	{"queue/list-by-prefix", func(d *differential.D) {
		d.Queue("l1", nil)
		d.Queue("l2", nil)
		d.Queue("l3.fifo", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String(s.Prefix())})
		}).Eventually(10 * time.Second).Unordered()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String(s.Prefix() + "zz")})
		}).Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String(s.Prefix()), MaxResults: aws.Int32(2)})
		}).Eventually(10*time.Second).Known(mt, "SQS-Q-014", "ignores MaxResults and gives no NextToken").
			Known(emq, "SQS-Q-014", "ignores MaxResults and gives no NextToken").Loosely()
	}},
	{"queue/name-errors", func(d *differential.D) {
		for id, name := range map[string]string{"SQS-Q-005": "bad name!", "SQS-Q-006": repeat("n", 81)} {
			d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
				return c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
			}).Known(emq, id, emqShape).Error()
		}
		d.Do(createQueue("nofifo", map[string]string{"FifoQueue": "true"})).Known(emq, "SQS-Q-007", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(s.Name("x.fifo"))})
		}).Known(emq, "SQS-Q-008", emqShape).Known(mt, "SQS-Q-008", accepts).Error()
	}},
	{"queue/missing-queue-errors", func(d *differential.D) {
		d.Queue("here", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(s.Name("gone"))})
		}).Known(emq, "SQS-Q-009", emqShape).ErrorMessage()
		d.Do(send("gone", "x")).Known(emq, "SQS-Q-011", emqShape).Error()
		d.Do(recv("gone", 1)).Known(emq, "SQS-Q-025", emqShape).Error()
		d.Do(attrs("gone", "All")).Known(emq, "SQS-Q-024", emqShape).Error()
		d.Do(setAttrs("gone", map[string]string{"DelaySeconds": "1"})).Known(emq, "SQS-ATTR-016", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: u(s, "gone")})
		}).Known(emq, "SQS-PURGE-003", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: u(s, "gone")})
		}).Known(emq, "SQS-Q-012", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: u(s, "gone")})
		}).Known(emq, "SQS-TAG-007", emqShape).Error()
	}},
	{"queue/delete", func(d *differential.D) {
		d.Queue("del", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: u(s, "del")})
		}).Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(s.Name("del"))})
		}).Eventually(5*time.Second).Known(emq, "SQS-Q-010", emqShape).Error()
	}},

	// ---- attributes ----
	{"attributes/standard-defaults", func(d *differential.D) {
		d.Queue("std", nil)
		d.Do(attrs("std", "All")).
			Known(emq, "SQS-ATTR-001", "omits MaximumMessageSize, MessageRetentionPeriod and SqsManagedSseEnabled").
			Known(mt, "SQS-ATTR-003", "CreatedTimestamp and LastModifiedTimestamp have a fraction").Exact()
	}},
	{"attributes/fifo-defaults", func(d *differential.D) {
		d.Queue("f.fifo", nil)
		d.Do(attrs("f.fifo", "All")).
			Known(emq, "SQS-ATTR-004", "omits DeduplicationScope, FifoThroughputLimit, MaximumMessageSize, MessageRetentionPeriod and SqsManagedSseEnabled").
			Known(mt, "SQS-ATTR-003", "CreatedTimestamp and LastModifiedTimestamp have a fraction").Exact()
	}},
	{"attributes/set-and-get", func(d *differential.D) {
		d.Queue("sg", nil)
		d.Do(setAttrs("sg", map[string]string{"VisibilityTimeout": "45", "DelaySeconds": "3", "MaximumMessageSize": "2048",
			"MessageRetentionPeriod": "600", "ReceiveMessageWaitTimeSeconds": "2"})).Exact()
		d.Do(attrs("sg", "VisibilityTimeout", "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds")).
			Known(emq, "SQS-ATTR-005", "omits MaximumMessageSize and MessageRetentionPeriod").Exact()
		d.Do(attrs("sg", "QueueArn")).Exact()
	}},
	{"attributes/errors", func(d *differential.D) {
		d.Queue("ae", nil)
		d.Do(attrs("ae", "NoSuchAttribute")).Known(emq, "SQS-ATTR-007", accepts).Error()
		d.Do(setAttrs("ae", map[string]string{"NoSuchAttribute": "1"})).
			Known(emq, "SQS-ATTR-008", emqShape).Known(mt, "SQS-ATTR-008", accepts).Error()
		d.Do(setAttrs("ae", map[string]string{"FifoQueue": "true"})).
			Known(emq, "SQS-ATTR-009", accepts).Known(mt, "SQS-ATTR-009", accepts).Error()
		d.Do(setAttrs("ae", map[string]string{"VisibilityTimeout": "43201"})).
			Known(ls, "SQS-ATTR-022", accepts).Known(mt, "SQS-ATTR-022", accepts).Known(emq, "SQS-ATTR-022", accepts).Error()
		d.Do(setAttrs("ae", map[string]string{"MessageRetentionPeriod": "59"})).
			Known(ls, "SQS-ATTR-030", accepts).Known(mt, "SQS-ATTR-030", accepts).Known(emq, "SQS-ATTR-030", accepts).Error()
		d.Do(createQueue("bad-attr", map[string]string{"NoSuchAttribute": "1"})).
			Known(mt, "SQS-Q-019", accepts).Known(emq, "SQS-Q-019", accepts).Error()
		d.Do(createQueue("bad-value", map[string]string{"VisibilityTimeout": "43201"})).
			Known(ls, "SQS-ATTR-040", accepts).Known(mt, "SQS-ATTR-040", accepts).Known(emq, "SQS-ATTR-040", accepts).Error()
	}},

	// ---- tags ----
	{"tags/tag-list-untag", func(d *differential.D) {
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(s.Name("t")), Tags: map[string]string{"team": "core"}})
		}).Exact()
		listTags := func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: u(s, "t")})
		}
		d.Do(listTags).Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: u(s, "t"), Tags: map[string]string{"env": "test", "team": "platform", "ü": "ö"}})
		}).Exact()
		d.Do(listTags).Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: u(s, "t"), TagKeys: []string{"env", "absent"}})
		}).Exact()
		d.Do(listTags).Exact()
	}},

	// ---- purge ----
	{"purge/purge-and-again", func(d *differential.D) {
		d.Queue("p", nil)
		for _, b := range []string{"1", "2", "3"} {
			d.Do(send("p", b)).Exact()
		}
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: u(s, "p")})
		}).Exact()
		d.Do(counts("p")).Eventually(10 * time.Second).Approx(0)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: u(s, "p")})
		}).Known(mt, "SQS-PURGE-002", "allows a second purge at once").
			Known(emq, "SQS-PURGE-002", "allows a second purge at once").Error()
	}},

	// ---- send / receive / delete ----
	{"message/send-receive-delete", func(d *differential.D) {
		d.Queue("m", nil)
		d.Do(send("m", "hello")).Exact()
		r := d.Do(recv("m", 1, allAttributes))
		r.Exact()
		d.Do(deleteMsg("m", r, 0)).Exact()
		d.Do(recv("m", 1)).Exact()
		d.Do(counts("m")).Eventually(10 * time.Second).Approx(0)
	}},
	{"message/attributes-and-md5", func(d *differential.D) {
		d.Queue("ma", nil)
		d.Do(send("ma", "body", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{
				"s1": strAttr("Bar"), "n1": numAttr("-12.50"), "b1": binAttr([]byte{0, 1, 2, 255}),
				"c1": {DataType: aws.String("String.custom"), StringValue: aws.String("x")},
				"c2": {DataType: aws.String("Binary.gif"), BinaryValue: []byte("GIF89a")},
			}
		})).Exact()
		r := d.Do(recv("ma", 1, allAttributes))
		r.Exact()
		d.Do(changeVis("ma", r, 0, 0)).Exact()
		d.Do(recv("ma", 1, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = []string{"s1", "b1"} })).Exact()
	}},
	{"message/known-answer-md5", func(d *differential.D) {
		d.Queue("ka", nil)
		d.Do(send("ka", "x", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{"Foo": strAttr("Bar")}
		})).Exact()
	}},
	{"message/trace-header", func(d *differential.D) {
		d.Queue("th", nil)
		d.Do(send("th", "traced", func(in *sqs.SendMessageInput) {
			in.MessageSystemAttributes = map[string]types.MessageSystemAttributeValue{
				"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")},
			}
		})).Known(emq, "SQS-SEND-007", "gives no MD5OfMessageSystemAttributes").
			Known(mt, "SQS-SEND-007", "gives no MD5OfMessageSystemAttributes").Exact()
		d.Do(recv("th", 1, func(in *sqs.ReceiveMessageInput) {
			in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAWSTraceHeader}
		})).Exact()
	}},
	{"message/unicode-body", func(d *differential.D) {
		d.Queue("uc", nil)
		body := "tab\tnl\ncr\r ünïcødé 日本語 😀"
		d.Do(send("uc", body)).Exact()
		d.Do(recv("uc", 1)).Exact()
	}},
	{"message/send-errors", func(d *differential.D) {
		d.Queue("se", nil)
		d.Do(send("se", "")).Known(mt, "SQS-SEND-008", accepts).Known(emq, "SQS-SEND-008", emqShape).Error()
		d.Do(send("se", "a\u0001b")).Known(mt, "SQS-SEND-009", accepts).Known(emq, "SQS-SEND-009", emqShape).Error()
		d.Do(send("se", "x", func(in *sqs.SendMessageInput) { in.DelaySeconds = 901 })).
			Known(ls, "SQS-SEND-020", accepts).Known(emq, "SQS-SEND-020", emqShape).Error()
		d.Do(send("se", "x", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{"n": numAttr("not-a-number")}
		})).Known(mt, "SQS-SEND-019", accepts).Known(ls, "SQS-SEND-019", accepts).Known(emq, "SQS-SEND-019", emqShape).Error()
		d.Do(send("se", "x", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{"bad name": strAttr("v")}
		})).Known(emq, "SQS-SEND-017", accepts).Error()
		d.Do(send("se", "x", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{"t": {DataType: aws.String("Float"), StringValue: aws.String("1")}}
		})).Known(emq, "SQS-SEND-018", emqShape).Error()
		d.Do(send("se", "x", func(in *sqs.SendMessageInput) {
			in.MessageAttributes = map[string]types.MessageAttributeValue{}
			for i := 0; i < 11; i++ {
				in.MessageAttributes[string(rune('a'+i))] = strAttr("v")
			}
		})).Known(mt, "SQS-SEND-015", accepts).Known(ls, "SQS-SEND-015", accepts).Known(emq, "SQS-SEND-015", emqShape).Error()
	}},
	{"message/too-large", func(d *differential.D) {
		d.Queue("big", map[string]string{"MaximumMessageSize": "1024"})
		d.Do(send("big", repeat("x", 1024))).Exact()
		d.Do(send("big", repeat("x", 1025))).Known(emq, "SQS-SEND-014", "does not enforce the queue's MaximumMessageSize").Error()
	}},
	{"message/receive-errors", func(d *differential.D) {
		d.Queue("re", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: u(s, "re"), MaxNumberOfMessages: 11})
		}).Known(emq, "SQS-RECV-002", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: u(s, "re"), WaitTimeSeconds: 21})
		}).Known(emq, "SQS-RECV-003", emqShape).Error()
	}},
	{"message/system-attribute-selection", func(d *differential.D) {
		d.Queue("sa", nil)
		d.Do(send("sa", "x")).Exact()
		r := d.Do(recv("sa", 1, func(in *sqs.ReceiveMessageInput) {
			in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}
		}))
		r.Exact()
		d.Do(changeVis("sa", r, 0, 0)).Exact()
		d.Do(recv("sa", 1)).Exact() // no attribute names: no attributes
	}},
	{"message/invalid-receipt-handles", func(d *differential.D) {
		d.Queue("ih", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: u(s, "ih"), ReceiptHandle: aws.String("garbage")})
		}).Known(ls, "SQS-VIS-008", status400).Known(mt, "SQS-VIS-008", status400).Known(emq, "SQS-VIS-008", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: u(s, "ih"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 5})
		}).Known(ls, "SQS-VIS-007", status400).Known(mt, "SQS-VIS-007", status400).Known(emq, "SQS-VIS-007", emqShape).Error()
	}},
	{"message/delete-twice", func(d *differential.D) {
		d.Queue("dt", nil)
		d.Do(send("dt", "x")).Exact()
		r := d.Do(recv("dt", 1))
		r.Exact()
		d.Do(deleteMsg("dt", r, 0)).Exact()
		d.Do(deleteMsg("dt", r, 0)).Known(emq, "SQS-VIS-015", "rejects the second delete with ReceiptHandleIsInvalid").Exact()
		d.Do(changeVis("dt", r, 0, 10)).
			Known(mt, "SQS-VIS-014", "answers ReceiptHandleIsInvalid instead of InvalidParameterValue").
			Known(emq, "SQS-VIS-014", "answers ReceiptHandleIsInvalid instead of InvalidParameterValue").Error()
	}},

	// ---- batches ----
	{"batch/send-with-a-failing-entry", func(d *differential.D) {
		d.Queue("bs", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			e := entries(3, func(i int) string { return []string{"one", "t\u0001wo", "three"}[i] })
			return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "bs"), Entries: e})
		}).Known(ls, "SQS-BATCH-007", "fails the entry with SenderFault=false").
			Known(mt, "SQS-BATCH-007", "accepts the entry with invalid characters").
			Known(emq, "SQS-BATCH-007", "fails the entry with InvalidAttributeValue instead of InvalidMessageContents").Unordered()
		d.Do(recv("bs", 10)).Known(mt, "SQS-BATCH-007", "delivers the entry with invalid characters").Unordered()
	}},
	{"batch/send-oversized-entry", func(d *differential.D) {
		d.Queue("bo", map[string]string{"MaximumMessageSize": "1024"})
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			e := entries(2, func(i int) string { return repeat("y", 1000+100*i) })
			return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "bo"), Entries: e})
		}).Known(ls, "SQS-BATCH-003", "reports the entry's code as InvalidParameterValueException").
			Known(mt, "SQS-BATCH-003", "rejects the whole batch").
			Known(emq, "SQS-BATCH-003", "accepts the oversized entry").Unordered()
	}},
	{"batch/request-errors", func(d *differential.D) {
		d.Queue("be", nil)
		batch := func(e []types.SendMessageBatchRequestEntry) func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
				return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "be"), Entries: e})
			}
		}
		d.Do(batch([]types.SendMessageBatchRequestEntry{})).Known(emq, "SQS-BATCH-021", accepts).Error()
		d.Do(batch(entries(11, func(int) string { return "x" }))).Known(emq, "SQS-BATCH-020", emqShape).Error()
		dup := entries(2, func(int) string { return "x" })
		dup[1].Id = dup[0].Id
		d.Do(batch(dup)).Known(emq, "SQS-BATCH-022", emqShape).Error()
		bad := entries(1, func(int) string { return "x" })
		bad[0].Id = aws.String("a:b")
		d.Do(batch(bad)).Known(emq, "SQS-BATCH-023", accepts).Error()
		d.Do(batch(entries(2, func(int) string { return repeat("z", 600*1024) }))).
			Known(emq, "SQS-BATCH-002", "answers InvalidAttributeValue (MessageTooLong) instead of BatchRequestTooLong").Error()
	}},
	{"batch/delete-with-a-failing-entry", func(d *differential.D) {
		d.Queue("bd", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "bd"), Entries: entries(2, func(i int) string { return "m" })})
		}).Unordered()
		r := d.Do(recv("bd", 2))
		r.Unordered()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			h := handles(s, r, 2)
			return c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: u(s, "bd"), Entries: []types.DeleteMessageBatchRequestEntry{
				{Id: aws.String("ok1"), ReceiptHandle: h[0]}, {Id: aws.String("ok2"), ReceiptHandle: h[1]},
				{Id: aws.String("bad"), ReceiptHandle: aws.String("garbage")},
			}})
		}).Known(ls, "SQS-BATCH-006", "LocalStack reports the invalid handle with SenderFault=false").Unordered()
		d.Do(counts("bd")).Eventually(10 * time.Second).Approx(0)
	}},
	{"batch/change-visibility-with-a-failing-entry", func(d *differential.D) {
		d.Queue("bv", nil)
		d.Do(send("bv", "m")).Exact()
		r := d.Do(recv("bv", 1))
		r.Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: u(s, "bv"), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
				{Id: aws.String("ok"), ReceiptHandle: handles(s, r, 1)[0], VisibilityTimeout: 0},
				{Id: aws.String("bad"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 0},
			}})
		}).Known(ls, "SQS-VIS-013", "LocalStack reports the invalid handle with SenderFault=false").Unordered()
		d.Do(recv("bv", 1, allAttributes)).Exact()
	}},

	// ---- visibility ----
	{"visibility/in-flight-and-change", func(d *differential.D) {
		d.Queue("v", nil)
		d.Do(send("v", "x")).Exact()
		d.Do(send("v", "y")).Exact()
		r := d.Do(recv("v", 1, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 }))
		r.Loosely() // which of the two comes first is the backend's choice
		d.Do(counts("v")).Eventually(10 * time.Second).Approx(0)
		d.Do(changeVis("v", r, 0, 0)).Exact()
		d.Do(recv("v", 2, func(in *sqs.ReceiveMessageInput) {
			in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}
		})).Unordered()
		d.Do(counts("v")).Eventually(10 * time.Second).Approx(0)
	}},
	{"visibility/timeout-expires", func(d *differential.D) {
		d.Queue("ve", map[string]string{"VisibilityTimeout": "4"}) // seconds of margin for a loaded peer
		d.Do(send("ve", "x")).Exact()
		d.Do(recv("ve", 1)).Exact()
		d.Do(recv("ve", 1)).Exact() // in flight: nothing
		d.Advance(4100 * time.Millisecond)
		// Peers make an expired message visible again a little late: wait for it (read-only
		// step, retried), then receive it (again a moment later if the peer's count ran ahead
		// of its receive).
		d.Do(counts("ve")).Eventually(10 * time.Second).Approx(0)
		d.Do(recvArriving("ve", 1, allAttributes)).Exact()
	}},
	{"visibility/errors", func(d *differential.D) {
		d.Queue("vx", nil)
		d.Do(send("vx", "x")).Exact()
		r := d.Do(recv("vx", 1))
		r.Exact()
		d.Do(changeVis("vx", r, 0, 43201)).Known(ls, "SQS-VIS-006", accepts).Known(emq, "SQS-VIS-006", accepts).Error()
	}},

	// ---- delay ----
	{"delay/per-message", func(d *differential.D) {
		d.Queue("dl", nil)
		d.Do(send("dl", "later", func(in *sqs.SendMessageInput) { in.DelaySeconds = 4 })).Exact()
		d.Do(recv("dl", 1)).Exact()
		d.Do(counts("dl")).Approx(0)
		d.Advance(4100 * time.Millisecond)
		d.Do(counts("dl")).Eventually(10 * time.Second).Approx(0)
		d.Do(recvArriving("dl", 1)).Exact()
	}},

	// ---- FIFO ----
	{"fifo/order-within-group", func(d *differential.D) {
		d.Queue("o.fifo", nil)
		for i, b := range []string{"m1", "m2", "m3", "m4", "m5"} {
			d.Do(send("o.fifo", b, group("g", "d"+string(rune('0'+i))))).Exact()
		}
		d.Do(recv("o.fifo", 10, allAttributes)).Exact()
	}},
	{"fifo/deduplication", func(d *differential.D) {
		d.Queue("dd.fifo", nil)
		d.Do(send("dd.fifo", "first", group("g", "same"))).Exact()
		d.Do(send("dd.fifo", "second", group("g", "same"))).Exact()
		d.Do(recv("dd.fifo", 10)).Exact()
		d.Queue("cb.fifo", map[string]string{"ContentBasedDeduplication": "true"})
		d.Do(send("cb.fifo", "body", group("g", ""))).Known(mt, "SQS-FIFO-010", noSeqNoCBD).Exact()
		d.Do(send("cb.fifo", "body", group("h", ""))).Known(mt, "SQS-FIFO-010", noSeqNoCBD).Exact()
		d.Do(recv("cb.fifo", 10, allAttributes)).Known(mt, "SQS-FIFO-010", noSeqNoCBD).Exact()
	}},
	{"fifo/errors", func(d *differential.D) {
		d.Queue("fe.fifo", nil)
		d.Do(send("fe.fifo", "x")).Known(emq, "SQS-FIFO-002", "reports MissingParameter with an unknown fault (no Sender in x-amzn-query-error)").Error()
		d.Do(send("fe.fifo", "x", group("g", ""))).Known(emq, "SQS-FIFO-003", emqShape).Error()
		d.Do(send("fe.fifo", "x", group("g", "d"), func(in *sqs.SendMessageInput) { in.DelaySeconds = 5 })).Known(emq, "SQS-FIFO-013", emqShape).Error()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "fe.fifo"), Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("a"), MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")},
			}})
		}).Known(mt, "SQS-FIFO-021", "answers MissingParameter instead of InvalidParameterValue").
			Known(emq, "SQS-FIFO-021", "fails the entry alone instead of the request").Error()
	}},
	{"fifo/group-blocking", func(d *differential.D) {
		d.Queue("gb.fifo", nil)
		d.Do(send("gb.fifo", "a1", group("a", "1"))).Exact()
		d.Do(send("gb.fifo", "a2", group("a", "2"))).Exact()
		d.Do(send("gb.fifo", "b1", group("b", "3"))).Exact()
		first := d.Do(recv("gb.fifo", 1))
		first.Exact()
		d.Do(recv("gb.fifo", 10)).Exact()
		d.Do(deleteMsg("gb.fifo", first, 0)).Exact()
		d.Do(recv("gb.fifo", 10)).Exact()
	}},
	{"fifo/batch-order", func(d *differential.D) {
		d.Queue("bo.fifo", map[string]string{"ContentBasedDeduplication": "true"})
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			e := entries(4, func(i int) string { return "n" + string(rune('0'+i)) })
			for i := range e {
				e[i].MessageGroupId = aws.String("g")
			}
			return c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: u(s, "bo.fifo"), Entries: e})
		}).Known(mt, "SQS-FIFO-010", noSeqNoCBD).Known(emq, "SQS-FIFO-010", noSeqNoCBD+" in a batch").Unordered()
		d.Do(recv("bo.fifo", 10)).Exact()
	}},

	// ---- dead-letter queues ----
	{"redrive/dead-letter", func(d *differential.D) {
		d.Queue("dlq", nil)
		d.Queue("src", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"<arn:dlq>","maxReceiveCount":1}`})
		d.Do(attrs("src", "RedrivePolicy")).Known(mt, "SQS-DLQ-012", "re-serialises the RedrivePolicy JSON with spaces instead of returning it compact as AWS does").Exact()
		d.Do(send("src", "poison")).Exact()
		r := d.Do(recv("src", 1))
		r.Exact()
		d.Do(changeVis("src", r, 0, 0)).Exact()
		d.Do(recv("src", 1)).Exact() // moved on this receive
		d.Do(recv("dlq", 1, allAttributes)).Known(mt, "SQS-DLQ-003", "no DeadLetterQueueSourceArn attribute").Exact()
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: u(s, "dlq")})
		}).Eventually(10 * time.Second).Exact()
	}},
	{"redrive/policy-errors", func(d *differential.D) {
		d.Queue("pe", nil)
		d.Do(setAttrs("pe", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"dummy","maxReceiveCount":3}`})).
			Known(ls, "SQS-DLQ-005", accepts).Known(mt, "SQS-DLQ-005", "answers NonExistentQueue").Known(emq, "SQS-DLQ-005", emqShape).Error()
		d.Do(setAttrs("pe", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"<arn:pe>","maxReceiveCount":0}`})).
			Known(mt, "SQS-DLQ-006", accepts).Known(emq, "SQS-DLQ-006", emqShape).Error()
	}},

	// ---- permissions ----
	{"permissions/add-remove", func(d *differential.D) {
		d.Queue("pm", nil)
		add := func(label string) func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
				return c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: u(s, "pm"), Label: aws.String(label),
					AWSAccountIds: []string{"111122223333"}, Actions: []string{"SendMessage"}})
			}
		}
		remove := func(label string) func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
				return c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: u(s, "pm"), Label: aws.String(label)})
			}
		}
		d.Do(add("l1")).Exact()
		d.Do(add("l1")).Known(emq, "SQS-PERM-002", accepts).Error()
		d.Do(remove("l1")).Exact()
		d.Do(remove("nope")).Known(emq, "SQS-PERM-004", accepts).Error()
	}},
}

func references() []harness.Backend {
	refs := []harness.Backend{"moto", "localstack", "elasticmq"}
	if awsWanted() {
		refs = append(refs, "aws")
	}
	return refs
}

// TestDifferential runs every scenario on each peer that is up (SQSHARNESS_<PEER>_ENDPOINT, as
// `. .ci/peers/env.sh` exports them) against the in-process mock, and on real AWS when
// SQSHARNESS_CONFORMANCE_AWS=1. A missing peer skips with instructions (fails under CI=true).
func TestDifferential(t *testing.T) {
	for _, ref := range references() {
		t.Run(string(ref), func(t *testing.T) {
			shorttest.SkipRealBackend(t, ref)
			t.Parallel()
			harness.New(t, func(o *harness.Options) { o.Backend = ref }) // skips (or fails under CI) when ref is down
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					runTries(t, sc, ref)
				})
			}
		})
	}
}

// runTries runs a scenario against ref until one try gets through without a transport error (a
// request or its answer lost on the way, e.g. a connection a peer's HTTP server closed under a
// response, about once in a few hundred requests to LocalStack on a loaded machine): such a try
// is skipped, not compared, and the scenario starts again on fresh queues, at most three times.
// A difference in any try fails the test.
func runTries(t *testing.T, sc scenario, ref harness.Backend) {
	for try := 1; try <= 3; try++ {
		var lost error
		t.Run(fmt.Sprintf("try%d", try), func(t *testing.T) {
			sc.run(differential.New(t, ref, differential.OnTransportError(func(err error) { lost = err })))
		})
		if lost == nil {
			return
		}
		t.Logf("try %d lost a request on the way (%v): running the scenario again on fresh queues", try, lost)
	}
	t.Errorf("every try of the scenario lost a request on the way to %s", ref)
}

// TestDifferentialServer runs every scenario with the mock over HTTP (the real *sqs.Client and
// the server's codec) as the reference and the in-process mock as the candidate: the two front
// doors must answer alike. It needs no peer.
func TestDifferentialServer(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			runTries(t, sc, "server")
		})
	}
}
