// Package lambdaesm runs a Lambda SQS handler, func(context.Context, events.SQSEvent)
// (events.SQSEventResponse, error) from github.com/aws/aws-lambda-go/events, against a queue the
// way Lambda's SQS event source mapping does: it validates the mapping's configuration as
// CreateEventSourceMapping would, long-polls the queue, gathers batches (BatchSize,
// MaximumBatchingWindowInSeconds), invokes the handler with the event Lambda builds, at most
// ScalingConfig.MaximumConcurrency invocations at once, within the function's timeout, deletes
// what succeeded with DeleteMessageBatch, and leaves the rest to come back after the queue's
// visibility timeout, and so, after the redrive policy's maxReceiveCount, to the dead-letter
// queue. With ReportBatchItemFailures it reads the handler's partial batch response exactly as
// documented, including the malformed cases that fail the whole batch. With FilterPatterns it
// filters records as the mapping's FilterCriteria does: a record no pattern matches is deleted
// without an invocation.
//
//	m, err := lambdaesm.New(ctx, client, lambdaesm.Config{QueueURL: url, BatchSize: 10,
//		ReportBatchItemFailures: true, FunctionTimeoutSeconds: 30}, handler)
//	go m.Run(ctx)        // until ctx ends
//	rep := m.Report()    // invocations, batch sizes, receives per message, deletions, rejections
//
// It uses only the queue's SQS API (any *sqs.Client, or sqsmock.API), so it runs on the mock in
// process and on every harness backend, under a fault plan as any consumer does, and inside
// h.CheckConsumer, which then checks the delivery invariants (nothing lost, the dead-letter
// queue's contents, FIFO order) for it. Time is the Go clock: inside harness.Test on the mock (a
// testing/synctest bubble) minutes of Lambda time (long polls, batching windows, function
// timeouts, visibility timeouts) take milliseconds.
//
// The behaviour follows the Lambda developer guide, "Using Lambda with Amazon SQS":
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html and its pages
// services-sqs-configure.html, services-sqs-errorhandling.html, services-sqs-scaling.html and
// services-sqs-parameters.html. Not modelled: the 6 MB invocation payload quota, throttling of
// the function (reserved concurrency), and scaling down.
//
// # Filter criteria
//
// Config.FilterPatterns are the mapping's FilterCriteria
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html and
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html): each is one filter's
// Pattern, an event pattern in Lambda's filter rule syntax (null, empty, equals,
// equals-ignore-case, and, or, "$or", anything-but with values, prefix or suffix, numeric equals
// and ranges, exists, prefix, suffix), matched against the record as the function would receive
// it: "body" (as JSON when the message body is valid JSON, else as a string), "attributes",
// "messageAttributes" (each with "stringValue", "dataType", ...), "messageId" and the rest. A
// record is kept when any pattern matches it; the others are deleted from the queue at once,
// without an invocation, and listed in Report.Filtered, as AWS does ("If an Amazon SQS message
// doesn't satisfy your filter criteria, Lambda automatically removes the message from the
// queue"). As the guide's table says, a pattern whose top-level "body" is an object (a JSON
// pattern) never matches a body that is not valid JSON, and one whose "body" is a list of rules
// (a plain-string pattern) never matches a body that is valid JSON. New refuses what
// CreateEventSourceMapping refuses: more patterns than the quota (5 by default,
// Config.MaxFilterPatterns), a pattern over 4,096 characters, and an invalid pattern
// (InvalidParameterValueException "Invalid filter pattern definition.", recorded against AWS for
// null, "simple string", {"eventSource": "aws:sqs"} and {"eventSource": []}; the returned error
// also says what is wrong with it). The guide now says SQS mappings "only support filtering on
// the body key"; lambdaesm matches the record's other fields as written, so a pattern on them
// behaves here as the pattern language says.
package lambdaesm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/internal/eventpattern"
	"github.com/sqsharness/sqsharness/internal/queueurl"
)

// Function is a Lambda function for SQS events, as aws-lambda-go's lambda.Start takes it.
type Function func(ctx context.Context, event events.SQSEvent) (events.SQSEventResponse, error)

