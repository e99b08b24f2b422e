package sqsmock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// One call, through either door, top-down:
//
//	in-process client:  Client.SendMessage → invoke (validate) → retrier.do (retry.go) → attemptOnce → apply
//	HTTP (wire handler): Client.SendMessage → invoke → serve → apply
//	apply: route (namespace, queue policy) → decide (faults.go: call-level faults) → the engine
//
// Everything a call does between its door and the engine is in this file, in that order.

// invoke runs one operation as the real client would: validate, then attempt as the SDK's retry
// loop does, each attempt facing the fault plan and the engine, and wrap the final error.
func invoke[I, O any](ctx context.Context, c *client, op string, in *I, optFns []func(*sqs.Options), call func(*engine.Engine, context.Context, *I) (*O, error)) (*O, error) {
	m := c.m
	m.checkBubble()
	if in == nil {
		in = new(I)
	}
	if c.server {
		return serve(ctx, c, op, in, call)
	}
	if err := validateInput(op, in); err != nil {
		m.record(m.callID(), op, in, nil, err)
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
	}
	if err := ctx.Err(); err != nil { // the SDK gives up before sending: the bare context error
		m.record(m.callID(), op, in, nil, err)
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
	}
	r, who := c.loop, c.who
	if len(optFns) > 0 {
		r, who = c.withOptions(optFns)
	}
	r.longPoll = op == "ReceiveMessage"
	var out *O
	err := r.do(ctx, func() error {
		var err error
		out, err = attemptOnce(ctx, c, who, op, in, call)
		return err
	})
	if err != nil {
		return nil, &smithy.OperationError{ServiceID: sqs.ServiceID, OperationName: op, Err: err}
	}
	return out, nil
}

// attemptOnce is one attempt: the request meets the fault plan and the engine, and fails as the
// SDK reports a failed attempt (a transport error, or the API error in its HTTP response).
func attemptOnce[I, O any](ctx context.Context, c *client, who caller, op string, in *I, call func(*engine.Engine, context.Context, *I) (*O, error)) (*O, error) {
	out, o, err := apply(ctx, c, who, op, in, call)
	if o.transport != "" {
		return nil, &smithyhttp.RequestSendError{Err: transportError(o.transport, queueURLOf(in))}
	}
	if err != nil {
		return nil, responseError(err)
	}
	return out, nil
}

// responseError wraps an engine error as the SDK's deserializers wrap a service error: the API
// error inside an *awshttp.ResponseError with the HTTP status and a request id. A call cancelled
// in flight is a response error with no response around a *smithy.CanceledError.
func responseError(err error) error {
	var se *sqserr.Error
	switch {
	case errors.As(err, &se):
		id := "00000000-0000-4000-8000-" + fmt.Sprintf("%012d", requestIDs.Add(1))
		resp := &smithyhttp.Response{Response: &http.Response{
			StatusCode: se.Status, Status: strconv.Itoa(se.Status) + " " + http.StatusText(se.Status),
			Header: http.Header{"X-Amzn-Requestid": {id}, "X-Amzn-Query-Error": {se.QueryErrorHeader()}},
		}}
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: se.APIError()}, RequestID: id}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		resp := &smithyhttp.Response{Response: &http.Response{Header: http.Header{}}}
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: &smithy.CanceledError{Err: err}}}
	}
	return err
}

var requestIDs atomic.Uint64

// serve runs an operation for the HTTP front door: engine errors come back unwrapped, as
// *sqserr.Error, for the wire codec to encode; a transport fault drops the connection.
func serve[I, O any](ctx context.Context, c *client, op string, in *I, call func(*engine.Engine, context.Context, *I) (*O, error)) (*O, error) {
	who := caller{namespace: c.m.home}
	if info := requestInfoFrom(ctx); info != nil {
		who = info.who
	}
	out, o, err := apply(ctx, c, who, op, in, call)
	if o.transport != "" {
		noteTransportFault(ctx, o.transport)
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	}
	return out, err
}

