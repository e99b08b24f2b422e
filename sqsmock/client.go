package sqsmock

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// client is the in-process client of a Mock (Mock.Client). It has exactly the method set of *sqs.Client and
// keeps its contract: the SDK's client-side validation, its error values, and its retries. By
// default it retries as *sqs.Client does (the standard retryer: 3 attempts, the same retryable
// codes and status classes, the same retry quota); the Retryer, RetryMode and RetryMaxAttempts
// given to Mock.Client or to a single call are honoured as the SDK honours them, and
// RetryMaxAttempts = 1 turns retries off. Backoff waits on the mock's clock: real time with the
// real clock (so the bubble's fake time inside testing/synctest), none with a ManualClock, which
// moves only when the test moves it.
//
// Region and Credentials choose the client's region and account (see Mock.Client). Other
// sqs.Options (endpoint, HTTP client, APIOptions middleware such as faults.WithPlan) have nothing
// to act on in process and are ignored; Mock.SDKClient gives a real *sqs.Client on the mock,
// without a socket, for code that needs them.
type client struct {
	m *Mock
	// server is set for the client behind the HTTP front door: requests there were validated by
	// the sender's SDK, if at all, and the engine reports what is missing as SQS does.
	server bool
	// options are the client's sqs.Options as sqs.New resolves them (Retryer set).
	options sqs.Options
	// loop makes the attempts of calls without options, over options.Retryer (see retrier).
	loop retrier
	// drawn is loop.drawn for a client whose retryer is the standard retryer sqs.New made.
	drawn atomic.Bool
	// who is the in-process client's caller: its options' region and account.
	who caller
	// hosts, behind the HTTP front door, is an Endpoint template with {region}: queue URLs name their region
	// in their host.
	hosts string
	// engineURLs, behind SDKClient's in-memory transport, gives each namespace's queues the URLs
	// the in-process client gives them.
	engineURLs bool
}

var _ API = (*client)(nil)

// newClient returns an in-process client with options resolved as sqs.New resolves them.
func newClient(m *Mock, optFns []func(*sqs.Options)) *client {
	// The retryer sqs.New makes, and the one left once optFns ran: the same when they set none.
	var made, left aws.Retryer
	fns := make([]func(*sqs.Options), 0, len(optFns)+2)
	fns = append(fns, func(o *sqs.Options) { made = o.Retryer })
	fns = append(fns, optFns...)
	fns = append(fns, func(o *sqs.Options) { left = o.Retryer })
	o := sqs.New(sqs.Options{Region: m.cfg.region}, fns...).Options()
	c := &client{m: m, options: o, who: m.clientCaller(o)}
	c.loop = retrier{retryer: asRetryerV2(o.Retryer), clock: m.cfg.clock}
	if _, standard := made.(*retry.Standard); standard && left == made {
		c.loop.drawn = &c.drawn
	}
	return c
}

// withOptions is the retrier and the caller of one call given per-call options, as *sqs.Client
// applies them to a copy of its options: a changed RetryMaxAttempts limits the retryer, and the
// region or the credentials may change the caller.
func (c *client) withOptions(optFns []func(*sqs.Options)) (retrier, caller) {
	o := c.options.Copy()
	for _, fn := range optFns {
		fn(&o)
	}
	return c.loop.perCall(o.Retryer, c.options.Retryer, o.RetryMaxAttempts, c.options.RetryMaxAttempts, &c.drawn), c.m.clientCaller(o)
}

// sameRetryer reports whether a and b are the same retryer (false when they cannot be compared).
func sameRetryer(a, b aws.Retryer) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// AddPermission adds a permission statement to the queue's policy.
func (c *client) AddPermission(ctx context.Context, in *sqs.AddPermissionInput, optFns ...func(*sqs.Options)) (*sqs.AddPermissionOutput, error) {
	return invoke(ctx, c, "AddPermission", in, optFns, (*engine.Engine).AddPermission)
}

// CancelMessageMoveTask cancels a running message move task.
func (c *client) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.CancelMessageMoveTaskOutput, error) {
	return invoke(ctx, c, "CancelMessageMoveTask", in, optFns, (*engine.Engine).CancelMessageMoveTask)
}

// ChangeMessageVisibility changes the visibility timeout of a received message.
func (c *client) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	return invoke(ctx, c, "ChangeMessageVisibility", in, optFns, (*engine.Engine).ChangeMessageVisibility)
}

