package sqsmock_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// epoch is the manual clock's start in every test: a whole second, so timestamps are exact.
var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is one mock with a manual clock and its client.
type env struct {
	t     *testing.T
	mock  *sqsmock.Mock
	c     sqsmock.API
	clk   *sqsmock.ManualClock
	ctx   context.Context
	acct  string
	reg   string
	queue string // URL of the queue made by newEnvQueue, if any
	base  string // scheme and host of queue URLs: AWS's for the in-process client, the server's over HTTP
}

// overHTTP reports whether the engine tests run through the real SDK against the HTTP server
// (SQSMOCK_TEST_TRANSPORT=http) instead of the in-process client.
var overHTTP = os.Getenv("SQSMOCK_TEST_TRANSPORT") == "http"

func newEnv(t *testing.T, opts ...func(*sqsmock.Options)) *env {
	t.Helper()
	clk := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(append([]func(*sqsmock.Options){func(o *sqsmock.Options) { o.Clock = clk }}, opts...)...)
	// One attempt, in process as over HTTP: the engine's answers reach the test unretried
	// (retry_test.go tests the client's retries).
	e := &env{t: t, mock: m, c: m.Client(noRetries), clk: clk, ctx: context.Background(), acct: m.AccountID(), reg: m.Region(),
		base: "https://sqs." + m.Region() + ".amazonaws.com"}
	if overHTTP {
		srv, err := m.Start()
		require.NoError(t, err)
		t.Cleanup(func() { _ = srv.Close() })
		e.c = srv.SDKClient(noRetries)
		e.base = srv.URL
	}
	return e
}

// blockUntil waits, for at most 10 s, until n timers are pending on the manual clock.
func (e *env) blockUntil(n int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(e.t, e.clk.BlockUntil(ctx, n), "waiting for %d pending timers", n)
}

// noRetries makes a client make one attempt per call.
func noRetries(o *sqs.Options) { o.RetryMaxAttempts = 1 }

// newEnvQueue makes an env with one queue; a name ending in .fifo makes a FIFO queue.
func newEnvQueue(t *testing.T, name string, attrs map[string]string) *env {
	t.Helper()
	e := newEnv(t)
	e.queue = e.create(name, attrs)
	return e
}

func (e *env) create(name string, attrs map[string]string) string {
	e.t.Helper()
	if strings.HasSuffix(name, ".fifo") {
		if attrs == nil {
			attrs = map[string]string{}
		}
		if _, ok := attrs["FifoQueue"]; !ok {
			attrs["FifoQueue"] = "true"
		}
	}
	out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(e.t, err)
	return aws.ToString(out.QueueUrl)
}

func (e *env) arn(url string) string {
	e.t.Helper()
	return e.attr(url, "QueueArn")
}

func (e *env) attrs(url string) map[string]string {
	e.t.Helper()
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	require.NoError(e.t, err)
	return out.Attributes
}

func (e *env) attr(url, name string) string {
	e.t.Helper()
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeName(name)}})
	require.NoError(e.t, err)
	return out.Attributes[name]
}

func (e *env) setAttrs(url string, attrs map[string]string) error {
	_, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: attrs})
	return err
}

// send sends body to url and requires success.
func (e *env) send(url, body string) *sqs.SendMessageOutput {
	e.t.Helper()
	out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	require.NoError(e.t, err)
	return out
}

// sendFifo sends body with a group and a deduplication id ("" for content-based).
func (e *env) sendFifo(url, body, group, dedup string) *sqs.SendMessageOutput {
	e.t.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body), MessageGroupId: aws.String(group)}
	if dedup != "" {
		in.MessageDeduplicationId = aws.String(dedup)
	}
	out, err := e.c.SendMessage(e.ctx, in)
	require.NoError(e.t, err)
	return out
}

// recv receives from url; edit adjusts the input (nil for the defaults), MaxNumberOfMessages 10.
func (e *env) recv(url string, edit func(*sqs.ReceiveMessageInput)) []types.Message {
	e.t.Helper()
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10}
	if edit != nil {
		edit(in)
	}
	out, err := e.c.ReceiveMessage(e.ctx, in)
	require.NoError(e.t, err)
	return out.Messages
}

func (e *env) recvOne(url string) types.Message {
	e.t.Helper()
	msgs := e.recv(url, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	require.Len(e.t, msgs, 1)
	return msgs[0]
}

func (e *env) del(url, handle string) error {
	_, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(handle)})
	return err
}

func (e *env) cmv(url, handle string, timeout int32) error {
	_, err := e.c.ChangeMessageVisibility(e.ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url),
		ReceiptHandle: aws.String(handle), VisibilityTimeout: timeout})
	return err
}

func bodies(msgs []types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

// requireAPIError asserts err carries an SQS API error with the exact code, and the exact
// message when msg is not empty.
func requireAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an APIError: %T %v", err, err)
	require.Equal(t, code, ae.ErrorCode(), "message: %s", ae.ErrorMessage())
	if msg != "" {
		require.Equal(t, msg, ae.ErrorMessage())
	}
	require.Equal(t, smithy.FaultClient, ae.ErrorFault())
}

func strAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

func numAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

func binAttr(v []byte) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Binary"), BinaryValue: v}
}

// recvAllAttrs receives with every system and message attribute.
func allAttrs(in *sqs.ReceiveMessageInput) {
	in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}
	in.MessageAttributeNames = []string{"All"}
}
