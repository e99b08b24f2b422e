// Package zoo is a collection of SQS consumers and producers written as Go teams write them:
// a narrow SQS interface (*sqs.Client in production), long polling, several workers, and real
// business side effects in small in-memory stores. Each comes in a correct variant and a buggy
// one, selected by its Bug field, whose few buggy lines are the bug a real engineer makes and
// which only a fault exposes: without faults both variants pass.
//
// Each consumer has a scenario, a harness test body that sends its messages, runs it under
// h.CheckConsumer and asserts its business invariant. The scenarios are the test subjects of
// harness.Explore: the correct variant must survive any bounded fault, the buggy one must fail
// under the fault that exposes it. Cases lists them.
package zoo

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/harness"
)

// Case is one consumer of the zoo: its bug class and its scenario.
type Case struct {
	Name  string // the consumer, e.g. "mailer"
	Class string // the class of its bug, e.g. "idempotency"
	// Scenario is the harness test body for the correct variant (buggy false) or the buggy one.
	Scenario func(buggy bool) func(t *testing.T, h *harness.H)
}

// Cases lists every consumer of the zoo.
func Cases() []Case {
	return []Case{
		{"mailer", "idempotency", MailerScenario},
		{"packer", "race between workers", PackerScenario},
		{"invoicer", "error handling stops the workers", InvoicerScenario},
		{"forwarder", "error handling loses a message", ForwarderScenario},
		{"exporter", "drain and exit", ExporterScenario},
		{"transcoder", "visibility extension", TranscoderScenario},
		{"stock", "receipt handles", StockScenario},
		{"publisher", "partial batch failure", PublisherScenario},
	}
}

// Receiver is the part of SQS every consumer here uses; *sqs.Client satisfies it.
type Receiver interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// Consumers' defaults.
const (
	waitTime   = 20 // seconds of long polling per receive
	visibility = 30 // seconds: the scenarios' queues' visibility timeout
)

// sleep waits d or until ctx ends, and reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// backoff is the wait after n consecutive failures: 200ms doubling, at most 10s.
func backoff(n int) time.Duration {
	d := 200 * time.Millisecond
	for i := 1; i < n && d < 10*time.Second; i++ {
		d *= 2
	}
	return min(d, 10*time.Second)
}

// ackContext is the context of a delete or a heartbeat: it outlives the consumer's shutdown by
// a few seconds, because a delete lost to shutdown is a redelivery.
func ackContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// logger is l, or a logger that discards when l is nil.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l
}

// poll is the receive loop of the mailer, the packer and the forwarder, as a Go team writes it:
// n workers long-poll url for up to max messages, hand each to handle, log a failed receive and
// back off, and stop taking the rest of a batch once ctx ends (those come back after their
// visibility timeout). It returns when every worker has stopped.
func poll(ctx context.Context, client Receiver, url string, max int32, n int, log *slog.Logger, handle func(context.Context, *slog.Logger, types.Message)) error {
	var wg sync.WaitGroup
	for range workers(n) {
		wg.Go(func() {
			for failures := 0; ctx.Err() == nil; {
				out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
					QueueUrl: aws.String(url), MaxNumberOfMessages: max, WaitTimeSeconds: waitTime})
				if err != nil {
					if ctx.Err() == nil {
						failures++
						log.Warn("receive failed; retrying", "err", err)
						sleep(ctx, backoff(failures))
					}
					continue
				}
				failures = 0
				for _, m := range out.Messages {
					if ctx.Err() != nil {
						break
					}
					handle(ctx, log, m)
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// workers is n, or 3 when n is not positive.
func workers(n int) int {
	if n <= 0 {
		return 3
	}
	return n
}