// Client is the part of the SQS API the event source mapping uses; *sqs.Client and
// sqsmock.API satisfy it. The mapping needs sqs:ReceiveMessage, sqs:DeleteMessage and
// sqs:GetQueueAttributes, as Lambda's execution role does, and ChangeMessageVisibility for the
// batching window's extended visibility.
type Client interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// Config is an event source mapping's configuration: the SQS parameters of
// CreateEventSourceMapping, and the function's timeout. A zero field means the parameter is
// omitted, and takes Lambda's default.
type Config struct {
	// QueueURL is the queue to poll (the mapping's EventSourceArn is read from it). Required.
	QueueURL string
	// BatchSize is the most records in one event: 1 to 10,000 on a standard queue, 1 to 10 on a
	// FIFO queue; over 10 needs MaximumBatchingWindowInSeconds of at least 1. Default 10.
	BatchSize int32
	// MaximumBatchingWindowInSeconds is how long to gather records before invoking, 0 to 300;
	// standard queues only. Default 0: invoke with what one receive returns.
	MaximumBatchingWindowInSeconds int32
	// ReportBatchItemFailures is FunctionResponseTypes: ["ReportBatchItemFailures"]: the
	// handler's batchItemFailures return only those messages to the queue.
	ReportBatchItemFailures bool
	// MaximumConcurrency is ScalingConfig.MaximumConcurrency, 2 to 1000: the most invocations at
	// once. Default: no limit but the mapping's own (five batches at first, up to 1,000).
	MaximumConcurrency int32
	// FunctionTimeoutSeconds is the function's timeout, 1 to 900; it must not exceed the
	// queue's visibility timeout. Default 3, Lambda's.
	FunctionTimeoutSeconds int32
	// FilterPatterns are FilterCriteria.Filters[].Pattern: each an event pattern, such as
	// `{"body": {"type": ["order"]}}`. A record that matches none is deleted without an
	// invocation (Report.Filtered). Default none: every record is passed on.
	FilterPatterns []string
	// MaxFilterPatterns is the account's quota of filters per event source mapping: 5 by
	// default, and AWS raises it to 10 at most on request.
	MaxFilterPatterns int32
}

// Errors that fail a whole batch, as Invocation.Err wraps them.
var (
	// ErrTimeout: the function ran past its timeout ("Task timed out after N seconds").
	ErrTimeout = errors.New("lambdaesm: task timed out")
	// ErrBadResponse: with ReportBatchItemFailures, a batchItemFailures entry whose
	// itemIdentifier is empty, null, under another key, or not a message ID of the batch. The
	// error, and Report.Rejected, name every bad entry.
	ErrBadResponse = errors.New("lambdaesm: invalid partial batch response")
)

// Invocation is one call of the function.
type Invocation struct {
	Start      time.Time
	Duration   time.Duration
	MessageIDs []string // the event's records, in order
	Bodies     []string
	Deleted    []string // message IDs deleted after it
	Returned   []string // message IDs left in the queue, visible again after the visibility timeout
	// Err is why every record was returned: the handler's error (or panic), ErrTimeout, or
	// ErrBadResponse; nil when the invocation succeeded, wholly or in part.
	Err error
}

// Report is what a mapping did so far.
type Report struct {
	Invocations   []Invocation   // in the order they finished
	Receives      map[string]int // message ID → times given to the function
	Deleted       []string       // message IDs deleted, in order
	MaxConcurrent int            // the most invocations running at once
	// DeadLettered are the message IDs returned to the queue on their last allowed receive (their
	// ApproximateReceiveCount reached the redrive policy's maxReceiveCount): SQS moves each to the
	// dead-letter queue when a receive next finds it. Empty without a redrive policy.
	DeadLettered []string
	// Filtered are the message IDs that matched none of Config.FilterPatterns, in order: deleted
	// without an invocation, and not counted in Receives or Deleted.
	Filtered      []string
	ReceiveErrors int // ReceiveMessage calls that failed (retried after a second)
	DeleteErrors  int // messages whose delete failed (they come back)
	// Rejected are the partial batch responses the mapping rejected, in order: each failed its
	// whole batch (that invocation's Err is ErrBadResponse).
	Rejected []Rejection
}

// Rejection is a partial batch response the mapping rejected, as Lambda does, and why.
type Rejection struct {
	Time       time.Time // when the invocation ended
	MessageIDs []string  // the batch's records, all returned to the queue
	// Reasons name each bad batchItemFailures entry, e.g. `batchItemFailures[0]: itemIdentifier
	// "x" is not a message ID of the batch`.
	Reasons []string
}

