package harness

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Expect is what CheckConsumer holds a consumer's run to.
type Expect struct {
	// Bodies are the bodies sent to the queue, in send order (e.g. what SendN returns). Each must
	// be delivered at least once and end deleted or in the queue's dead-letter queue; on a FIFO
	// queue each group's first deliveries must follow this order.
	Bodies []string
	// DeadLettered, when not nil, lists the bodies that must end in the dead-letter queue, in any
	// order. Either way the dead-letter queue must hold exactly the bodies never deleted.
	DeadLettered []string
	// Timeout bounds the run: by default 15 minutes on the mock, where it is the mock's time and
	// costs nothing in a testing/synctest bubble, and 2 minutes of real time elsewhere.
	Timeout time.Duration
}

// CheckConsumer runs your consumer (run, given a client that watches the queue) until the run
// has settled (the queue empty, every delivery deleted or dead-lettered, no scheduled duplicate
// to come) or the timeout passes, cancels its context, and checks SQS's consumer invariants and
// the ExactlyOnce effects, failing the test with one sentence per problem. run must return when
// its context ends. The invariants and the clock rules: README, "Test your own concurrent consumer".
func (h *H) CheckConsumer(url string, want Expect, run func(ctx context.Context, api sqsmock.API) error) *ConsumerReport {
	h.t.Helper()
	if want.Timeout <= 0 {
		want.Timeout = 2 * time.Minute
		if h.caps.FastForward {
			want.Timeout = 15 * time.Minute
		}
	}
	h.expectBodies(url, want.Bodies)
	obs := h.watch(newObserver(h.api, url, h.now))
	obs.visibility = h.visibilityTimeout(url)
	ctx, cancel := context.WithCancel(h.Ctx())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, obs) }()

	dlq := h.deadLetterQueue(url) // "" if none
	rep := &ConsumerReport{}
	var (
		runErr   error
		returned bool // before it was asked to
		clean    bool // runErr is nil or made only of ctx's cancellation
		pending  []string
		w        = h.newWaiter(want.Timeout)
	)
wait:
	for {
		if pending = h.pending(url, dlq, want.Bodies, obs); len(pending) == 0 {
			break
		}
		if w.over() {
			rep.TimedOut = true
			break
		}
		select {
		case runErr = <-done:
			returned, clean = true, runErr == nil || onlyCancelled(runErr, ctx)
			break wait
		default:
		}
		if h.clock == nil { // real time, or the bubble's fake time
			time.Sleep(100 * time.Millisecond)
			continue
		}
		before, _ := obs.activity()
		time.Sleep(2 * time.Millisecond) // real time for the consumer to make progress
		if after, _ := obs.activity(); after == before {
			w.advance()
		}
	}
	if !returned {
		select {
		case runErr = <-done: // it stopped before it was asked to
			returned, clean = true, runErr == nil || onlyCancelled(runErr, ctx)
		default:
		}
	}
	cancel()
	if !returned {
		select {
		case runErr = <-done:
		case <-time.After(30 * time.Second):
			h.problem("the consumer's run did not return within 30s of its context being cancelled")
		}
		clean = runErr == nil || onlyCancelled(runErr, ctx)
	}
	switch cancelled := errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded); {
	case clean && returned && len(pending) > 0 && len(h.pendingWork(url, dlq, want.Bodies, obs)) == 0:
		// All it left are duplicates of messages it is done with (see pendingWork): a consumer
		// that stops by itself, such as a batch job, is not failed for them.
	case clean && returned && len(pending) > 0:
		pending = h.pendingWork(url, dlq, want.Bodies, obs)
		h.problem("the consumer's run returned at %s, before it was asked to stop, with work still pending: %s", clockTime(h.now()), strings.Join(pending, "; "))
	case clean:
	case returned && cancelled: // before it was asked to stop
		h.problem("the consumer's run returned an error before its context was cancelled: %v", runErr)
	case cancelled:
		h.problem("the consumer's run returned an error: %v (a cancellation joined or wrapped with another error is a failure, not a clean stop)", runErr)
	default:
		h.problem("the consumer's run returned an error: %v", runErr)
	}
	rep.Err = runErr

	r := h.snapshot(url, want.Bodies, obs)
	rep.Deliveries, rep.Calls = r.deliveries, r.calls
	rep.Deleted = r.deletes
	rep.Left, rep.DeadLettered = h.judge(r, verdict{dlq: dlq, wantDLQ: want.DeadLettered, timedOut: rep.TimedOut, timeout: want.Timeout, pending: pending})
	h.checkEffects(r)
	return rep
}

