package sqsmock_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// The mock's own limits fail with OverLimit, as SQS reports its account limits, and change nothing.
func TestLimitsOnQueuesAndMessages(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.MaxQueues = 2; o.MaxMessages = 3 })
	c, ctx := m.Client(), context.Background()
	for _, name := range []string{"a", "b"} {
		_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		require.NoError(t, err)
	}
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("c")})
	var ol *types.OverLimit
	require.ErrorAs(t, err, &ol)
	assert.Len(t, m.Queues(), 2)
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("a")})
	require.NoError(t, err, "an existing queue is still returned at the limit")

	url := aws.String(m.QueueURL("a"))
	for i := 0; i < 3; i++ {
		_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("m")})
		require.NoError(t, err)
	}
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("over")})
	require.ErrorAs(t, err, &ol)
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "OverLimit", api.ErrorCode())
	assert.Len(t, m.Messages("a"), 3)

	// Deleting frees room again.
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	require.NoError(t, err)
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: out.Messages[0].ReceiptHandle})
	require.NoError(t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("fits")})
	require.NoError(t, err)
}

func TestRequestBodyLimit(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}} })
	srv, err := m.Start(func(o *sqsmock.ServerOptions) { o.MaxBodyBytes = 1024 })
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	body := `{"QueueUrl":"` + srv.URL + `/000000000000/q","MessageBody":"` + strings.Repeat("x", 2000) + `"}`
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessage")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Empty(t, m.Messages("q"), "nothing applied")
}
