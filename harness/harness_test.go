package harness_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
)

// backends are those the harness tests run on: both mocks always, the peers whose endpoints are set
// (each skips with instructions otherwise, and fails under CI=true).
var backends = []harness.Backend{harness.Mock, harness.Server, harness.Moto, harness.LocalStack, harness.ElasticMQ}

func each(t *testing.T, f func(t *testing.T, h *harness.H)) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			f(t, harness.New(t, harness.WithBackend(b)))
		})
	}
}

func TestQueuesAreUnique(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		a, b := h.Queue("same", nil), h.Queue("same", nil)
		f := h.FIFOQueue("same", nil)
		assert.NotEqual(t, a, b)
		assert.True(t, strings.HasSuffix(f, ".fifo"))
		assert.Equal(t, "true", h.Attribute(f, "FifoQueue"))
		long := h.UniqueName(strings.Repeat("x", 200), true)
		assert.LessOrEqual(t, len(long), 80)
		assert.True(t, strings.HasSuffix(long, ".fifo"))
	})
}

func TestCleanupDeletesQueues(t *testing.T) {
	var inner *harness.H
	t.Run("inner", func(t *testing.T) {
		inner = harness.New(t) // default backend: the in-process mock
		require.Equal(t, harness.Mock, inner.Backend())
		inner.Queue("gone", nil)
		inner.FIFOQueue("gone", nil)
		require.Len(t, inner.Mock().Queues(), 2)
	})
	assert.Empty(t, inner.Mock().Queues(), "queues deleted when the test ended")
}

func TestSendReceiveDrain(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("srd", map[string]string{"VisibilityTimeout": "3"})
		bodies := h.SendN(q, 12)
		got := h.RequireN(q, 12, 10*time.Second)
		h.AssertBodies(got, bodies...)
		// in flight: nothing to drain until the visibility timeout passes
		assert.Empty(t, h.Drain(q))
		h.Advance(3500 * time.Millisecond)
		again := h.ReceiveN(q, 12, 5*time.Second)
		h.AssertBodies(again, bodies...)
		h.Delete(q, again...)
		h.WaitForCount(q, "ApproximateNumberOfMessagesNotVisible", 0, 5*time.Second)
		h.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
	})
}

func TestAttributesHelpers(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("attrs", map[string]string{"DelaySeconds": "1"})
		h.AssertQueueAttributes(q, map[string]string{"DelaySeconds": "1", "VisibilityTimeout": "30"})
		h.SetAttributes(q, map[string]string{"DelaySeconds": "0"})
		attrs := map[string]types.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}
		h.Send(q, "with-attrs", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
		m := h.RequireN(q, 1, 5*time.Second)
		h.AssertBodiesInOrder(m, "with-attrs")
		h.AssertMessageAttributes(m[0], attrs)
		assert.Contains(t, h.QueueARN(q), ":sqsh-attrs-")
	})
}

func TestLongPollWakesOnSend(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("poll", nil)
		done := make(chan []types.Message, 1)
		start := time.Now()
		go func() {
			out, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: &q, WaitTimeSeconds: 10})
			if err != nil {
				done <- nil
				return
			}
			done <- out.Messages
		}()
		h.WaitForPollers(1)
		h.Send(q, "wake")
		select {
		case msgs := <-done:
			h.AssertBodies(msgs, "wake")
			assert.Less(t, time.Since(start), 9*time.Second)
		case <-time.After(15 * time.Second):
			t.Fatal("long poll did not return")
		}
	})
}

func TestRunConsumerStandardWithPoison(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q, _ := h.QueueWithDLQ("cons", map[string]string{"VisibilityTimeout": "1"}, 2, false)
		bodies := h.SendN(q, 6)
		rep := h.RunConsumer(q, harness.Consumer{Expect: bodies, Workers: 2, Timeout: 20 * time.Second},
			func(_ context.Context, m types.Message) error {
				if aws.ToString(m.Body) == "msg-3" {
					return errors.New("poison")
				}
				return nil
			})
		assert.Equal(t, []string{"msg-3"}, rep.DeadLettered)
		assert.Len(t, rep.Succeeded, 5)
		assert.Equal(t, 2, rep.Deliveries["msg-3"])
	})
}

func TestRunConsumerFIFOOrder(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.FIFOQueue("consfifo", map[string]string{"VisibilityTimeout": "1"})
		bodies := harness.Bodies("m", 9)
		h.SendBodies(q, bodies, func(i int, e *types.SendMessageBatchRequestEntry) {
			e.MessageGroupId = aws.String([]string{"a", "b", "c"}[i%3])
		})
		var mu sync.Mutex
		failedOnce := map[string]bool{}
		rep := h.RunConsumer(q, harness.Consumer{Expect: bodies, Workers: 2, Timeout: 20 * time.Second},
			func(_ context.Context, m types.Message) error {
				b := aws.ToString(m.Body)
				mu.Lock()
				defer mu.Unlock()
				if b == "m-4" && !failedOnce[b] { // fails once: group b waits for it
					failedOnce[b] = true
					return errors.New("retry")
				}
				return nil
			})
		assert.Len(t, rep.Succeeded, 9)
		assert.GreaterOrEqual(t, rep.Deliveries["m-4"], 2)
	})
}

func TestUnknownBackendAndMissingEndpoint(t *testing.T) {
	t.Setenv("SQSHARNESS_MOTO_ENDPOINT", "")
	t.Setenv("CI", "")
	ran := false
	t.Run("skips", func(t *testing.T) {
		defer func() { ran = true }()
		harness.New(t, harness.WithBackend(harness.Moto))
		t.Error("not skipped")
	})
	assert.True(t, ran)
}

// harness starts no container: without an endpoint, LocalStack is missing like any peer.
func TestLocalStackWithoutEndpoint(t *testing.T) {
	t.Setenv("SQSHARNESS_LOCALSTACK_ENDPOINT", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	t.Setenv("CI", "")
	var skipped bool
	t.Run("skips", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		harness.New(t, harness.WithBackend(harness.LocalStack))
		t.Error("not skipped")
	})
	assert.True(t, skipped, "skipped with instructions")
}

// capture is a testing.TB that records Fatal and Skip instead of acting on the real test.
type capture struct {
	testing.TB
	fatal, skip string
}

func (c *capture) Helper()                   {}
func (c *capture) Fatal(args ...any)         { c.fatal = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Skip(args ...any)          { c.skip = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Cleanup(func())            {}
func (c *capture) Fatalf(f string, a ...any) { c.Fatal(fmt.Sprintf(f, a...)) }

func TestMissingPeerFailsUnderCI(t *testing.T) {
	t.Setenv("SQSHARNESS_ELASTICMQ_ENDPOINT", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		c := &capture{TB: t}
		done := make(chan struct{})
		go func() { defer close(done); harness.New(c, harness.WithBackend(harness.ElasticMQ)) }()
		<-done
		if ci == "true" {
			assert.Contains(t, c.fatal, "CI=true: a missing backend is a failure")
			assert.Empty(t, c.skip)
		} else {
			assert.Contains(t, c.skip, ".ci/peers/start.sh elasticmq")
			assert.Empty(t, c.fatal)
		}
	}
}