// visibilityTimeout is the queue's VisibilityTimeout attribute (30 s, SQS's default, if it
// cannot be read).
func (h *H) visibilityTimeout(url string) time.Duration {
	out, err := h.own.GetQueueAttributes(h.ownCtx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameVisibilityTimeout}})
	if err != nil {
		return 30 * time.Second
	}
	n, err := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameVisibilityTimeout)])
	if err != nil {
		return 30 * time.Second
	}
	return time.Duration(n) * time.Second
}

// checkLog is what a handle keeps of its checks: the problems reported, the effects declared, and
// what the trace page needs.
type checkLog struct {
	mu       sync.Mutex
	problems []string
	effects  []*Effect
	atEnd    bool                // the effects' check at the end of the test is registered
	expected map[string][]string // queue name → the bodies a check expected there, for the trace page
	lastRun  *consumerRun        // the last CheckConsumer's run, to name messages at the end
}

// problem fails the test with a sentence saying what went wrong, and records it for the trace
// page and Explore's report (problems).
func (h *H) problem(format string, args ...any) {
	h.t.Helper()
	s := fmt.Sprintf(format, args...)
	h.checks.mu.Lock()
	h.checks.problems = append(h.checks.problems, s)
	h.checks.mu.Unlock()
	h.t.Errorf("%s", s)
}

// problems are the sentences problem reported so far, oldest first.
func (h *H) problems() []string {
	h.checks.mu.Lock()
	defer h.checks.mu.Unlock()
	return slices.Clone(h.checks.problems)
}

// expectBodies notes the bodies a check expects on a queue, for the trace page.
func (h *H) expectBodies(url string, bodies []string) {
	if len(bodies) == 0 {
		return
	}
	h.checks.mu.Lock()
	defer h.checks.mu.Unlock()
	if h.checks.expected == nil {
		h.checks.expected = map[string][]string{}
	}
	q := queueurl.Name(url)
	seen := map[string]bool{}
	for _, b := range h.checks.expected[q] {
		seen[b] = true
	}
	for _, b := range bodies {
		if !seen[b] {
			seen[b] = true
			h.checks.expected[q] = append(h.checks.expected[q], b)
		}
	}
}

// now is the backend's time: the mock's manual clock, else the real clock (the bubble's fake time
// in a bubble).
func (h *H) now() time.Time {
	if h.clock != nil {
		return h.clock.Now()
	}
	return time.Now()
}

// faultPlan is the plan acting on the test's client: Options.Faults', or one given to the mock itself.
func (h *H) faultPlan() *faults.Plan {
	if h.plan == nil && h.mock != nil {
		return h.mock.Faults()
	}
	return h.plan
}

// scheduledDuplicates counts the deliveries a fault plan scheduled for the queue that no receive
// has taken yet: the duplicates inside the mock, or the messages the plan's client placement holds
// back (duplicates, delayed deliveries) on a real backend.
func (h *H) scheduledDuplicates(url string) int {
	if h.mock != nil {
		q, _ := h.mock.Queue(url)
		return q.ScheduledDuplicates
	}
	if h.plan != nil {
		return (*faultplan.Plan)(h.plan).Held(url)
	}
	return 0
}

// pending says what keeps a consumer's run from being settled (nothing: settled): messages in
// the queue, deliveries the fault plan scheduled, expected messages not delivered yet, messages
// received but neither deleted nor in the dead-letter queue.
func (h *H) pending(url, dlq string, expect []string, obs *observer) []string {
	return h.pendingOf(url, dlq, expect, obs, true)
}

// pendingWork is pending without the mock's scheduled duplicates of messages no longer in the
// queue (deleted or dead-lettered): deliveries of work already done, which SQS may make after a
// consumer that stops by itself has stopped, and which nobody then needs to receive. A message
// the client placement holds back on a real backend is still work.
func (h *H) pendingWork(url, dlq string, expect []string, obs *observer) []string {
	return h.pendingOf(url, dlq, expect, obs, false)
}

