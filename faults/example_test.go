package faults_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/faults"
)

// A plan as Go values: the second and third sends to queues named orders-* are throttled.
func ExamplePlan() {
	plan := faults.MustPlan(42, faults.Rule{
		Name:        "throttle-orders",
		Kind:        faults.Error,
		ErrorCode:   "RequestThrottled",
		Operations:  []string{"SendMessage"},
		Queue:       "orders-*",
		After:       1,
		Times:       2,
		Probability: 1,
	})
	call := faults.Call{Operation: "SendMessage", QueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-eu"}
	for i := 1; i <= 4; i++ {
		d := plan.Decide(call)
		fmt.Println(i, d.Error)
	}
	for _, in := range plan.Injections() {
		fmt.Println(in.Rule, in.Kind, in.Operation, in.Queue, in.Detail)
	}
	// Output:
	// 1 <nil>
	// 2 RequestThrottled: Request is throttled.
	// 3 RequestThrottled: Request is throttled.
	// 4 <nil>
	// throttle-orders error SendMessage orders-eu RequestThrottled
	// throttle-orders error SendMessage orders-eu RequestThrottled
}

// Plans load from YAML (or JSON); durations are strings.
func ExampleParseYAML() {
	plan, err := faults.ParseYAML([]byte(`
seed: 7
rules:
  - name: slow-receives
    kind: latency
    operations: [ReceiveMessage]
    latency: 250ms # no probability: every match
  - name: lose-deletes
    kind: lost-delete
    probability: 0.1
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range plan.Rules() {
		fmt.Println(r.Name, r.Kind, r.Operations, r.Latency, r.Probability)
	}
	fmt.Println(plan.Decide(faults.Call{Operation: "ReceiveMessage", QueueURL: "q"}).Latency)
	// Output:
	// slow-receives latency [ReceiveMessage] 250ms 1
	// lose-deletes lost-delete [] 0s 0.1
	// 250ms
}

// The engine hook: the mock asks once per operation and once per message.
func ExamplePlan_DecideMessage() {
	plan := faults.MustPlan(1,
		faults.Rule{Kind: faults.PartialBatchFailure, EntryIDs: []string{"2"}, ErrorCode: "InternalError", Probability: 1},
		faults.Rule{Kind: faults.DuplicateDelivery, Delay: 30 * time.Second, Probability: 1},
	)
	batch := faults.Call{Operation: "SendMessageBatch", QueueName: "jobs"}
	for _, id := range []string{"1", "2"} {
		d := plan.DecideMessage(batch, faults.Message{EntryID: id, Body: "job " + id})
		fmt.Println("entry", id, "fails:", d.Fail != nil)
	}
	d := plan.DecideMessage(faults.Call{Operation: "ReceiveMessage", QueueName: "jobs"}, faults.Message{MessageID: "m-1"})
	fmt.Println("duplicate:", d.Duplicate, "after", d.DuplicateAfter)
	// Output:
	// entry 1 fails: false
	// entry 2 fails: true
	// duplicate: true after 30s
}

// The client placement on a real *sqs.Client: the SDK retries RequestThrottled like the same
// error from AWS, and a connection reset after the send was applied duplicates the message.
func ExampleNewMiddleware() {
	server := newFakeSQS() // any SQS endpoint: AWS, LocalStack, the sqsmock server
	defer server.Close()
	queue := server.queueURL("orders")

	plan := faults.MustPlan(1,
		faults.Rule{Name: "throttled", Kind: faults.Error, ErrorCode: "RequestThrottled", Times: 1, Probability: 1}, // attempt 1
		faults.Rule{Name: "reset", Kind: faults.ResetAfterApply, Times: 1, Probability: 1},                          // attempt 2
	)
	mw, err := faults.NewMiddleware(plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := server.client(mw) // sqs.Options{..., APIOptions: []func(*middleware.Stack) error{mw}}

	_, err = client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String("pay 10 EUR")})
	fmt.Println("error:", err)
	fmt.Println("server saw", server.count("SendMessage"), "sends; queue holds", server.live(queue))
	for _, in := range plan.Injections() {
		fmt.Println(in.Rule, in.Kind)
	}
	// Output:
	// error: <nil>
	// server saw 2 sends; queue holds [pay 10 EUR pay 10 EUR]
	// throttled error
	// reset reset-after-apply
}

// A rule the client placement cannot honour is an error, not silently ignored.
func ExampleMiddleware() {
	plan := faults.MustPlan(1, faults.Rule{Kind: faults.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Delay: time.Second, Probability: 1})
	_, err := faults.NewMiddleware(plan)
	fmt.Println(err)

	server := newFakeSQS()
	defer server.Close()
	client := server.client(faults.Middleware(plan))
	_, err = client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(server.queueURL("q")), MessageBody: aws.String("x")})
	fmt.Println(err != nil)
	// Output:
	// faults: rule "delayed-visibility#1" (delayed-visibility): cannot apply to ChangeMessageVisibility in the client placement (supported: SendMessage, SendMessageBatch, ReceiveMessage)
	// true
}

// WithPlan adds the middleware as an sqs.Options function.
func ExampleWithPlan() {
	server := newFakeSQS()
	defer server.Close()
	plan := faults.MustPlan(1, faults.Rule{Kind: faults.Error, ErrorCode: "KmsThrottled", Probability: 1})
	client := sqs.New(server.client().Options(), faults.WithPlan(plan))

	_, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(server.queueURL("q")), MessageBody: aws.String("x")})
	var api smithy.APIError
	if errors.As(err, &api) {
		fmt.Println(api.ErrorCode(), "after", len(plan.Injections()), "attempt (not retried)")
	}
	// Output:
	// KMS.ThrottlingException after 1 attempt (not retried)
}