// String summarises the report: invocations, deletions, errors, and each rejected partial batch
// response with its reasons.
func (r Report) String() string {
	var b strings.Builder
	failed := 0
	for _, inv := range r.Invocations {
		if inv.Err != nil {
			failed++
		}
	}
	fmt.Fprintf(&b, "%d invocations (%d failed wholly), batch sizes %v, %d deleted, %d filtered out, %d dead-lettered, at most %d at once, %d receive errors, %d delete errors",
		len(r.Invocations), failed, r.batchSizes(), len(r.Deleted), len(r.Filtered), len(r.DeadLettered), r.MaxConcurrent, r.ReceiveErrors, r.DeleteErrors)
	for _, rj := range r.Rejected {
		fmt.Fprintf(&b, "\npartial batch response rejected at %s, %d records returned: %s",
			rj.Time.Format(time.RFC3339Nano), len(rj.MessageIDs), strings.Join(rj.Reasons, "; "))
	}
	return b.String()
}

// batchSizes is the number of records in each invocation, in order.
func (r Report) batchSizes() []int {
	out := make([]int, len(r.Invocations))
	for i, inv := range r.Invocations {
		out[i] = len(inv.MessageIDs)
	}
	return out
}

// Mapping is one event source mapping: a queue, a function and a configuration.
type Mapping struct {
	api     Client
	cfg     Config
	fn      Function
	arn     string
	region  string
	fifo    bool
	extend  int32 // > 0: the visibility timeout set on receipt (batching window + timeout + 30s)
	maxRecv int   // the redrive policy's maxReceiveCount; 0: no dead-letter queue
	maxConc int
	filters []*eventpattern.Pattern
	started atomic.Bool

	mu       sync.Mutex
	rep      Report
	running  int
	pollers  int
	received atomic.Bool // a receive returned messages since the scaler last looked
}

// The polling Lambda does: "Lambda uses long polling to poll a queue until it becomes active.
// When messages are available, Lambda reads up to five batches and sends them to your function.
// If messages are still available, Lambda increases the number of processes that are reading
// batches by up to 60 more instances per minute. The maximum number of batches that an event
// source mapping can process simultaneously is 1,000." (with-sqs.html, Scaling and processing)
const (
	longPoll        = 20
	initialPollers  = 5
	maxPollers      = 1000
	scaleUpInterval = time.Minute / 60
	fifoMaxBatch    = 10
)

