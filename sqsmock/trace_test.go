package sqsmock_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// newTraceEnv is an env with tracing on.
func newTraceEnv(t *testing.T, opts ...func(*sqsmock.Options)) *env {
	t.Helper()
	return newEnv(t, append([]func(*sqsmock.Options){func(o *sqsmock.Options) { o.TraceSize = 1000 }}, opts...)...)
}

// traceSince returns the trace's events after Seq mark but the calls' own (kind call, see
// TestTraceRecordsCalls), normalised for comparison: Seq cleared, times in UTC.
func (e *env) traceSince(mark uint64) []sqsmock.TraceEvent {
	e.t.Helper()
	var out []sqsmock.TraceEvent
	for _, ev := range e.mock.Trace() {
		if ev.Seq <= mark || ev.Kind == "call" {
			continue
		}
		ev.Seq = 0
		ev.Time = ev.Time.UTC()
		if !ev.VisibleAt.IsZero() {
			ev.VisibleAt = ev.VisibleAt.UTC()
		}
		out = append(out, ev)
	}
	return out
}

// mark is the Seq of the trace's newest event.
func (e *env) mark() uint64 {
	evs := e.mock.Trace()
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

// lastCall is the ID of the newest recorded call of an operation.
func (e *env) lastCall(op string) uint64 {
	e.t.Helper()
	calls := e.mock.CallsTo(op)
	require.NotEmpty(e.t, calls, "no %s call recorded", op)
	return calls[len(calls)-1].ID
}

// ev is an expected event in the mock's own namespace.
func (e *env) ev(kind string, queue, op string, at time.Time) sqsmock.TraceEvent {
	ev := sqsmock.TraceEvent{Kind: kind, Queue: queue, Region: e.reg, Account: e.acct, Time: at, Operation: op}
	if op != "" {
		ev.CallID = e.lastCall(op)
	}
	return ev
}

func TestTraceQueueEvents(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	want := []sqsmock.TraceEvent{e.ev("queue.created", "jobs", "CreateQueue", epoch)}
	assert.Equal(t, want, e.traceSince(0))

	m := e.mark()
	require.NoError(t, e.setAttrs(url, map[string]string{"VisibilityTimeout": "5", "DelaySeconds": "0"}))
	a := e.ev("queue.attributes", "jobs", "SetQueueAttributes", epoch)
	a.Detail = "DelaySeconds,VisibilityTimeout"
	assert.Equal(t, []sqsmock.TraceEvent{a}, e.traceSince(m))

	e.send(url, "a")
	e.send(url, "b")
	m = e.mark()
	_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	p := e.ev("queue.purged", "jobs", "PurgeQueue", epoch)
	p.Count = 2
	assert.Equal(t, []sqsmock.TraceEvent{p}, e.traceSince(m))

	e.send(url, "c")
	m = e.mark()
	_, err = e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	d := e.ev("queue.deleted", "jobs", "DeleteQueue", epoch)
	d.Count = 1
	assert.Equal(t, []sqsmock.TraceEvent{d}, e.traceSince(m))
}

func TestTraceMessageLifecycle(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", map[string]string{"VisibilityTimeout": "30"})
	m := e.mark()
	id := aws.ToString(e.send(url, "hello").MessageId)
	sent := e.ev("message.sent", "jobs", "SendMessage", epoch)
	sent.MessageID, sent.Body = id, "hello"

	first := e.recvOne(url)
	r1 := e.ev("message.received", "jobs", "ReceiveMessage", epoch)
	r1.MessageID, r1.ReceiptHandle, r1.ReceiveCount, r1.VisibleAt = id, aws.ToString(first.ReceiptHandle), 1, epoch.Add(30*time.Second)
	assert.Equal(t, []sqsmock.TraceEvent{sent, r1}, e.traceSince(m))

	// The timeout ends at +30s; the engine notices at +45s, and says when it happened.
	e.clk.Advance(45 * time.Second)
	m = e.mark()
	second := e.recvOne(url)
	vis := e.ev("message.visible", "jobs", "", epoch.Add(30*time.Second))
	vis.MessageID, vis.ReceiveCount, vis.Detail = id, 1, "visibility timeout ended"
	r2 := e.ev("message.received", "jobs", "ReceiveMessage", epoch.Add(45*time.Second))
	r2.MessageID, r2.ReceiptHandle, r2.ReceiveCount, r2.VisibleAt = id, aws.ToString(second.ReceiptHandle), 2, epoch.Add(75*time.Second)
	assert.Equal(t, []sqsmock.TraceEvent{vis, r2}, e.traceSince(m))

	m = e.mark()
	require.NoError(t, e.cmv(url, aws.ToString(second.ReceiptHandle), 100))
	cv := e.ev("message.visibility", "jobs", "ChangeMessageVisibility", epoch.Add(45*time.Second))
	cv.MessageID, cv.ReceiptHandle, cv.ReceiveCount, cv.VisibleAt = id, aws.ToString(second.ReceiptHandle), 2, epoch.Add(145*time.Second)
	require.NoError(t, e.del(url, aws.ToString(second.ReceiptHandle)))
	del := e.ev("message.deleted", "jobs", "DeleteMessage", epoch.Add(45*time.Second))
	del.MessageID, del.ReceiptHandle, del.ReceiveCount = id, aws.ToString(second.ReceiptHandle), 2
	assert.Equal(t, []sqsmock.TraceEvent{cv, del}, e.traceSince(m))

	// The events' CallIDs are the calls' IDs, each call its own.
	ids := map[uint64]string{}
	for _, c := range e.mock.Calls() {
		ids[c.ID] = c.Operation
	}
	for _, ev := range e.traceSince(0) {
		if ev.CallID != 0 {
			assert.Equal(t, ev.Operation, ids[ev.CallID], "event %+v", ev)
		}
	}
}

func TestTraceVisibilityZero(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	id := aws.ToString(e.send(url, "x").MessageId)
	h := aws.ToString(e.recvOne(url).ReceiptHandle)
	m := e.mark()
	require.NoError(t, e.cmv(url, h, 0))
	cv := e.ev("message.visibility", "jobs", "ChangeMessageVisibility", epoch)
	cv.MessageID, cv.ReceiptHandle, cv.ReceiveCount, cv.VisibleAt = id, h, 1, epoch
	vis := e.ev("message.visible", "jobs", "ChangeMessageVisibility", epoch)
	vis.MessageID, vis.ReceiveCount, vis.Detail = id, 1, "visibility timeout set to 0"
	assert.Equal(t, []sqsmock.TraceEvent{cv, vis}, e.traceSince(m))
}

func TestTraceDelayedSend(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	m := e.mark()
	out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 10})
	require.NoError(t, err)
	id := aws.ToString(out.MessageId)
	sent := e.ev("message.sent", "jobs", "SendMessage", epoch)
	sent.MessageID, sent.Body, sent.VisibleAt = id, "later", epoch.Add(10*time.Second)

	e.clk.Advance(15 * time.Second)
	e.mock.Queues() // inspection applies the deadlines that passed
	vis := e.ev("message.visible", "jobs", "", epoch.Add(10*time.Second))
	vis.MessageID, vis.Detail = id, "delay ended"
	assert.Equal(t, []sqsmock.TraceEvent{sent, vis}, e.traceSince(m))
}

