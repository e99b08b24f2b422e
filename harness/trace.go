package harness

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/internal/traceview"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// The environment of traces: SQSHARNESS_TRACE_DIR=dir writes a failing test's trace page to dir
// (as func(o *Options) { o.TraceDir = dir } does); SQSHARNESS_TRACE=always writes it when the test passes too.
const (
	envTraceDir = "SQSHARNESS_TRACE_DIR"
	envTrace    = "SQSHARNESS_TRACE"
)

// traceSize is how many events the mock's trace keeps for the page (older ones are dropped and
// the page says how many).
const traceSize = 100_000

// setupTrace turns tracing on for the handle when a directory is given, and writes the page
// when the test ends. Called before the backend is set up; on a remote backend wrap() records
// the clients' calls.
func (h *H) setupTrace(cfg *config) {
	dir := cfg.traceDir
	if dir == "" {
		dir = os.Getenv(envTraceDir)
	}
	if dir == "" {
		return
	}
	h.traceDir = dir
	switch cfg.backend {
	case backendMock, backendServer:
		cfg.mockOpts = append([]func(*sqsmock.Options){func(o *sqsmock.Options) { o.TraceSize = traceSize }}, cfg.mockOpts...)
	default:
		h.calls = &callRecorder{plan: cfg.plan, receipts: map[string]string{}}
	}
	h.t.Cleanup(h.writeTrace)
}

// writeTrace writes the page if the test failed (or always with SQSHARNESS_TRACE=always).
func (h *H) writeTrace() {
	if !h.t.Failed() && !strings.EqualFold(os.Getenv(envTrace), "always") {
		return
	}
	p := traceview.Page{Title: h.t.Name(), Failures: h.problems()}
	h.checks.mu.Lock()
	p.Expected = maps.Clone(h.checks.expected)
	h.checks.mu.Unlock()
	switch {
	case h.mock != nil:
		p.Events = h.mock.Trace()
		p.Dropped = droppedOf(p.Events)
		p.Source = "sqsmock, in process"
		if h.backend == backendServer {
			p.Source = "sqsmock server " + h.endpoint
			if h.endpoint == "" {
				p.Source = "sqsmock server (in memory)"
			}
		}
	case h.calls != nil:
		p.Events, p.ClientView = h.calls.snapshot(), true
		p.Source = string(h.backend)
		if h.endpoint != "" {
			p.Source += " at " + h.endpoint
		}
	default:
		return
	}
	path := filepath.Join(h.traceDir, traceview.FileName(h.t.Name()))
	if err := traceview.WriteFile(path, p); err != nil {
		h.t.Errorf("harness: writing the trace: %v", err)
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	h.t.Logf("harness: trace of %s (%d events): %s", h.t.Name(), len(p.Events), path)
}

// callRecorder turns the calls of the harness's clients on a real backend into trace events:
// what the client saw, which is all a remote backend lets a test see.
type callRecorder struct {
	plan *faults.Plan

	mu        sync.Mutex
	events    []sqsmock.TraceEvent
	calls     uint64
	receipts  map[string]string // receipt handle → message id, from receives
	injection int               // plan injections already recorded
}

// wrap returns api recording its calls, when api is an *sqs.Client (every remote backend's).
func (r *callRecorder) wrap(api sqsmock.API, harness bool) sqsmock.API {
	c, ok := api.(*sqs.Client)
	if r == nil || !ok {
		return api
	}
	return sqs.New(c.Options(), func(o *sqs.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("sqsharness/trace", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				r.record(awsmiddleware.GetOperationName(ctx), harness, in.Parameters, out.Result, err)
				return out, md, err
			}), middleware.Before)
		})
	})
}

func (r *callRecorder) snapshot() []sqsmock.TraceEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sqsmock.TraceEvent(nil), r.events...)
}

