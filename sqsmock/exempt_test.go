package sqsmock_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// A harness's own calls (an exempt context in process, the exempt header over HTTP) meet no
// fault, call-level or message-level, while the code under test meets them all.
func TestExemptCallsMeetNoFaults(t *testing.T) {
	plan := mustPlan(t, 1,
		faults.Error("InternalError").Named("err").On("SendMessage", "GetQueueAttributes"),
		faults.FalseEmpty().Named("empty"),
		faults.LostDelete().Named("lost"),
		faults.DuplicateDelivery(0).Named("dup"))
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "q"}}
		o.Clock = sqsmock.NewManualClock(epoch)
		o.Faults = plan
	})
	c, url := m.Client(noRetries), aws.String(m.QueueURL("q"))
	own := exempt.With(context.Background())

	_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
	require.Error(t, err, "the code under test meets the plan")
	_, err = c.SendMessage(own, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
	require.NoError(t, err)
	out, err := c.ReceiveMessage(own, &sqs.ReceiveMessageInput{QueueUrl: url})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1, "no false empty")
	_, err = c.DeleteMessage(own, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: out.Messages[0].ReceiptHandle})
	require.NoError(t, err)
	assert.Empty(t, m.Messages("q"), "the delete was not lost, and no duplicate was scheduled")
	assert.Len(t, plan.Injections(), 1, "only the first send met the plan")

	srv, err := m.Start()
	require.NoError(t, err)
	defer srv.Close()
	post := func(exemptHeader bool) int {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(`{"QueueUrl":"`+*url+`","AttributeNames":["All"]}`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "AmazonSQS.GetQueueAttributes")
		if exemptHeader {
			req.Header.Set(exempt.Header, "true")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 500, post(false))
	assert.Equal(t, 200, post(true))
}
