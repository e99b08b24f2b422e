package harness

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// observer is the client CheckConsumer hands to the user's consumer: it forwards every call to
// the backend and notes what the consumer saw of the queue (deliveries, successful deletes) and
// when it last made or finished a call.
type observer struct {
	sqsmock.API
	queue string

	mu         sync.Mutex
	events     uint64              // calls started plus calls finished
	inFlight   int                 // calls not finished
	deliveries map[string]int      // body → receives from the queue
	handles    map[string]string   // receipt handle → body
	acked      map[string]bool     // bodies the consumer sent a delete for (whatever the answer)
	deleted    map[string]bool     // bodies with a successful delete
	deletes    []string            // bodies in the order of their first successful delete
	firstOrder map[string][]string // message group → bodies in order of first delivery
	calls      map[string]int      // operation → calls
}

func newObserver(api sqsmock.API, queueURL string) *observer {
	return &observer{API: api, queue: queueURL, deliveries: map[string]int{}, handles: map[string]string{},
		acked: map[string]bool{}, deleted: map[string]bool{}, firstOrder: map[string][]string{}, calls: map[string]int{}}
}

// begin notes a call starting; the function it returns notes it finishing.
func (o *observer) begin(op string) func() {
	o.mu.Lock()
	o.events++
	o.inFlight++
	o.calls[op]++
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		o.events++
		o.inFlight--
		o.mu.Unlock()
	}
}

// activity is the count of call starts and ends so far, and the calls in flight.
func (o *observer) activity() (events uint64, inFlight int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.events, o.inFlight
}

func (o *observer) received(url string, msgs []types.Message) {
	if url != o.queue {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range msgs {
		body := aws.ToString(m.Body)
		o.handles[aws.ToString(m.ReceiptHandle)] = body
		if o.deliveries[body] == 0 {
			g := m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
			o.firstOrder[g] = append(o.firstOrder[g], body)
		}
		o.deliveries[body]++
	}
}

// deleting notes a delete sent for a receipt handle, and deleted notes its success.
func (o *observer) deleting(url, handle string) {
	if url != o.queue {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if body, ok := o.handles[handle]; ok {
		o.acked[body] = true
	}
}

func (o *observer) deletedHandle(url, handle string) {
	if url != o.queue {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	body, ok := o.handles[handle]
	if ok && !o.deleted[body] {
		o.deleted[body] = true
		o.deletes = append(o.deletes, body)
	}
}

func (o *observer) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	defer o.begin("ReceiveMessage")()
	out, err := o.API.ReceiveMessage(ctx, in, optFns...)
	if err == nil {
		o.received(aws.ToString(in.QueueUrl), out.Messages)
	}
	return out, err
}

func (o *observer) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	defer o.begin("DeleteMessage")()
	o.deleting(aws.ToString(in.QueueUrl), aws.ToString(in.ReceiptHandle))
	out, err := o.API.DeleteMessage(ctx, in, optFns...)
	if err == nil {
		o.deletedHandle(aws.ToString(in.QueueUrl), aws.ToString(in.ReceiptHandle))
	}
	return out, err
}

func (o *observer) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	defer o.begin("DeleteMessageBatch")()
	for _, e := range in.Entries {
		o.deleting(aws.ToString(in.QueueUrl), aws.ToString(e.ReceiptHandle))
	}
	out, err := o.API.DeleteMessageBatch(ctx, in, optFns...)
	if err == nil {
		handles := map[string]string{}
		for _, e := range in.Entries {
			handles[aws.ToString(e.Id)] = aws.ToString(e.ReceiptHandle)
		}
		for _, ok := range out.Successful {
			o.deletedHandle(aws.ToString(in.QueueUrl), handles[aws.ToString(ok.Id)])
		}
	}
	return out, err
}

// The other operations are forwarded and counted.

func (o *observer) AddPermission(ctx context.Context, in *sqs.AddPermissionInput, optFns ...func(*sqs.Options)) (*sqs.AddPermissionOutput, error) {
	defer o.begin("AddPermission")()
	return o.API.AddPermission(ctx, in, optFns...)
}

func (o *observer) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.CancelMessageMoveTaskOutput, error) {
	defer o.begin("CancelMessageMoveTask")()
	return o.API.CancelMessageMoveTask(ctx, in, optFns...)
}

func (o *observer) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	defer o.begin("ChangeMessageVisibility")()
	return o.API.ChangeMessageVisibility(ctx, in, optFns...)
}

func (o *observer) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	defer o.begin("ChangeMessageVisibilityBatch")()
	return o.API.ChangeMessageVisibilityBatch(ctx, in, optFns...)
}

func (o *observer) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput, optFns ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	defer o.begin("CreateQueue")()
	return o.API.CreateQueue(ctx, in, optFns...)
}

func (o *observer) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, optFns ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	defer o.begin("DeleteQueue")()
	return o.API.DeleteQueue(ctx, in, optFns...)
}

func (o *observer) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	defer o.begin("GetQueueAttributes")()
	return o.API.GetQueueAttributes(ctx, in, optFns...)
}

func (o *observer) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	defer o.begin("GetQueueUrl")()
	return o.API.GetQueueUrl(ctx, in, optFns...)
}

func (o *observer) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	defer o.begin("ListDeadLetterSourceQueues")()
	return o.API.ListDeadLetterSourceQueues(ctx, in, optFns...)
}

func (o *observer) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput, optFns ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	defer o.begin("ListMessageMoveTasks")()
	return o.API.ListMessageMoveTasks(ctx, in, optFns...)
}

func (o *observer) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	defer o.begin("ListQueueTags")()
	return o.API.ListQueueTags(ctx, in, optFns...)
}

func (o *observer) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	defer o.begin("ListQueues")()
	return o.API.ListQueues(ctx, in, optFns...)
}

func (o *observer) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, optFns ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error) {
	defer o.begin("PurgeQueue")()
	return o.API.PurgeQueue(ctx, in, optFns...)
}

func (o *observer) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput, optFns ...func(*sqs.Options)) (*sqs.RemovePermissionOutput, error) {
	defer o.begin("RemovePermission")()
	return o.API.RemovePermission(ctx, in, optFns...)
}

func (o *observer) SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	defer o.begin("SendMessage")()
	return o.API.SendMessage(ctx, in, optFns...)
}

func (o *observer) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	defer o.begin("SendMessageBatch")()
	return o.API.SendMessageBatch(ctx, in, optFns...)
}

func (o *observer) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	defer o.begin("SetQueueAttributes")()
	return o.API.SetQueueAttributes(ctx, in, optFns...)
}

func (o *observer) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	defer o.begin("StartMessageMoveTask")()
	return o.API.StartMessageMoveTask(ctx, in, optFns...)
}

func (o *observer) TagQueue(ctx context.Context, in *sqs.TagQueueInput, optFns ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	defer o.begin("TagQueue")()
	return o.API.TagQueue(ctx, in, optFns...)
}

func (o *observer) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput, optFns ...func(*sqs.Options)) (*sqs.UntagQueueOutput, error) {
	defer o.begin("UntagQueue")()
	return o.API.UntagQueue(ctx, in, optFns...)
}