func TestTraceBodyIsCut(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	body := strings.Repeat("a", 255) + "é" + strings.Repeat("b", 100) // é straddles byte 256
	e.send(url, body)
	evs := e.traceSince(e.mark() - 2) // message.sent and its call
	require.Len(t, evs, 1)
	assert.Equal(t, strings.Repeat("a", 255), evs[0].Body)
}

func TestTraceDeduplicated(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs.fifo", nil)
	m := e.mark()
	orig := aws.ToString(e.sendFifo(url, "one", "g", "d1").MessageId)
	e.sendFifo(url, "one again", "g", "d1")
	sent := e.ev("message.sent", "jobs.fifo", "SendMessage", epoch)
	sent.CallID = e.mock.CallsTo("SendMessage")[0].ID
	sent.MessageID, sent.Body, sent.GroupID = orig, "one", "g"
	dup := e.ev("message.deduplicated", "jobs.fifo", "SendMessage", epoch)
	dup.MessageID, dup.GroupID, dup.Detail = orig, "g", "MessageDeduplicationId d1"
	assert.Equal(t, []sqsmock.TraceEvent{sent, dup}, e.traceSince(m))
}

func TestTraceExpired(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", map[string]string{"MessageRetentionPeriod": "60"})
	id := aws.ToString(e.send(url, "old").MessageId)
	m := e.mark()
	e.clk.Advance(90 * time.Second)
	e.mock.Queues()
	exp := e.ev("message.expired", "jobs", "", epoch.Add(60*time.Second))
	exp.MessageID = id
	assert.Equal(t, []sqsmock.TraceEvent{exp}, e.traceSince(m))
}

