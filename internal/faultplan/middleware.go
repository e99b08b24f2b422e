package faultplan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sqsharness/sqsharness/internal/msgattr"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// WithPlan is an sqs.Options function that adds Middleware(p) to the client's APIOptions:
//
//	client := sqs.NewFromConfig(cfg, faults.WithPlan(plan))
func WithPlan(p *Plan) func(*sqs.Options) {
	mw := Middleware(p)
	return func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, mw) }
}

// Middleware returns the client placement of p for sqs.Options.APIOptions. If p has a rule the
// client placement cannot honour, every call fails with that error; use NewMiddleware to get the
// error up front. Call it once per client: the returned value holds the messages that
// DuplicateDelivery and DelayedVisibility keep back for later receives.
func Middleware(p *Plan) func(*middleware.Stack) error { return orFailing(NewMiddleware(p)) }

// orFailing is mw, or when err is set a middleware that fails every call with it.
func orFailing(mw func(*middleware.Stack) error, err error) func(*middleware.Stack) error {
	if err != nil {
		return func(*middleware.Stack) error { return err }
	}
	return mw
}

// NewMiddleware returns the client placement of p for sqs.Options.APIOptions, or an error if p
// has a rule this placement cannot honour. After it, Add and SetRules reject such rules too.
//
// Per-attempt faults (Error, Throttle, Latency, ResetBeforeApply, ResetAfterApply, Timeout) are
// injected innermost in the Deserialize step, where the HTTP client would be called: inside the
// SDK's retry loop, so the SDK deserializes an injected error from a synthetic SQS JSON error
// response (status, x-amzn-query-error header, __type) and its retryer classifies it exactly as
// one from AWS; resets and timeouts are the errors net/http returns, so they are retried as
// connection errors; ResetAfterApply sends the request to the server first, so a retry applies it
// twice. Per-call faults (LostDelete, DuplicateDelivery, DelayedVisibility, FalseEmpty, Reorder,
// PartialBatchFailure, StaleHandleDelete) act at the start of the Initialize step, outside the retry loop, on the
// input and output values:
//
//   - LostDelete: DeleteMessage returns success without calling the server; lost entries of a
//     DeleteMessageBatch are not sent and are reported in Successful.
//   - PartialBatchFailure: the failed entries are not sent (as when SQS fails an entry, they are
//     not applied) and are reported in Failed with the rule's code and SenderFault = !server fault.
//   - DelayedVisibility: on SendMessage[Batch] it adds Delay (rounded up to seconds, capped at
//     900) to DelaySeconds, so the server delays the message (SQS rejects per-message delays on
//     FIFO queues); on ReceiveMessage it keeps a received message back and returns it to a later
//     receive from the same queue Delay later (the server's visibility timeout keeps running).
//   - DuplicateDelivery: a received message is returned again to a later receive from the same
//     queue, Delay later, with the same receipt handle and ApproximateReceiveCount increased if it
//     was requested. Standard queues only: a FIFO queue delivers exactly once.
//   - FalseEmpty: ReceiveMessage returns no messages without calling the server; a long poll
//     (WaitTimeSeconds > 0) answers after its wait time, waited with the plan's Sleeper, or
//     fails as a cancelled call when its context ends first. The middleware does not know a
//     queue's ReceiveMessageWaitTimeSeconds: a call without WaitTimeSeconds answers at once.
//   - Reorder: the messages of a ReceiveMessage are shuffled. Standard queues only: a FIFO queue
//     keeps the order within each message group.
//   - StaleHandleDelete: while the plan has such a rule, the middleware remembers, per queue URL
//     and message id, the newest receipt handle its client's ReceiveMessage calls returned; a
//     DeleteMessage (or batch entry) with an older handle of the same message returns success
//     without calling the server. It sees only its own client's receives: a handle another
//     client received later does not make this client's handle stale. Standard queues only.
func NewMiddleware(p *Plan) (func(*middleware.Stack) error, error) {
	return newPlacement(p, func(s *clientState) (middleware.InitializeMiddleware, *attemptMiddleware) {
		return &initializeMiddleware{s}, &attemptMiddleware{s: s}
	})
}