func (h *H) pendingOf(url, dlq string, expect []string, obs *observer, ghosts bool) []string {
	h.t.Helper()
	var out []string
	v, nv, d := h.Count(url)
	if v+nv+d > 0 {
		out = append(out, fmt.Sprintf("%s in the queue (%d visible, %d in flight, %d delayed)", plural(v+nv+d, "message"), v, nv, d))
	}
	n := h.scheduledDuplicates(url)
	if n > 0 && (ghosts || h.mock == nil || v+nv+d > 0) {
		out = append(out, fmt.Sprintf("%s the fault plan scheduled for a later receive (a duplicate, or one it delayed)", plural(n, "delivery")))
	}
	if obs.duplicatesInTransit(n) {
		out = append(out, "a receive that may carry a delivery the fault plan scheduled has not returned yet")
	}
	obs.mu.Lock()
	if obs.deletesOut > 0 {
		out = append(out, fmt.Sprintf("%s sent and not answered yet", plural(obs.deletesOut, "delete")))
	}
	var undelivered []string
	for i, b := range expect {
		if obs.deliveries[b] == 0 {
			undelivered = append(undelivered, fmt.Sprintf("#%d", i))
		}
	}
	// Bodies whose last delivery no delete followed yet, while that delivery's visibility timeout
	// runs: the consumer may still be handling it. Once the timeout is over, a message that still
	// exists is back in the queue, which counts it; a duplicate the fault plan delivered after the
	// message was deleted does not come back.
	unacked := 0
	now := h.now()
	for b, at := range obs.lastDelivery {
		if obs.lastDelete[b] < at && now.Before(obs.visibleAgain[b]) {
			unacked++
		}
	}
	obs.mu.Unlock()
	if n := len(undelivered); n > 0 {
		if n > 8 {
			undelivered = append(undelivered[:8], "…")
		}
		out = append(out, fmt.Sprintf("%s not delivered yet (%s)", plural(n, "expected message"), strings.Join(undelivered, ", ")))
	}
	if unacked > 0 {
		inDLQ := 0
		if dlq != "" {
			v, nv, d := h.Count(dlq)
			inDLQ = v + nv + d
		}
		if unacked > inDLQ {
			out = append(out, fmt.Sprintf("%s received but neither deleted nor in the dead-letter queue", plural(unacked-inDLQ, "message")))
		}
	}
	return out
}

// onlyCancelled reports whether err is made only of ctx's own end: each error in its tree
// (wrapped or joined) leads to ctx.Err() or its cause. A cancellation joined with any other
// error is not a clean stop.
func onlyCancelled(err error, ctx context.Context) bool {
	switch x := err.(type) {
	case interface{ Unwrap() []error }:
		errs := x.Unwrap()
		for _, e := range errs {
			if e != nil && !onlyCancelled(e, ctx) {
				return false
			}
		}
		return len(errs) > 0
	case interface{ Unwrap() error }:
		if inner := x.Unwrap(); inner != nil {
			return onlyCancelled(inner, ctx)
		}
	}
	end := ctx.Err()
	if end == nil {
		return false // run stopped on a cancellation before it was asked to
	}
	return errors.Is(err, end) || errors.Is(err, context.Cause(ctx))
}

// consumerRun is what one CheckConsumer run saw, for the sentences of its
// problems: the observer's record, copied once the run ended, and the plan's injections.
type consumerRun struct {
	url, queue string
	expect     []string
	index      map[string]int // body → its first index in expect
	deliveries map[string]int
	received   map[string][]time.Time
	ids        map[string][]string
	acked      map[string]bool
	deleted    map[string]bool
	deletedAt  map[string]time.Time
	deletes    []string
	// firstDelete orders the bodies by their first delete sent, deleteSentAt says when: the order
	// the consumer finished them in (the answers may come back in another).
	firstDelete  map[string]uint64
	deleteSentAt map[string]time.Time
	firstOrder   map[string][]string
	carried      []carrier
	calls        map[string]int
	planned      bool // a fault plan acts on the consumer's client
	injections   []faults.Injection
}

