package sqsmock_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestServerRoundTripWithRealSDK(t *testing.T) {
	srv := sqsmock.NewServer(t)
	c := srv.SDKClient()
	ctx := context.Background()

	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/000000000000/orders", *q.QueueUrl, "queue URLs point back at the server")

	sent, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hello"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"Foo": {DataType: aws.String("String"), StringValue: aws.String("Bar")},
			"Bin": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
		}})
	require.NoError(t, err, "the SDK verifies MD5OfMessageBody")
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MessageAttributeNames: []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
	require.NoError(t, err, "the SDK verifies MD5OfBody on receive")
	require.Len(t, got.Messages, 1)
	m := got.Messages[0]
	assert.Equal(t, *sent.MessageId, *m.MessageId)
	assert.Equal(t, "hello", *m.Body)
	assert.Equal(t, []byte{0, 1, 2}, m.MessageAttributes["Bin"].BinaryValue)
	assert.Equal(t, "1", m.Attributes["ApproximateReceiveCount"])
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle})
	require.NoError(t, err)
	info, ok := srv.Mock().Queue("orders")
	require.True(t, ok)
	assert.Zero(t, info.Ready+info.InFlight+info.Delayed)
}

func TestServerErrorsAreTypedLikeAWS(t *testing.T) {
	srv := sqsmock.NewServer(t)
	c := srv.SDKClient()
	_, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	var qne *types.QueueDoesNotExist
	require.ErrorAs(t, err, &qne)
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", api.ErrorCode())
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.HTTPStatusCode())

	// The same call in-process gives the same answer.
	_, inErr := srv.Mock().Client().GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	var inAPI smithy.APIError
	require.ErrorAs(t, inErr, &inAPI)
	assert.Equal(t, api.ErrorCode(), inAPI.ErrorCode())
	assert.Equal(t, api.ErrorMessage(), inAPI.ErrorMessage())
	var inRE *awshttp.ResponseError
	require.ErrorAs(t, inErr, &inRE)
	assert.Equal(t, re.HTTPStatusCode(), inRE.HTTPStatusCode())
}

func TestServerAdminEndpoints(t *testing.T) {
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "boot"}} })
	})
	get := func(method, path string) map[string]any {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		body, _ := io.ReadAll(resp.Body)
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v))
		return v
	}
	assert.Equal(t, "ok", get("GET", "/health")["status"])
	c := srv.SDKClient()
	_, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("extra")})
	require.NoError(t, err)
	_, err = c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(srv.URL + "/000000000000/boot"), MessageBody: aws.String("x")})
	require.NoError(t, err)
	qs := get("GET", "/_sqsmock/queues")["queues"].([]any)
	require.Len(t, qs, 2)
	assert.Equal(t, "boot", qs[0].(map[string]any)["name"])
	assert.EqualValues(t, 1, qs[0].(map[string]any)["ready"])
	get("POST", "/_sqsmock/reset")
	names := []string{}
	for _, q := range srv.Mock().Queues() {
		names = append(names, q.Name)
		assert.Zero(t, q.Ready)
	}
	assert.Equal(t, []string{"boot"}, names, "reset keeps only the start-up queues, empty")
}

func TestServerShutdownReleasesLongPolls(t *testing.T) {
	clk := sqsmock.NewManualClock(time.Unix(1_700_000_000, 0))
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}}; o.Clock = clk })
	srv, err := m.Start()
	require.NoError(t, err)
	c := srv.SDKClient()
	var wg sync.WaitGroup
	var out *sqs.ReceiveMessageOutput
	var rerr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		out, rerr = c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(srv.URL + "/000000000000/q"), WaitTimeSeconds: 20})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, clk.BlockUntil(ctx, 1)) // the long poll is now blocked in the engine
	require.NoError(t, srv.Shutdown(ctx))
	wg.Wait()
	require.NoError(t, rerr)
	assert.Empty(t, out.Messages)
	assert.False(t, errors.Is(ctx.Err(), context.DeadlineExceeded), "shutdown did not wait for the 20 s poll")
}

// A connection that never sent a request does not hold up shutdown (net/http would wait 5 s).
func TestServerCloseDoesNotWaitForUnusedConnections(t *testing.T) {
	srv, err := sqsmock.New().Start()
	require.NoError(t, err)
	conn, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer conn.Close()
	require.Eventually(t, func() bool { return srv.Connections() == 1 }, 5*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "shutdown finished before the 2 s deadline")
}