// newPlacement attaches p to the client placement and returns the middleware of one client of
// it: the per-call and the per-attempt middleware that parts makes for its state.
func newPlacement(p *Plan, parts func(*clientState) (middleware.InitializeMiddleware, *attemptMiddleware)) (func(*middleware.Stack) error, error) {
	if p == nil {
		return nil, fmt.Errorf("faults: nil plan")
	}
	if err := p.attach(Client); err != nil {
		return nil, err
	}
	s := &clientState{plan: p}
	p.addClient(s)
	initialize, attempt := parts(s)
	return func(stack *middleware.Stack) error {
		if err := stack.Initialize.Add(initialize, middleware.Before); err != nil {
			return err
		}
		return stack.Deserialize.Add(attempt, middleware.After)
	}, nil
}

// clientState is what one client placement keeps between calls.
type clientState struct {
	plan     *Plan
	mu       sync.Mutex
	held     []heldMessage // messages kept back for a later receive
	ids      atomic.Uint64 // request ids of synthetic responses
	receipts receipts      // receipt handles seen, for StaleHandleDelete; guarded by mu
}

// receipts are the receipt handles a client's receives returned, per message, while its plan
// has a StaleHandleDelete rule: enough to tell a delete with a stale handle. A message is
// forgotten once the server answers a delete of it with success.
type receipts struct {
	latest map[receiptKey]*receiptEntry
	owner  map[string]receiptKey // every handle seen → its message
}

type receiptKey struct{ queueURL, messageID string }

type receiptEntry struct {
	latest string
	all    []string
}

// seen records the receipt handles of a receive's messages, in order. Caller holds s.mu.
func (r *receipts) seen(queueURL string, msgs []types.Message) {
	if r.latest == nil {
		r.latest, r.owner = map[receiptKey]*receiptEntry{}, map[string]receiptKey{}
	}
	for _, m := range msgs {
		h, id := aws.ToString(m.ReceiptHandle), aws.ToString(m.MessageId)
		if h == "" || id == "" {
			continue
		}
		k := receiptKey{queueURL, id}
		e := r.latest[k]
		if e == nil {
			e = &receiptEntry{}
			r.latest[k] = e
		}
		if _, ok := r.owner[h]; !ok {
			e.all = append(e.all, h)
			r.owner[h] = k
		}
		e.latest = h
	}
}

// lookup returns the message id a receipt handle of queueURL was issued for ("" if the client
// never received it) and whether a later receive returned a newer handle. Caller holds s.mu.
func (r *receipts) lookup(queueURL, handle string) (messageID string, stale bool) {
	k, ok := r.owner[handle]
	if !ok || k.queueURL != queueURL {
		return "", false
	}
	return k.messageID, r.latest[k].latest != handle
}

// deleted forgets the message of handle once the server answered a delete with it. Caller
// holds s.mu.
func (r *receipts) deleted(queueURL, handle string) {
	k, ok := r.owner[handle]
	if !ok || k.queueURL != queueURL {
		return
	}
	for _, h := range r.latest[k].all {
		delete(r.owner, h)
	}
	delete(r.latest, k)
}

// receiptMessage describes the message of a delete's (or visibility change's) receipt handle for
// a decision: its id and staleness when this client received it.
func (s *clientState) receiptMessage(queueURL, entryID, handle string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, stale := s.receipts.lookup(queueURL, handle)
	return Message{EntryID: entryID, MessageID: id, ReceiptHandle: handle, Stale: stale}
}

// forgetDeleted forgets the message of handle once the server answered a delete with it.
func (s *clientState) forgetDeleted(queueURL, handle string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receipts.deleted(queueURL, handle)
}

// hasKind reports whether the plan has a rule of kind k. Caller holds p.mu.
func (p *Plan) hasKind(k Kind) bool {
	for _, r := range p.rules {
		if r.Kind == k {
			return true
		}
	}
	return false
}

type heldMessage struct {
	queueURL string
	due      time.Time
	msg      types.Message
}

// callKey is the stack value carrying the Call of the operation to the attempt middleware.
type callKey struct{}