// snapshot copies what the observer saw of a run.
func (h *H) snapshot(url string, expect []string, obs *observer) *consumerRun {
	r := &consumerRun{url: url, queue: queueurl.Name(url), expect: expect, index: map[string]int{}}
	for i, b := range expect {
		if _, ok := r.index[b]; !ok {
			r.index[b] = i
		}
	}
	obs.mu.Lock()
	r.deliveries, r.received, r.ids = maps.Clone(obs.deliveries), maps.Clone(obs.received), maps.Clone(obs.ids)
	r.acked, r.deleted, r.deletedAt, r.deletes = maps.Clone(obs.acked), maps.Clone(obs.deleted), maps.Clone(obs.deletedAt), slices.Clone(obs.deletes)
	r.firstOrder, r.carried, r.calls = maps.Clone(obs.firstOrder), slices.Clone(obs.carried), maps.Clone(obs.calls)
	r.firstDelete, r.deleteSentAt = maps.Clone(obs.firstDelete), maps.Clone(obs.deleteSentAt)
	obs.mu.Unlock()
	if p := h.faultPlan(); p != nil {
		r.planned, r.injections = true, p.Injections()
	}
	h.checks.mu.Lock()
	h.checks.lastRun = r
	h.checks.mu.Unlock()
	return r
}

// name is how a sentence names a message: message #3 of 20 ("{\"id\":\"o-3\"…", id 5f2c8a1e…),
// #3 being its index in the expected bodies. id, when given, is the message's id if the consumer
// never received it.
func (r *consumerRun) name(body string, id ...string) string {
	var b strings.Builder
	if i, ok := r.index[body]; ok {
		fmt.Fprintf(&b, "message #%d of %d", i, len(r.expect))
	} else {
		b.WriteString("message")
	}
	fmt.Fprintf(&b, " (%s", excerpt(body))
	ids := r.ids[body]
	if len(ids) == 0 {
		ids = id
	}
	if len(ids) > 0 && ids[0] != "" {
		fmt.Fprintf(&b, ", id %s", shortID(ids[0]))
		if len(ids) > 1 {
			fmt.Fprintf(&b, " and %d other ids", len(ids)-1)
		}
	}
	b.WriteString(")")
	return b.String()
}

// history says how often and when the consumer received a message, and when it deleted it.
func (r *consumerRun) history(body string) string {
	n := r.deliveries[body]
	if n == 0 {
		return "never received"
	}
	s := "received " + times(n) + " (at " + clockList(r.received[body]) + ")"
	if at, ok := r.deletedAt[body]; ok {
		s += ", deleted at " + clockTime(at)
	} else if r.acked[body] {
		s += ", its deletes failed"
	} else {
		s += ", never deleted"
	}
	return s
}

// faultsOn lists the plan's injections that touched a message: those on its id, and call-level
// ones (no message id) on the one call of the consumer's that was in progress on the queue, with
// the same operation, when they fired, if that call carried the message. A call-level fault that
// several of the consumer's calls could have met is left out rather than guessed.
func (r *consumerRun) faultsOn(body string, extraIDs ...string) []faults.Injection {
	ids := map[string]bool{}
	for _, id := range append(slices.Clone(r.ids[body]), extraIDs...) {
		ids[id] = true
	}
	var out []faults.Injection
	for _, in := range r.injections {
		if in.MessageID != "" {
			if ids[in.MessageID] {
				out = append(out, in)
			}
			continue
		}
		if in.Queue != r.queue {
			continue
		}
		var hit *carrier
		n := 0
		for i := range r.carried {
			c := &r.carried[i]
			if c.op == in.Operation && !in.Time.Before(c.start) && !in.Time.After(c.end) {
				n++
				hit = c
			}
		}
		if n == 1 && slices.Contains(hit.bodies, body) {
			out = append(out, in)
		}
	}
	return out
}

// dlqExcuse says why a message could end in the dead-letter queue with a correct consumer, or
// "" when nothing the fault plan did explains it: the consumer deleted it but the plan voided
// those deletes (lost or stale-handle deletes), or the consumer sent deletes that the plan's
// errors made fail, or the consumer never saw it and the plan lost receive answers.
func (r *consumerRun) dlqExcuse(body string) string {
	if !r.planned {
		return ""
	}
	var voided, failed bool
	for _, in := range r.faultsOn(body) {
		switch faultplan.Kind(in.Kind) {
		case faultplan.LostDelete, faultplan.StaleHandleDelete:
			voided = true
		case faultplan.Error, faultplan.Throttle, faultplan.ResetBeforeApply, faultplan.Timeout, faultplan.PartialBatchFailure:
			failed = failed || strings.HasPrefix(in.Operation, "DeleteMessage")
		}
	}
	switch {
	case r.deleted[body] && voided:
		return "although the consumer deleted it: the fault plan voided its deletes"
	case r.acked[body] && !r.deleted[body] && (failed || voided):
		return "although the consumer tried to delete it: the fault plan made its deletes fail"
	case r.deliveries[body] == 0:
		for _, in := range r.injections {
			if in.Queue == r.queue && in.Operation == "ReceiveMessage" && (faultplan.Kind(in.Kind) == faultplan.ResetAfterApply || faultplan.Kind(in.Kind) == faultplan.Timeout) {
				return "never seen by the consumer: the fault plan lost the answers of receives that took it"
			}
		}
	}
	return ""
}