// New validates cfg as CreateEventSourceMapping does (reading the queue's ARN and attributes) and
// returns the mapping, not yet polling. A configuration Lambda would refuse gets Lambda's error: a
// smithy.APIError with ErrorCode ValidationException (a value out of range) or
// InvalidParameterValueException (values that do not fit together, an invalid filter pattern, a
// queue that does not exist, with its recorded text; the SQS error stays wrapped).
func New(ctx context.Context, api Client, cfg Config, fn Function) (*Mapping, error) {
	if cfg.QueueURL == "" {
		// What CreateEventSourceMapping answers without an EventSourceArn (recorded against AWS:
		// LocalStack's test_create_event_source_validation, "create_no_event_source_arn").
		return nil, invalid("Unrecognized event source.")
	}
	if fn == nil {
		return nil, invalid("FunctionName is required: pass a Function")
	}
	// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html:
	// BatchSize "Valid Range: Minimum value of 1. Maximum value of 10000.",
	// MaximumBatchingWindowInSeconds "Minimum value of 0. Maximum value of 300.";
	// https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html: MaximumConcurrency
	// "Minimum value of 2. Maximum value of 1000."; a function's Timeout is 1 to 900 seconds.
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 10
	}
	if cfg.FunctionTimeoutSeconds == 0 {
		cfg.FunctionTimeoutSeconds = 3
	}
	for _, r := range []struct {
		name     string
		v        int32
		min, max int32
		set      bool
	}{
		{"batchSize", cfg.BatchSize, 1, 10000, true},
		{"maximumBatchingWindowInSeconds", cfg.MaximumBatchingWindowInSeconds, 0, 300, true},
		{"scalingConfig.maximumConcurrency", cfg.MaximumConcurrency, 2, 1000, cfg.MaximumConcurrency != 0},
		{"timeout", cfg.FunctionTimeoutSeconds, 1, 900, true},
	} {
		if !r.set {
			continue
		}
		if r.v < r.min {
			return nil, outOfRange(r.name, r.v, "greater than or equal to", r.min)
		}
		if r.v > r.max {
			return nil, outOfRange(r.name, r.v, "less than or equal to", r.max)
		}
	}
	filters, err := compileFilters(cfg.FilterPatterns, cfg.MaxFilterPatterns)
	if err != nil {
		return nil, err
	}
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(cfg.QueueURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn, types.QueueAttributeNameVisibilityTimeout,
			types.QueueAttributeNameFifoQueue, types.QueueAttributeNameRedrivePolicy}})
	if err != nil {
		return nil, queueError(err)
	}
	m := &Mapping{api: api, cfg: cfg, fn: fn, filters: filters, arn: out.Attributes["QueueArn"],
		fifo: out.Attributes["FifoQueue"] == "true" || strings.HasSuffix(cfg.QueueURL, ".fifo")}
	m.region = queueurl.Region(m.arn)
	m.maxRecv = maxReceiveCount(out.Attributes["RedrivePolicy"])
	visibility, _ := strconv.Atoi(out.Attributes["VisibilityTimeout"])
	// services-sqs-parameters.html: BatchSize "For standard queues, the maximum is 10,000. For
	// FIFO queues, the maximum is 10."; MaximumBatchingWindowInSeconds "Batching window is not
	// supported for FIFO queues". services-sqs-configure.html: "For a batch size over 10, you
	// must also set the MaximumBatchingWindowInSeconds parameter to at least 1 second."
	switch {
	case m.fifo && cfg.BatchSize > fifoMaxBatch:
		return nil, invalid(fmt.Sprintf("Batch size for FIFO queues must be between 1 and 10 (given %d)", cfg.BatchSize))
	case m.fifo && cfg.MaximumBatchingWindowInSeconds > 0:
		return nil, invalid("Batching window is not supported for FIFO queues")
	case cfg.BatchSize > 10 && cfg.MaximumBatchingWindowInSeconds == 0:
		// The message Lambda answers, as users have recorded it.
		return nil, invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	case int32(visibility) < cfg.FunctionTimeoutSeconds:
		// The message Lambda answers, as users have recorded it (with-sqs.html: "set the
		// source queue's visibility timeout to at least six times the timeout that you
		// configure on your function"; less than the timeout itself is refused).
		return nil, invalid(fmt.Sprintf("Queue visibility timeout: %d seconds is less than Function timeout: %d seconds", visibility, cfg.FunctionTimeoutSeconds))
	}
	// services-sqs-configure.html: "If your batch window is greater than 0, and (batch window)
	// + (function timeout) > (queue visibility timeout), then your effective queue visibility
	// timeout is (batch window) + (function timeout) + 30s."
	if w := cfg.MaximumBatchingWindowInSeconds; w > 0 && w+cfg.FunctionTimeoutSeconds > int32(visibility) {
		m.extend = w + cfg.FunctionTimeoutSeconds + 30
	}
	m.maxConc = maxPollers
	if cfg.MaximumConcurrency > 0 {
		m.maxConc = int(cfg.MaximumConcurrency)
	}
	m.rep.Receives = map[string]int{}
	return m, nil
}

func invalid(msg string) error {
	return &smithy.GenericAPIError{Code: "InvalidParameterValueException", Message: msg, Fault: smithy.FaultClient}
}

// queueError is what CreateEventSourceMapping answers when SQS refuses the mapping's first call
// on the queue: recorded against AWS for a queue that does not exist (LocalStack's
// test_esm_with_not_existing_sqs_queue), "Error occurred while ReceiveMessage. SQS Error Code:
// AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not
// exist." Lambda names SQS's error by its Query-era code, as the SDK reports it when SQS sends
// it (and a peer may not). The SQS error stays wrapped, after Lambda's. An error that is not
// SQS's answer (the network, a cancelled context) is returned as it is, wrapped.
func queueError(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("lambdaesm: reading the queue's attributes: %w", err)
	}
	code := ae.ErrorCode()
	if qne := (*types.QueueDoesNotExist)(nil); errors.As(err, &qne) {
		code = "AWS.SimpleQueueService.NonExistentQueue"
	}
	return fmt.Errorf("%w (%w)", invalid(fmt.Sprintf("Error occurred while ReceiveMessage. SQS Error Code: %s. SQS Error Message: %s", code, ae.ErrorMessage())), err)
}

// Filter quotas: "By default, you can define up to five different filters for a single event
// source mapping ... you can request a quota increase for up to 10 filters"
// (invocation-eventfiltering.html); Filter.Pattern "Length Constraints: Minimum length of 0.
// Maximum length of 4096." (API_Filter.html).
const (
	defaultFilterQuota = 5
	maxFilterQuota     = 10
	maxPatternLength   = 4096
)