func attemptKind(k Kind) bool {
	switch k {
	case Error, Throttle, Latency, ResetBeforeApply, ResetAfterApply, Timeout:
		return true
	}
	return false
}

// attemptMiddleware injects per-attempt faults where the HTTP client would be called; an injected
// error is errorResponse's HTTP response (SQS's JSON when nil, SNS's XML for an *sns.Client).
type attemptMiddleware struct {
	s             *clientState
	errorResponse func(*sqserr.Error) *http.Response
}

func (*attemptMiddleware) ID() string { return "faults.Attempt" }

func (m *attemptMiddleware) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	call, _ := middleware.GetStackValue(ctx, callKey{}).(Call)
	if call.Operation == "" {
		call.Operation = middleware.GetOperationName(ctx)
	}
	p := m.s.plan
	p.mu.Lock()
	call.Now = p.clock.Now()
	d := p.decide(call, attemptKind)
	p.mu.Unlock()

	method, url := http.MethodPost, ""
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		method, url = req.Method, req.URL.String()
	}
	empty := middleware.DeserializeOutput{RawResponse: &smithyhttp.Response{Response: &http.Response{Header: http.Header{}, Body: http.NoBody}}}
	if d.Latency > 0 {
		if err := p.sleep(ctx, d.Latency); err != nil {
			return empty, middleware.Metadata{}, &smithy.CanceledError{Err: err}
		}
	}
	transportErr := func() error { return &smithyhttp.RequestSendError{Err: d.Transport.Err(method, url)} }
	switch {
	case d.Transport != "" && d.Applied:
		out, md, err := next.HandleDeserialize(ctx, in)
		if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		if err != nil {
			return out, md, err
		}
		return empty, md, transportErr()
	case d.Transport != "":
		return empty, middleware.Metadata{}, transportErr()
	case d.Error != nil:
		resp := m.errorResponse
		if resp == nil {
			resp = m.s.errorResponse
		}
		return middleware.DeserializeOutput{RawResponse: &smithyhttp.Response{Response: resp(d.Error)}}, middleware.Metadata{}, nil
	}
	return next.HandleDeserialize(ctx, in)
}

// errorResponse is the HTTP response SQS sends for e over AWS JSON 1.0.
func (s *clientState) errorResponse(e *sqserr.Error) *http.Response {
	body, _ := json.Marshal(map[string]string{"__type": e.TypeName(), "message": e.Message})
	n := s.ids.Add(1)
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amzn-Requestid", fmt.Sprintf("fa017500-0000-4000-8000-%012d", n))
	h.Set("X-Amzn-Query-Error", e.QueryErrorHeader())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status)),
		StatusCode:    e.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// initializeMiddleware applies per-call faults to inputs and outputs, outside the retry loop.
type initializeMiddleware struct{ s *clientState }

func (*initializeMiddleware) ID() string { return CallID }

func (m *initializeMiddleware) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	call := Call{Operation: middleware.GetOperationName(ctx), QueueURL: queueOf(in.Parameters)}
	call.QueueName = queueurl.Name(call.QueueURL)
	if v, ok := in.Parameters.(*sqs.SendMessageInput); ok && v != nil {
		call.Message = &Message{Body: aws.ToString(v.MessageBody), Attributes: msgattr.Strings(v.MessageAttributes)}
	}
	ctx = middleware.WithStackValue(ctx, callKey{}, call)

	switch v := in.Parameters.(type) {
	case *sqs.SendMessageInput:
		return m.sendMessage(ctx, call, v, in, next)
	case *sqs.SendMessageBatchInput:
		return m.sendMessageBatch(ctx, call, v, in, next)
	case *sqs.DeleteMessageInput:
		return m.deleteMessage(ctx, call, v, in, next)
	case *sqs.DeleteMessageBatchInput:
		return m.deleteMessageBatch(ctx, call, v, in, next)
	case *sqs.ChangeMessageVisibilityBatchInput:
		return m.changeVisibilityBatch(ctx, call, v, in, next)
	case *sqs.ReceiveMessageInput:
		return m.receiveMessage(ctx, call, v, in, next)
	}
	return next.HandleInitialize(ctx, in)
}