// apply routes the operation to its namespace's engine and runs it there under the fault plan's
// call-level decision, and records it.
func apply[I, O any](ctx context.Context, c *client, who caller, op string, in *I, call func(*engine.Engine, context.Context, *I) (*O, error)) (*O, outcome, error) {
	m := c.m
	id := m.callID()
	eng, denied := m.route(who, op, in)
	seen := eng // what the fault plan's message predicates may look into
	if denied {
		seen = nil
	}
	o := m.decide(ctx, seen, op, in)
	if m.trace != nil {
		tc := engine.Call{ID: id, Operation: op}
		m.trace.CallFaults(eng, tc, queueURLOf(in), o.fired, o.firedAt)
		o.ctx = engine.WithCall(o.ctx, tc)
	}
	var out *O
	err := o.err
	if err == nil && (o.transport == "" || o.applied) {
		if denied {
			err = accessDenied(c.deniedBase(o.ctx, eng), eng)
		} else {
			out, err = call(eng, c.baseFor(o.ctx, eng), in)
		}
	}
	if o.transport != "" {
		out, err = nil, fmt.Errorf("injected transport fault %s", o.transport)
	}
	m.record(id, op, in, out, err)
	if m.trace != nil {
		m.trace.Call(eng, engine.Call{ID: id, Operation: op}, queueNameOf(in), err, m.cfg.clock.Now())
	}
	return out, o, err
}

// route picks the engine an operation acts on, and reports whether SQS would refuse the request
// as the queue's policy decides it (IAM's evaluation for one resource-based policy): a request
// for another account's queue needs an Allow and no Deny, and only for the actions a queue policy
// can share; a request of the queue's own account, which the mock takes its IAM policies to
// allow, is refused only by a Deny.
func (m *Mock) route(who caller, op string, in any) (e *engine.Engine, denied bool) {
	how, target, owner := targetOf(in)
	ns := who.namespace
	switch how {
	case byNone:
		return m.engineFor(ns, op == "CreateQueue"), false
	case byName:
		if owner != "" {
			ns.account = owner
		}
	case byHandle:
		target = addr.TaskSource(target)
		fallthrough
	case byURL, byARN:
		a := m.addrs.Get(target, parseQueueAddress)
		account, region := a.account, a.region
		if account != "" {
			ns.account = account
		}
		if region != "" && !who.signed {
			ns.region = region
		}
	}
	e = m.engineFor(ns, false)
	switch {
	case ns.account != who.account:
		action := grantable[op]
		if action == "" {
			exists, _ := e.Authorize(target, iampolicy.Request{})
			return e, exists
		}
		exists, d := e.Authorize(target, who.request(action))
		return e, exists && d != iampolicy.Allow
	case who.operator || !e.HasPolicies():
		return e, false
	}
	exists, d := e.Authorize(target, who.request(iamAction(op)))
	return e, exists && d == iampolicy.Deny
}

// addressing says what a request names its queue by.
type addressing uint8

const (
	byNone   addressing = iota // CreateQueue, ListQueues: the caller's namespace
	byURL                      // QueueUrl
	byName                     // GetQueueUrl: QueueName and QueueOwnerAWSAccountId
	byARN                      // SourceArn of a message move task
	byHandle                   // a move task's handle, which holds its SourceArn
)

// targetOf is what an operation's input addresses.
func targetOf(in any) (how addressing, target, owner string) {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch v := in.(type) {
	case *sqs.SendMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ReceiveMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.SendMessageBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteMessageBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ChangeMessageVisibilityInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ChangeMessageVisibilityBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.GetQueueAttributesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.SetQueueAttributesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.PurgeQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ListDeadLetterSourceQueuesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.AddPermissionInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.RemovePermissionInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.TagQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.UntagQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ListQueueTagsInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.GetQueueUrlInput:
		return byName, s(v.QueueName), s(v.QueueOwnerAWSAccountId)
	case *sqs.StartMessageMoveTaskInput:
		return byARN, s(v.SourceArn), ""
	case *sqs.ListMessageMoveTasksInput:
		return byARN, s(v.SourceArn), ""
	case *sqs.CancelMessageMoveTaskInput:
		return byHandle, s(v.TaskHandle), ""
	}
	return byNone, "", ""
}

