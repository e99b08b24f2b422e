package sqsmock_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// A Mock made outside a bubble and used inside one would hang (the bubble cannot wait on its
// queues); it panics at once instead, saying why.
func TestMockMadeOutsideABubblePanicsInside(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
	synctest.Test(t, func(t *testing.T) {
		defer func() {
			r := recover()
			require.NotNil(t, r, "using the mock in the bubble did not panic")
			assert.Contains(t, r, "made outside a testing/synctest bubble and used inside one")
			assert.Contains(t, r, "synctest.Test")
		}()
		_, _ = m.Client().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(m.QueueURL("jobs")), WaitTimeSeconds: 20})
	})
}

func TestMockMadeInABubblePanicsOutside(t *testing.T) {
	var m *sqsmock.Mock
	synctest.Test(t, func(t *testing.T) { m = sqsmock.New() })
	assert.PanicsWithValue(t, "sqsmock: this Mock was made inside a testing/synctest bubble and used outside it; "+
		"a Mock belongs to the bubble it was made in, so make it inside the function given to synctest.Test "+
		"(a bubble cannot wait on a mock it does not own, and the call would hang)",
		func() { _, _ = m.Client().ListQueues(context.Background(), &sqs.ListQueuesInput{}) })
}

// A bubble cannot wait on a socket, so Start refuses inside one and points at SDKClient.
func TestStartRefusesInsideABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, err := sqsmock.New().Start()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "SDKClient")
	})
}

// The real SDK client on the mock's handler works in a bubble: a 20 s long poll, a visibility
// timeout, a retried connection reset and a plan's latency all take fake time only.
func TestSDKClientInsideABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		plan := mustPlan(t, 1,
			faults.ResetBeforeApply().Named("reset").On("SendMessage").Times(1),
			faults.Latency(3*time.Second, 0).Named("slow").On("DeleteMessage"))
		m := sqsmock.New(func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
			o.Faults = plan
		})
		c := m.SDKClient()
		ctx := t.Context()
		url := aws.String(m.QueueURL("jobs"))

		start := time.Now()
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
		require.NoError(t, err)
		assert.Empty(t, out.Messages)
		assert.Equal(t, 20*time.Second, time.Since(start))

		_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("hi")})
		require.NoError(t, err, "the SDK retries the reset connection")
		assert.Equal(t, 1, fired(plan, "reset"))

		got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
		require.NoError(t, err)
		require.Len(t, got.Messages, 1)

		// Hidden for its visibility timeout; a long poll gets it back 30 s later.
		start = time.Now()
		again, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		require.NoError(t, err)
		assert.Empty(t, again.Messages, "still hidden after a 20 s long poll")
		again, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		require.NoError(t, err)
		require.Len(t, again.Messages, 1)
		assert.Equal(t, 30*time.Second, time.Since(start))
		assert.Equal(t, "2", again.Messages[0].Attributes["ApproximateReceiveCount"])

		start = time.Now()
		_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle})
		require.NoError(t, err)
		assert.Equal(t, 3*time.Second, time.Since(start), "the plan's latency, in fake time")
		assert.Empty(t, m.Messages("jobs"))

		// Queue URLs are the in-process client's.
		q, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
		require.NoError(t, err)
		assert.Equal(t, m.QueueURL("jobs"), aws.ToString(q.QueueUrl))
	})
}

// A call cancelled while it long-polls fails as the SDK reports it over a socket.
func TestSDKClientCancelledLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := m.SDKClient().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(m.QueueURL("jobs")), WaitTimeSeconds: 20})
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
		var ce *smithy.CanceledError
		assert.ErrorAs(t, err, &ce)
	})
}

// A consumer that long-polls under a false-empty plan (every receive, no Times) waits each poll's
// wait time, so the bubble's fake time advances: ten 5 s polls take 50 s, in process and through
// the real SDK client. A short poll answers at once, a long poll whose context ends answers what
// a cancelled long poll answers, when it ends, and the queue's ReceiveMessageWaitTimeSeconds is a
// long poll's wait time.
func TestFalseEmptyLongPollsWaitInABubble(t *testing.T) {
	for _, sdk := range []bool{false, true} {
		name := map[bool]string{false: "in process", true: "SDKClient"}[sdk]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				plan := mustPlan(t, 1, faults.FalseEmpty())
				m := sqsmock.New(func(o *sqsmock.Options) {
					o.Queues = []sqsmock.Queue{{Name: "jobs"}, {Name: "waits", Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "3"}}}
					o.Faults = plan
				})
				var c sqsmock.API = m.Client()
				if sdk {
					c = m.SDKClient()
				}
				ctx := t.Context()
				url := aws.String(m.QueueURL("jobs"))
				_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("there")})
				require.NoError(t, err)
				poll := func(ctx context.Context, queue *string, wait int32) ([]types.Message, error) {
					out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: queue, WaitTimeSeconds: wait})
					if err != nil {
						return nil, err
					}
					return out.Messages, nil
				}

				start := time.Now()
				for range 10 {
					msgs, err := poll(ctx, url, 5)
					require.NoError(t, err)
					require.Empty(t, msgs)
				}
				assert.Equal(t, 50*time.Second, time.Since(start), "ten 5 s long polls")

				start = time.Now()
				msgs, err := poll(ctx, url, 0)
				require.NoError(t, err)
				assert.Empty(t, msgs)
				assert.Zero(t, time.Since(start), "a short poll answers at once")

				start = time.Now()
				msgs, err = poll(ctx, aws.String(m.QueueURL("waits")), 0)
				require.NoError(t, err)
				assert.Empty(t, msgs)
				assert.Equal(t, 3*time.Second, time.Since(start), "the queue's ReceiveMessageWaitTimeSeconds")

				// Cancelled at 2 s: the same answer as a long poll on an empty queue cancelled at 2 s.
				short, cancel := context.WithTimeout(ctx, 2*time.Second)
				defer cancel()
				start = time.Now()
				_, faulted := poll(short, url, 20)
				assert.Equal(t, 2*time.Second, time.Since(start))
				require.Error(t, faulted)
				plan.Pause()
				_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("empty")})
				require.NoError(t, err)
				short2, cancel2 := context.WithTimeout(ctx, 2*time.Second)
				defer cancel2()
				_, plain := poll(short2, aws.String(m.QueueURL("empty")), 20)
				require.Error(t, plain)
				assert.ErrorIs(t, faulted, context.DeadlineExceeded)
				assert.Equal(t, plain.Error(), faulted.Error())
				assert.Zero(t, m.Messages(*url)[0].ReceiveCount, "never received")
			})
		})
	}
}