func TestTraceDeadLetteredAndMoved(t *testing.T) {
	e := newTraceEnv(t)
	dlq := e.create("jobs-dlq", nil)
	src := e.create("jobs", map[string]string{"VisibilityTimeout": "10",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + e.arn(dlq) + `","maxReceiveCount":1}`})
	id := aws.ToString(e.send(src, "poison").MessageId)
	e.recvOne(src)
	e.clk.Advance(10 * time.Second)
	m := e.mark()
	require.Empty(t, e.recv(src, nil))
	vis := e.ev("message.visible", "jobs", "", epoch.Add(10*time.Second))
	vis.MessageID, vis.ReceiveCount, vis.Detail = id, 1, "visibility timeout ended"
	dl := e.ev("message.deadlettered", "jobs", "ReceiveMessage", epoch.Add(10*time.Second))
	dl.MessageID, dl.ReceiveCount, dl.Target = id, 1, "jobs-dlq"
	assert.Equal(t, []sqsmock.TraceEvent{vis, dl}, e.traceSince(m))

	m = e.mark()
	e.startTask(dlq, src, 0)
	e.blockUntil(1)
	e.clk.Advance(time.Second)
	var moved []sqsmock.TraceEvent
	require.Eventually(t, func() bool { moved = e.traceSince(m); return len(moved) == 1 }, 5*time.Second, time.Millisecond)
	msgs := e.mock.Messages(src)
	require.Len(t, msgs, 1)
	mv := e.ev("message.moved", "jobs-dlq", "StartMessageMoveTask", epoch.Add(11*time.Second))
	mv.MessageID, mv.ReceiveCount, mv.Target, mv.TargetMessageID = id, 1, "jobs", msgs[0].MessageID
	assert.Equal(t, []sqsmock.TraceEvent{mv}, moved)
}

func TestTraceFailedRequestsLeaveNoEvents(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", map[string]string{"MaximumMessageSize": "1024"})
	id := aws.ToString(e.send(url, "x").MessageId)
	h := aws.ToString(e.recvOne(url).ReceiptHandle)
	m := e.mark()
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(strings.Repeat("x", 2000))})
	require.Error(t, err)
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url + "-gone"), MessageBody: aws.String("x")})
	require.Error(t, err)
	require.Error(t, e.del(url, "AQEBnot-a-handle"))
	require.Error(t, e.cmv(url, h, 50000))
	require.Error(t, e.setAttrs(url, map[string]string{"VisibilityTimeout": "-1"}))
	_, err = e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	m2 := e.mark()
	_, err = e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}) // within 60 s: refused
	require.Error(t, err)
	assert.Len(t, e.traceSince(m), 1, "only the first purge")
	assert.Empty(t, e.traceSince(m2))
	assert.NotEmpty(t, id)
}

