// Command dlqworker runs a worker with a dead-letter queue on sqsmock, under throttling: good
// messages are processed once, poison messages end in the DLQ after maxReceiveCount receives.
// Time is sqsmock's manual clock, so visibility timeouts pass instantly.
//
//	go run ./examples/dlqworker
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Plan throttles a fifth of the worker's calls.
func Plan(seed uint64) (*faults.Plan, error) {
	return faults.NewPlan(seed, faults.Error("RequestThrottled").Named("throttled").On("ReceiveMessage", "DeleteMessage").Probability(0.2))
}

// Run sends bodies to a fresh "jobs" queue (maxReceiveCount 3, visibility 10s) through c, drains
// it with a worker that rejects bodies starting with "poison", advancing clk, and returns how
// many times each body was handled successfully and the DLQ's URL.
func Run(ctx context.Context, c sqsmock.API, clk *sqsmock.ManualClock, bodies []string) (map[string]int, string, error) {
	url, dlq, err := CreateQueues(ctx, c, "jobs", 3, 10)
	if err != nil {
		return nil, "", err
	}
	for _, b := range bodies {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b)}); err != nil {
			return nil, "", err
		}
	}
	handled := map[string]int{}
	w := &Worker{SQS: c, QueueURL: url,
		Handle: func(_ context.Context, body string) error {
			if strings.HasPrefix(body, "poison") {
				return errors.New("cannot process " + body)
			}
			handled[body]++
			return nil
		},
		Sleep: func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() },
	}
	for idle, polls := 0, 0; idle < 3; polls++ {
		if polls == 1000 {
			return handled, dlq, errors.New("not drained")
		}
		n, err := w.Poll(ctx)
		if err != nil {
			return handled, dlq, err
		}
		if n > 0 {
			idle = 0
			continue
		}
		idle++
		clk.Advance(11 * time.Second) // past the visibility timeout: rejected messages return
	}
	return handled, dlq, nil
}

func main() {
	ctx := context.Background()
	clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	plan, err := Plan(7)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlqworker:", err)
		os.Exit(1)
	}
	m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = clk; o.Faults = plan })
	handled, dlq, err := Run(ctx, m.Client(), clk, []string{"a", "poison-1", "b", "c", "poison-2"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlqworker:", err)
		os.Exit(1)
	}
	fmt.Println("handled:", handled)
	for _, msg := range m.Messages(dlq) {
		fmt.Printf("dead-lettered: %s after %d receives\n", msg.Body, msg.ReceiveCount)
	}
	fmt.Println("throttled calls retried:", len(plan.Injections()))
}
