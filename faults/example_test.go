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
	"github.com/sqsharness/sqsharness/sqsmock"
)

// createQueue makes a queue on the mock and returns its URL.
func createQueue(client *sqs.Client, name string) *string {
	out, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		panic(err)
	}
	return out.QueueUrl
}

// A plan as Go values: the second and third sends to queues named orders-* are throttled.
func ExamplePlan() {
	plan, err := faults.NewPlan(42,
		faults.Error("RequestThrottled").On("SendMessage").OnQueue("orders-*").After(1).Times(2).Named("throttle-orders"))
	if err != nil {
		fmt.Println(err)
		return
	}
	mock := sqsmock.New()                                              // any SQS endpoint: AWS, LocalStack, the sqsmock server
	noRetries := func(o *sqs.Options) { o.Retryer = aws.NopRetryer{} } // one attempt per call
	client := mock.SDKClient(noRetries, faults.WithPlan(plan))
	queue := createQueue(client, "orders-eu")
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

// Plans load from YAML (or JSON); durations are strings. String writes the same form.
func ExampleParse() {
	plan, err := faults.Parse([]byte(`
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
	fmt.Print(plan)
	// Output:
	// seed: 7
	// rules:
	//   - name: slow-receives
	//     kind: latency
	//     operations:
	//       - ReceiveMessage
	//     probability: 1
	//     latency: 250ms
	//   - name: lose-deletes
	//     kind: lost-delete
	//     probability: 0.1
}

// The client placement on any *sqs.Client: the SDK retries RequestThrottled like the same error
// from AWS, and a connection reset after the send was applied duplicates the message.
func ExampleWithPlan() {
	plan, err := faults.NewPlan(1,
		faults.Error("RequestThrottled").Times(1).Named("throttled"), // attempt 1
		faults.ResetAfterApply().Times(1).Named("reset"),             // attempt 2
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	mock := sqsmock.New()
	client := mock.SDKClient(faults.WithPlan(plan))
	queue := createQueue(mock.SDKClient(), "orders")

	_, err = client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: queue, MessageBody: aws.String("pay 10 EUR")})
	fmt.Println("error:", err)
	for _, m := range mock.Messages(*queue) {
		fmt.Println("queued:", m.Body)
	}
	for _, in := range plan.Injections() {
		fmt.Println(in.Rule, in.Kind)
	}
	// Output:
	// error: <nil>
	// queued: pay 10 EUR
	// queued: pay 10 EUR
	// throttled error
	// reset reset-after-apply
}

// A rule the client placement cannot honour fails every call, not silently ignored; in the
// mock (sqsmock.Options.Faults) the same rule is valid.
func ExampleWithPlan_refused() {
	plan, err := faults.NewPlan(1, faults.DelayedVisibility(time.Second).On("ChangeMessageVisibility"))
	if err != nil {
		fmt.Println(err)
		return
	}
	client := sqsmock.New().SDKClient(faults.WithPlan(plan))
	_, err = client.ListQueues(context.Background(), &sqs.ListQueuesInput{})
	fmt.Println(err)
	// Output:
	// faults: rule "delayed-visibility#1" (delayed-visibility): cannot apply to ChangeMessageVisibility in the client placement (supported: SendMessage, SendMessageBatch, ReceiveMessage)
}