func TestTraceRingDropsTheOldest(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.TraceSize = 3 })
	c := m.Client()
	ctx := context.Background()
	for i := range 5 {
		_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("q%d", i))})
		require.NoError(t, err)
	}
	evs := m.Trace() // each CreateQueue: queue.created, then call
	require.Len(t, evs, 3)
	for i, ev := range evs {
		assert.Equal(t, uint64(i+8), ev.Seq, "the 7 oldest dropped")
	}
	assert.Equal(t, []string{"q3", "q4", "q4"}, []string{evs[0].Queue, evs[1].Queue, evs[2].Queue})
	assert.Equal(t, []string{"call", "queue.created", "call"}, []string{evs[0].Kind, evs[1].Kind, evs[2].Kind})
}

func TestTraceOffByDefault(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
	_, err := m.Client().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("jobs")), MessageBody: aws.String("x")})
	require.NoError(t, err)
	assert.Nil(t, m.Trace())
	var buf bytes.Buffer
	require.NoError(t, m.WriteTrace(&buf))
	assert.Empty(t, buf.String())
	assert.NotZero(t, m.Calls()[0].ID, "calls are numbered without a trace")
}

func TestWriteTraceParsesBack(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	e.send(url, "a \"quoted\"\nbody")
	h := aws.ToString(e.recvOne(url).ReceiptHandle)
	require.NoError(t, e.del(url, h))
	var buf bytes.Buffer
	require.NoError(t, e.mock.WriteTrace(&buf))
	var got []sqsmock.TraceEvent
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var ev sqsmock.TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		got = append(got, ev)
	}
	want := e.mock.Trace()
	require.Len(t, got, len(want))
	for i := range want {
		assert.True(t, want[i].Time.Equal(got[i].Time))
		got[i].Time = want[i].Time
		assert.Equal(t, want[i], got[i])
	}
	assert.Contains(t, strings.Split(strings.TrimSpace(mustJSON(t, want[2])), ","), `"kind":"message.sent"`)
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// traceAnswer is GET /_sqsmock/trace's answer.
type traceAnswer struct {
	Events  []sqsmock.TraceEvent `json:"events"`
	Dropped uint64               `json:"dropped"`
	Last    uint64               `json:"last"`
	Size    int                  `json:"size"`
}

func getTrace(t *testing.T, h http.Handler, query string) (int, traceAnswer) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1:9324/_sqsmock/trace"+query, nil))
	var a traceAnswer
	if rec.Code == http.StatusOK {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a), rec.Body.String())
	}
	return rec.Code, a
}

func TestTraceEndpoint(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}}; o.TraceSize = 6000 })
	h := m.Handler()
	c, ctx := m.Client(), context.Background()
	for range 2600 { // message.sent and call each
		_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("jobs")), MessageBody: aws.String("x")})
		require.NoError(t, err)
	}
	code, a := getTrace(t, h, "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, a.Events, 5000, "at most 5000 an answer")
	assert.Equal(t, uint64(1), a.Events[0].Seq)
	assert.Equal(t, "queue.created", a.Events[0].Kind)
	assert.Equal(t, uint64(5201), a.Last)
	assert.Equal(t, 6000, a.Size)
	assert.Zero(t, a.Dropped)

	_, a = getTrace(t, h, "?since=5000")
	require.Len(t, a.Events, 201)
	assert.Equal(t, uint64(5001), a.Events[0].Seq)
	assert.Equal(t, uint64(5201), a.Events[200].Seq)
	_, a = getTrace(t, h, "?since=5201")
	assert.NotNil(t, a.Events)
	assert.Empty(t, a.Events)
	_, a = getTrace(t, h, "?since=99999")
	assert.Empty(t, a.Events)

	for range 1000 { // past the ring's size: the oldest go
		_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("jobs")), MessageBody: aws.String("x")})
		require.NoError(t, err)
	}
	_, a = getTrace(t, h, "?since=10")
	assert.Equal(t, uint64(1201), a.Dropped)
	assert.Equal(t, uint64(1202), a.Events[0].Seq, "the oldest held")

	code, _ = getTrace(t, h, "?since=-1")
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = getTrace(t, h, "?since=abc")
	assert.Equal(t, http.StatusBadRequest, code)

	code, a = getTrace(t, sqsmock.New().Handler(), "?since=0")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, traceAnswer{Events: []sqsmock.TraceEvent{}}, a, "tracing off: empty, size 0")
}

