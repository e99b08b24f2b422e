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
	plan, err := faults.NewPlan(42, faults.Rule{
		Name:       "throttle-orders",
		Kind:       faults.Error,
		ErrorCode:  "RequestThrottled",
		Operations: []string{"SendMessage"},
		Queue:      "orders-*",
		After:      1,
		Times:      2, // bounded by Times: Probability 0 means 1
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	server := newFakeSQS() // any SQS endpoint: AWS, LocalStack, the sqsmock server
	defer server.Close()
	noRetries := func(o *sqs.Options) { o.Retryer = aws.NopRetryer{} } // one attempt per call
	client := sqs.New(server.client().Options(), noRetries, faults.WithPlan(plan))
	queue := aws.String(server.queueURL("orders-eu"))
	for i := 1; i <= 4; i++ {
		_, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: queue, MessageBody: aws.String("x")})
		var api smithy.APIError
		if errors.As(err, &api) {
			fmt.Println(i, api.ErrorCode())
		} else {
			fmt.Println(i, err)
		}
	}
	for _, in := range plan.Injections() {
		fmt.Println(in.Rule, in.Kind, in.Operation, in.Queue, in.Detail)
	}
	// Output:
	// 1 <nil>
	// 2 RequestThrottled
	// 3 RequestThrottled
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
	// Output:
	// slow-receives latency [ReceiveMessage] 250ms 1
	// lose-deletes lost-delete [] 0s 0.1
}

// The client placement on a real *sqs.Client: the SDK retries RequestThrottled like the same
// error from AWS, and a connection reset after the send was applied duplicates the message.
func ExampleNewMiddleware() {
	server := newFakeSQS() // any SQS endpoint: AWS, LocalStack, the sqsmock server
	defer server.Close()
	queue := server.queueURL("orders")

	plan, err := faults.NewPlan(1,
		faults.Rule{Name: "throttled", Kind: faults.Error, ErrorCode: "RequestThrottled", Times: 1}, // attempt 1
		faults.Rule{Name: "reset", Kind: faults.ResetAfterApply, Times: 1},                          // attempt 2
	)
	if err != nil {
		fmt.Println(err)
		return
	}
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
	plan, err := faults.NewPlan(1, faults.Rule{Kind: faults.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Delay: time.Second, Probability: 1})
	if err != nil { // valid in the engine placement
		fmt.Println(err)
		return
	}
	_, err = faults.NewMiddleware(plan)
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
	plan, err := faults.NewPlan(1, faults.Rule{Kind: faults.Error, ErrorCode: "KmsThrottled", Probability: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	client := sqs.New(server.client().Options(), faults.WithPlan(plan))

	_, err = client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(server.queueURL("q")), MessageBody: aws.String("x")})
	var api smithy.APIError
	if errors.As(err, &api) {
		fmt.Println(api.ErrorCode(), "after", len(plan.Injections()), "attempt (not retried)")
	}
	// Output:
	// KMS.ThrottlingException after 1 attempt (not retried)
}
