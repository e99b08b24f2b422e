package sqsmock_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// A message whose dead-letter queue was deleted is still delivered from its own queue.
func TestRedriveToDeletedDLQKeepsDelivering(t *testing.T) {
	clk := sqsmock.NewManualClock(time.Unix(1_700_000_000, 0))
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "dlq"}}; o.Clock = clk })
	c, ctx := m.Client(), context.Background()
	dlqARN := "arn:aws:sqs:us-east-1:000000000000:dlq"
	src, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("src"), Attributes: map[string]string{
		"VisibilityTimeout": "1", "RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":1}`}})
	require.NoError(t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: src.QueueUrl, MessageBody: aws.String("m")})
	require.NoError(t, err)
	_, err = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(m.QueueURL("dlq"))})
	require.NoError(t, err)
	for i := 1; i <= 3; i++ {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: src.QueueUrl})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1, "receive %d", i)
		clk.Advance(2 * time.Second)
	}
	assert.Equal(t, 3, m.Messages("src")[0].ReceiveCount)
}