// decideMessages decides for each message under one lock.
func (m *initializeMiddleware) decideMessages(call Call, msgs []Message) []MessageDecision {
	p := m.s.plan
	p.mu.Lock()
	defer p.mu.Unlock()
	call.Now = p.clock.Now()
	out := make([]MessageDecision, len(msgs))
	for i, msg := range msgs {
		out[i] = p.decideMessage(call, msg, nil)
	}
	return out
}

func delaySeconds(base int32, extra time.Duration) int32 {
	s := int64(base) + int64((extra+time.Second-1)/time.Second)
	return int32(min(s, 900))
}

func batchError(id string, e *sqserr.Error) types.BatchResultErrorEntry {
	return types.BatchResultErrorEntry{Id: aws.String(id), Code: aws.String(e.Code), Message: aws.String(e.Message), SenderFault: !e.Server}
}

func (m *initializeMiddleware) sendMessage(ctx context.Context, call Call, v *sqs.SendMessageInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	d := m.decideMessages(call, []Message{*call.Message})[0]
	if d.ExtraDelay > 0 {
		cp := *v
		cp.DelaySeconds = delaySeconds(v.DelaySeconds, d.ExtraDelay)
		in.Parameters = &cp
	}
	return next.HandleInitialize(ctx, in)
}

func (m *initializeMiddleware) sendMessageBatch(ctx context.Context, call Call, v *sqs.SendMessageBatchInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	msgs := make([]Message, len(v.Entries))
	for i, e := range v.Entries {
		msgs[i] = Message{EntryID: aws.ToString(e.Id), Body: aws.ToString(e.MessageBody), Attributes: msgattr.Strings(e.MessageAttributes)}
	}
	ds := m.decideMessages(call, msgs)
	var failed []types.BatchResultErrorEntry
	var keep []types.SendMessageBatchRequestEntry
	changed := false
	for i, e := range v.Entries {
		switch d := ds[i]; {
		case d.Fail != nil:
			failed = append(failed, batchError(aws.ToString(e.Id), d.Fail))
			changed = true
		case d.ExtraDelay > 0:
			e.DelaySeconds = delaySeconds(e.DelaySeconds, d.ExtraDelay)
			keep = append(keep, e)
			changed = true
		default:
			keep = append(keep, e)
		}
	}
	if !changed {
		return next.HandleInitialize(ctx, in)
	}
	cp := *v
	cp.Entries = keep
	planned := &sqs.SendMessageBatchOutput{Failed: failed, Successful: []types.SendMessageBatchResultEntry{}}
	return forwardKept(ctx, in, next, &cp, len(keep), planned, func(res, planned *sqs.SendMessageBatchOutput) {
		res.Failed = append(res.Failed, planned.Failed...)
	})
}

func (m *initializeMiddleware) deleteMessage(ctx context.Context, call Call, v *sqs.DeleteMessageInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	h := aws.ToString(v.ReceiptHandle)
	d := m.decideMessages(call, []Message{m.s.receiptMessage(call.QueueURL, "", h)})[0]
	if d.LostDelete {
		return middleware.InitializeOutput{Result: &sqs.DeleteMessageOutput{}}, middleware.Metadata{}, nil
	}
	out, md, err := next.HandleInitialize(ctx, in)
	if err == nil {
		m.s.forgetDeleted(call.QueueURL, h)
	}
	return out, md, err
}

func (m *initializeMiddleware) deleteMessageBatch(ctx context.Context, call Call, v *sqs.DeleteMessageBatchInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	failed, lost, keep := splitReceiptBatch(m, call, v.Entries, func(e types.DeleteMessageBatchRequestEntry) (id, handle *string) {
		return e.Id, e.ReceiptHandle
	})
	if len(keep) == len(v.Entries) {
		out, md, err := next.HandleInitialize(ctx, in)
		if res, ok := out.Result.(*sqs.DeleteMessageBatchOutput); ok && err == nil && res != nil {
			m.forgetBatch(call.QueueURL, keep, res)
		}
		return out, md, err
	}
	planned := &sqs.DeleteMessageBatchOutput{Failed: failed, Successful: make([]types.DeleteMessageBatchResultEntry, len(lost))}
	for i, id := range lost {
		planned.Successful[i] = types.DeleteMessageBatchResultEntry{Id: id}
	}
	cp := *v
	cp.Entries = keep
	return forwardKept(ctx, in, next, &cp, len(keep), planned, func(res, planned *sqs.DeleteMessageBatchOutput) {
		m.forgetBatch(call.QueueURL, keep, res)
		res.Failed = append(res.Failed, planned.Failed...)
		res.Successful = append(res.Successful, planned.Successful...)
	})
}

