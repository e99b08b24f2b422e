package engine

import (
	"container/heap"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// systemAttributeNames are the message system attributes ReceiveMessage can return.
var systemAttributeNames = map[string]bool{
	"All": true, "SenderId": true, "SentTimestamp": true, "ApproximateReceiveCount": true,
	"ApproximateFirstReceiveTimestamp": true, "SequenceNumber": true, "MessageDeduplicationId": true,
	"MessageGroupId": true, "AWSTraceHeader": true, "DeadLetterQueueSourceArn": true,
	// Queue attribute names are accepted in the deprecated AttributeNames list and ignored.
	"Policy": true, "VisibilityTimeout": true, "MaximumMessageSize": true, "MessageRetentionPeriod": true,
	"ApproximateNumberOfMessages": true, "ApproximateNumberOfMessagesNotVisible": true, "CreatedTimestamp": true,
	"LastModifiedTimestamp": true, "QueueArn": true, "ApproximateNumberOfMessagesDelayed": true,
	"DelaySeconds": true, "ReceiveMessageWaitTimeSeconds": true, "RedrivePolicy": true, "FifoQueue": true,
	"ContentBasedDeduplication": true, "KmsMasterKeyId": true, "KmsDataKeyReusePeriodSeconds": true,
	"DeduplicationScope": true, "FifoThroughputLimit": true, "RedriveAllowPolicy": true, "SqsManagedSseEnabled": true,
}

// receiveOptions are a ReceiveMessage call's validated parameters.
type receiveOptions struct {
	max         int
	visibility  time.Duration
	wait        time.Duration
	sysNames    map[string]bool
	allSys      bool
	msgNames    []string
	attemptID   string
	hasAttempts bool
	url         string // the queue URL as the request gave it, for fault rules
	faultsOff   bool   // the call is exempt from the fault plan
	call        Call   // for the trace
}

func (e *Engine) receiveOptions(ctx context.Context, q *queue, in *sqs.ReceiveMessageInput) (receiveOptions, error) {
	o := receiveOptions{max: 1, url: aws.ToString(in.QueueUrl), faultsOff: callFaults(ctx).Off, call: e.callOf(ctx)}
	if in.MaxNumberOfMessages != 0 || reqctx.Explicit(ctx, "MaxNumberOfMessages") {
		if in.MaxNumberOfMessages < 1 || in.MaxNumberOfMessages > 10 {
			return o, sqserr.InvalidParameterValueFor(in.MaxNumberOfMessages, "MaxNumberOfMessages", "Must be between 1 and 10, if provided.")
		}
		o.max = int(in.MaxNumberOfMessages)
	}
	if in.WaitTimeSeconds < 0 || in.WaitTimeSeconds > 20 {
		return o, sqserr.InvalidParameterValueFor(in.WaitTimeSeconds, "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided.")
	}
	if in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return o, sqserr.InvalidParameterValueFor(in.VisibilityTimeout, "VisibilityTimeout", "Must be >= 0 and <= 43200, if provided.")
	}
	q.mu.Lock()
	vis, wait := q.attrs.visibility, q.attrs.waitTime
	q.mu.Unlock()
	if in.VisibilityTimeout != 0 || reqctx.Explicit(ctx, "VisibilityTimeout") {
		vis = int(in.VisibilityTimeout)
	}
	if in.WaitTimeSeconds != 0 || reqctx.Explicit(ctx, "WaitTimeSeconds") {
		wait = int(in.WaitTimeSeconds)
	}
	o.visibility = time.Duration(vis) * time.Second
	o.wait = time.Duration(wait) * time.Second
	//lint:ignore SA1019 clients still send the deprecated AttributeName.N, and SQS honours it
	if names := len(in.AttributeNames) + len(in.MessageSystemAttributeNames); names > 0 {
		o.sysNames = make(map[string]bool, names)
	}
	//lint:ignore SA1019 clients still send the deprecated AttributeName.N, and SQS honours it
	for _, n := range in.AttributeNames {
		if !systemAttributeNames[string(n)] {
			return o, sqserr.UnknownAttribute(string(n))
		}
		o.sysNames[string(n)] = true
	}
	for _, n := range in.MessageSystemAttributeNames {
		if !systemAttributeNames[string(n)] {
			return o, sqserr.UnknownAttribute(string(n))
		}
		o.sysNames[string(n)] = true
	}
	o.allSys = o.sysNames["All"]
	o.msgNames = in.MessageAttributeNames
	if in.ReceiveRequestAttemptId != nil {
		id := *in.ReceiveRequestAttemptId
		if !validFifoID(id) {
			return o, sqserr.InvalidParameterValueFor(id, "ReceiveRequestAttemptId", "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		if q.fifo {
			o.attemptID, o.hasAttempts = id, true
		}
	}
	return o, nil
}

// ReceiveMessage returns up to MaxNumberOfMessages messages, waiting up to the wait time for one
// to arrive (long polling).
func (e *Engine) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput) (*sqs.ReceiveMessageOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	o, err := e.receiveOptions(ctx, q, in)
	if err != nil {
		return nil, err
	}
	if callFaults(ctx).FalseEmpty {
		return e.falseEmpty(ctx, o.wait)
	}
	deadline := e.now().Add(o.wait)
	for {
		out, notify, next, closed := q.tryReceive(ctx, o)
		if out != nil {
			return out, nil
		}
		now := e.now()
		if closed || !now.Before(deadline) {
			return &sqs.ReceiveMessageOutput{}, nil
		}
		wake := deadline
		if !next.IsZero() && next.Before(wake) {
			wake = next
		}
		t := e.cfg.NewTimer(wake.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return pollEnded(ctx)
		case <-notify:
			t.Stop()
		case <-t.C():
		}
	}
}

