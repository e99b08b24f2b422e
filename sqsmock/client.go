package sqsmock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"sync/atomic"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// Client is the in-process client of a Mock. It has exactly the method set of *sqs.Client;
// optFns are accepted for compatibility and ignored (there is no transport to configure).
// Client-side validation and error values are the SDK's own.
type Client struct {
	m *Mock
	// server is set for the client behind the HTTP front door: requests there were validated by
	// the sender's SDK, if at all, and the engine reports what is missing as SQS does.
	server bool
}

var _ API = (*Client)(nil)

var requestIDs atomic.Uint64

// invoke runs one operation as the real client would: validate, apply faults, call, record,
// wrap errors.
func invoke[I, O any](ctx context.Context, c *Client, op string, in *I, call func(context.Context, *I) (*O, error)) (*O, error) {
	m := c.m
	if in == nil {
		in = new(I)
	}
	if c.server {
		return serve(ctx, m, op, in, call)
	}
	if err := validateInput(op, in); err != nil {
		m.record(op, in, nil, err)
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
	}
	if err := ctx.Err(); err != nil { // the SDK gives up before sending: the bare context error
		m.record(op, in, nil, err)
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
	}
	out, o, err := apply(ctx, m, op, in, call)
	if o.transport != "" {
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op,
			Err: &smithyhttp.RequestSendError{Err: transportError(o.transport, queueURLOf(in))}}
	}
	if err != nil {
		return nil, wrapError(op, err)
	}
	return out, nil
}

// serve runs an operation for the HTTP front door: engine errors come back unwrapped, as
// *sqserr.Error, for the wire codec to encode; a transport fault drops the connection.
func serve[I, O any](ctx context.Context, m *Mock, op string, in *I, call func(context.Context, *I) (*O, error)) (*O, error) {
	out, o, err := apply(ctx, m, op, in, call)
	if o.transport != "" {
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	}
	return out, err
}

// apply runs the operation under the fault plan's call-level decision and records it.
func apply[I, O any](ctx context.Context, m *Mock, op string, in *I, call func(context.Context, *I) (*O, error)) (*O, outcome, error) {
	o := m.decide(ctx, op, in)
	var out *O
	err := o.err
	if err == nil && (o.transport == "" || o.applied) {
		out, err = call(o.ctx, in)
	}
	if o.transport != "" {
		out, err = nil, fmt.Errorf("injected transport fault %s", o.transport)
	}
	m.record(op, in, out, err)
	return out, o, err
}

func queueURLOf(in any) string {
	v := reflect.ValueOf(in).Elem()
	if f := v.FieldByName("QueueUrl"); f.IsValid() && !f.IsNil() {
		return f.Elem().String()
	}
	return ""
}

// wrapError wraps an engine error exactly as the SDK wraps a service error: the API error inside
// an *awshttp.ResponseError (with the HTTP status and a request id) inside a *smithy.OperationError.
func wrapError(op string, err error) error {
	var se *sqserr.Error
	switch {
	case errors.As(err, &se):
		id := "00000000-0000-4000-8000-" + fmt.Sprintf("%012d", requestIDs.Add(1))
		resp := &smithyhttp.Response{Response: &http.Response{
			StatusCode: se.Status, Status: strconv.Itoa(se.Status) + " " + http.StatusText(se.Status),
			Header: http.Header{"X-Amzn-Requestid": {id}, "X-Amzn-Query-Error": {se.QueryErrorHeader()}},
		}}
		err = &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: se.APIError()}, RequestID: id}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// A call cancelled while in flight: the SDK reports a response error with no response.
		resp := &smithyhttp.Response{Response: &http.Response{Header: http.Header{}}}
		err = &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: &smithy.CanceledError{Err: err}}}
	}
	return &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
}

// AddPermission adds a permission statement to the queue's policy.
func (c *Client) AddPermission(ctx context.Context, in *sqs.AddPermissionInput, _ ...func(*sqs.Options)) (*sqs.AddPermissionOutput, error) {
	return invoke(ctx, c, "AddPermission", in, c.m.engine.AddPermission)
}

// CancelMessageMoveTask cancels a running message move task.
func (c *Client) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.CancelMessageMoveTaskOutput, error) {
	return invoke(ctx, c, "CancelMessageMoveTask", in, c.m.engine.CancelMessageMoveTask)
}