// compileFilters validates the patterns as CreateEventSourceMapping does and compiles them.
func compileFilters(patterns []string, quota int32) ([]*eventpattern.Pattern, error) {
	if quota < 0 || quota > maxFilterQuota {
		return nil, fmt.Errorf("lambdaesm: MaxFilterPatterns %d: the quota of filters per event source mapping is 5 by default and at most %d", quota, maxFilterQuota)
	}
	if quota == 0 {
		quota = defaultFilterQuota
	}
	if len(patterns) > int(quota) {
		// The guide says only that Lambda "will return an error" past the quota; its text has
		// not been recorded, so this one is ours.
		return nil, invalid(fmt.Sprintf("The number of filters (%d) exceeds the quota of %d filters per event source mapping.", len(patterns), quota))
	}
	var out []*eventpattern.Pattern
	for i, src := range patterns {
		if len(src) > maxPatternLength {
			return nil, &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient,
				Message: fmt.Sprintf("1 validation error detected: Value '%s' at 'filterCriteria.filters.%d.member.pattern' failed to satisfy constraint: Member must have length less than or equal to %d", src, i+1, maxPatternLength)}
		}
		p, err := eventpattern.Parse(src, eventpattern.Lambda)
		if err != nil {
			// Lambda says only this; the wrapping error says why.
			return nil, fmt.Errorf("lambdaesm: FilterPatterns[%d]: %v: %w", i, err, invalid("Invalid filter pattern definition."))
		}
		out = append(out, p)
	}
	return out, nil
}

func outOfRange(member string, v int32, rel string, bound int32) error {
	return &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient,
		Message: fmt.Sprintf("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value %s %d", v, member, rel, bound)}
}

// Run polls the queue and invokes the function until ctx ends, then waits for the invocations
// in flight (an invocation is not cut short by ctx: it ends, at the latest, at the function's
// timeout) and returns ctx's error. A Mapping runs once.
func (m *Mapping) Run(ctx context.Context) error {
	if !m.started.CompareAndSwap(false, true) {
		return errors.New("lambdaesm: the mapping is already running")
	}
	var wg sync.WaitGroup
	start := func() {
		m.mu.Lock()
		m.pollers++
		m.mu.Unlock()
		wg.Go(func() { m.poll(ctx) })
	}
	for range min(initialPollers, m.maxConc) {
		start()
	}
	// "If messages are still available, Lambda increases the number of processes that are
	// reading batches by up to 60 more instances per minute."
	tick := time.NewTicker(scaleUpInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		case <-tick.C:
			m.mu.Lock()
			more := m.pollers < m.maxConc
			m.mu.Unlock()
			if more && m.received.Swap(false) {
				start()
			}
		}
	}
}

// Report is a copy of what the mapping did so far.
func (m *Mapping) Report() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rep
	r.Invocations = append([]Invocation(nil), m.rep.Invocations...)
	r.Deleted = append([]string(nil), m.rep.Deleted...)
	r.DeadLettered = append([]string(nil), m.rep.DeadLettered...)
	r.Filtered = append([]string(nil), m.rep.Filtered...)
	r.Rejected = append([]Rejection(nil), m.rep.Rejected...)
	r.Receives = make(map[string]int, len(m.rep.Receives))
	for k, v := range m.rep.Receives {
		r.Receives[k] = v
	}
	return r
}

func (m *Mapping) poll(ctx context.Context) {
	for ctx.Err() == nil {
		batch := m.gather(ctx)
		if len(batch) > 0 {
			m.invoke(ctx, batch)
		}
	}
}

