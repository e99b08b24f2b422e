package faultplan_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// These tests run the client placement (the middleware on a real *sqs.Client) and the server
// placement (a plan inside the mock server, set over its admin endpoint) against sqsmock's HTTP
// server on loopback, with a manual clock. The SDK's standard retryer keeps its default retry
// classification and 3 attempts; only its backoff is zero, so nothing sleeps.

var srvEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// srvEnv is a mock server with a manual clock, a standard queue "jobs" (visibility timeout 30s)
// and a real SDK client on it.
type srvEnv struct {
	t   *testing.T
	srv *sqsmock.Server
	clk *sqsmock.ManualClock
	c   *sqs.Client
	q   string
	ctx context.Context
	// mark is the Seq of the trace's newest event when the env was ready: calls counts those after it.
	mark uint64
}

// newSrvEnv starts the server; a non-nil plan is put on the client as middleware, on the
// server's clock (windows, buckets, held messages) and sleeping on it (latency).
// blockUntil waits, for at most 10 s, until n timers are pending on the manual clock.
func (e *srvEnv) blockUntil(n int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(e.t, e.clk.BlockUntil(ctx, n), "waiting for %d pending timers", n)
}

func newSrvEnv(t *testing.T, p *faultplan.Plan) *srvEnv {
	t.Helper()
	clk := sqsmock.NewManualClock(srvEpoch)
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Clock = clk; o.TraceSize = 100000 })
	})
	opts := []func(*sqs.Options){func(o *sqs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
	}}
	if p != nil {
		p.SetClock(clk)
		p.SetSleeper(faultplan.SleeperFunc(func(ctx context.Context, d time.Duration) error {
			tm := clk.NewTimer(d)
			defer tm.Stop()
			select {
			case <-tm.C():
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}))
		mw, err := faultplan.NewMiddleware(p)
		require.NoError(t, err)
		opts = append(opts, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, mw) })
	}
	e := &srvEnv{t: t, srv: srv, clk: clk, c: srv.SDKClient(opts...), ctx: context.Background()}
	out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs"), Attributes: map[string]string{"VisibilityTimeout": "30"}})
	require.NoError(t, err)
	e.q = aws.ToString(out.QueueUrl)
	e.mark = lastSeq(srv.Mock())
	return e
}

func (e *srvEnv) send(body string) (*sqs.SendMessageOutput, error) {
	return e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.q), MessageBody: aws.String(body)})
}

func (e *srvEnv) receive(max int32) []types.Message {
	e.t.Helper()
	out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.q), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}})
	require.NoError(e.t, err)
	return out.Messages
}

func (e *srvEnv) delete(m types.Message) {
	e.t.Helper()
	_, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(e.q), ReceiptHandle: m.ReceiptHandle})
	require.NoError(e.t, err)
}

// stored is what the server holds, bodies sorted.
func (e *srvEnv) stored() []string {
	out := []string{}
	for _, m := range e.srv.Mock().Messages("jobs") {
		out = append(out, m.Body)
	}
	sort.Strings(out)
	return out
}

// calls counts the requests of op that reached the server's engine since the env was made (the
// trace's call events).
func (e *srvEnv) calls(op string) int {
	n := 0
	for _, ev := range e.srv.Mock().Trace() {
		if ev.Seq > e.mark && ev.Kind == "call" && ev.Operation == op {
			n++
		}
	}
	return n
}

// lastSeq is the Seq of the newest event of m's trace.
func lastSeq(m *sqsmock.Mock) uint64 {
	evs := m.Trace()
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

func msgBodies(msgs []types.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}

// errorCases are the throttling and server errors, with what AWS puts on the wire and whether
// the SDK's default retryer retries them.
var errorCases = []struct {
	code     string
	wantCode string
	status   int
	typed    error
	retried  bool
}{
	{"RequestThrottled", "RequestThrottled", 403, &types.RequestThrottled{}, true},
	{"ThrottlingException", "ThrottlingException", 400, &smithy.GenericAPIError{}, true},
	{"InternalError", "InternalError", 500, &smithy.GenericAPIError{}, true},
	{"ServiceUnavailable", "ServiceUnavailable", 503, &smithy.GenericAPIError{}, true},
	{"OverLimit", "OverLimit", 403, &types.OverLimit{}, false},
	{"KmsThrottled", "KMS.ThrottlingException", 400, &types.KmsThrottled{}, false},
}

func requireServiceError(t *testing.T, err error, code string, status int, typed error) {
	t.Helper()
	require.Error(t, err)
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, code, api.ErrorCode())
	assert.IsType(t, typed, error(api))
	var resp *awshttp.ResponseError
	require.ErrorAs(t, err, &resp)
	assert.Equal(t, status, resp.HTTPStatusCode())
	var op *smithy.OperationError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, "SendMessage", op.OperationName)
}

