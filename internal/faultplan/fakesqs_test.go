package faultplan_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// fakeSQS is a minimal SQS over AWS JSON 1.0, enough for the SDK's SendMessage[Batch],
// ReceiveMessage, DeleteMessage[Batch] and ChangeMessageVisibilityBatch: one queue per URL,
// received messages stay invisible until deleted, correct MD5OfMessageBody.
type fakeSQS struct {
	*httptest.Server
	mu       sync.Mutex
	requests []fakeRequest
	queues   map[string][]*fakeMessage
	nextID   int
}

type fakeRequest struct {
	Op   string
	Body map[string]any
}

type fakeMessage struct {
	ID, Handle, Body string
	Received         int
	Deleted          bool
}

func newFakeSQS() *fakeSQS {
	f := &fakeSQS{queues: map[string][]*fakeMessage{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// queueURL is the URL of a queue on this server.
func (f *fakeSQS) queueURL(name string) string { return f.URL + "/000000000000/" + name }

// count returns how many requests of op the server received.
func (f *fakeSQS) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.Op == op {
			n++
		}
	}
	return n
}

// last returns the body of the last request of op.
func (f *fakeSQS) last(op string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if f.requests[i].Op == op {
			return f.requests[i].Body
		}
	}
	return nil
}

// live returns the bodies of undeleted messages of a queue.
func (f *fakeSQS) live(queueURL string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.queues[queueURL] {
		if !m.Deleted {
			out = append(out, m.Body)
		}
	}
	return out
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (f *fakeSQS) serve(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, fakeRequest{Op: op, Body: body})
	q, _ := body["QueueUrl"].(string)
	var out any
	switch op {
	case "SendMessage":
		m := f.add(q, body["MessageBody"].(string))
		out = map[string]any{"MessageId": m.ID, "MD5OfMessageBody": md5hex(m.Body)}
	case "SendMessageBatch":
		var ok []map[string]any
		for _, e := range body["Entries"].([]any) {
			e := e.(map[string]any)
			m := f.add(q, e["MessageBody"].(string))
			ok = append(ok, map[string]any{"Id": e["Id"], "MessageId": m.ID, "MD5OfMessageBody": md5hex(m.Body)})
		}
		out = map[string]any{"Successful": ok, "Failed": []any{}}
	case "ReceiveMessage":
		max := 1
		if n, ok := body["MaxNumberOfMessages"].(float64); ok && n > 0 {
			max = int(n)
		}
		msgs := []map[string]any{}
		for _, m := range f.queues[q] {
			if len(msgs) == max {
				break
			}
			if m.Deleted || m.Received > 0 {
				continue
			}
			m.Received++
			m.Handle = fmt.Sprintf("rh-%s-%d", m.ID, m.Received)
			msgs = append(msgs, map[string]any{"MessageId": m.ID, "ReceiptHandle": m.Handle, "MD5OfBody": md5hex(m.Body),
				"Body": m.Body, "Attributes": map[string]string{"ApproximateReceiveCount": fmt.Sprint(m.Received)}})
		}
		out = map[string]any{"Messages": msgs}
	case "DeleteMessage":
		f.delete(q, body["ReceiptHandle"].(string))
		out = map[string]any{}
	case "DeleteMessageBatch", "ChangeMessageVisibilityBatch":
		var ok []map[string]any
		for _, e := range body["Entries"].([]any) {
			e := e.(map[string]any)
			if op == "DeleteMessageBatch" {
				f.delete(q, e["ReceiptHandle"].(string))
			}
			ok = append(ok, map[string]any{"Id": e["Id"]})
		}
		out = map[string]any{"Successful": ok, "Failed": []any{}}
	default:
		w.Header().Set("x-amzn-query-error", "InvalidAction;Sender")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.sqs#UnknownOperationException","message":"unsupported"}`))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeSQS) add(q, body string) *fakeMessage {
	f.nextID++
	m := &fakeMessage{ID: fmt.Sprintf("m%d", f.nextID), Body: body}
	f.queues[q] = append(f.queues[q], m)
	return m
}

func (f *fakeSQS) delete(q, handle string) {
	for _, m := range f.queues[q] {
		if m.Handle == handle {
			m.Deleted = true
		}
	}
}

// client is a real *sqs.Client on the fake server with the standard retryer (default
// retryables, 3 attempts) without backoff waits, and the given APIOptions.
func (f *fakeSQS) client(apiOptions ...func(*middleware.Stack) error) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(f.URL),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   f.Client(),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = noBackoff{}
		}),
		APIOptions: apiOptions,
	})
}

type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// fakeClock is a manual Clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recordingSleeper records requested sleeps and returns at once.
type recordingSleeper struct {
	mu    sync.Mutex
	slept []time.Duration
}

func (s *recordingSleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slept = append(s.slept, d)
	return ctx.Err()
}

// inProcess is an HTTP client that serves requests with the fake's handler in the calling
// goroutine: no network, so it works inside a testing/synctest bubble.
func (f *fakeSQS) inProcess() smithyhttp.ClientDoFunc {
	return func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		f.serve(rec, r)
		return rec.Result(), nil
	}
}

// public is a plan as package faults shows it, for sqsmock.
func public(p *faultplan.Plan) *faults.Plan { return (*faults.Plan)(p) }