// gather receives one batch: one receive without a batching window; with one, receives until
// BatchSize records are in or the window, from the first record, has passed. services-sqs-
// configure.html: "Before invoking the function, Lambda continues to poll messages from the SQS
// standard queue until the batch window expires, the invocation payload size quota is reached,
// or the configured maximum batch size is reached."
func (m *Mapping) gather(ctx context.Context) []types.Message {
	var (
		batch []types.Message
		end   time.Time
	)
	window := time.Duration(m.cfg.MaximumBatchingWindowInSeconds) * time.Second
	for len(batch) < int(m.cfg.BatchSize) {
		wait := int32(longPoll)
		if len(batch) > 0 {
			left := time.Until(end)
			if window == 0 || left <= 0 {
				break
			}
			wait = min(longPoll, int32((left+time.Second-1)/time.Second))
		}
		out, err := m.api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(m.cfg.QueueURL),
			MaxNumberOfMessages:         min(10, m.cfg.BatchSize-int32(len(batch))),
			WaitTimeSeconds:             wait,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil // what was gathered comes back after the visibility timeout
			}
			m.mu.Lock()
			m.rep.ReceiveErrors++
			m.mu.Unlock()
			sleep(ctx, time.Second)
			if len(batch) > 0 && (window == 0 || !time.Now().Before(end)) {
				break
			}
			continue
		}
		if len(out.Messages) == 0 {
			continue
		}
		m.received.Store(true)
		// "If you're using batching windows, Lambda applies your filter criteria to each new
		// event to determine whether to add it to the current batch."
		msgs := m.filter(ctx, out.Messages)
		if len(msgs) == 0 {
			continue
		}
		if len(batch) == 0 {
			end = time.Now().Add(window)
		}
		m.extendVisibility(ctx, msgs)
		batch = append(batch, msgs...)
	}
	return batch
}

// filter returns the messages that match one of the filter patterns, and deletes the others at
// once: "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda automatically
// removes the message from the queue." (invocation-eventfiltering.html).
func (m *Mapping) filter(ctx context.Context, msgs []types.Message) []types.Message {
	if len(m.filters) == 0 {
		return msgs
	}
	var kept, dropped []types.Message
	for i, r := range m.event(msgs).Records {
		if m.matches(r) {
			kept = append(kept, msgs[i])
		} else {
			dropped = append(dropped, msgs[i])
		}
	}
	if len(dropped) > 0 {
		deleted := m.delete(context.WithoutCancel(ctx), dropped)
		m.mu.Lock()
		m.rep.Filtered = append(m.rep.Filtered, deleted...)
		m.mu.Unlock()
	}
	return kept
}

// matches reports whether the record matches one of the filter patterns. The record is matched
// as the function would receive it, with its body decoded when it is valid JSON. The guide's
// table (with-sqs-filtering.html): a plain-string body and a JSON pattern for body, or a JSON
// body and a plain-string pattern for body, are a mismatch, and "Lambda drops the message";
// without a pattern for body, "Lambda skips this check".
func (m *Mapping) matches(r events.SQSMessage) bool {
	raw, err := json.Marshal(r)
	if err != nil {
		return false
	}
	v, err := eventpattern.Decode(raw)
	if err != nil {
		return false
	}
	record, ok := v.(map[string]any)
	if !ok {
		return false
	}
	body, err := eventpattern.Decode([]byte(r.Body))
	bodyJSON := err == nil
	if bodyJSON {
		record["body"] = body
	}
	for _, p := range m.filters {
		shape := p.Shape("body")
		if shape&eventpattern.Object != 0 && !bodyJSON || shape&eventpattern.Rules != 0 && bodyJSON {
			continue
		}
		if p.Match(record) {
			return true
		}
	}
	return false
}

// extendVisibility sets the effective visibility timeout of a batching window that, with the
// function's timeout, outlasts the queue's.
func (m *Mapping) extendVisibility(ctx context.Context, msgs []types.Message) {
	if m.extend == 0 {
		return
	}
	entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(msgs))
	for i, msg := range msgs {
		entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
			ReceiptHandle: msg.ReceiptHandle, VisibilityTimeout: m.extend}
	}
	_, _ = m.api.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(m.cfg.QueueURL), Entries: entries})
}