// TestClientErrorsAgainstTheMockServer: the middleware's errors are decoded by the real client
// as AWS's and retried (3 attempts, nothing reaching the server) or not, as the SDK's default
// retryer decides; a rule that fires twice is absorbed by the retries.
func TestClientErrorsAgainstTheMockServer(t *testing.T) {
	for _, tt := range errorCases {
		t.Run(tt.code, func(t *testing.T) {
			p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "e", Kind: faultplan.Error, ErrorCode: tt.code, Operations: []string{"SendMessage"}, Probability: 1})
			e := newSrvEnv(t, p)
			_, err := e.send("hello")
			requireServiceError(t, err, tt.wantCode, tt.status, tt.typed)
			attempts := 1
			if tt.retried {
				attempts = 3
			}
			assert.Equal(t, attempts, p.Fired("e"), "attempts")
			var maxErr *retry.MaxAttemptsError
			assert.Equal(t, tt.retried, errors.As(err, &maxErr))
			assert.Zero(t, e.calls("SendMessage"), "nothing reached the server")
			assert.Empty(t, e.stored())

			require.NoError(t, p.SetRules(faultplan.Rule{Name: "e2", Kind: faultplan.Error, ErrorCode: tt.code, Operations: []string{"SendMessage"}, Times: 2, Probability: 1}))
			_, err = e.send("hello")
			if tt.retried {
				require.NoError(t, err, "the third attempt reaches the server")
				assert.Equal(t, []string{"hello"}, e.stored())
				assert.Equal(t, 1, e.calls("SendMessage"))
			} else {
				require.Error(t, err)
				assert.Empty(t, e.stored())
			}
		})
	}
}

// TestClientThrottleAgainstTheMockServer: the token bucket runs on the server's manual clock;
// every attempt takes a token, so a throttled call fails after 3 attempts.
func TestClientThrottleAgainstTheMockServer(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "tb", Kind: faultplan.Throttle, Rate: 1, Burst: 1, Operations: []string{"SendMessage"}, Probability: 1})
	e := newSrvEnv(t, p)
	_, err := e.send("one")
	require.NoError(t, err)
	_, err = e.send("two")
	var thr *types.RequestThrottled
	require.ErrorAs(t, err, &thr)
	assert.Equal(t, 3, p.Fired("tb"))
	e.clk.Advance(time.Second)
	_, err = e.send("three")
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "three"}, e.stored())
}

// TestClientLatencyAgainstTheMockServer: the attempt waits on the plan's sleeper (here the
// server's manual clock) before the request is sent.
func TestClientLatencyAgainstTheMockServer(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Latency, Latency: 3 * time.Second, Operations: []string{"SendMessage"}, Probability: 1})
	e := newSrvEnv(t, p)
	done := make(chan error, 1)
	go func() {
		_, err := e.send("late")
		done <- err
	}()
	e.blockUntil(1)
	e.clk.Advance(2 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("returned before the latency passed: %v", err)
	default:
	}
	assert.Zero(t, e.calls("SendMessage"), "not sent yet")
	e.clk.Advance(time.Second)
	require.NoError(t, <-done)
	assert.Equal(t, []string{"late"}, e.stored())
}