// upstreamClause names the faults the plan injected into SNS's publishes, which reach a queue's
// messages from upstream (a publish retried after a lost answer is two messages): "" when none.
func (r *consumerRun) upstreamClause() string {
	var parts []string
	n := 0
	for _, in := range r.injections {
		if in.Operation != "Publish" && in.Operation != "PublishBatch" {
			continue
		}
		if n++; n <= 3 {
			parts = append(parts, injectionText(in))
		}
	}
	if n == 0 {
		return ""
	}
	if n > 3 {
		parts = append(parts, fmt.Sprintf("and %d more", n-3))
	}
	return ", but the plan's faults on SNS's publishes may have: " + strings.Join(parts, ", ")
}

// faultsClause is the end of a sentence about a message: the faults that touched it, or that
// none did (nothing when no plan acts on the consumer).
func (r *consumerRun) faultsClause(body string, extraIDs ...string) string {
	if !r.planned {
		return ""
	}
	inj := r.faultsOn(body, extraIDs...)
	if len(inj) == 0 {
		return "; no fault of the plan touched it" + r.upstreamClause()
	}
	const most = 8
	parts := make([]string, 0, min(len(inj), most)+1)
	for _, in := range inj[:min(len(inj), most)] {
		parts = append(parts, injectionText(in))
	}
	if len(inj) > most {
		parts = append(parts, fmt.Sprintf("and %d more", len(inj)-most))
	}
	return "; faults on it: " + strings.Join(parts, ", ")
}

// injectionText says what one injection was: "lost-delete (rule lost-delete#1) on DeleteMessage at 00:01:05".
func injectionText(in faults.Injection) string {
	detail := ""
	if in.Detail != "" {
		detail = ", " + in.Detail
	}
	return fmt.Sprintf("%s (rule %s%s) on %s at %s", in.Kind, in.Rule, detail, in.Operation, clockTime(in.Time))
}

// verdict is what judge holds a run to beyond the observer's record.
type verdict struct {
	dlq      string   // the dead-letter queue's URL, "" if none
	wantDLQ  []string // the bodies that must end there; nil: not checked
	timedOut bool
	timeout  time.Duration
	pending  []string // what was still pending when the run timed out
}