// forgetBatch forgets the messages of the entries the server's answer to a DeleteMessageBatch
// (res, to the entries sent) reports deleted.
func (m *initializeMiddleware) forgetBatch(queueURL string, sent []types.DeleteMessageBatchRequestEntry, res *sqs.DeleteMessageBatchOutput) {
	s := m.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.receipts.owner) == 0 {
		return
	}
	for _, ok := range res.Successful {
		for _, e := range sent {
			if aws.ToString(e.Id) == aws.ToString(ok.Id) {
				s.receipts.deleted(queueURL, aws.ToString(e.ReceiptHandle))
				break
			}
		}
	}
}

func (m *initializeMiddleware) changeVisibilityBatch(ctx context.Context, call Call, v *sqs.ChangeMessageVisibilityBatchInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	// No lost entries: LostDelete rules cannot apply to ChangeMessageVisibilityBatch.
	failed, _, keep := splitReceiptBatch(m, call, v.Entries, func(e types.ChangeMessageVisibilityBatchRequestEntry) (id, handle *string) {
		return e.Id, e.ReceiptHandle
	})
	if len(keep) == len(v.Entries) {
		return next.HandleInitialize(ctx, in)
	}
	cp := *v
	cp.Entries = keep
	planned := &sqs.ChangeMessageVisibilityBatchOutput{Failed: failed, Successful: []types.ChangeMessageVisibilityBatchResultEntry{}}
	return forwardKept(ctx, in, next, &cp, len(keep), planned, func(res, planned *sqs.ChangeMessageVisibilityBatchOutput) {
		res.Failed = append(res.Failed, planned.Failed...)
	})
}

// splitReceiptBatch asks the plan about each entry of a batch addressed by receipt handles
// (DeleteMessageBatch, ChangeMessageVisibilityBatch; ids gives an entry's Id and ReceiptHandle)
// and splits the entries by its decisions: those it fails, the ids of those whose delete it loses
// (answered as deleted, never sent) and those to send on.
func splitReceiptBatch[E any](m *initializeMiddleware, call Call, entries []E, ids func(E) (id, handle *string)) (
	failed []types.BatchResultErrorEntry, lost []*string, keep []E,
) {
	msgs := make([]Message, len(entries))
	for i, e := range entries {
		id, handle := ids(e)
		msgs[i] = m.s.receiptMessage(call.QueueURL, aws.ToString(id), aws.ToString(handle))
	}
	for i, d := range m.decideMessages(call, msgs) {
		switch {
		case d.Fail != nil:
			failed = append(failed, batchError(msgs[i].EntryID, d.Fail))
		case d.LostDelete:
			id, _ := ids(entries[i])
			lost = append(lost, id)
		default:
			keep = append(keep, entries[i])
		}
	}
	return failed, lost, keep
}

// forwardKept answers a batch the plan changed. planned is the plan's part of the answer (the
// entries it failed, or reported deleted without sending them). With kept entries left, the batch
// reduced to them (params) goes to the server and merge adds planned to the server's answer; with
// none, planned is the whole answer and the server is not called.
func forwardKept[In, Out any](ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
	params *In, kept int, planned *Out, merge func(res, planned *Out)) (middleware.InitializeOutput, middleware.Metadata, error) {
	if kept == 0 {
		return middleware.InitializeOutput{Result: planned}, middleware.Metadata{}, nil
	}
	in.Parameters = params
	out, md, err := next.HandleInitialize(ctx, in)
	if res, ok := out.Result.(*Out); ok && err == nil && res != nil {
		merge(res, planned)
	}
	return out, md, err
}