// TestClientTransportFaultsAgainstTheMockServer: resets and timeouts are retried by the SDK as
// connection errors; a reset after apply (or a timeout after apply) makes the retry a real
// duplicate on the server.
func TestClientTransportFaultsAgainstTheMockServer(t *testing.T) {
	tests := []struct {
		name    string
		rule    faultplan.Rule
		stored  []string
		reached int
	}{
		{"reset before apply", faultplan.Rule{Kind: faultplan.ResetBeforeApply, Probability: 1}, []string{"order-1"}, 1},
		{"reset after apply", faultplan.Rule{Kind: faultplan.ResetAfterApply, Probability: 1}, []string{"order-1", "order-1"}, 2},
		{"timeout", faultplan.Rule{Kind: faultplan.Timeout, Probability: 1}, []string{"order-1"}, 1},
		{"timeout after apply", faultplan.Rule{Kind: faultplan.Timeout, Applied: true, Probability: 1}, []string{"order-1", "order-1"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Name, r.Operations, r.Times = "t", []string{"SendMessage"}, 1
			p := faultplan.MustPlan(t, 1, r)
			e := newSrvEnv(t, p)
			_, err := e.send("order-1")
			require.NoError(t, err, "the SDK retried")
			assert.Equal(t, tt.stored, e.stored())
			assert.Equal(t, tt.reached, e.calls("SendMessage"))
			assert.Equal(t, 1, p.Fired("t"))
		})
	}
	t.Run("always", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "t", Kind: faultplan.ResetBeforeApply, Operations: []string{"SendMessage"}, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("x")
		var send *smithyhttp.RequestSendError
		require.ErrorAs(t, err, &send)
		assert.Contains(t, err.Error(), "connection reset")
		assert.Equal(t, 3, p.Fired("t"))
		assert.Empty(t, e.stored())
	})
}