// invoke calls the function with the batch and deletes what succeeded.
func (m *Mapping) invoke(ctx context.Context, batch []types.Message) {
	event := m.event(batch)
	inv := Invocation{Start: time.Now()}
	for _, r := range event.Records {
		inv.MessageIDs = append(inv.MessageIDs, r.MessageId)
		inv.Bodies = append(inv.Bodies, r.Body)
	}
	m.mu.Lock()
	m.running++
	m.rep.MaxConcurrent = max(m.rep.MaxConcurrent, m.running)
	for _, id := range inv.MessageIDs {
		m.rep.Receives[id]++
	}
	m.mu.Unlock()

	resp, err := m.call(ctx, event)
	inv.Duration = time.Since(inv.Start)
	failed, rejected := m.failures(event, resp, err, &inv)

	var del []types.Message
	var deadLettered []string
	for i, msg := range batch {
		id := aws.ToString(msg.MessageId)
		if failed[id] {
			inv.Returned = append(inv.Returned, id)
			if n, _ := strconv.Atoi(msg.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)]); m.maxRecv > 0 && n >= m.maxRecv {
				deadLettered = append(deadLettered, id)
			}
			continue
		}
		del = append(del, batch[i])
	}
	inv.Deleted = m.delete(context.WithoutCancel(ctx), del)
	m.mu.Lock()
	m.running--
	m.rep.Invocations = append(m.rep.Invocations, inv)
	m.rep.Deleted = append(m.rep.Deleted, inv.Deleted...)
	m.rep.DeadLettered = append(m.rep.DeadLettered, deadLettered...)
	if len(rejected) > 0 {
		m.rep.Rejected = append(m.rep.Rejected, Rejection{Time: inv.Start.Add(inv.Duration), MessageIDs: inv.MessageIDs, Reasons: rejected})
	}
	m.mu.Unlock()
}

// maxReceiveCount reads maxReceiveCount from a queue's RedrivePolicy (a JSON document in which
// SQS gives it as a number, and accepts a string): 0 when there is none.
func maxReceiveCount(policy string) int {
	var p struct {
		MaxReceiveCount json.RawMessage `json:"maxReceiveCount"`
	}
	if policy == "" || json.Unmarshal([]byte(policy), &p) != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.Trim(string(p.MaxReceiveCount), `"`))
	return n
}

// call runs the handler within the function's timeout. The event is a copy decoded from JSON,
// as the Lambda runtime hands it over, so the handler cannot change the mapping's records. An
// invocation runs to its end even when Run's context is cancelled.
func (m *Mapping) call(ctx context.Context, event events.SQSEvent) (events.SQSEventResponse, error) {
	timeout := time.Duration(m.cfg.FunctionTimeoutSeconds) * time.Second
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	raw, err := json.Marshal(event)
	if err != nil {
		return events.SQSEventResponse{}, err
	}
	var copied events.SQSEvent
	if err := json.Unmarshal(raw, &copied); err != nil {
		return events.SQSEventResponse{}, err
	}
	type result struct {
		resp events.SQSEventResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("lambdaesm: the function panicked: %v", p)
			}
			done <- r
		}()
		r.resp, r.err = m.fn(ictx, copied)
	}()
	// Go cannot stop a handler that ignores its context: its concurrency slot is held until it
	// returns, as a frozen execution environment's is, and its result is discarded.
	r := <-done
	if ictx.Err() != nil {
		return events.SQSEventResponse{}, fmt.Errorf("%w after %d.00 seconds", ErrTimeout, m.cfg.FunctionTimeoutSeconds)
	}
	return r.resp, r.err
}

// failures are the message IDs the invocation returns to the queue (services-sqs-
// errorhandling.html), and sets inv.Err when that is the whole batch. rejected says why a
// partial batch response was rejected, one reason per bad entry.
func (m *Mapping) failures(event events.SQSEvent, resp events.SQSEventResponse, err error, inv *Invocation) (failed map[string]bool, rejected []string) {
	all := func(why error) map[string]bool {
		inv.Err = why
		f := map[string]bool{}
		for _, r := range event.Records {
			f[r.MessageId] = true
		}
		return f
	}
	// "By default, if your function encounters an error while processing a batch, all
	// messages in that batch become visible in the queue again." "If your function throws an
	// exception, the entire batch is considered a complete failure."
	if err != nil {
		return all(err), nil
	}
	failed = map[string]bool{}
	// "Even when your function code returns partial batch failure responses, these responses
	// will not be processed by Lambda unless the ReportBatchItemFailures feature is explicitly
	// turned on for your event source mapping."
	if !m.cfg.ReportBatchItemFailures {
		return failed, nil
	}
	// "Lambda treats a batch as a complete success if your function returns any of the
	// following: An empty batchItemFailures list; A null batchItemFailures list; An empty
	// EventResponse; A null EventResponse. Lambda treats a batch as a complete failure if your
	// function returns any of the following: An invalid JSON response; An empty string
	// itemIdentifier; A null itemIdentifier; An itemIdentifier with a bad key name; An
	// itemIdentifier value with a message ID that doesn't exist." A null identifier or one
	// under another key decodes to "" in events.SQSBatchItemFailure.
	ids := map[string]bool{}
	for _, r := range event.Records {
		ids[r.MessageId] = true
	}
	for i, f := range resp.BatchItemFailures {
		switch {
		case f.ItemIdentifier == "":
			rejected = append(rejected, fmt.Sprintf("batchItemFailures[%d]: itemIdentifier is empty, null or under another key", i))
		case !ids[f.ItemIdentifier]:
			rejected = append(rejected, fmt.Sprintf("batchItemFailures[%d]: itemIdentifier %q is not a message ID of the batch", i, f.ItemIdentifier))
		}
		failed[f.ItemIdentifier] = true
	}
	if len(rejected) > 0 {
		return all(fmt.Errorf("%w: %s", ErrBadResponse, strings.Join(rejected, "; "))), rejected
	}
	// FIFO: "your function should stop processing messages after the first failure and return
	// all failed and unprocessed messages in batchItemFailures. This helps preserve the
	// ordering of messages in your queue." The mapping holds the order itself as well: after a
	// group's first failed record, the group's later records in the batch are returned too, so
	// none is deleted ahead of a message that comes back.
	if m.fifo && len(failed) > 0 {
		blocked := map[string]bool{}
		for _, r := range event.Records {
			g := r.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
			if blocked[g] {
				failed[r.MessageId] = true
			} else if failed[r.MessageId] {
				blocked[g] = true
			}
		}
	}
	return failed, nil
}

