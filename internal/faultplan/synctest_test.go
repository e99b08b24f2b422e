package faultplan_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// TestDefaultRetryerInABubble runs the SDK's default retryer, with its real backoff, in fake
// time: RequestThrottled is retried twice after backoff waits, then surfaces.
func TestDefaultRetryerInABubble(t *testing.T) {
	f := newFakeSQS()
	defer f.Close()
	synctest.Test(t, func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "e", Kind: faultplan.Error, ErrorCode: "RequestThrottled", Probability: 1})
		c := sqs.New(sqs.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(f.URL),
			Credentials:  aws.AnonymousCredentials{},
			HTTPClient:   f.inProcess(),
			APIOptions:   []func(*middleware.Stack) error{faultplan.Middleware(p)},
		})
		start := time.Now()
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(f.queueURL("q")), MessageBody: aws.String("x")})
		var throttled *types.RequestThrottled
		require.ErrorAs(t, err, &throttled)
		assert.Equal(t, "RequestThrottled", throttled.ErrorCode())
		assert.Equal(t, 3, p.Fired("e"))
		assert.Positive(t, time.Since(start), "the retryer backed off (in fake time)")
	})
}

// TestRealSleeperInABubble shows the default Sleeper waits in (fake) time and honours the context.
func TestRealSleeperInABubble(t *testing.T) {
	f := newFakeSQS()
	defer f.Close()
	synctest.Test(t, func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Latency, Latency: time.Hour, Operations: []string{"SendMessage"}, Probability: 1})
		c := f.client(faultplan.Middleware(p))
		c = sqs.New(c.Options(), func(o *sqs.Options) { o.HTTPClient = f.inProcess() })
		q := f.queueURL("q")

		start := time.Now()
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
		require.NoError(t, err)
		assert.Equal(t, time.Hour, time.Since(start))

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		start = time.Now()
		_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("y")})
		require.Error(t, err)
		assert.Equal(t, time.Minute, time.Since(start))
		assert.Equal(t, []string{"x"}, f.live(q))
	})
}

// TestFalseEmptyLongPollsWaitInABubble: in the client placement a long poll the plan makes
// false-empty (every receive, no Times) answers after its wait time, waited with the plan's
// Sleeper, so a long-polling consumer lets fake time advance: ten 5 s polls take 50 s, and the
// server is never called. A short poll answers at once; a long poll whose context ends fails as a
// cancelled call, when it ends.
func TestFalseEmptyLongPollsWaitInABubble(t *testing.T) {
	f := newFakeSQS()
	defer f.Close()
	synctest.Test(t, func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "fe", Kind: faultplan.FalseEmpty, Probability: 1})
		c := f.client(faultplan.Middleware(p))
		c = sqs.New(c.Options(), func(o *sqs.Options) { o.HTTPClient = f.inProcess() })
		q := aws.String(f.queueURL("q"))
		poll := func(ctx context.Context, wait int32) ([]types.Message, error) {
			out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: wait})
			if err != nil {
				return nil, err
			}
			return out.Messages, nil
		}

		start := time.Now()
		for range 10 {
			msgs, err := poll(t.Context(), 5)
			require.NoError(t, err)
			require.Empty(t, msgs)
		}
		assert.Equal(t, 50*time.Second, time.Since(start), "ten 5 s long polls")

		start = time.Now()
		msgs, err := poll(t.Context(), 0)
		require.NoError(t, err)
		assert.Empty(t, msgs)
		assert.Zero(t, time.Since(start), "a short poll answers at once")

		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start = time.Now()
		_, err = poll(ctx, 20)
		assert.Equal(t, 2*time.Second, time.Since(start))
		var canceled *smithy.CanceledError
		require.ErrorAs(t, err, &canceled)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 12, p.Fired("fe"))
		assert.Zero(t, f.count("ReceiveMessage"), "the server was never asked")
	})
}
