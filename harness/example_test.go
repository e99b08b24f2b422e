package harness_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/harness"
)

// A test body with the harness. In a test, t is the test's *testing.T; the backend comes from
// SQSHARNESS_BACKEND (default: the in-process mock), so the same test runs against LocalStack
// or AWS with SQSHARNESS_BACKEND=localstack or aws.
func ExampleNew() {
	var t *testing.T // the *testing.T of the test function

	h := harness.New(t)
	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "30"})
	h.SendN(q, 3)                           // bodies msg-0, msg-1, msg-2
	msgs := h.ReceiveN(q, 3, 5*time.Second) // waits on the mock's clock, real time elsewhere
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
	first := h.RequireN(q, 1, 5*time.Second)
	h.Advance(3 * time.Second) // the visibility timeout expires
	again := h.RequireN(q, 1, 5*time.Second)
	h.AssertBodies(again, aws.ToString(first[0].Body))
}

// A consumer run: every message handled at least once, none left behind, and the poison message
// in the dead-letter queue after maxReceiveCount receives.
func ExampleH_RunConsumer() {
	var t *testing.T

	h := harness.New(t)
	src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "1"}, 2, false)
	sent := h.SendN(src, 5)
	rep := h.RunConsumer(src, harness.Consumer{Expect: sent, Workers: 2}, func(ctx context.Context, m types.Message) error {
		if strings.HasSuffix(aws.ToString(m.Body), "-3") {
			return errors.New("poison")
		}
		return nil
	})
	fmt.Println(rep.DeadLettered) // [msg-3]
}