func TestTraceConcurrent(t *testing.T) {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "a"}, {Name: "b"}}; o.TraceSize = 100000 })
	c, ctx := m.Client(), context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			url := m.QueueURL([]string{"a", "b"}[g%2])
			for range 50 {
				_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
				assert.NoError(t, err)
				out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
				if !assert.NoError(t, err) {
					return
				}
				for _, msg := range out.Messages {
					_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: msg.ReceiptHandle})
					assert.NoError(t, err)
				}
			}
		})
	}
	wg.Wait()
	evs := m.Trace()
	stage := map[string]string{}
	counts := map[string]int{}
	for i, ev := range evs {
		require.Equal(t, uint64(i+1), ev.Seq, "Seq has no gaps")
		counts[ev.Kind]++
		switch ev.Kind {
		case "message.sent":
			assert.Empty(t, stage[ev.MessageID])
		case "message.received":
			assert.Contains(t, []string{"message.sent", "message.visible"}, stage[ev.MessageID])
		case "message.deleted":
			assert.Equal(t, "message.received", stage[ev.MessageID])
		}
		stage[ev.MessageID] = ev.Kind
	}
	assert.Equal(t, 400, counts["message.sent"])
	assert.Equal(t, counts["message.received"], counts["message.deleted"])
}

func TestTraceFaults(t *testing.T) {
	plan := mustPlan(t, 1,
		faults.DuplicateDelivery(0).Named("twice").On("ReceiveMessage").Times(1),
		faults.LostDelete().Named("lost").Times(1),
		faults.Error("InternalError").Named("boom").On("GetQueueAttributes").Times(1),
	)
	e := newTraceEnv(t, func(o *sqsmock.Options) { o.Faults = plan })
	url := e.create("jobs", map[string]string{"VisibilityTimeout": "30"})
	id := aws.ToString(e.send(url, "m").MessageId)
	other := aws.ToString(e.send(url, "n").MessageId)

	m := e.mark()
	msgs := e.recv(url, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	require.Len(t, msgs, 1)
	require.Equal(t, id, aws.ToString(msgs[0].MessageId))
	h := aws.ToString(msgs[0].ReceiptHandle)
	f := e.ev("fault", "jobs", "ReceiveMessage", epoch)
	f.MessageID, f.Rule, f.Fault, f.Detail = id, "twice", "duplicate-delivery", "after 0s"
	r := e.ev("message.received", "jobs", "ReceiveMessage", epoch)
	r.MessageID, r.ReceiptHandle, r.ReceiveCount, r.VisibleAt = id, h, 1, epoch.Add(30*time.Second)
	assert.Equal(t, []sqsmock.TraceEvent{f, r}, e.traceSince(m))

	m = e.mark()
	require.NoError(t, e.del(url, h)) // lost: no message.deleted
	lost := e.ev("fault", "jobs", "DeleteMessage", epoch)
	lost.MessageID, lost.ReceiptHandle, lost.Rule, lost.Fault = id, h, "lost", "lost-delete"
	assert.Equal(t, []sqsmock.TraceEvent{lost}, e.traceSince(m))

	// The duplicate comes with the next receive, the same message.
	m = e.mark()
	again := e.recv(url, nil)
	var ids []string
	for _, ev := range e.traceSince(m) {
		if ev.Kind == "message.received" {
			ids = append(ids, ev.MessageID)
		}
	}
	assert.ElementsMatch(t, []string{id, other}, ids)
	assert.Len(t, again, 2)

	// A call-level fault fails the call: the fault is its only event.
	m = e.mark()
	_, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
	require.Error(t, err)
	boom := e.ev("fault", "jobs", "GetQueueAttributes", epoch)
	boom.Rule, boom.Fault, boom.Detail = "boom", "error", "InternalError"
	assert.Equal(t, []sqsmock.TraceEvent{boom}, e.traceSince(m))
	assert.Error(t, e.mock.CallsTo("GetQueueAttributes")[0].Err)
}

// TagQueue and UntagQueue record queue.tagged and queue.untagged with the keys given.
func TestTraceTags(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	m := e.mark()
	_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"team": "a", "env": "test"}})
	require.NoError(t, err)
	tagged := e.ev("queue.tagged", "jobs", "TagQueue", epoch)
	tagged.Detail = "env,team"
	_, err = e.c.UntagQueue(e.ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(url), TagKeys: []string{"team", "nope", "team"}})
	require.NoError(t, err)
	untagged := e.ev("queue.untagged", "jobs", "UntagQueue", epoch)
	untagged.Detail = "nope,team"
	assert.Equal(t, []sqsmock.TraceEvent{tagged, untagged}, e.traceSince(m))

	// A refused call records nothing.
	m = e.mark()
	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"": "x"}})
	require.Error(t, err)
	assert.Empty(t, e.traceSince(m))
}