// pollEnded is what a long poll answers when its context ends first: nothing and the context's
// error, or an empty answer when the server is draining.
func pollEnded(ctx context.Context) (*sqs.ReceiveMessageOutput, error) {
	if errors.Is(context.Cause(ctx), reqctx.ErrDraining) {
		return &sqs.ReceiveMessageOutput{}, nil
	}
	return nil, ctx.Err()
}

// falseEmpty answers a receive a fault plan made false-empty as an empty receive is answered:
// a short poll at once, a long poll after its whole wait time (or when its context ends), so a
// long-polling consumer does not spin. It changes nothing.
func (e *Engine) falseEmpty(ctx context.Context, wait time.Duration) (*sqs.ReceiveMessageOutput, error) {
	if wait > 0 {
		t := e.cfg.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return pollEnded(ctx)
		case <-t.C():
		}
	}
	return &sqs.ReceiveMessageOutput{}, nil
}

// tryReceive takes what is receivable now: the output when it took messages, else nil. It
// returns, for a long poll, the channel that closes on the next change, the next deadline and
// whether the queue is gone.
func (q *queue) tryReceive(ctx context.Context, o receiveOptions) (out *sqs.ReceiveMessageOutput, notify <-chan struct{}, next time.Time, closed bool) {
	e := q.e
	now := e.now()
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil, nil, time.Time{}, true
	}
	q.advance(now)
	var moved []*message
	var taken []*message
	if o.hasAttempts {
		taken = q.retryAttempt(o, now)
	}
	var buf [10]*message // what a receive takes, without allocating
	if taken == nil {
		taken = buf[:0]
		act := callFaults(ctx)
		if !act.FalseEmpty {
			if q.fifo {
				taken, moved = q.takeFifo(o, now, taken)
			} else {
				// Duplicates scheduled by earlier receives come first; those this receive
				// schedules wait for a later one (a duplicate never shares a response with its
				// original).
				taken = append(taken, q.takeDuplicates(o, now, o.max)...)
				taken, moved = q.takeStandard(o, now, act.Reorder, taken)
				if act.Reorder && act.Shuffle != nil {
					shuffled := slices.Clone(taken) // the closure escapes: buf must not
					act.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
					taken = shuffled
				}
			}
		}
		if o.hasAttempts && len(taken) > 0 {
			a := &attempt{expires: now.Add(dedupInterval), messages: slices.Clone(taken), receipts: make([]uint64, len(taken))}
			for i, m := range taken {
				a.receipts[i] = m.receipt
			}
			q.attempts[o.attemptID] = a
		}
	}
	if len(taken) > 0 {
		out = q.renderAll(taken, o)
		if e.tracing() {
			for i, m := range taken {
				e.emit(Event{Kind: EventReceived, Time: now, Queue: q.name, Call: o.call, MessageID: m.id, GroupID: m.groupID,
					ReceiptHandle: *out.Messages[i].ReceiptHandle, ReceiveCount: m.receiveCount, VisibleAt: m.visibleAt.time()})
			}
		}
	} else if o.wait > 0 {
		notify = q.changed()
	}
	next = q.nextDeadline()
	dlqArn := q.attrs.dlqArn
	q.mu.Unlock()
	if len(moved) > 0 {
		e.moveToDLQ(q, dlqArn, moved, o.call)
	}
	return out, notify, next, false
}