// delete deletes the messages with DeleteMessageBatch, ten at a time, and returns the IDs
// deleted. "When your function successfully processes a batch, Lambda deletes its messages from
// the queue." A message whose delete fails comes back after its visibility timeout.
func (m *Mapping) delete(ctx context.Context, msgs []types.Message) []string {
	var deleted []string
	for i := 0; i < len(msgs); i += 10 {
		chunk := msgs[i:min(i+10, len(msgs))]
		entries := make([]types.DeleteMessageBatchRequestEntry, len(chunk))
		for j, msg := range chunk {
			entries[j] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), ReceiptHandle: msg.ReceiptHandle}
		}
		out, err := m.api.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(m.cfg.QueueURL), Entries: entries})
		if err != nil {
			m.mu.Lock()
			m.rep.DeleteErrors += len(chunk)
			m.mu.Unlock()
			continue
		}
		for _, ok := range out.Successful {
			if j, err := strconv.Atoi(aws.ToString(ok.Id)); err == nil && j < len(chunk) {
				deleted = append(deleted, aws.ToString(chunk[j].MessageId))
			}
		}
		m.mu.Lock()
		m.rep.DeleteErrors += len(out.Failed)
		m.mu.Unlock()
	}
	return deleted
}

// event is the SQS event Lambda builds from received messages (with-sqs.html, "Example Amazon
// SQS message event"): messageId, receiptHandle, body, attributes (ApproximateReceiveCount,
// SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp and, on FIFO queues,
// SequenceNumber, MessageGroupId, MessageDeduplicationId), messageAttributes with
// stringValue/binaryValue/dataType, md5OfBody, eventSource "aws:sqs", eventSourceARN and
// awsRegion.
func (m *Mapping) event(batch []types.Message) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(batch))}
	for i, msg := range batch {
		attrs := make(map[string]string, len(msg.Attributes))
		for k, v := range msg.Attributes {
			attrs[k] = v
		}
		mattrs := make(map[string]events.SQSMessageAttribute, len(msg.MessageAttributes))
		for k, v := range msg.MessageAttributes {
			mattrs[k] = events.SQSMessageAttribute{StringValue: v.StringValue, BinaryValue: v.BinaryValue,
				StringListValues: nonNil(v.StringListValues), BinaryListValues: nonNil(v.BinaryListValues), DataType: aws.ToString(v.DataType)}
		}
		ev.Records[i] = events.SQSMessage{
			MessageId:              aws.ToString(msg.MessageId),
			ReceiptHandle:          aws.ToString(msg.ReceiptHandle),
			Body:                   aws.ToString(msg.Body),
			Md5OfBody:              aws.ToString(msg.MD5OfBody),
			Md5OfMessageAttributes: aws.ToString(msg.MD5OfMessageAttributes),
			Attributes:             attrs,
			MessageAttributes:      mattrs,
			EventSourceARN:         m.arn,
			EventSource:            "aws:sqs",
			AWSRegion:              m.region,
		}
	}
	return ev
}

// nonNil is s, or an empty slice: Lambda's events carry "stringListValues": [] and
// "binaryListValues": [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
