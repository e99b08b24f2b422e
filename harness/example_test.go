package harness_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// A test body with the harness. In a test, t is the test's *testing.T; the backend comes from
// SQSHARNESS_BACKEND (default: the in-process mock), so the same test runs against LocalStack
// or AWS with SQSHARNESS_BACKEND=localstack or aws.
func ExampleNew() {
	var t *testing.T // the *testing.T of the test function

	h := harness.New(t)
	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "30"})
	h.SendBodies(q, harness.Bodies("msg", 3)) // bodies msg-0, msg-1, msg-2
	msgs := h.Receive(q, 3, 5*time.Second)    // waits on the mock's clock, real time elsewhere
	h.AssertBodies(msgs, "msg-0", "msg-1", "msg-2")
	h.Delete(q, msgs...)
	h.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
}

// Time-driven behaviour without sleeping: on the mock, Advance moves the manual clock; on a real
// backend it waits.
func ExampleH_Advance() {
	var t *testing.T

	h := harness.New(t)
	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "2"})
	h.Send(q, "hello")
	first := h.Receive(q, 1, 5*time.Second)
	h.Advance(3 * time.Second) // the visibility timeout expires
	again := h.Receive(q, 1, 5*time.Second)
	h.AssertBodies(again, aws.ToString(first[0].Body))
}

// A consumer run: every message handled at least once, none left behind, and the poison message
// in the dead-letter queue after maxReceiveCount receives.
func ExampleLoop() {
	var t *testing.T

	h := harness.New(t)
	src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "1"}, 2)
	sent := h.SendBodies(src, harness.Bodies("msg", 5))
	rep := h.CheckConsumer(src, harness.Expect{Bodies: sent}, harness.Loop(src, 2, func(ctx context.Context, m types.Message) error {
		if strings.HasSuffix(aws.ToString(m.Body), "-3") {
			return errors.New("poison")
		}
		return nil
	}))
	fmt.Println(rep.DeadLettered) // [msg-3]
}

// A concurrent consumer under test: Test runs the body in a synctest bubble on the mock (fake
// time: the 20 s long polls and 30 s visibility timeouts cost nothing) and in real time on
// LocalStack, moto, ElasticMQ or AWS. CheckConsumer runs the consumer's own loop and asserts the
// delivery invariants once the queue has settled.
func ExampleTest() {
	var t *testing.T // the *testing.T of the test function

	harness.Test(t, func(t *testing.T, h *harness.H) {
		src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "30"}, 3)
		sent := h.SendBodies(src, harness.Bodies("msg", 20))
		h.CheckConsumer(src, harness.Expect{Bodies: sent, DeadLettered: []string{}},
			func(ctx context.Context, api sqsmock.API) error {
				return runMyConsumer(ctx, api, src) // your production consumer, on the harness's client
			})
	})
}

// runMyConsumer stands for a user's consumer: it long-polls until ctx ends.
func runMyConsumer(ctx context.Context, api sqsmock.API, url string) error {
	for ctx.Err() == nil {
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
		if err != nil {
			continue
		}
		for _, m := range out.Messages {
			_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle})
		}
	}
	return nil
}

// One fault plan on every backend: inside the mock for mock and server, SDK middleware for the
// peers and AWS. The harness's own helpers are not subject to it.
func ExampleNew_faults() {
	var t *testing.T

	plan := mustPlan(t, 42,
		faults.Error("RequestThrottled").On("ReceiveMessage").Probability(0.3),
		faults.DuplicateDelivery(0).Probability(0.2),
		faults.LostDelete().Times(2))
	harness.Test(t, func(t *testing.T, h *harness.H) {
		src := h.Queue("jobs", map[string]string{"VisibilityTimeout": "30"})
		sent := h.SendBodies(src, harness.Bodies("msg", 50))
		h.CheckConsumer(src, harness.Expect{Bodies: sent}, func(ctx context.Context, api sqsmock.API) error {
			return runMyConsumer(ctx, api, src)
		})
		fmt.Println(len(h.Faults().Injections()) > 0)
	}, func(o *harness.Options) { o.Faults = plan })
}

// Your consumer's own invariant: each order charged exactly once, even when SQS delivers its
// message twice. CheckConsumer waits for the duplicates the plan scheduled, and a second charge
// fails the test with the order, both times, and the message and fault behind it:
//
//	effect "charge" for key "o-1" happened twice (at 00:00:00, 00:00:45), not exactly once; it
//	was carried by message #1 of 3 ("{\"id\":\"o-1\"}", id 5f2c8a1e…), received twice (at
//	00:00:00, 00:00:45), deleted at 00:00:00; faults on it: duplicate-delivery (rule dup, after
//	45s) on ReceiveMessage at 00:00:00
func ExampleH_ExactlyOnce() {
	var t *testing.T

	plan, err := faults.NewPlan(7, faults.DuplicateDelivery(45*time.Second).Named("dup").Probability(0.5))
	if err != nil {
		t.Fatal(err)
	}
	harness.Test(t, func(t *testing.T, h *harness.H) {
		src := h.Queue("orders", map[string]string{"VisibilityTimeout": "30"})
		ids := []string{"o-0", "o-1", "o-2"}
		var bodies []string
		for _, id := range ids {
			bodies = append(bodies, `{"id":"`+id+`"}`)
		}
		h.SendBodies(src, bodies)
		charge := h.ExactlyOnce("charge", ids...)
		h.CheckConsumer(src, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			for ctx.Err() == nil {
				out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &src, WaitTimeSeconds: 20})
				if err != nil {
					continue
				}
				for _, m := range out.Messages {
					var order struct{ ID string }
					_ = json.Unmarshal([]byte(aws.ToString(m.Body)), &order)
					charge.Do(order.ID) // where your consumer charges the order
					_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &src, ReceiptHandle: m.ReceiptHandle})
				}
			}
			return nil
		})
	}, func(o *harness.Options) { o.Faults = plan })
}

// Let the harness find the fault that breaks your consumer: the test body is an ordinary harness
// test, run by Explore a hundred times under plans drawn from the space of SQS's faults. A
// failing plan is shrunk, saved under testdata/explore/<test>/ and replayed first by every later
// go test.
func ExampleExplore() {
	_ = func(t *testing.T) { // func TestWorker(t *testing.T)
		harness.Explore(t, func(t *testing.T, h *harness.H) {
			q, _ := h.QueueWithDLQ("jobs", map[string]string{"VisibilityTimeout": "30"}, 5)
			bodies := h.SendBodies(q, harness.Bodies("msg", 20))
			done := h.ExactlyOnce("job", bodies...) // the worker calls done.Do(body) when it does the job
			h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
				return runWorker(ctx, api, q, done.Do)
			})
		})
	}
}

// The same search, open-ended, with go test -fuzz=FuzzWorker: each fuzz input is a fault plan.
func ExampleFuzz() {
	_ = func(f *testing.F) { // func FuzzWorker(f *testing.F)
		harness.Fuzz(f, func(t *testing.T, h *harness.H) {
			q := h.Queue("jobs", nil)
			bodies := h.SendBodies(q, harness.Bodies("msg", 20))
			h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
				return runWorker(ctx, api, q, func(string) {})
			})
		})
	}
}

// runWorker stands for your consumer: long-poll, do the job, delete. This one does a job again
// when SQS delivers its message again — the kind of bug Explore finds in its first runs.
func runWorker(ctx context.Context, api sqsmock.API, q string, do func(body string)) error {
	for ctx.Err() == nil {
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		for _, m := range out.Messages {
			do(aws.ToString(m.Body))
			_, _ = api.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle})
		}
	}
	return nil
}