// record adds the events of one call: the plan's injections since the last call, then what the
// answer says happened.
func (r *callRecorder) record(op string, harness bool, input, result any, callErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.calls++
	call := r.calls
	if harness {
		op += " (harness)"
	}
	add := func(e sqsmock.TraceEvent) {
		e.Seq = uint64(len(r.events) + 1)
		e.Time = now
		if e.Operation == "" {
			e.Operation = op
		}
		e.CallID = call
		r.events = append(r.events, e)
	}
	if r.plan != nil {
		inj := r.plan.Injections()
		for _, in := range inj[min(r.injection, len(inj)):] {
			add(sqsmock.TraceEvent{Kind: "fault", Queue: in.Queue, MessageID: in.MessageID, Operation: in.Operation,
				Rule: in.Rule, Fault: string(in.Kind), Detail: in.Detail})
		}
		r.injection = len(inj)
	}
	after := func(d *int32) time.Time {
		if d == nil {
			return time.Time{}
		}
		return now.Add(time.Duration(*d) * time.Second)
	}
	if callErr != nil {
		e := sqsmock.TraceEvent{Kind: traceview.KindCallFailed, Detail: clip(callErr.Error(), 300)}
		switch in := input.(type) {
		case *sqs.DeleteMessageInput:
			e.Queue, e.MessageID, e.ReceiptHandle = queueurl.Name(aws.ToString(in.QueueUrl)), r.receipts[aws.ToString(in.ReceiptHandle)], aws.ToString(in.ReceiptHandle)
		case *sqs.ChangeMessageVisibilityInput:
			e.Queue, e.MessageID, e.ReceiptHandle = queueurl.Name(aws.ToString(in.QueueUrl)), r.receipts[aws.ToString(in.ReceiptHandle)], aws.ToString(in.ReceiptHandle)
		default:
			e.Queue = queueOf(input)
		}
		add(e)
		return
	}
	switch in := input.(type) {
	case *sqs.CreateQueueInput:
		add(sqsmock.TraceEvent{Kind: "queue.created", Queue: aws.ToString(in.QueueName)})
	case *sqs.DeleteQueueInput:
		add(sqsmock.TraceEvent{Kind: "queue.deleted", Queue: queueurl.Name(aws.ToString(in.QueueUrl))})
	case *sqs.PurgeQueueInput:
		add(sqsmock.TraceEvent{Kind: "queue.purged", Queue: queueurl.Name(aws.ToString(in.QueueUrl))})
	case *sqs.SetQueueAttributesInput:
		add(sqsmock.TraceEvent{Kind: "queue.attributes", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), Detail: strings.Join(slices.Sorted(maps.Keys(in.Attributes)), ", ")})
	case *sqs.SendMessageInput:
		if out, ok := result.(*sqs.SendMessageOutput); ok {
			add(sqsmock.TraceEvent{Kind: "message.sent", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: aws.ToString(out.MessageId), Body: clip(aws.ToString(in.MessageBody), 256),
				GroupID: aws.ToString(in.MessageGroupId), VisibleAt: after(&in.DelaySeconds)})
		}
	case *sqs.SendMessageBatchInput:
		out, ok := result.(*sqs.SendMessageBatchOutput)
		if !ok {
			return
		}
		for _, s := range out.Successful {
			e := sqsmock.TraceEvent{Kind: "message.sent", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: aws.ToString(s.MessageId)}
			for _, x := range in.Entries {
				if aws.ToString(x.Id) == aws.ToString(s.Id) {
					e.Body, e.GroupID, e.VisibleAt = clip(aws.ToString(x.MessageBody), 256), aws.ToString(x.MessageGroupId), after(&x.DelaySeconds)
				}
			}
			add(e)
		}
		r.failedEntries(add, in.QueueUrl, len(out.Failed), "SendMessageBatch")
	case *sqs.ReceiveMessageInput:
		out, ok := result.(*sqs.ReceiveMessageOutput)
		if !ok {
			return
		}
		var visibleAt time.Time
		if in.VisibilityTimeout > 0 {
			visibleAt = after(&in.VisibilityTimeout)
		}
		for _, m := range out.Messages {
			n, _ := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
			r.receipts[aws.ToString(m.ReceiptHandle)] = aws.ToString(m.MessageId)
			add(sqsmock.TraceEvent{Kind: "message.received", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: aws.ToString(m.MessageId),
				ReceiptHandle: aws.ToString(m.ReceiptHandle), ReceiveCount: n, VisibleAt: visibleAt, GroupID: m.Attributes["MessageGroupId"]})
		}
	case *sqs.DeleteMessageInput:
		add(sqsmock.TraceEvent{Kind: "message.deleted", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: r.receipts[aws.ToString(in.ReceiptHandle)], ReceiptHandle: aws.ToString(in.ReceiptHandle)})
	case *sqs.DeleteMessageBatchInput:
		out, ok := result.(*sqs.DeleteMessageBatchOutput)
		if !ok {
			return
		}
		for _, s := range out.Successful {
			for _, x := range in.Entries {
				if aws.ToString(x.Id) == aws.ToString(s.Id) {
					add(sqsmock.TraceEvent{Kind: "message.deleted", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: r.receipts[aws.ToString(x.ReceiptHandle)], ReceiptHandle: aws.ToString(x.ReceiptHandle)})
				}
			}
		}
		r.failedEntries(add, in.QueueUrl, len(out.Failed), "DeleteMessageBatch")
	case *sqs.ChangeMessageVisibilityInput:
		add(sqsmock.TraceEvent{Kind: "message.visibility", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: r.receipts[aws.ToString(in.ReceiptHandle)],
			ReceiptHandle: aws.ToString(in.ReceiptHandle), VisibleAt: after(&in.VisibilityTimeout)})
	case *sqs.ChangeMessageVisibilityBatchInput:
		out, ok := result.(*sqs.ChangeMessageVisibilityBatchOutput)
		if !ok {
			return
		}
		for _, s := range out.Successful {
			for _, x := range in.Entries {
				if aws.ToString(x.Id) == aws.ToString(s.Id) {
					add(sqsmock.TraceEvent{Kind: "message.visibility", Queue: queueurl.Name(aws.ToString(in.QueueUrl)), MessageID: r.receipts[aws.ToString(x.ReceiptHandle)],
						ReceiptHandle: aws.ToString(x.ReceiptHandle), VisibleAt: after(&x.VisibilityTimeout)})
				}
			}
		}
		r.failedEntries(add, in.QueueUrl, len(out.Failed), "ChangeMessageVisibilityBatch")
	}
}

// failedEntries records the failed entries of a batch as one failed call.
func (r *callRecorder) failedEntries(add func(sqsmock.TraceEvent), url *string, n int, op string) {
	if n > 0 {
		add(sqsmock.TraceEvent{Kind: traceview.KindCallFailed, Queue: queueurl.Name(aws.ToString(url)), Detail: fmt.Sprintf("%d entries of %s failed", n, op)})
	}
}

// queueOf is the queue a call's input names, if any.
func queueOf(input any) string {
	switch in := input.(type) {
	case *sqs.SendMessageInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.SendMessageBatchInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.ReceiveMessageInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.DeleteMessageBatchInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.ChangeMessageVisibilityBatchInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.PurgeQueueInput:
		return queueurl.Name(aws.ToString(in.QueueUrl))
	case *sqs.CreateQueueInput:
		return aws.ToString(in.QueueName)
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// droppedOf is how many events a mock's trace dropped before evs, the events it holds (Seq
// numbers them from 1 without gaps).
func droppedOf(evs []sqsmock.TraceEvent) uint64 {
	if len(evs) == 0 {
		return 0
	}
	return evs[0].Seq - 1
}