// Reset keeps the trace, records mock.reset, then the WithQueue queues' creation; Seq goes on.
func TestTraceReset(t *testing.T) {
	e := newTraceEnv(t, func(o *sqsmock.Options) { o.Queues = append(o.Queues, sqsmock.Queue{Name: "kept"}) })
	url := e.create("jobs", nil)
	e.send(url, "a")
	before := e.mock.Trace()
	require.NoError(t, e.mock.Reset())
	after := e.mock.Trace()
	require.Len(t, after, len(before)+2)
	assert.Equal(t, before, after[:len(before)], "the events before the Reset are kept")
	reset, created := after[len(before)], after[len(before)+1]
	assert.Equal(t, "mock.reset", reset.Kind)
	assert.Equal(t, before[len(before)-1].Seq+1, reset.Seq)
	assert.Equal(t, epoch, reset.Time.UTC())
	assert.Empty(t, reset.Queue)
	assert.Equal(t, "queue.created", created.Kind)
	assert.Equal(t, "kept", created.Queue)
}

// The batch calls record one event per entry that succeeded, each with the call's id.
func TestTraceBatches(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", map[string]string{"VisibilityTimeout": "30"})
	e.send(url, "a")
	e.send(url, "b")
	out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, out.Messages, 2)
	a, b := out.Messages[0], out.Messages[1]

	m := e.mark()
	cv, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url),
		Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
			{Id: aws.String("1"), ReceiptHandle: a.ReceiptHandle, VisibilityTimeout: 100},
			{Id: aws.String("2"), ReceiptHandle: aws.String("not-a-handle"), VisibilityTimeout: 100},
			{Id: aws.String("3"), ReceiptHandle: b.ReceiptHandle, VisibilityTimeout: 200},
		}})
	require.NoError(t, err)
	require.Len(t, cv.Failed, 1)
	va := e.ev("message.visibility", "jobs", "ChangeMessageVisibilityBatch", epoch)
	va.MessageID, va.ReceiptHandle, va.ReceiveCount, va.VisibleAt = aws.ToString(a.MessageId), aws.ToString(a.ReceiptHandle), 1, epoch.Add(100*time.Second)
	vb := e.ev("message.visibility", "jobs", "ChangeMessageVisibilityBatch", epoch)
	vb.MessageID, vb.ReceiptHandle, vb.ReceiveCount, vb.VisibleAt = aws.ToString(b.MessageId), aws.ToString(b.ReceiptHandle), 1, epoch.Add(200*time.Second)
	assert.Equal(t, []sqsmock.TraceEvent{va, vb}, e.traceSince(m))

	m = e.mark()
	del, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url),
		Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("1"), ReceiptHandle: b.ReceiptHandle},
			{Id: aws.String("2"), ReceiptHandle: aws.String("not-a-handle")},
			{Id: aws.String("3"), ReceiptHandle: a.ReceiptHandle},
		}})
	require.NoError(t, err)
	require.Len(t, del.Failed, 1)
	db := e.ev("message.deleted", "jobs", "DeleteMessageBatch", epoch)
	db.MessageID, db.ReceiptHandle, db.ReceiveCount = aws.ToString(b.MessageId), aws.ToString(b.ReceiptHandle), 1
	da := e.ev("message.deleted", "jobs", "DeleteMessageBatch", epoch)
	da.MessageID, da.ReceiptHandle, da.ReceiveCount = aws.ToString(a.MessageId), aws.ToString(a.ReceiptHandle), 1
	assert.Equal(t, []sqsmock.TraceEvent{db, da}, e.traceSince(m))

	// A FIFO batch whose second entry repeats the first's deduplication id, and whose third
	// repeats one sent before: one message.sent, two message.deduplicated naming the originals.
	fifo := e.create("jobs.fifo", nil)
	first := aws.ToString(e.sendFifo(fifo, "earlier", "g", "d0").MessageId)
	m = e.mark()
	sb, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(fifo),
		Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("1"), MessageBody: aws.String("one"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1")},
			{Id: aws.String("2"), MessageBody: aws.String("one again"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1")},
			{Id: aws.String("3"), MessageBody: aws.String("earlier again"), MessageGroupId: aws.String("h"), MessageDeduplicationId: aws.String("d0")},
		}})
	require.NoError(t, err)
	require.Len(t, sb.Successful, 3)
	orig := aws.ToString(sb.Successful[0].MessageId)
	assert.Equal(t, orig, aws.ToString(sb.Successful[1].MessageId), "the duplicate answers the original's id")
	assert.Equal(t, first, aws.ToString(sb.Successful[2].MessageId))
	sent := e.ev("message.sent", "jobs.fifo", "SendMessageBatch", epoch)
	sent.MessageID, sent.Body, sent.GroupID = orig, "one", "g"
	dup := e.ev("message.deduplicated", "jobs.fifo", "SendMessageBatch", epoch)
	dup.MessageID, dup.GroupID, dup.Detail = orig, "g", "MessageDeduplicationId d1"
	dup0 := e.ev("message.deduplicated", "jobs.fifo", "SendMessageBatch", epoch)
	dup0.MessageID, dup0.GroupID, dup0.Detail = first, "h", "MessageDeduplicationId d0"
	assert.Equal(t, []sqsmock.TraceEvent{sent, dup, dup0}, e.traceSince(m))
}

// Every call is a trace event of kind call, after the events it caused: its operation, queue,
// call id and, when it failed, the error.
func TestTraceRecordsCalls(t *testing.T) {
	e := newTraceEnv(t)
	url := e.create("jobs", nil)
	mark := e.mark()
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("hi")})
	require.NoError(t, err)
	_, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url + "-gone")})
	require.Error(t, err)
	var got []sqsmock.TraceEvent
	for _, ev := range e.mock.Trace() {
		if ev.Seq > mark {
			got = append(got, ev)
		}
	}
	require.Len(t, got, 3)
	assert.Equal(t, []string{"message.sent", "call", "call"}, []string{got[0].Kind, got[1].Kind, got[2].Kind})
	assert.Equal(t, "SendMessage", got[1].Operation)
	assert.Equal(t, "jobs", got[1].Queue)
	assert.Equal(t, got[0].CallID, got[1].CallID, "the call's events share its id")
	assert.Empty(t, got[1].Detail)
	assert.Equal(t, "GetQueueAttributes", got[2].Operation)
	assert.Contains(t, got[2].Detail, "NonExistentQueue")
}