// deliver marks a ready message received. Caller holds q.mu.
func (q *queue) deliver(m *message, o receiveOptions, now time.Time) {
	m.receiveCount++
	if m.firstReceive == 0 {
		m.firstReceive = stampOf(now)
	}
	q.nonce++
	m.receipt = q.nonce
	m.receivedAt = stampOf(now)
	m.visChanged = false
	vis := o.visibility
	act := q.e.fault(o.faultsOff, q, o.url, "ReceiveMessage", m, "", "", false)
	if len(act.Fired) > 0 && q.e.tracing() {
		q.e.emitFaults(q, o.call, act, now, m.id, "", "")
	}
	if vis > 0 {
		vis += act.ExtraDelay
	}
	// A zero visibility timeout makes the message ready again at the next operation's advance,
	// so one receive never returns a message twice.
	q.setInflight(m, now.Add(vis))
	if act.Duplicate && !q.fifo { // FIFO queues deliver exactly once
		q.scheduleDuplicate(m, now.Add(act.DuplicateAfter))
	}
}

// dueForDLQ reports whether receiving m again would exceed the queue's maxReceiveCount.
// A message whose dead-letter queue no longer exists stays in its queue and is delivered.
// Caller holds q.mu (the engine lock may be taken after a queue lock, never before).
func (q *queue) dueForDLQ(m *message) bool {
	return q.attrs.dlqArn != "" && q.attrs.dlqArn != q.arn && m.receiveCount >= q.attrs.maxReceive &&
		q.e.queueByARN(q.attrs.dlqArn) != nil
}

// takeStandard delivers ready messages of a standard queue, appending them to taken until it
// holds o.max. Caller holds q.mu.
func (q *queue) takeStandard(o receiveOptions, now time.Time, reorder bool, taken []*message) (_, moved []*message) {
	var held *message
	if reorder && q.ready.len() > 1 {
		held = q.ready.pop()
	}
	for len(taken) < o.max {
		m := q.ready.pop()
		if m == nil {
			break
		}
		if q.dueForDLQ(m) {
			q.remove(m)
			moved = append(moved, m)
			continue
		}
		q.deliver(m, o, now)
		taken = append(taken, m)
	}
	if held != nil {
		q.ready.push(held)
	}
	return taken, moved
}

