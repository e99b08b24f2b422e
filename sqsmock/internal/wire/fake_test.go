package wire

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
)

// recorder is a fake backend: it records every call (operation, decoded input, base URL) and
// answers with a canned output or error per operation.
type recorder struct {
	mu      sync.Mutex
	calls   []recordedCall
	outputs map[string]any   // operation → *sqs.<Op>Output
	errs    map[string]error // operation → error
}

type recordedCall struct {
	op      string
	input   any
	baseURL string
}

var _ sqsapi.API = (*recorder)(nil)

func newRecorder() *recorder {
	return &recorder{outputs: map[string]any{}, errs: map[string]error{}}
}

func (r *recorder) Calls() []recordedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedCall(nil), r.calls...)
}

func answer[I, O any](ctx context.Context, r *recorder, op string, in *I) (*O, error) {
	base, _ := reqctx.BaseURL(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, recordedCall{op: op, input: in, baseURL: base})
	if err := r.errs[op]; err != nil {
		return nil, err
	}
	if out, ok := r.outputs[op]; ok {
		return out.(*O), nil
	}
	return new(O), nil
}

func (r *recorder) AddPermission(ctx context.Context, in *sqs.AddPermissionInput, _ ...func(*sqs.Options)) (*sqs.AddPermissionOutput, error) {
	return answer[sqs.AddPermissionInput, sqs.AddPermissionOutput](ctx, r, "AddPermission", in)
}

func (r *recorder) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.CancelMessageMoveTaskOutput, error) {
	return answer[sqs.CancelMessageMoveTaskInput, sqs.CancelMessageMoveTaskOutput](ctx, r, "CancelMessageMoveTask", in)
}

func (r *recorder) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	return answer[sqs.ChangeMessageVisibilityInput, sqs.ChangeMessageVisibilityOutput](ctx, r, "ChangeMessageVisibility", in)
}

func (r *recorder) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	return answer[sqs.ChangeMessageVisibilityBatchInput, sqs.ChangeMessageVisibilityBatchOutput](ctx, r, "ChangeMessageVisibilityBatch", in)
}

func (r *recorder) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput, _ ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	return answer[sqs.CreateQueueInput, sqs.CreateQueueOutput](ctx, r, "CreateQueue", in)
}

func (r *recorder) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	return answer[sqs.DeleteMessageInput, sqs.DeleteMessageOutput](ctx, r, "DeleteMessage", in)
}

func (r *recorder) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	return answer[sqs.DeleteMessageBatchInput, sqs.DeleteMessageBatchOutput](ctx, r, "DeleteMessageBatch", in)
}

func (r *recorder) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, _ ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	return answer[sqs.DeleteQueueInput, sqs.DeleteQueueOutput](ctx, r, "DeleteQueue", in)
}

func (r *recorder) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return answer[sqs.GetQueueAttributesInput, sqs.GetQueueAttributesOutput](ctx, r, "GetQueueAttributes", in)
}

func (r *recorder) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	return answer[sqs.GetQueueUrlInput, sqs.GetQueueUrlOutput](ctx, r, "GetQueueUrl", in)
}

func (r *recorder) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	return answer[sqs.ListDeadLetterSourceQueuesInput, sqs.ListDeadLetterSourceQueuesOutput](ctx, r, "ListDeadLetterSourceQueues", in)
}

func (r *recorder) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput, _ ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	return answer[sqs.ListMessageMoveTasksInput, sqs.ListMessageMoveTasksOutput](ctx, r, "ListMessageMoveTasks", in)
}

func (r *recorder) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, _ ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	return answer[sqs.ListQueueTagsInput, sqs.ListQueueTagsOutput](ctx, r, "ListQueueTags", in)
}

func (r *recorder) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	return answer[sqs.ListQueuesInput, sqs.ListQueuesOutput](ctx, r, "ListQueues", in)
}

func (r *recorder) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, _ ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error) {
	return answer[sqs.PurgeQueueInput, sqs.PurgeQueueOutput](ctx, r, "PurgeQueue", in)
}

func (r *recorder) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	return answer[sqs.ReceiveMessageInput, sqs.ReceiveMessageOutput](ctx, r, "ReceiveMessage", in)
}

func (r *recorder) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput, _ ...func(*sqs.Options)) (*sqs.RemovePermissionOutput, error) {
	return answer[sqs.RemovePermissionInput, sqs.RemovePermissionOutput](ctx, r, "RemovePermission", in)
}

func (r *recorder) SendMessage(ctx context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	return answer[sqs.SendMessageInput, sqs.SendMessageOutput](ctx, r, "SendMessage", in)
}

func (r *recorder) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	return answer[sqs.SendMessageBatchInput, sqs.SendMessageBatchOutput](ctx, r, "SendMessageBatch", in)
}

func (r *recorder) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	return answer[sqs.SetQueueAttributesInput, sqs.SetQueueAttributesOutput](ctx, r, "SetQueueAttributes", in)
}

func (r *recorder) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	return answer[sqs.StartMessageMoveTaskInput, sqs.StartMessageMoveTaskOutput](ctx, r, "StartMessageMoveTask", in)
}

func (r *recorder) TagQueue(ctx context.Context, in *sqs.TagQueueInput, _ ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	return answer[sqs.TagQueueInput, sqs.TagQueueOutput](ctx, r, "TagQueue", in)
}

func (r *recorder) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput, _ ...func(*sqs.Options)) (*sqs.UntagQueueOutput, error) {
	return answer[sqs.UntagQueueInput, sqs.UntagQueueOutput](ctx, r, "UntagQueue", in)
}