// iamAction is the IAM action of an operation: its own name, but for the batch operations, which
// take their single forms' permissions (API Reference, AddPermission).
func iamAction(op string) string {
	switch op {
	case "SendMessageBatch":
		return "SendMessage"
	case "DeleteMessageBatch":
		return "DeleteMessage"
	case "ChangeMessageVisibilityBatch":
		return "ChangeMessageVisibility"
	}
	return op
}

// grantable maps an operation to the action a queue policy grants another account for it. The
// others are the owner's alone: "Cross-account permissions don't apply" to them (Developer
// Guide, Limitations of Amazon SQS custom policies), and the batch actions take the permissions of
// their single forms (API Reference, AddPermission).
var grantable = map[string]string{
	"SendMessage": "SendMessage", "SendMessageBatch": "SendMessage",
	"ReceiveMessage": "ReceiveMessage",
	"DeleteMessage":  "DeleteMessage", "DeleteMessageBatch": "DeleteMessage",
	"ChangeMessageVisibility": "ChangeMessageVisibility", "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
	"GetQueueAttributes": "GetQueueAttributes", "GetQueueUrl": "GetQueueUrl",
	"ListDeadLetterSourceQueues": "ListDeadLetterSourceQueues", "PurgeQueue": "PurgeQueue",
}

// accessDenied is SQS's answer to a request it does not authorize: "Access to the resource
// <the request's URL> is denied." (AccessDenied, HTTP 403; the Developer Guide's "Troubleshoot an
// access denied error" shows it for a JSON request to https://sqs.us-east-1.amazonaws.com/, and
// answers to Query requests at a queue URL name that URL).
func accessDenied(ctx context.Context, e *engine.Engine) error {
	base, ok := reqctx.BaseURL(ctx)
	if !ok {
		base = e.BaseURL()
	}
	path := "/"
	if info := requestInfoFrom(ctx); info != nil && info.path != "" {
		path = info.path
	}
	return sqserr.AccessDenied("Access to the resource " + strings.TrimRight(base, "/") + path + " is denied.")
}

// baseFor is the context an operation runs in on engine e: behind the HTTP front door, with the
// base of the namespace's queue URLs when they name their region in their host (an Endpoint template)
// or are the in-process client's (SDKClient).
func (c *client) baseFor(ctx context.Context, e *engine.Engine) context.Context {
	switch {
	case c.hosts != "":
		base, _ := reqctx.BaseURL(ctx)
		return reqctx.WithBaseURL(ctx, regionalBase(c.hosts, e.Region(), base))
	case c.engineURLs && e != c.m.engine:
		return reqctx.WithBaseURL(ctx, e.BaseURL())
	}
	return ctx
}

// deniedBase is the context AccessDenied names the request's URL from: the request's own base,
// or behind SDKClient, where URLs are the in-process client's, that of the caller's region.
func (c *client) deniedBase(ctx context.Context, e *engine.Engine) context.Context {
	if c.engineURLs && e != c.m.engine {
		return reqctx.WithBaseURL(ctx, e.BaseURL())
	}
	return ctx
}

// queueNameOf is the name of the queue an operation's input names, by URL or by name ("" if none).
func queueNameOf(in any) string {
	switch v := in.(type) {
	case *sqs.CreateQueueInput:
		return aws.ToString(v.QueueName)
	case *sqs.GetQueueUrlInput:
		return aws.ToString(v.QueueName)
	}
	return queueurl.Name(queueURLOf(in))
}

// queueURLOf is the QueueUrl of an operation's input ("" when it has none).
func queueURLOf(in any) string {
	if how, addr, _ := targetOf(in); how == byURL {
		return addr
	}
	return ""
}