// takeFifo delivers ready messages of a FIFO queue, appending them to taken until it holds o.max.
// Caller holds q.mu.
func (q *queue) takeFifo(o receiveOptions, now time.Time, taken []*message) (_, moved []*message) {
	for len(taken) < o.max && q.avail.Len() > 0 {
		g := heap.Pop(&q.avail).(*group)
		g.inHeap = false
		h := g.head()
		if h == nil || h.state != stateReady {
			continue
		}
		if g.key != h.readySeq {
			q.refreshGroup(g)
			continue
		}
		for i := 0; i < g.size() && len(taken) < o.max; {
			m := g.at(i)
			if m.state != stateReady {
				break
			}
			if q.dueForDLQ(m) {
				q.remove(m)
				moved = append(moved, m)
				if g.size() == 0 {
					break
				}
				continue
			}
			q.deliver(m, o, now)
			taken = append(taken, m)
			i++
		}
		if g.size() > 0 {
			q.refreshGroup(g)
		}
	}
	return taken, moved
}

// retryAttempt answers a FIFO receive retried with the same ReceiveRequestAttemptId: the same
// messages and receipt handles, with their visibility timeout reset, while none was deleted or had
// its visibility changed (API Reference, ReceiveMessage: "It is possible to retry the
// ReceiveMessage action with the same ReceiveRequestAttemptId if none of the messages have been
// modified (deleted or had their visibility changes)"); after that the id starts a new receive.
// Caller holds q.mu.
func (q *queue) retryAttempt(o receiveOptions, now time.Time) []*message {
	a, ok := q.attempts[o.attemptID]
	if !ok {
		return nil
	}
	for i, m := range a.messages {
		if q.byID[m.id] != m || m.state != stateInflight || m.receipt != a.receipts[i] || m.visChanged {
			delete(q.attempts, o.attemptID)
			return nil
		}
	}
	for _, m := range a.messages {
		q.changeVisibility(m, now, now.Add(o.visibility))
	}
	return a.messages
}

// received is the output of a receive of one message, in one allocation.
type received struct {
	out  sqs.ReceiveMessageOutput
	msgs [1]types.Message
	strs [4]string
}

// renderAll builds the output of a receive that took messages, with the SDK messages for their
// deliveries. Caller holds q.mu.
func (q *queue) renderAll(taken []*message, o receiveOptions) *sqs.ReceiveMessageOutput {
	var out *sqs.ReceiveMessageOutput
	var strs []string
	if len(taken) == 1 {
		r := &received{}
		r.out.Messages = r.msgs[:]
		out, strs = &r.out, r.strs[:]
	} else {
		out = &sqs.ReceiveMessageOutput{Messages: make([]types.Message, len(taken))}
		strs = make([]string, 4*len(taken))
	}
	// The receipt handles share one string.
	var coreBuf [10][receiptCoreLen]byte
	cores := coreBuf[:]
	if len(taken) > len(coreBuf) {
		cores = make([][receiptCoreLen]byte, len(taken))
	}
	size := 0
	for i, m := range taken {
		q.sealReceipt(&cores[i], m.id, m.receipt)
		size += handleLen(&cores[i])
	}
	var b strings.Builder
	b.Grow(size)
	var buf [receiptMaxLen]byte
	var endBuf [10]int
	ends := endBuf[:0]
	for i := range taken {
		b.Write(q.e.receipts.appendHandle(buf[:0], &cores[i]))
		ends = append(ends, b.Len())
	}
	all := b.String()
	start := 0
	for i, m := range taken {
		s := strs[4*i : 4*i+4 : 4*i+4]
		s[0], s[1], s[2], s[3] = m.id, all[start:ends[i]], m.body, m.md5Body
		start = ends[i]
		q.issue(s[1], m)
		out.Messages[i] = q.render(m, o, s)
	}
	return out
}

