package sqsmock_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// BlockUntil is bounded: a wrong count fails with the context's error instead of hanging.
func TestManualClockBlockUntil(t *testing.T) {
	clk := sqsmock.NewManualClock(epoch)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, clk.BlockUntil(ctx, 1), context.DeadlineExceeded)

	done := make(chan time.Time)
	go func() { done <- <-clk.NewTimer(time.Minute).C() }()
	require.NoError(t, clk.BlockUntil(context.Background(), 1))
	clk.Advance(time.Minute)
	assert.Equal(t, epoch.Add(time.Minute), <-done)
	assert.Equal(t, epoch.Add(time.Minute), clk.Now())

	var wg sync.WaitGroup
	wg.Go(func() { <-clk.NewTimer(time.Second).C() })
	require.NoError(t, clk.BlockUntil(context.Background(), 1))
	clk.Advance(time.Second)
	wg.Wait()
}

// ownClock is a clock of the user's own: any type with Now and NewTimer.
type ownClock struct{ fake *sqsmock.ManualClock } // stands in for any fake clock

func (c ownClock) Now() time.Time                         { return c.fake.Now() }
func (c ownClock) NewTimer(d time.Duration) sqsmock.Timer { return c.fake.NewTimer(d) }

// A clock of the user's own drives the mock; its long polls follow it.
func TestOwnClock(t *testing.T) {
	own := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "q", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
		o.Clock = ownClock{own}
	})
	c, ctx, url := m.Client(), context.Background(), aws.String(m.QueueURL("q"))
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
	require.NoError(t, err)
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)

	got := make(chan int)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
		assert.NoError(t, err)
		got <- len(out.Messages)
	}()
	require.NoError(t, own.BlockUntil(context.Background(), 1))
	own.Advance(30 * time.Second) // the message's visibility timeout passes: the long poll gets it
	assert.Equal(t, 1, <-got)
}
