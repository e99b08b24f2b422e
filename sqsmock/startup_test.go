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
	for name, opts := range map[string][]sqsmock.Option{
		"policy first": {sqsmock.WithDeadLetterQueue("jobs", "jobs-dlq", 2),
			sqsmock.WithQueue("jobs", map[string]string{"VisibilityTimeout": "0"}), sqsmock.WithQueue("jobs-dlq", nil)},
		"queues first": {sqsmock.WithQueue("jobs", map[string]string{"VisibilityTimeout": "0"}), sqsmock.WithQueue("jobs-dlq", nil),
			sqsmock.WithDeadLetterQueue("jobs", "jobs-dlq", 2)},
	} {
		t.Run(name, func(t *testing.T) {
			m := sqsmock.New(append(opts, sqsmock.WithRegion("eu-west-1"), sqsmock.WithAccountID("123456789012"))...)
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
	m := sqsmock.New(
		sqsmock.WithQueue("src", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"}`}),
		sqsmock.WithQueue("dlq", nil),
		sqsmock.WithDeadLetterQueue("orders.fifo", "orders-dlq.fifo", 5))
	for _, name := range []string{"src", "dlq", "orders.fifo", "orders-dlq.fifo"} {
		q, ok := m.Queue(name)
		require.True(t, ok, name)
		assert.Equal(t, name != "src" && name != "dlq", q.FIFO, name)
	}
	require.NoError(t, m.Reset())
	assert.Len(t, m.Queues(), 4, "Reset creates them again")

	assert.PanicsWithError(t, "sqsmock: queues [b a] redrive to each other", func() {
		sqsmock.New(sqsmock.WithDeadLetterQueue("a", "b", 1), sqsmock.WithDeadLetterQueue("b", "a", 1))
	})
}
