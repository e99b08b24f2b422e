package sqsmock_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// The server benchmarks drive the HTTP server over loopback with the real aws-sdk-go-v2 client
// (AWS JSON 1.0, SigV4 signing, MD5 checks), with 1, 16 and 256 concurrent clients. Besides ns/op
// (wall time per operation across all clients) they report req/s and the p50 and p99 latency of
// single requests:
//
//	go test ./sqsmock/ -run '^$' -bench '^BenchmarkServer' -benchtime 2s

var serverBenchClients = []int{1, 16, 256}

type srvBench struct {
	mock   *sqsmock.Mock
	client *sqs.Client
	queue  *string
}

func newSrvBench(b *testing.B, attrs map[string]string) *srvBench {
	b.Helper()
	m := sqsmock.New(sqsmock.NoCallLog)
	srv, err := m.Start()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 600, 600
	// Close the client's idle connections before the server (cleanups run last first): a
	// connection dialed but never used would hold the server's graceful shutdown for 5 seconds.
	b.Cleanup(tr.CloseIdleConnections)
	c := srv.SDKClient(func(o *sqs.Options) { o.HTTPClient = &http.Client{Transport: tr}; o.Retryer = aws.NopRetryer{} })
	q, err := m.Client().CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("bench"), Attributes: attrs})
	if err != nil {
		b.Fatal(err)
	}
	return &srvBench{mock: m, client: c, queue: q.QueueUrl}
}

// prefill puts n messages in the queue through the in-process client (fast, untimed).
func (s *srvBench) prefill(b *testing.B, n int) {
	b.Helper()
	c := s.mock.Client()
	entries := make([]types.SendMessageBatchRequestEntry, 10)
	for i := range entries {
		entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(body100)}
	}
	for sent := 0; sent < n; sent += 10 {
		if _, err := c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: s.queue, Entries: entries[:min(10, n-sent)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// handles receives n messages in process and returns their receipt handles (valid over HTTP).
func (s *srvBench) handles(b *testing.B, n int) []string {
	b.Helper()
	s.prefill(b, n)
	out := make([]string, 0, n)
	for len(out) < n {
		r, err := s.mock.Client().ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: s.queue, MaxNumberOfMessages: 10})
		if err != nil || len(r.Messages) == 0 {
			b.Fatal("receiving handles:", err)
		}
		for _, m := range r.Messages {
			out = append(out, aws.ToString(m.ReceiptHandle))
		}
	}
	return out
}

// runClients runs b.N operations spread over c goroutines; op(i) runs operation i. It reports
// req/s and the p50/p99 latency of one operation.
func runClients(b *testing.B, c int, op func(ctx context.Context, i int) error) {
	b.Helper()
	ctx := context.Background()
	var next atomic.Int64
	lat := make([][]time.Duration, c)
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	b.ResetTimer()
	start := time.Now()
	for g := range c {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := op(ctx, int(i)); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if e := failed.Load(); e != nil {
		b.Fatal(*e)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(.50), "p50-ms")
	b.ReportMetric(pct(.99), "p99-ms")
}

func forClients(b *testing.B, f func(b *testing.B, c int)) {
	for _, c := range serverBenchClients {
		b.Run(fmt.Sprintf("clients=%d", c), func(b *testing.B) { f(b, c) })
	}
}

func batchOf10() []types.SendMessageBatchRequestEntry {
	e := make([]types.SendMessageBatchRequestEntry, 10)
	for i := range e {
		e[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(body100)}
	}
	return e
}

func BenchmarkServerSendMessage(b *testing.B) {
	forClients(b, func(b *testing.B, c int) {
		s := newSrvBench(b, nil)
		runClients(b, c, func(ctx context.Context, _ int) error {
			_, err := s.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s.queue, MessageBody: aws.String(body100)})
			return err
		})
	})
}

func BenchmarkServerSendMessageBatch(b *testing.B) {
	forClients(b, func(b *testing.B, c int) {
		s := newSrvBench(b, nil)
		runClients(b, c, func(ctx context.Context, _ int) error {
			_, err := s.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: s.queue, Entries: batchOf10()})
			return err
		})
	})
}

// The receive benchmarks use a queue with a visibility timeout of 0, so its 1000 messages stay
// available however many receives run.
func benchReceive(b *testing.B, n int32) {
	forClients(b, func(b *testing.B, c int) {
		s := newSrvBench(b, map[string]string{"VisibilityTimeout": "0"})
		s.prefill(b, 1000)
		runClients(b, c, func(ctx context.Context, _ int) error {
			out, err := s.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s.queue, MaxNumberOfMessages: n})
			if err == nil && len(out.Messages) == 0 {
				err = fmt.Errorf("received nothing")
			}
			return err
		})
	})
}

func BenchmarkServerReceiveMessage(b *testing.B)      { benchReceive(b, 1) }
func BenchmarkServerReceiveMessageBatch(b *testing.B) { benchReceive(b, 10) }

func BenchmarkServerDeleteMessage(b *testing.B) {
	forClients(b, func(b *testing.B, c int) {
		s := newSrvBench(b, map[string]string{"VisibilityTimeout": "3600"})
		hs := s.handles(b, b.N)
		runClients(b, c, func(ctx context.Context, i int) error {
			_, err := s.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s.queue, ReceiptHandle: &hs[i]})
			return err
		})
	})
}

func BenchmarkServerDeleteMessageBatch(b *testing.B) {
	forClients(b, func(b *testing.B, c int) {
		s := newSrvBench(b, map[string]string{"VisibilityTimeout": "3600"})
		hs := s.handles(b, 10*b.N)
		runClients(b, c, func(ctx context.Context, i int) error {
			entries := make([]types.DeleteMessageBatchRequestEntry, 10)
			for j := range entries {
				entries[j] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), ReceiptHandle: &hs[10*i+j]}
			}
			out, err := s.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: s.queue, Entries: entries})
			if err == nil && len(out.Failed) > 0 {
				err = fmt.Errorf("%d deletes failed", len(out.Failed))
			}
			return err
		})
	})
}

// BenchmarkServerLongPollWakeup measures how soon a receiver waiting in a 20-second long poll
// gets a message after it is sent: the wake-ms metrics are from the start of SendMessage to the
// return of ReceiveMessage. ns/op includes a 2 ms pause per round that lets the receive reach the
// server first.
func BenchmarkServerLongPollWakeup(b *testing.B) {
	s := newSrvBench(b, nil)
	ctx := context.Background()
	wake := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		got := make(chan time.Time, 1)
		var rerr error
		go func() {
			out, err := s.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s.queue, WaitTimeSeconds: 20})
			at := time.Now()
			if err == nil && len(out.Messages) != 1 {
				err = fmt.Errorf("long poll returned %d messages", len(out.Messages))
			}
			if err == nil {
				_, err = s.mock.Client().DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s.queue, ReceiptHandle: out.Messages[0].ReceiptHandle})
			}
			rerr = err
			got <- at
		}()
		time.Sleep(2 * time.Millisecond)
		t0 := time.Now()
		if _, err := s.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s.queue, MessageBody: aws.String("wake")}); err != nil {
			b.Fatal(err)
		}
		at := <-got
		if rerr != nil {
			b.Fatal(rerr)
		}
		wake = append(wake, at.Sub(t0))
	}
	b.StopTimer()
	slices.Sort(wake)
	b.ReportMetric(float64(wake[len(wake)/2].Microseconds())/1000, "wake-p50-ms")
	b.ReportMetric(float64(wake[min(len(wake)-1, len(wake)*99/100)].Microseconds())/1000, "wake-p99-ms")
}
