package harness

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/queueurl"
)

// Handler processes one message. Returning nil deletes it; an error leaves it to come back after
// its visibility timeout (and, with a RedrivePolicy, to end in the dead-letter queue).
type Handler func(ctx context.Context, m types.Message) error

// Consumer configures RunConsumer.
type Consumer struct {
	// Expect lists the bodies sent to the queue, in the order they were sent. Every one must be
	// handled at least once; on a FIFO queue, first deliveries within a group must follow this order.
	Expect []string
	// Workers is the number of concurrent receive loops (default 1).
	Workers int
	// Timeout bounds the run (default: the handle's wait, 10s). On the mock it is clock time.
	Timeout time.Duration
	// VisibilityTimeout, when > 0, is passed with every receive.
	VisibilityTimeout int32
}

// ConsumerReport is what RunConsumer or CheckConsumer saw.
type ConsumerReport struct {
	Deliveries map[string]int // receives per body
	// Succeeded lists bodies in order: for RunConsumer those whose handler returned nil, for
	// CheckConsumer those the consumer deleted (first successful delete of each).
	Succeeded    []string
	DeadLettered []string       // bodies found in the dead-letter queue at the end
	Left         int            // messages still in the queue (visible, in flight or delayed)
	TimedOut     bool           // the run did not settle within its timeout
	Err          error          // CheckConsumer: what the consumer's run returned
	Calls        map[string]int // CheckConsumer: the consumer's calls per operation
}

// RunConsumer processes the queue with handler until every message is settled (handled, or left
// to the dead-letter queue) or the timeout passes, then asserts the invariants of an SQS consumer:
// every expected message was handled at least once, none is left in the queue, on a FIFO queue
// each group's messages were first delivered in send order, and the messages whose handler never
// succeeded are exactly those in the queue's dead-letter queue (none if it has no RedrivePolicy).
// The dead-letter queue is drained to check it.
func (h *H) RunConsumer(url string, c Consumer, handler Handler) *ConsumerReport {
	h.t.Helper()
	if c.Workers <= 0 {
		c.Workers = 1
	}
	rep := &ConsumerReport{Deliveries: map[string]int{}}
	var (
		mu         sync.Mutex
		firstOrder = map[string][]string{} // group → bodies in order of first delivery
		succeeded  = map[string]bool{}
		stop       atomic.Bool
		w          = h.newWaiter(c.Timeout)
		idle       atomic.Int32 // workers that found the queue empty and wait for time to move
		errs       = make(chan error, c.Workers)
	)
	allDone := func() bool {
		if len(c.Expect) == 0 {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		for _, b := range c.Expect {
			if !succeeded[b] {
				return false
			}
		}
		return true
	}
	ctx := h.Ctx()
	empty := func() bool {
		out, err := h.own.GetQueueAttributes(h.ownCtx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
		if err != nil {
			return false
		}
		a := out.Attributes
		return a["ApproximateNumberOfMessages"] == "0" && a["ApproximateNumberOfMessagesNotVisible"] == "0" &&
			a["ApproximateNumberOfMessagesDelayed"] == "0"
	}
	var wg sync.WaitGroup
	for range c.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				in := h.receiveInput(url, nil)
				in.VisibilityTimeout = c.VisibilityTimeout
				if h.clock == nil {
					in.WaitTimeSeconds = 1
				}
				out, err := h.api.ReceiveMessage(ctx, in)
				if err != nil {
					errs <- err
					stop.Store(true)
					return
				}
				for _, m := range out.Messages {
					body := aws.ToString(m.Body)
					mu.Lock()
					if rep.Deliveries[body] == 0 {
						g := m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
						firstOrder[g] = append(firstOrder[g], body)
					}
					rep.Deliveries[body]++
					mu.Unlock()
					if handler(ctx, m) != nil {
						continue
					}
					if _, err := h.api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
						continue // e.g. the visibility timeout passed: the message comes back
					}
					mu.Lock()
					if !succeeded[body] {
						succeeded[body] = true
						rep.Succeeded = append(rep.Succeeded, body)
					}
					mu.Unlock()
				}
				if len(out.Messages) > 0 {
					continue
				}
				if allDone() || empty() {
					stop.Store(true)
					return
				}
				if w.over() {
					rep.TimedOut = true
					stop.Store(true)
					return
				}
				if h.clock != nil {
					// Time moves only when every worker found the queue empty: a worker still
					// handling a message keeps its visibility timeout from running out under it.
					if idle.Add(1) == int32(c.Workers) {
						w.advance()
					} else {
						time.Sleep(100 * time.Microsecond)
					}
					idle.Add(-1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(h.t, err, "consumer: ReceiveMessage")
	}

	rep.Left = h.assertDelivered(url, c.Expect, rep.Deliveries, firstOrder)
	var never []string
	for b := range rep.Deliveries {
		if !succeeded[b] {
			never = append(never, b)
		}
	}
	var hasDLQ bool
	if rep.DeadLettered, hasDLQ = h.deadLettered(url); hasDLQ {
		assert.ElementsMatch(h.t, never, rep.DeadLettered, "consumer: the dead-letter queue holds exactly the messages never handled successfully")
	} else {
		assert.Empty(h.t, never, "consumer: messages never handled successfully, and the queue has no dead-letter queue")
	}
	assert.False(h.t, rep.TimedOut, "consumer: not settled within %s", w.timeout)
	return rep
}

// assertDelivered checks what every consumer's settled run must show: none of the queue's
// messages is left (visible, in flight or delayed), every expected body was delivered, and on a
// FIFO queue each group's bodies were first delivered in send order. It returns how many were left.
func (h *H) assertDelivered(url string, expect []string, deliveries map[string]int, firstOrder map[string][]string) (left int) {
	h.t.Helper()
	v, nv, d := h.Count(url)
	left = v + nv + d
	assert.Zero(h.t, left, "consumer: messages left behind (visible %d, in flight %d, delayed %d)", v, nv, d)
	for _, b := range expect {
		assert.NotZero(h.t, deliveries[b], "consumer: message %q never delivered", b)
	}
	if isFIFO(url) && len(expect) > 0 {
		for g, seq := range firstOrder {
			idx := make([]int, 0, len(seq))
			for _, b := range seq {
				idx = append(idx, slices.Index(expect, b))
			}
			assert.True(h.t, slices.IsSorted(idx), "consumer: group %q first delivered out of order: %v", g, seq)
		}
	}
	return left
}

// deadLettered drains the queue's dead-letter queue and returns its bodies, or reports that
// the queue has none.
func (h *H) deadLettered(url string) (bodies []string, hasDLQ bool) {
	h.t.Helper()
	dlq := h.deadLetterQueue(url)
	if dlq == "" {
		return nil, false
	}
	return bodiesOf(h.Drain(dlq)), true
}

// deadLetterQueue returns the URL of the queue's dead-letter queue, or "".
func (h *H) deadLetterQueue(url string) string {
	h.t.Helper()
	rp := h.Attribute(url, "RedrivePolicy")
	if rp == "" {
		return ""
	}
	var p struct {
		Target string `json:"deadLetterTargetArn"`
	}
	require.NoError(h.t, json.Unmarshal([]byte(rp), &p), "RedrivePolicy %s", rp)
	name := queueurl.Name(p.Target)
	out, err := h.own.GetQueueUrl(h.ownCtx(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	require.NoError(h.t, err, "GetQueueUrl %s", name)
	return aws.ToString(out.QueueUrl)
}