// TestClientMessageFaultsAgainstTheMockServer: the per-call kinds the client placement supports.
func TestClientMessageFaultsAgainstTheMockServer(t *testing.T) {
	t.Run("lost delete", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.LostDelete, Times: 1, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("job")
		require.NoError(t, err)
		m := e.receive(1)
		require.Len(t, m, 1)
		e.delete(m[0])
		assert.Zero(t, e.calls("DeleteMessage"), "the delete never reached the server")
		assert.Equal(t, []string{"job"}, e.stored())
		e.clk.Advance(30 * time.Second)
		again := e.receive(1)
		require.Len(t, again, 1, "back after its visibility timeout")
		assert.Equal(t, aws.ToString(m[0].MessageId), aws.ToString(again[0].MessageId))
		assert.Equal(t, "2", again[0].Attributes["ApproximateReceiveCount"])
		e.delete(again[0])
		assert.Empty(t, e.stored())
	})
	t.Run("stale handle delete", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "stale", Kind: faultplan.StaleHandleDelete, Probability: 1})
		e := newSrvEnv(t, p)
		sent, err := e.send("job")
		require.NoError(t, err)
		first := e.receive(1)
		require.Len(t, first, 1)
		e.clk.Advance(30 * time.Second)
		second := e.receive(1)
		require.Len(t, second, 1, "redelivered with a newer handle")
		e.delete(first[0]) // the first of two handles
		assert.Zero(t, e.calls("DeleteMessage"), "the stale delete never reached the server")
		assert.Equal(t, []string{"job"}, e.stored(), "not deleted")
		assert.Equal(t, []faultplan.Injection{{Rule: "stale", Kind: string(faultplan.StaleHandleDelete), Operation: "DeleteMessage", Queue: "jobs",
			MessageID: aws.ToString(sent.MessageId), Detail: "stale receipt handle", Time: srvEpoch.Add(30 * time.Second)}}, p.Injections())

		e.clk.Advance(30 * time.Second)
		third := e.receive(1)
		require.Len(t, third, 1, "back after its visibility timeout")
		assert.Equal(t, "3", third[0].Attributes["ApproximateReceiveCount"])
		e.delete(third[0]) // the latest handle
		assert.Equal(t, 1, e.calls("DeleteMessage"))
		assert.Empty(t, e.stored(), "deleted")
		assert.Len(t, p.Injections(), 1, "the latest handle is never a match")

		// In a batch only the stale entry is kept back; the other is sent and deleted.
		for _, b := range []string{"A", "B"} {
			_, err := e.send(b)
			require.NoError(t, err)
		}
		old := map[string]*string{}
		for _, m := range e.receive(10) {
			old[aws.ToString(m.Body)] = m.ReceiptHandle
		}
		e.clk.Advance(30 * time.Second)
		latest := map[string]*string{}
		for _, m := range e.receive(10) {
			latest[aws.ToString(m.Body)] = m.ReceiptHandle
		}
		require.Len(t, latest, 2)
		out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.q), Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("a"), ReceiptHandle: old["A"]}, {Id: aws.String("b"), ReceiptHandle: latest["B"]}}})
		require.NoError(t, err)
		assert.Len(t, out.Successful, 2, "both reported deleted")
		assert.Equal(t, []string{"A"}, e.stored())
		inj := p.Injections()
		require.Len(t, inj, 2)
		assert.Equal(t, "a", inj[1].EntryID)
		assert.NotEmpty(t, inj[1].MessageID)
	})
	t.Run("stale handle delete sees only its own client's receives", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.StaleHandleDelete, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("job")
		require.NoError(t, err)
		first := e.receive(1)
		require.Len(t, first, 1)
		e.clk.Advance(30 * time.Second)
		plain := e.srv.SDKClient() // another client, without the middleware, receives it again
		out, err := plain.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.q)})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		e.delete(first[0])
		assert.Empty(t, e.stored(), "this client saw no newer handle: the delete was sent")
		assert.Empty(t, p.Injections())
	})
	t.Run("duplicate delivery", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DuplicateDelivery, Times: 1, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("pay-42")
		require.NoError(t, err)
		first := e.receive(10)
		require.Len(t, first, 1)
		e.delete(first[0])
		second := e.receive(10)
		require.Len(t, second, 1, "delivered again after delete")
		assert.Equal(t, aws.ToString(first[0].MessageId), aws.ToString(second[0].MessageId))
		assert.Equal(t, "2", second[0].Attributes["ApproximateReceiveCount"])
		assert.Empty(t, e.receive(10))
	})
	t.Run("delayed visibility on send", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DelayedVisibility, Delay: 10 * time.Second, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("late")
		require.NoError(t, err)
		assert.Equal(t, "delayed", e.srv.Mock().Messages("jobs")[0].State, "the server delays it")
		e.clk.Advance(9 * time.Second)
		assert.Empty(t, e.receive(10))
		e.clk.Advance(time.Second)
		assert.Equal(t, []string{"late"}, msgBodies(e.receive(10)))
	})
	t.Run("delayed visibility on receive", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ReceiveMessage"}, Delay: 5 * time.Second, Times: 1, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("held")
		require.NoError(t, err)
		assert.Empty(t, e.receive(10), "received from the server, held back")
		e.clk.Advance(4 * time.Second)
		assert.Empty(t, e.receive(10))
		e.clk.Advance(time.Second)
		assert.Equal(t, []string{"held"}, msgBodies(e.receive(10)))
	})
	t.Run("false empty", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.FalseEmpty, Times: 1, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("there")
		require.NoError(t, err)
		assert.Empty(t, e.receive(10))
		assert.Zero(t, e.calls("ReceiveMessage"), "the server was not asked")
		assert.Equal(t, []string{"there"}, msgBodies(e.receive(10)))
	})
	t.Run("reorder", func(t *testing.T) {
		sent := []string{"a", "b", "c", "d", "e", "f"}
		order := func() []string {
			e := newSrvEnv(t, faultplan.MustPlan(t, 5, faultplan.Rule{Kind: faultplan.Reorder, Probability: 1}))
			for _, b := range sent {
				_, err := e.send(b)
				require.NoError(t, err)
			}
			return msgBodies(e.receive(10))
		}
		got := order()
		assert.ElementsMatch(t, sent, got)
		assert.NotEqual(t, sent, got, "out of send order")
		assert.Equal(t, got, order(), "same seed, same order")
	})
	t.Run("partial batch failure", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.PartialBatchFailure, ErrorCode: "RequestThrottled", EntryIDs: []string{"2"}, Probability: 1})
		e := newSrvEnv(t, p)
		out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.q), Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("1"), MessageBody: aws.String("one")}, {Id: aws.String("2"), MessageBody: aws.String("two")},
			{Id: aws.String("3"), MessageBody: aws.String("three")}}})
		require.NoError(t, err)
		require.Len(t, out.Failed, 1)
		assert.Equal(t, "2", aws.ToString(out.Failed[0].Id))
		assert.Equal(t, "RequestThrottled", aws.ToString(out.Failed[0].Code))
		assert.True(t, out.Failed[0].SenderFault)
		assert.Len(t, out.Successful, 2)
		assert.Equal(t, []string{"one", "three"}, e.stored())
	})
	t.Run("message predicate", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessage"},
			Message: &faultplan.MessagePredicate{BodyContains: "poison"}, Probability: 1})
		e := newSrvEnv(t, p)
		_, err := e.send("fine")
		require.NoError(t, err)
		_, err = e.send("poison")
		requireServiceError(t, err, "OverLimit", 403, &types.OverLimit{})
		assert.Equal(t, []string{"fine"}, e.stored())
	})
}