// judge checks a consumer's settled run and reports each problem in a sentence: the run not
// settled, messages received that were not sent, left in the queue, never delivered, lost,
// deleted yet dead-lettered, dead-lettered unexpectedly or not, and FIFO order broken. It drains
// the dead-letter queue, and returns how many messages were left in the queue and the bodies
// that were in the dead-letter queue.
func (h *H) judge(r *consumerRun, v verdict) (left int, deadLettered []string) {
	h.t.Helper()
	if v.timedOut {
		h.problem("the consumer's run was not settled within %s; still pending at the end: %s", v.timeout, strings.Join(v.pending, "; "))
	}
	if len(r.expect) > 0 {
		stray := h.upTo(10)
		for _, b := range slices.Sorted(maps.Keys(r.deliveries)) {
			if _, ok := r.index[b]; !ok {
				stray.problem("%s was received by the consumer, but the test did not send it (it is not among the %d expected bodies)%s", r.name(b), len(r.expect), r.faultsClause(b))
			}
		}
		stray.done("messages the test did not send were received by the consumer")
	}

	// What is left in the queue: message by message on the mock, counted elsewhere.
	vis, nv, d := h.Count(r.url)
	left = vis + nv + d
	leftBodies := map[string]bool{}
	if h.mock != nil {
		still := h.upTo(10)
		for _, m := range h.mock.Messages(r.url) {
			leftBodies[m.Body] = true
			state := map[string]string{"ready": "visible", "inflight": "in flight until " + clockTime(m.VisibleAt),
				"delayed": "delayed until " + clockTime(m.VisibleAt)}[m.State]
			still.problem("%s is still in the queue at the end (%s, receive count %d); the consumer: %s%s", r.name(m.Body, m.MessageID), state, m.ReceiveCount, r.history(m.Body), r.faultsClause(m.Body, m.MessageID))
		}
		still.done("messages are still in the queue at the end")
	} else if left > 0 {
		h.problem("%s still in the queue at the end (%d visible, %d in flight, %d delayed)", plural(left, "message is", "messages are"), vis, nv, d)
	}
	unsure := h.mock == nil && left > 0 // a message not accounted for may be among those left

	// The dead-letter queue.
	var inDLQ map[string]int
	if v.dlq != "" {
		deadLettered = bodiesOf(h.Drain(v.dlq))
		inDLQ = map[string]int{}
		for _, b := range deadLettered {
			inDLQ[b]++
		}
	}

	never := h.upTo(10)
	for i, b := range r.expect {
		if r.index[b] != i || r.deliveries[b] > 0 || leftBodies[b] || inDLQ[b] > 0 {
			continue
		}
		hint := "; it is not in the queue either: was it sent?"
		if unsure {
			hint = "; it may be among the messages left in the queue"
		}
		never.problem("%s was never delivered to the consumer%s%s", r.name(b), hint, r.faultsClause(b))
	}
	never.done("expected messages were never delivered to the consumer")
	lost := h.upTo(10)
	for _, b := range slices.Sorted(maps.Keys(r.deliveries)) {
		if r.acked[b] || inDLQ[b] > 0 || leftBodies[b] || unsure {
			continue
		}
		where := "it is not in the dead-letter queue"
		if v.dlq == "" {
			where = "the queue has no dead-letter queue"
		}
		lost.problem("%s was lost: the consumer never deleted it and %s (%s)%s", r.name(b), where, r.history(b), r.faultsClause(b))
	}
	lost.done("messages were lost")
	want := map[string]bool{}
	for _, b := range v.wantDLQ {
		want[b] = true
	}
	deletedDLQ, unseenDLQ, extraDLQ := h.upTo(10), h.upTo(10), h.upTo(10)
	for _, b := range slices.Sorted(maps.Keys(inDLQ)) {
		// SQS moves a message to the dead-letter queue after maxReceiveCount receives, whoever
		// caused them. A message the consumer handled and deleted, whose deletes the fault plan
		// voided, or whose receives the plan lost before the consumer saw them, can end there
		// with a correct consumer: that is the plan's doing, said in the log, not a failure.
		if why := r.dlqExcuse(b); why != "" && (!want[b] || v.wantDLQ == nil) {
			h.t.Logf("harness: %s ended in the dead-letter queue after %s, %s; not a bug of the consumer: a correct consumer's messages end there too when faults push them past maxReceiveCount%s",
				r.name(b), plural(r.deliveries[b], "receive"), why, r.faultsClause(b))
			continue
		}
		switch {
		case r.deleted[b]:
			deletedDLQ.problem("%s was deleted by the consumer at %s but then found in the dead-letter queue after %s%s", r.name(b), clockTime(r.deletedAt[b]), plural(r.deliveries[b], "receive"), r.faultsClause(b))
		case r.deliveries[b] == 0:
			unseenDLQ.problem("%s is in the dead-letter queue, but the consumer never received it%s", r.name(b), r.faultsClause(b))
		case v.wantDLQ != nil && !want[b]:
			extraDLQ.problem("%s is in the dead-letter queue, but Expect.DeadLettered does not list it; the consumer: %s%s", r.name(b), r.history(b), r.faultsClause(b))
		}
	}
	deletedDLQ.done("messages the consumer deleted were found in the dead-letter queue")
	unseenDLQ.done("messages the consumer never received are in the dead-letter queue")
	extraDLQ.done("messages Expect.DeadLettered does not list are in the dead-letter queue")
	if v.wantDLQ != nil {
		missing := slices.DeleteFunc(slices.Clone(v.wantDLQ), func(b string) bool { return inDLQ[b] > 0 })
		slices.Sort(missing)
		absent := h.upTo(10)
		for _, b := range slices.Compact(missing) {
			if v.dlq == "" {
				absent.problem("%s should have ended in the dead-letter queue (Expect.DeadLettered), but the queue has none; the consumer: %s%s", r.name(b), r.history(b), r.faultsClause(b))
				continue
			}
			absent.problem("%s should have ended in the dead-letter queue (Expect.DeadLettered), but it is not there; the consumer: %s%s", r.name(b), r.history(b), r.faultsClause(b))
		}
		absent.done("messages of Expect.DeadLettered are not in the dead-letter queue")
	}
	if isFIFO(r.url) && len(r.expect) > 0 {
		h.judgeOrder(r, inDLQ)
	}
	return left, deadLettered
}