// render builds the SDK message for a delivery: strs holds its id, receipt handle, body and body
// MD5, which the message points to. Caller holds q.mu.
func (q *queue) render(m *message, o receiveOptions, strs []string) types.Message {
	out := types.Message{MessageId: &strs[0], ReceiptHandle: &strs[1], Body: &strs[2], MD5OfBody: &strs[3]}
	if len(o.sysNames) > 0 {
		attrs := map[string]string{}
		want := func(n string) bool { return o.allSys || o.sysNames[n] }
		if want("SenderId") {
			attrs["SenderId"] = q.e.cfg.AccountID // the sender is the account the mock serves
		}
		if want("SentTimestamp") {
			attrs["SentTimestamp"] = m.sentAt.millis()
		}
		if want("ApproximateReceiveCount") {
			attrs["ApproximateReceiveCount"] = strconv.Itoa(m.receiveCount)
		}
		if want("ApproximateFirstReceiveTimestamp") {
			attrs["ApproximateFirstReceiveTimestamp"] = m.firstReceive.millis()
		}
		if m.traceHeader != "" && want("AWSTraceHeader") {
			attrs["AWSTraceHeader"] = m.traceHeader
		}
		if m.dlqSourceArn != "" && want("DeadLetterQueueSourceArn") {
			attrs["DeadLetterQueueSourceArn"] = m.dlqSourceArn
		}
		if m.groupID != "" && want("MessageGroupId") {
			attrs["MessageGroupId"] = m.groupID
		}
		if q.fifo {
			if want("SequenceNumber") {
				attrs["SequenceNumber"] = m.seqNumber
			}
			if want("MessageDeduplicationId") {
				attrs["MessageDeduplicationId"] = m.dedupID
			}
		}
		if len(attrs) > 0 {
			out.Attributes = attrs
		}
	}
	if len(o.msgNames) > 0 && len(m.attrs) > 0 {
		sel := copyAttributes(selectAttributes(m.attrs, o.msgNames))
		if len(sel) > 0 {
			out.MessageAttributes = sel
			out.MD5OfMessageAttributes = aws.String(md5OfAttributes(sel))
		}
	}
	return out
}

// selectAttributes applies a MessageAttributeNames filter: "All", ".*", "prefix.*" or exact names.
func selectAttributes(attrs map[string]types.MessageAttributeValue, names []string) map[string]types.MessageAttributeValue {
	for _, n := range names {
		if n == "All" || n == ".*" || n == "*" {
			return attrs
		}
	}
	sel := map[string]types.MessageAttributeValue{}
	for k, v := range attrs {
		for _, n := range names {
			// "prefix.*" is a wildcard on the name: AWS returns Hello and Help.Me for "Hel.*".
			if k == n || (strings.HasSuffix(n, ".*") && strings.HasPrefix(k, strings.TrimSuffix(n, ".*"))) {
				sel[k] = v
				break
			}
		}
	}
	return sel
}

// moveToDLQ appends messages to the dead-letter queue named by arn. They keep their id,
// attributes and receive count and gain DeadLetterQueueSourceArn. A standard message keeps its
// original age for retention; a FIFO message's age starts again, and its deduplication id becomes
// its message id, so that two messages that shared a deduplication id both land in the DLQ (SQS
// Developer Guide, "Configure a dead-letter queue redrive").
func (e *Engine) moveToDLQ(src *queue, arn string, msgs []*message, c Call) {
	dlq := e.queueByARN(arn)
	now := e.now()
	if dlq == nil { // the dead-letter queue is gone: the messages stay where they were
		dlq = src
	}
	dlq.mu.Lock()
	defer dlq.mu.Unlock()
	for _, m := range msgs {
		m.group = nil
		if dlq != src {
			m.dlqSourceArn = src.arn
			if dlq.fifo {
				m.ageBase = stampOf(now)
				m.seqNumber = e.nextSequence()
				m.dedupID = m.id
			}
		}
		m.visibleAt = stampOf(now)
		m.state = 0
		e.addHeld(1)
		dlq.add(m, now)
		if dlq != src && e.tracing() {
			e.emit(Event{Kind: EventDeadLettered, Time: now, Queue: src.name, Call: c, MessageID: m.id, GroupID: m.groupID,
				ReceiveCount: m.receiveCount, Target: dlq.name})
		}
	}
}