// ChangeMessageVisibility changes the visibility timeout of a received message.
func (c *Client) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	return invoke(ctx, c, "ChangeMessageVisibility", in, c.m.engine.ChangeMessageVisibility)
}

// ChangeMessageVisibilityBatch changes up to 10 visibility timeouts.
func (c *Client) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	return invoke(ctx, c, "ChangeMessageVisibilityBatch", in, c.m.engine.ChangeMessageVisibilityBatch)
}

// CreateQueue creates a queue (idempotent for equal attributes).
func (c *Client) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput, _ ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	return invoke(ctx, c, "CreateQueue", in, c.m.engine.CreateQueue)
}

// DeleteMessage deletes a received message.
func (c *Client) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	return invoke(ctx, c, "DeleteMessage", in, c.m.engine.DeleteMessage)
}

// DeleteMessageBatch deletes up to 10 received messages.
func (c *Client) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	return invoke(ctx, c, "DeleteMessageBatch", in, c.m.engine.DeleteMessageBatch)
}

// DeleteQueue deletes a queue and its messages.
func (c *Client) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, _ ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	return invoke(ctx, c, "DeleteQueue", in, c.m.engine.DeleteQueue)
}

// GetQueueAttributes reports queue attributes.
func (c *Client) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return invoke(ctx, c, "GetQueueAttributes", in, c.m.engine.GetQueueAttributes)
}

// GetQueueUrl returns a queue's URL by name.
func (c *Client) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	return invoke(ctx, c, "GetQueueUrl", in, c.m.engine.GetQueueUrl)
}

// ListDeadLetterSourceQueues lists the queues that use a queue as their dead-letter queue.
func (c *Client) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	return invoke(ctx, c, "ListDeadLetterSourceQueues", in, c.m.engine.ListDeadLetterSourceQueues)
}

// ListMessageMoveTasks lists a source queue's recent message move tasks.
func (c *Client) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput, _ ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	return invoke(ctx, c, "ListMessageMoveTasks", in, c.m.engine.ListMessageMoveTasks)
}

// ListQueueTags lists a queue's tags.
func (c *Client) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, _ ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	return invoke(ctx, c, "ListQueueTags", in, c.m.engine.ListQueueTags)
}

// ListQueues lists queue URLs.
func (c *Client) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	return invoke(ctx, c, "ListQueues", in, c.m.engine.ListQueues)
}

// PurgeQueue deletes every message in a queue.
func (c *Client) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, _ ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error) {
	return invoke(ctx, c, "PurgeQueue", in, c.m.engine.PurgeQueue)
}

// ReceiveMessage receives up to 10 messages, long polling when asked to.
func (c *Client) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	return invoke(ctx, c, "ReceiveMessage", in, c.m.engine.ReceiveMessage)
}

// RemovePermission removes a permission statement from the queue's policy.
func (c *Client) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput, _ ...func(*sqs.Options)) (*sqs.RemovePermissionOutput, error) {
	return invoke(ctx, c, "RemovePermission", in, c.m.engine.RemovePermission)
}

// SendMessage sends a message.
func (c *Client) SendMessage(ctx context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	return invoke(ctx, c, "SendMessage", in, c.m.engine.SendMessage)
}

// SendMessageBatch sends up to 10 messages.
func (c *Client) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	return invoke(ctx, c, "SendMessageBatch", in, c.m.engine.SendMessageBatch)
}

// SetQueueAttributes changes queue attributes.
func (c *Client) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	return invoke(ctx, c, "SetQueueAttributes", in, c.m.engine.SetQueueAttributes)
}

// StartMessageMoveTask starts moving messages out of a dead-letter queue.
func (c *Client) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	return invoke(ctx, c, "StartMessageMoveTask", in, c.m.engine.StartMessageMoveTask)
}

// TagQueue adds tags to a queue.
func (c *Client) TagQueue(ctx context.Context, in *sqs.TagQueueInput, _ ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	return invoke(ctx, c, "TagQueue", in, c.m.engine.TagQueue)
}

// UntagQueue removes tags from a queue.
func (c *Client) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput, _ ...func(*sqs.Options)) (*sqs.UntagQueueOutput, error) {
	return invoke(ctx, c, "UntagQueue", in, c.m.engine.UntagQueue)
}
