package harness

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
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

// RunConsumer processes the queue with handler in c.Workers goroutines until every message is
// settled or the timeout passes, then checks the invariants CheckConsumer checks (a message whose
// handler never succeeded must be in the dead-letter queue). On a FIFO queue each worker receives
// one message at a time.
func (h *H) RunConsumer(url string, c Consumer, handler Handler) *ConsumerReport {
	h.t.Helper()
	if c.Workers <= 0 {
		c.Workers = 1
	}
	h.expectBodies(url, c.Expect)
	obs := h.watch(newObserver(h.api, url, h.now))
	obs.visibility = h.visibilityTimeout(url)
	rep := &ConsumerReport{}
	var (
		mu        sync.Mutex
		succeeded = map[string]bool{}
		stop      atomic.Bool
		w         = h.newWaiter(c.Timeout)
		idle      atomic.Int32 // workers that found the queue empty and wait for time to move
		errs      = make(chan error, c.Workers)
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
		return h.scheduledDuplicates(url) == 0
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
			a["ApproximateNumberOfMessagesDelayed"] == "0" && h.scheduledDuplicates(url) == 0
	}
	var wg sync.WaitGroup
	for range c.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				in := h.receiveInput(url, nil)
				in.VisibilityTimeout = c.VisibilityTimeout
				if isFIFO(url) {
					// One at a time: a group's next message comes only once this one is deleted,
					// so a failed message is never handled past, and the messages after it are
					// not received (and counted towards their redrive) with it.
					in.MaxNumberOfMessages = 1
				}
				if h.clock == nil {
					in.WaitTimeSeconds = 1
				}
				out, err := obs.ReceiveMessage(ctx, in)
				if err != nil {
					errs <- err
					stop.Store(true)
					return
				}
				for _, m := range out.Messages {
					body := aws.ToString(m.Body)
					if handler(ctx, m) != nil {
						continue
					}
					if _, err := obs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
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
		h.problem("RunConsumer: ReceiveMessage failed: %v", err)
		h.t.FailNow()
	}

	var pending []string
	dlq := h.deadLetterQueue(url)
	if rep.TimedOut {
		pending = h.pending(url, dlq, c.Expect, obs)
	}
	r := h.snapshot(url, c.Expect, obs)
	rep.Deliveries = r.deliveries
	rep.Left, rep.DeadLettered = h.judge(r, verdict{dlq: dlq, timedOut: rep.TimedOut, timeout: w.timeout, pending: pending})
	h.checkEffects(r)
	return rep
}

// deadLetterQueue returns the URL of the queue's dead-letter queue, or "".
func (h *H) deadLetterQueue(url string) string {
	h.t.Helper()
	rp := h.attribute(url, "RedrivePolicy")
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
