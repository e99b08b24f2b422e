package sqsmock_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// WithDeadLetterQueue wires a redrive without a hard-coded ARN, in any order with WithQueue,
// and the message ends in the dead-letter queue after maxReceiveCount receives.
func TestWithDeadLetterQueue(t *testing.T) {
	for name, opts := range map[string][]func(*sqsmock.Options){
		"policy first": {func(o *sqsmock.Options) {
			o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs", DeadLetterQueue: "jobs-dlq", MaxReceiveCount: 2})
		},
			func(o *sqsmock.Options) {
				o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "0"}})
			}, func(o *sqsmock.Options) { o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs-dlq"}) }},
		"queues first": {func(o *sqsmock.Options) {
			o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "0"}})
		}, func(o *sqsmock.Options) { o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs-dlq"}) },
			func(o *sqsmock.Options) {
				o.Queues = append(o.Queues, sqsmock.Queue{Name: "jobs", DeadLetterQueue: "jobs-dlq", MaxReceiveCount: 2})
			}},
	} {
		t.Run(name, func(t *testing.T) {
			m := sqsmock.New(append(opts, func(o *sqsmock.Options) { o.Region = "eu-west-1" }, func(o *sqsmock.Options) { o.AccountID = "123456789012" })...)
			c, ctx := m.Client(), context.Background()
			url := aws.String(m.QueueURL("jobs"))
			attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []types.QueueAttributeName{"All"}})
			require.NoError(t, err)
			assert.JSONEq(t, `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:jobs-dlq","maxReceiveCount":2}`, attrs.Attributes["RedrivePolicy"])
			assert.Equal(t, "0", attrs.Attributes["VisibilityTimeout"], "WithQueue's attributes are kept")

			_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("poison")})
			require.NoError(t, err)
			for range 3 {
				_, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
				require.NoError(t, err)
			}
			dlq := m.Messages("jobs-dlq")
			require.Len(t, dlq, 1)
			assert.Equal(t, "poison", dlq[0].Body)
		})
	}
}

// A queue's dead-letter queue is created before it even when WithQueue names the source first
// with a RedrivePolicy of its own; undeclared FIFO queues are made FIFO.
func TestStartupQueuesInAnyOrder(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "src", Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"}`}}, {Name: "dlq"}, {Name: "orders.fifo", DeadLetterQueue: "orders-dlq.fifo", MaxReceiveCount: 5}}
	})
	for _, name := range []string{"src", "dlq", "orders.fifo", "orders-dlq.fifo"} {
		q, ok := m.Queue(name)
		require.True(t, ok, name)
		assert.Equal(t, name != "src" && name != "dlq", q.FIFO, name)
	}
	require.NoError(t, m.Reset())
	assert.Len(t, m.Queues(), 4, "Reset creates them again")

	assert.PanicsWithError(t, "sqsmock: queues [a b] redrive to each other", func() {
		sqsmock.New(func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "a", DeadLetterQueue: "b", MaxReceiveCount: 1}, {Name: "b", DeadLetterQueue: "a", MaxReceiveCount: 1}}
		})
	})
}