// ChangeMessageVisibilityBatch changes up to 10 visibility timeouts.
func (c *client) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	return invoke(ctx, c, "ChangeMessageVisibilityBatch", in, optFns, (*engine.Engine).ChangeMessageVisibilityBatch)
}

// CreateQueue creates a queue (idempotent for equal attributes).
func (c *client) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput, optFns ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	return invoke(ctx, c, "CreateQueue", in, optFns, (*engine.Engine).CreateQueue)
}

// DeleteMessage deletes a received message.
func (c *client) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	return invoke(ctx, c, "DeleteMessage", in, optFns, (*engine.Engine).DeleteMessage)
}

// DeleteMessageBatch deletes up to 10 received messages.
func (c *client) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	return invoke(ctx, c, "DeleteMessageBatch", in, optFns, (*engine.Engine).DeleteMessageBatch)
}

// DeleteQueue deletes a queue and its messages.
func (c *client) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, optFns ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	return invoke(ctx, c, "DeleteQueue", in, optFns, (*engine.Engine).DeleteQueue)
}

// GetQueueAttributes reports queue attributes.
func (c *client) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return invoke(ctx, c, "GetQueueAttributes", in, optFns, (*engine.Engine).GetQueueAttributes)
}

// GetQueueUrl returns a queue's URL by name.
func (c *client) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	return invoke(ctx, c, "GetQueueUrl", in, optFns, (*engine.Engine).GetQueueUrl)
}

// ListDeadLetterSourceQueues lists the queues that use a queue as their dead-letter queue.
func (c *client) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	return invoke(ctx, c, "ListDeadLetterSourceQueues", in, optFns, (*engine.Engine).ListDeadLetterSourceQueues)
}

// ListMessageMoveTasks lists a source queue's recent message move tasks.
func (c *client) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput, optFns ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	return invoke(ctx, c, "ListMessageMoveTasks", in, optFns, (*engine.Engine).ListMessageMoveTasks)
}

// ListQueueTags lists a queue's tags.
func (c *client) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	return invoke(ctx, c, "ListQueueTags", in, optFns, (*engine.Engine).ListQueueTags)
}

// ListQueues lists queue URLs.
func (c *client) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	return invoke(ctx, c, "ListQueues", in, optFns, (*engine.Engine).ListQueues)
}

// PurgeQueue deletes every message in a queue.
func (c *client) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, optFns ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error) {
	return invoke(ctx, c, "PurgeQueue", in, optFns, (*engine.Engine).PurgeQueue)
}

// ReceiveMessage receives up to 10 messages, long polling when asked to.
func (c *client) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	return invoke(ctx, c, "ReceiveMessage", in, optFns, (*engine.Engine).ReceiveMessage)
}

// RemovePermission removes a permission statement from the queue's policy.
func (c *client) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput, optFns ...func(*sqs.Options)) (*sqs.RemovePermissionOutput, error) {
	return invoke(ctx, c, "RemovePermission", in, optFns, (*engine.Engine).RemovePermission)
}

// SendMessage sends a message.
func (c *client) SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	return invoke(ctx, c, "SendMessage", in, optFns, (*engine.Engine).SendMessage)
}

// SendMessageBatch sends up to 10 messages.
func (c *client) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	return invoke(ctx, c, "SendMessageBatch", in, optFns, (*engine.Engine).SendMessageBatch)
}

// SetQueueAttributes changes queue attributes.
func (c *client) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	return invoke(ctx, c, "SetQueueAttributes", in, optFns, (*engine.Engine).SetQueueAttributes)
}

// StartMessageMoveTask starts moving messages out of a dead-letter queue.
func (c *client) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	return invoke(ctx, c, "StartMessageMoveTask", in, optFns, (*engine.Engine).StartMessageMoveTask)
}

// TagQueue adds tags to a queue.
func (c *client) TagQueue(ctx context.Context, in *sqs.TagQueueInput, optFns ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	return invoke(ctx, c, "TagQueue", in, optFns, (*engine.Engine).TagQueue)
}

// UntagQueue removes tags from a queue.
func (c *client) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput, optFns ...func(*sqs.Options)) (*sqs.UntagQueueOutput, error) {
	return invoke(ctx, c, "UntagQueue", in, optFns, (*engine.Engine).UntagQueue)
}
