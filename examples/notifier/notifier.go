package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQS is the part of the SQS API the notifier uses: *sqs.Client in production.
type SQS interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// Job is a message body: send the welcome email of one sign-up.
type Job struct {
	ID string `json:"id"` // the sign-up; one email per ID
	To string `json:"to"`
}

// Mailer sends email (an email provider's client in production).
type Mailer interface {
	Send(ctx context.Context, to, subject string) error
}

// Notifier sends a welcome email for each job on the queue, once per job ID, with several
// workers long-polling the queue.
type Notifier struct {
	SQS      SQS
	QueueURL string
	Mailer   Mailer
	Workers  int // default 3
	Logger   *slog.Logger

	// StopOnError is the bug this example is about, the errgroup habit: a worker returns its
	// first error and that stops every worker. The SDK already retried the call three times, so
	// it looks safe — until SQS throttles for longer than that and the notifier stops for good,
	// with the queue filling up behind it.
	StopOnError bool

	mu   sync.Mutex
	sent map[string]bool // job IDs whose email went out: a table with a unique key in production
}

// Run works until ctx ends, then returns nil; with StopOnError it returns the first error of a
// worker, which stops them all.
func (n *Notifier) Run(ctx context.Context) error {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	for range max(n.Workers, 1) {
		wg.Go(func() {
			if err := n.work(ctx); err != nil {
				stop(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func (n *Notifier) work(ctx context.Context) error {
	failures := 0
	for ctx.Err() == nil {
		out, err := n.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(n.QueueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 20})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if n.StopOnError {
				return fmt.Errorf("receive: %w", err)
			}
			failures++
			wait := min(100*time.Millisecond<<failures, 20*time.Second)
			n.log().Warn("receive failed; backing off", "err", err, "wait", wait)
			sleep(ctx, wait)
			continue
		}
		failures = 0
		for _, m := range out.Messages {
			n.handle(ctx, m)
		}
	}
	return nil
}

// handle sends the job's email unless it was sent already, then deletes the message. A message
// it could not handle comes back after its visibility timeout (and ends in the dead-letter
// queue if it keeps failing).
func (n *Notifier) handle(ctx context.Context, m types.Message) {
	var job Job
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &job); err != nil || job.ID == "" {
		n.log().Error("not a job; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	if n.claim(job.ID) {
		if err := n.Mailer.Send(ctx, job.To, "Welcome!"); err != nil {
			n.release(job.ID)
			n.log().Warn("send failed; the message will come back", "job", job.ID, "err", err)
			return
		}
	}
	if _, err := n.SQS.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(n.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		n.log().Warn("delete failed; the message will come back and be skipped", "job", job.ID, "err", err)
	}
}

// claim marks a job's email as sent, and reports false if it was already.
func (n *Notifier) claim(id string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sent == nil {
		n.sent = map[string]bool{}
	}
	if n.sent[id] {
		return false
	}
	n.sent[id] = true
	return true
}

func (n *Notifier) release(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.sent, id)
}

func (n *Notifier) log() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.Default()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
