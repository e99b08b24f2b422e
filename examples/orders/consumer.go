package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQS is the part of the SQS API the consumer uses. *sqs.Client satisfies it in production;
// tests pass the mock's client, or the one harness.CheckConsumer gives.
type SQS interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
}

// Consumer runs workers that long-poll a queue, hand each message to Handle, and delete it when
// Handle succeeds. While a batch is being worked on, a heartbeat keeps its messages invisible to
// other consumers. A message Handle fails is left to come back after its visibility timeout, and
// the queue's redrive policy moves it to the dead-letter queue after maxReceiveCount receives.
// On a FIFO queue a failure stops the rest of that message group's batch, so a group is handled
// strictly in order.
type Consumer struct {
	Client   SQS
	QueueURL string
	// Handle processes one message body. It must be idempotent: SQS delivers at least once.
	Handle func(ctx context.Context, body string) error

	Workers           int           // concurrent receive loops (default 2)
	WaitTime          time.Duration // long-poll wait per receive (default 20s)
	VisibilityTimeout time.Duration // asked for on each receive and renewed by the heartbeat (default 30s)
	// Heartbeat is how often a batch being worked on has its visibility renewed (default a third
	// of VisibilityTimeout); a negative value turns heartbeats off.
	Heartbeat  time.Duration
	MaxBackoff time.Duration // longest wait after a failed receive (default 10s)
	Logger     *slog.Logger  // default slog.Default()
}

// Run consumes until ctx is cancelled, then lets the messages in hand go back to the queue and
// returns nil once every worker has stopped.
func (c *Consumer) Run(ctx context.Context) error {
	if c.Client == nil || c.QueueURL == "" || c.Handle == nil {
		return errors.New("orders: Consumer needs Client, QueueURL and Handle")
	}
	var wg sync.WaitGroup
	for i := range c.workers() {
		wg.Go(func() { c.work(ctx, i) })
	}
	wg.Wait()
	return nil
}

func (c *Consumer) work(ctx context.Context, worker int) {
	log := c.log().With("worker", worker)
	failures := 0
	for ctx.Err() == nil {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(c.QueueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             int32(c.waitTime() / time.Second),
			VisibilityTimeout:           int32(c.visibility() / time.Second),
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameMessageGroupId},
		})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := backoff(failures, c.maxBackoff())
			log.Warn("receive failed", "err", err, "retryIn", wait)
			sleep(ctx, wait)
			continue
		}
		failures = 0
		c.handleBatch(ctx, log, out.Messages)
	}
}

// handleBatch handles a received batch in order under one heartbeat.
func (c *Consumer) handleBatch(ctx context.Context, log *slog.Logger, msgs []types.Message) {
	if len(msgs) == 0 {
		return
	}
	pending := newPendingSet(msgs)
	stop := c.heartbeat(ctx, log, pending)
	defer stop()
	failedGroups := map[string]bool{}
	for _, m := range msgs {
		group := m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
		switch {
		case ctx.Err() != nil:
			continue // shutting down: released below
		case group != "" && failedGroups[group]:
			// FIFO: an earlier message of this group failed; handling this one now would break the
			// group's order. It comes back after the failed one.
			continue
		}
		if err := c.Handle(ctx, aws.ToString(m.Body)); err != nil {
			log.Info("handle failed; the message will come back", "messageId", aws.ToString(m.MessageId), "err", err)
			if group != "" {
				failedGroups[group] = true
			}
			continue
		}
		pending.done(m)
		// Delete with a context of its own: a delete lost to shutdown means a redelivery.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle})
		cancel()
		if err != nil {
			log.Warn("delete failed; the message will come back and be skipped as a duplicate", "messageId", aws.ToString(m.MessageId), "err", err)
		}
	}
	if ctx.Err() != nil {
		c.release(log, pending.list())
	}
}

// heartbeat renews the visibility of the batch's pending messages every Heartbeat until stop.
func (c *Consumer) heartbeat(ctx context.Context, log *slog.Logger, pending *pendingSet) (stop func()) {
	every := c.heartbeatEvery()
	if every <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := c.changeVisibility(ctx, pending.list(), c.visibility()); err != nil && ctx.Err() == nil {
					log.Warn("heartbeat failed", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// release makes messages visible again at once, so another consumer need not wait out their
// visibility timeout.
func (c *Consumer) release(log *slog.Logger, msgs []types.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.changeVisibility(ctx, msgs, 0); err != nil {
		log.Warn("releasing messages failed; they return after their visibility timeout", "err", err)
	}
}

func (c *Consumer) changeVisibility(ctx context.Context, msgs []types.Message, timeout time.Duration) error {
	if len(msgs) == 0 {
		return nil
	}
	entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(msgs))
	for i, m := range msgs {
		entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(fmt.Sprint(i)),
			ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: int32(timeout / time.Second)}
	}
	out, err := c.Client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(c.QueueURL), Entries: entries})
	if err != nil {
		return err
	}
	if len(out.Failed) > 0 {
		var codes []string
		for _, f := range out.Failed {
			codes = append(codes, aws.ToString(f.Code))
		}
		return fmt.Errorf("%d of %d entries failed: %s", len(out.Failed), len(msgs), strings.Join(codes, ", "))
	}
	return nil
}

// pendingSet is the messages of a batch not yet handled successfully.
type pendingSet struct {
	mu   sync.Mutex
	msgs []types.Message
}

func newPendingSet(msgs []types.Message) *pendingSet {
	return &pendingSet{msgs: append([]types.Message(nil), msgs...)}
}

func (p *pendingSet) done(m types.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.msgs {
		if aws.ToString(p.msgs[i].ReceiptHandle) == aws.ToString(m.ReceiptHandle) {
			p.msgs = append(p.msgs[:i], p.msgs[i+1:]...)
			return
		}
	}
}

func (p *pendingSet) list() []types.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]types.Message(nil), p.msgs...)
}

// backoff is the wait after n consecutive failures: 100ms doubling, at most max.
func backoff(n int, max time.Duration) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (c *Consumer) workers() int { return orDefault(c.Workers, 2) }

func (c *Consumer) waitTime() time.Duration { return orDefault(c.WaitTime, 20*time.Second) }

func (c *Consumer) visibility() time.Duration { return orDefault(c.VisibilityTimeout, 30*time.Second) }

func (c *Consumer) maxBackoff() time.Duration { return orDefault(c.MaxBackoff, 10*time.Second) }

func (c *Consumer) heartbeatEvery() time.Duration {
	if c.Heartbeat < 0 {
		return 0
	}
	return orDefault(c.Heartbeat, c.visibility()/3)
}

func (c *Consumer) log() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