func (m *initializeMiddleware) receiveMessage(ctx context.Context, call Call, v *sqs.ReceiveMessageInput, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	p := m.s.plan
	p.mu.Lock()
	call.Now = p.clock.Now()
	d := p.decide(call, func(k Kind) bool { return k == FalseEmpty || k == Reorder })
	track := p.hasKind(StaleHandleDelete)
	p.mu.Unlock()
	if d.FalseEmpty {
		// An empty long poll answers after its wait time: a long-polling consumer does not spin.
		if v.WaitTimeSeconds > 0 {
			if err := p.sleep(ctx, time.Duration(v.WaitTimeSeconds)*time.Second); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, &smithy.CanceledError{Err: err}
			}
		}
		return middleware.InitializeOutput{Result: &sqs.ReceiveMessageOutput{Messages: []types.Message{}}}, middleware.Metadata{}, nil
	}
	out, md, err := next.HandleInitialize(ctx, in)
	res, ok := out.Result.(*sqs.ReceiveMessageOutput)
	if err != nil || !ok || res == nil {
		return out, md, err
	}
	msgs := make([]Message, len(res.Messages))
	for i, msg := range res.Messages {
		msgs[i] = Message{MessageID: aws.ToString(msg.MessageId), ReceiptHandle: aws.ToString(msg.ReceiptHandle),
			Body: aws.ToString(msg.Body), Attributes: msgattr.Strings(msg.MessageAttributes)}
	}
	ds := m.decideMessages(call, msgs)
	now := p.Now()
	limit := max(int(v.MaxNumberOfMessages), 1)

	// Messages this receive holds back go to a later receive, never to this one: a duplicate
	// does not share a response with its original.
	var keep []types.Message
	var hold []heldMessage
	for i, msg := range res.Messages {
		d := ds[i]
		if d.Duplicate {
			hold = append(hold, heldMessage{queueURL: call.QueueURL, due: now.Add(d.DuplicateAfter), msg: redelivered(msg)})
		}
		if d.ExtraDelay > 0 {
			hold = append(hold, heldMessage{queueURL: call.QueueURL, due: now.Add(d.ExtraDelay), msg: msg})
			continue
		}
		keep = append(keep, msg)
	}
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	if track {
		m.s.receipts.seen(call.QueueURL, res.Messages)
	}
	for i := 0; i < len(m.s.held) && len(keep) < limit; {
		h := m.s.held[i]
		if h.queueURL == call.QueueURL && !h.due.After(now) {
			keep = append(keep, h.msg)
			m.s.held = slices.Delete(m.s.held, i, i+1)
			continue
		}
		i++
	}
	m.s.held = append(m.s.held, hold...)

	if keep == nil {
		keep = []types.Message{}
	}
	d.Shuffle(len(keep), func(i, j int) { keep[i], keep[j] = keep[j], keep[i] })
	res.Messages = keep
	return out, md, err
}

// redelivered is msg as a later delivery shows it: ApproximateReceiveCount increased if present.
func redelivered(msg types.Message) types.Message {
	if msg.Attributes == nil {
		return msg
	}
	attrs := make(map[string]string, len(msg.Attributes))
	for k, v := range msg.Attributes {
		attrs[k] = v
	}
	if n, err := strconv.Atoi(attrs[string(types.MessageSystemAttributeNameApproximateReceiveCount)]); err == nil {
		attrs[string(types.MessageSystemAttributeNameApproximateReceiveCount)] = strconv.Itoa(n + 1)
	}
	msg.Attributes = attrs
	return msg
}

// queueOf returns an input's QueueUrl, or its QueueName for CreateQueue and GetQueueUrl.
func queueOf(params any) string {
	rv := reflect.ValueOf(params)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return ""
	}
	for _, name := range []string{"QueueUrl", "QueueName"} {
		f := rv.Elem().FieldByName(name)
		if f.IsValid() && f.Type() == reflect.TypeFor[*string]() && !f.IsNil() {
			return f.Elem().String()
		}
	}
	return ""
}