// judgeOrder checks a FIFO queue's order, group by group, and says who broke it. A group's first
// deliveries follow the queue's sequence numbers, that is the order the messages were sent in: a
// first-delivery order other than the expected one means the producer sent them out of order.
// The consumer broke the order when it deleted a group's message before one that came before it
// in the queue and was not dead-lettered.
func (h *H) judgeOrder(r *consumerRun, inDLQ map[string]int) {
	h.t.Helper()
	for _, g := range slices.Sorted(maps.Keys(r.firstOrder)) {
		latest := "" // of the messages first delivered so far, the one that comes last in the expected order
		for _, b := range r.firstOrder[g] {
			i, ok := r.index[b]
			if !ok {
				continue
			}
			if latest != "" && i < r.index[latest] {
				h.problem("group %q: %s was first delivered before %s, which comes before it in the expected order; "+
					"a FIFO queue delivers a group in the order it stored the messages, so they were sent in this order: the producer broke the order, not the consumer",
					g, r.name(latest), r.name(b))
				break
			}
			if latest == "" || i > r.index[latest] {
				latest = b
			}
		}
	}
	for _, g := range slices.Sorted(maps.Keys(r.firstOrder)) {
		bodies := r.firstOrder[g] // the group in the queue's order
	group:
		for j, later := range bodies {
			pj, ok := r.firstDelete[later]
			if !ok || !r.deleted[later] {
				continue
			}
			for _, earlier := range bodies[:j] {
				pi, deleted := r.firstDelete[earlier]
				if inDLQ[earlier] > 0 || deleted && pi < pj {
					continue
				}
				fate := "never deleted"
				if deleted {
					fate = "deleted at " + clockTime(r.deleteSentAt[earlier])
				}
				h.problem("group %q: the consumer deleted %s at %s before %s (%s), which comes before it in the group and was not dead-lettered: the consumer broke the order%s",
					g, r.name(later), clockTime(r.deleteSentAt[later]), r.name(earlier), fate, r.faultsClause(earlier))
				break group
			}
		}
	}
}

// upTo reports the first most problems of one kind, and then (done) how many more there were:
// a consumer that loses every message of a thousand fails with a screenful, not a thousand lines.
func (h *H) upTo(most int) *limited { return &limited{h: h, most: most} }

type limited struct {
	h       *H
	most, n int
}

func (l *limited) problem(format string, args ...any) {
	l.h.t.Helper()
	if l.n++; l.n <= l.most {
		l.h.problem(format, args...)
	}
}

// done reports how many problems were left out: "and 12 more <what>".
func (l *limited) done(what string) {
	l.h.t.Helper()
	if l.n > l.most {
		l.h.problem("and %d more %s", l.n-l.most, what)
	}
}

// excerpt is a body as sentences quote it: its first 40 bytes, cut at a character.
func excerpt(body string) string {
	const most = 40
	if len(body) <= most {
		return fmt.Sprintf("%q", body)
	}
	cut := most
	for cut > 0 && !utf8RuneStart(body[cut]) {
		cut--
	}
	return fmt.Sprintf("%q", body[:cut]+"…")
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// shortID is a message id as sentences and the trace page's lanes show it: its first 8 characters.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

// clockTime is a time on the backend's clock as sentences say it: the time of day, with
// milliseconds when it has a fraction of a second (the trace page's event table shows the same).
func clockTime(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	if t.Nanosecond() == 0 {
		return t.UTC().Format("15:04:05")
	}
	return t.UTC().Format("15:04:05.000")
}

// clockList is a few times, the rest counted.
func clockList(ts []time.Time) string {
	const most = 4
	parts := make([]string, 0, min(len(ts), most)+1)
	for _, t := range ts[:min(len(ts), most)] {
		parts = append(parts, clockTime(t))
	}
	if len(ts) > most {
		parts = append(parts, fmt.Sprintf("and %d more", len(ts)-most))
	}
	return strings.Join(parts, ", ")
}

// times is "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// plural is "1 message" or "2 messages"; with forms given, "1 message is" or "2 messages are".
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	if k := len(one); k > 1 && one[k-1] == 'y' && !strings.ContainsRune("aeiou", rune(one[k-2])) {
		return fmt.Sprintf("%d %sies", n, one[:k-1])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
