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

// A user's own small clock interface, as code under test often defines one.
type userClock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
	Sleep(d time.Duration)
}

var _ userClock = (*sqsmock.ManualClock)(nil)

// BlockUntil is bounded: a wrong count fails with the context's error instead of hanging.
func TestManualClockBlockUntil(t *testing.T) {
	clk := sqsmock.NewManualClock(epoch)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, clk.BlockUntil(ctx, 1), context.DeadlineExceeded)

	done := make(chan time.Time)
	go func() { done <- <-clk.After(time.Minute) }()
	require.NoError(t, clk.BlockUntil(context.Background(), 1))
	clk.Advance(time.Minute)
	assert.Equal(t, epoch.Add(time.Minute), <-done)
	assert.Equal(t, time.Minute, clk.Since(epoch))

	var wg sync.WaitGroup
	wg.Go(func() { clk.Sleep(time.Second) })
	require.NoError(t, clk.BlockUntil(context.Background(), 1))
	clk.Advance(time.Second)
	wg.Wait()
}

// ClockOf adapts a clock of the user's own; the mock's long polls follow it.
func TestClockOf(t *testing.T) {
	own := sqsmock.NewManualClock(epoch) // stands in for any fake clock with Now and After
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "q", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
		o.Clock = sqsmock.ClockOf(own.Now, own.After)
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
