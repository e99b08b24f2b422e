package engine

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A FIFO queue remembers a message gone with an expired receipt handle for the rest of the
// message's retention period, and no longer: after that the old handle's delete succeeds, as the
// delete of any message that is gone does.
func TestSpentReceiptsLastTheRetentionPeriod(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	e := New(Config{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	ctx := context.Background()
	out, err := e.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q.fifo"), Attributes: map[string]string{
		"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "1", "MessageRetentionPeriod": "60"}})
	require.NoError(t, err)
	url := out.QueueUrl
	receive := func() string {
		r, err := e.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
		require.NoError(t, err)
		require.Len(t, r.Messages, 1)
		return *r.Messages[0].ReceiptHandle
	}
	del := func(h string) error {
		_, err := e.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: aws.String(h)})
		return err
	}
	_, err = e.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("m"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	old := receive()
	advance(time.Second)
	require.NoError(t, del(receive()))
	require.Error(t, del(old), "expired")
	s := e.Snapshot()
	require.Len(t, s.Queues[0].Spent, 1)
	require.NoError(t, e.CheckInvariants())

	advance(59 * time.Second)
	require.Error(t, del(old), "still remembered")
	advance(time.Second)
	assert.NoError(t, del(old), "forgotten with the retention period")
	s = e.Snapshot()
	assert.Empty(t, s.Queues[0].Spent)
	assert.Zero(t, s.Queues[0].SpentLog)
	require.NoError(t, e.CheckInvariants())
}