// admin sends an admin request to the server and decodes the JSON answer.
func admin(t *testing.T, srv *sqsmock.Server, method, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/_sqsmock/faults", strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out), "%s", data)
	return resp.StatusCode, out
}

// TestServerPlacementOverTheAdminEndpoint: a plan PUT as JSON or YAML runs inside the server and
// affects a plain SDK client (no middleware): errors are retried as from AWS, transport faults
// drop the connection and the SDK retries them, and a reset after apply duplicates the send.
func TestServerPlacementOverTheAdminEndpoint(t *testing.T) {
	tests := []struct {
		name, contentType, plan string
		stored                  []string
		reached                 int
	}{
		{"JSON throttling, retried", "application/json",
			`{"seed": 1, "rules": [{"name": "thr", "kind": "error", "errorCode": "RequestThrottled", "operations": ["SendMessage"], "times": 2}]}`,
			[]string{"order-1"}, 3},
		{"YAML 503, retried", "application/yaml",
			"seed: 1\nrules:\n  - name: thr\n    kind: error\n    errorCode: ServiceUnavailable\n    operations: [SendMessage]\n    times: 1\n",
			[]string{"order-1"}, 2},
		{"YAML reset before apply", "application/x-yaml",
			"seed: 1\nrules:\n  - {name: thr, kind: reset-before-apply, operations: [SendMessage], times: 1}\n",
			[]string{"order-1"}, 2},
		{"JSON reset after apply duplicates", "",
			`{"seed": 1, "rules": [{"name": "thr", "kind": "reset-after-apply", "operations": ["SendMessage"], "times": 1}]}`,
			[]string{"order-1", "order-1"}, 2},
		{"JSON timeout", "",
			`{"seed": 1, "rules": [{"name": "thr", "kind": "timeout", "operations": ["SendMessage"], "times": 1}]}`,
			[]string{"order-1"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSrvEnv(t, nil)
			status, body := admin(t, e.srv, http.MethodPut, tt.contentType, tt.plan)
			require.Equal(t, http.StatusOK, status, "%v", body)
			_, err := e.send("order-1")
			require.NoError(t, err, "the SDK retried")
			assert.Equal(t, tt.stored, e.stored())
			assert.Equal(t, tt.reached, e.calls("SendMessage"), "attempts that reached the server")

			status, body = admin(t, e.srv, http.MethodGet, "", "")
			require.Equal(t, http.StatusOK, status)
			inj, _ := body["injections"].([]any)
			require.Len(t, inj, tt.reached-1, "every attempt but the last was faulted: %v", body)
			assert.Equal(t, "thr", inj[0].(map[string]any)["rule"])

			status, _ = admin(t, e.srv, http.MethodDelete, "", "")
			require.Equal(t, http.StatusOK, status)
			assert.Nil(t, e.srv.Mock().Faults())
		})
	}
	t.Run("not retried: OverLimit and KMS throttling", func(t *testing.T) {
		for _, code := range []string{"OverLimit", "KmsThrottled"} {
			e := newSrvEnv(t, nil)
			status, _ := admin(t, e.srv, http.MethodPut, "application/yaml",
				"seed: 1\nrules:\n  - {kind: error, errorCode: "+code+", operations: [SendMessage]}\n")
			require.Equal(t, http.StatusOK, status)
			_, err := e.send("x")
			require.Error(t, err)
			assert.Equal(t, 1, e.calls("SendMessage"), code)
		}
	})
	t.Run("error codes over the wire", func(t *testing.T) {
		for _, tt := range errorCases {
			e := newSrvEnv(t, nil)
			require.NoError(t, e.srv.Mock().SetFaults(public(faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: tt.code, Operations: []string{"SendMessage"}, Probability: 1}))))
			_, err := e.send("x")
			requireServiceError(t, err, tt.wantCode, tt.status, tt.typed)
			attempts := 1
			if tt.retried {
				attempts = 3
			}
			assert.Equal(t, attempts, e.calls("SendMessage"), tt.code)
		}
	})
	t.Run("connection dropped every time", func(t *testing.T) {
		e := newSrvEnv(t, nil)
		require.NoError(t, e.srv.Mock().SetFaults(public(faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.ResetBeforeApply, Operations: []string{"SendMessage"}, Probability: 1}))))
		_, err := e.send("x")
		var send *smithyhttp.RequestSendError
		require.ErrorAs(t, err, &send, "a transport error, not an API error")
		var api smithy.APIError
		assert.False(t, errors.As(err, &api))
		assert.Equal(t, 3, e.calls("SendMessage"))
		assert.Empty(t, e.stored())
	})
	t.Run("engine-only kinds over HTTP", func(t *testing.T) {
		e := newSrvEnv(t, nil)
		status, _ := admin(t, e.srv, http.MethodPut, "application/yaml", `
seed: 1
rules:
  - {kind: duplicate-delivery, times: 1}
  - {kind: delayed-visibility, operations: [ChangeMessageVisibility], delay: 5s}
`)
		require.Equal(t, http.StatusOK, status)
		_, err := e.send("job")
		require.NoError(t, err)
		first := e.receive(10)
		require.Len(t, first, 1)
		_, err = e.c.ChangeMessageVisibility(e.ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(e.q), ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 1})
		require.NoError(t, err)
		second := e.receive(10)
		require.Len(t, second, 1, "the server's duplicate")
		assert.NotEqual(t, aws.ToString(first[0].ReceiptHandle), aws.ToString(second[0].ReceiptHandle), "with a new receipt handle")
		assert.Equal(t, "2", second[0].Attributes["ApproximateReceiveCount"])
	})
	t.Run("rules naming the queue by its URL over HTTP", func(t *testing.T) {
		e := newSrvEnv(t, nil)
		require.NoError(t, e.srv.Mock().SetFaults(public(faultplan.MustPlan(t, 1,
			faultplan.Rule{Name: "lost", Kind: faultplan.LostDelete, Queue: e.q, Probability: 1},
			faultplan.Rule{Name: "dup", Kind: faultplan.DuplicateDelivery, Queue: e.q, Times: 1, Probability: 1},
			faultplan.Rule{Name: "slow", Kind: faultplan.DelayedVisibility, Queue: e.q, Delay: time.Second, Probability: 1},
		))))
		_, err := e.send("job")
		require.NoError(t, err)
		e.clk.Advance(time.Second)
		m := e.receive(10)
		require.Len(t, m, 1)
		e.delete(m[0])
		for _, rule := range []string{"lost", "dup", "slow"} {
			assert.Equal(t, 1, (*faultplan.Plan)(e.srv.Mock().Faults()).Fired(rule), "message-level rule %s matches the URL the request used", rule)
		}
	})
	t.Run("a bad plan is refused", func(t *testing.T) {
		e := newSrvEnv(t, nil)
		status, body := admin(t, e.srv, http.MethodPut, "application/json", `{"seed": 1, "rules": [{"kind": "error", "errorCode": "Nope"}]}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body["error"], "unknown error code")
		assert.Nil(t, e.srv.Mock().Faults())
	})
}
