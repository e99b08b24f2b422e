package sqsmock_test

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// With the default real clock the mock runs inside a synctest bubble: visibility timeouts, delays
// and long polls follow the bubble's fake time, so the test takes no real time.
func TestRealClockInsideSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := sqsmock.New(func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "q", Attributes: map[string]string{"VisibilityTimeout": "10"}}}
		})
		c, ctx := m.Client(), context.Background()
		url := aws.String(m.QueueURL("q"))
		start := time.Now()

		// A long poll returns at its deadline, 20 s of bubble time later.
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
		require.NoError(t, err)
		assert.Empty(t, out.Messages)
		assert.Equal(t, 20*time.Second, time.Since(start))

		// A long poll wakes when a message is sent.
		go func() {
			time.Sleep(3 * time.Second)
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("hi")})
			assert.NoError(t, err)
		}()
		start = time.Now()
		out, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		assert.Equal(t, 3*time.Second, time.Since(start))

		// The message reappears when its visibility timeout passes, and a waiting long poll gets it.
		start = time.Now()
		out, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		assert.Equal(t, 10*time.Second, time.Since(start))
		assert.Equal(t, "2", out.Messages[0].Attributes["ApproximateReceiveCount"])
	})
}

// Idle queues cost nothing: no goroutine or timer per queue.
// engineGoroutines counts the goroutines running mock code (any frame in sqsmock or its engine,
// other than the caller's own), so that goroutines of other tests winding down or starting do
// not count.
func engineGoroutines() int {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 { // the calling goroutine
			continue
		}
		if strings.Contains(g, "sqsharness/sqsmock/internal/") || strings.Contains(g, "sqsharness/sqsmock.") {
			n++
		}
	}
	return n
}

func TestIdleQueuesStartNoGoroutines(t *testing.T) {
	before := engineGoroutines()
	m := sqsmock.New()
	c := m.Client()
	for i := 0; i < 2000; i++ {
		q, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("idle-" + strconv.Itoa(i)),
			Attributes: map[string]string{"DelaySeconds": "5"}})
		require.NoError(t, err)
		_, err = c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, engineGoroutines(), before, "queues and delayed messages start no goroutines")
}
