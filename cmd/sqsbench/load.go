package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// newClient is one *sqs.Client for all workers: no retries (an error is counted, not hidden), and
// enough idle connections that every worker keeps its own. Call done when finished: it closes the
// idle connections, so that a server shutting down gracefully need not wait for them.
func newClient(c config) (client *sqs.Client, done func()) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 2*c.concurrency + 16
	tr.MaxIdleConnsPerHost = 2*c.concurrency + 16
	return sqs.New(sqs.Options{
		Region:       c.region,
		BaseEndpoint: aws.String(c.endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(c.accessKey, c.secretKey, ""),
		HTTPClient:   &http.Client{Transport: tr},
		Retryer:      aws.NopRetryer{},
	}), tr.CloseIdleConnections
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// opStats are the latencies of one operation.
type opStats struct {
	Count  int64   `json:"count"`
	Errors int64   `json:"errors"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

func summarize(lat []time.Duration, errs int64) opStats {
	s := opStats{Count: int64(len(lat)), Errors: errs}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	pct := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return lat[max(0, min(i, len(lat)-1))]
	}
	s.MeanMs = ms(sum / time.Duration(len(lat)))
	s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs = ms(pct(.50)), ms(pct(.90)), ms(pct(.99)), ms(lat[len(lat)-1])
	return s
}

// report is the result of one run.
type report struct {
	Label       string             `json:"label"`
	Endpoint    string             `json:"endpoint"`
	Op          string             `json:"op"`
	Concurrency int                `json:"concurrency"`
	Size        int                `json:"size"`
	ElapsedS    float64            `json:"elapsed_s"`
	Ops         int64              `json:"ops"`
	Messages    int64              `json:"messages"`
	Requests    int64              `json:"requests"`
	Answered    int64              `json:"answered"` // requests that got an HTTP response
	Errors      int64              `json:"errors"`
	OpsPerSec   float64            `json:"ops_per_s"`
	MsgsPerSec  float64            `json:"messages_per_s"`
	ReqPerSec   float64            `json:"requests_per_s"`
	Overall     opStats            `json:"overall"`
	PerOp       map[string]opStats `json:"per_op"`
	FirstError  string             `json:"first_error,omitempty"`
	WarmupS     float64            `json:"warmup_s,omitempty"` // unmeasured load before the run
	Server      *serverCPU         `json:"server,omitempty"`   // with -server-pid
}

func (r *report) text(w io.Writer) {
	fmt.Fprintf(w, "%s op=%s c=%d size=%dB elapsed=%.2fs ops=%d ops/s=%.0f msgs/s=%.0f req/s=%.0f errors=%d\n",
		r.Label, r.Op, r.Concurrency, r.Size, r.ElapsedS, r.Ops, r.OpsPerSec, r.MsgsPerSec, r.ReqPerSec, r.Errors)
	names := make([]string, 0, len(r.PerOp))
	for n := range r.PerOp {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := r.PerOp[n]
		fmt.Fprintf(w, "  %-14s count=%d errors=%d mean=%.3fms p50=%.3fms p90=%.3fms p99=%.3fms max=%.3fms\n",
			n, s.Count, s.Errors, s.MeanMs, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs)
	}
	if r.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.FirstError)
	}
	if r.WarmupS > 0 {
		fmt.Fprintf(w, "  after %.0fs of unmeasured warm-up load\n", r.WarmupS)
	}
	if s := r.Server; s != nil {
		fmt.Fprintf(w, "  server pid=%d (%s, %d processes): cpu=%.2fs answered=%d cpu/request=%.1fµs; without load (%.1fs before, after): %.1f%%, %.1f%% of a core\n",
			s.PID, s.Command, s.Procs, s.CPUSeconds, r.Answered, s.UsPerRequest, s.IdleS, s.IdleCPUPct, s.IdleAfterCPUPct)
	}
}

// markdown writes one row: | label | op | c | ops/s | msgs/s | p50 | p99 | errors | server µs/req |
func (r *report) markdown(w io.Writer) {
	cpu := ""
	if r.Server != nil {
		cpu = fmt.Sprintf("%.1f", r.Server.UsPerRequest)
	}
	fmt.Fprintf(w, "| %s | %s | %d | %.0f | %.0f | %.2f | %.2f | %d | %s |\n",
		r.Label, r.Op, r.Concurrency, r.OpsPerSec, r.MsgsPerSec, r.Overall.P50Ms, r.Overall.P99Ms, r.Errors, cpu)
}

// worker state for one goroutine.
type worker struct {
	c        config
	client   *sqs.Client
	workQ    *string // sends go here; deletes take their handles from here
	recvQ    *string // prefilled, visibility timeout 0
	body     *string
	rng      *mrand.Rand
	handles  []string
	lat      map[string][]time.Duration
	errs     map[string]int64
	msgs     int64
	reqs     int64
	answered int64
	first    error
}

// sent counts one request, and whether the server answered it.
func (w *worker) sent(err error) {
	w.reqs++
	if wasAnswered(err) {
		w.answered++
	}
}

func (w *worker) fail(op string, err error) {
	w.errs[op]++
	if w.first == nil {
		w.first = fmt.Errorf("%s: %w", op, err)
	}
}

func batchEntries(body *string) []types.SendMessageBatchRequestEntry {
	e := make([]types.SendMessageBatchRequestEntry, 10)
	for i := range e {
		e[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: body}
	}
	return e
}

// refill gets receipt handles for deletes with untimed calls: a batch of 10 sent, then received.
func (w *worker) refill(ctx context.Context, need int) error {
	for len(w.handles) < need {
		_, err := w.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: w.workQ, Entries: batchEntries(w.body)})
		if w.sent(err); err != nil {
			return err
		}
		out, err := w.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: w.workQ, MaxNumberOfMessages: 10})
		if w.sent(err); err != nil {
			return err
		}
		for _, m := range out.Messages {
			w.handles = append(w.handles, aws.ToString(m.ReceiptHandle))
		}
	}
	return nil
}

// do runs one operation; only the operation itself is timed.
func (w *worker) do(ctx context.Context, op string) {
	ctx, cancel := context.WithTimeout(ctx, w.c.timeout)
	defer cancel()
	switch op {
	case "delete", "delete-batch":
		n := 1
		if op == "delete-batch" {
			n = 10
		}
		if err := w.refill(ctx, n); err != nil {
			w.fail(op+" (refill)", err)
			return
		}
	}
	var err, partial error // partial: entries of a batch that failed in an answer
	var moved int
	start := time.Now()
	switch op {
	case "send":
		_, err = w.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: w.workQ, MessageBody: w.body})
		moved = 1
	case "send-batch":
		var out *sqs.SendMessageBatchOutput
		if out, err = w.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: w.workQ, Entries: batchEntries(w.body)}); err == nil {
			moved = len(out.Successful)
			if len(out.Failed) > 0 {
				partial = fmt.Errorf("%d entries failed: %s", len(out.Failed), aws.ToString(out.Failed[0].Code))
			}
		}
	case "receive", "receive-batch":
		n := int32(1)
		if op == "receive-batch" {
			n = 10
		}
		var out *sqs.ReceiveMessageOutput
		if out, err = w.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: w.recvQ, MaxNumberOfMessages: n}); err == nil {
			moved = len(out.Messages)
		}
	case "delete":
		h := w.handles[len(w.handles)-1]
		w.handles = w.handles[:len(w.handles)-1]
		_, err = w.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: w.workQ, ReceiptHandle: &h})
		moved = 1
	case "delete-batch":
		entries := make([]types.DeleteMessageBatchRequestEntry, 10)
		for i := range entries {
			entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(w.handles[len(w.handles)-1-i])}
		}
		w.handles = w.handles[:len(w.handles)-10]
		var out *sqs.DeleteMessageBatchOutput
		if out, err = w.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: w.workQ, Entries: entries}); err == nil {
			moved = len(out.Successful)
			if len(out.Failed) > 0 {
				partial = fmt.Errorf("%d entries failed: %s", len(out.Failed), aws.ToString(out.Failed[0].Code))
			}
		}
	}
	d := time.Since(start)
	w.sent(err)
	if err = cmpErr(err, partial); err != nil {
		w.fail(op, err)
		return
	}
	w.lat[op] = append(w.lat[op], d)
	w.msgs += int64(moved)
}

func (w *worker) pick() string {
	total := 0
	for _, m := range w.c.mix {
		total += m.weight
	}
	n := w.rng.IntN(total)
	for _, m := range w.c.mix {
		if n < m.weight {
			return m.op
		}
		n -= m.weight
	}
	return w.c.mix[0].op
}

func mixName(mix []weighted) string {
	parts := make([]string, len(mix))
	for i, m := range mix {
		parts[i] = m.op
		if len(mix) > 1 {
			parts[i] += ":" + strconv.Itoa(m.weight)
		}
	}
	return strings.Join(parts, ",")
}

func createQueue(ctx context.Context, client *sqs.Client, name string, attrs map[string]string) (*string, error) {
	out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		return nil, fmt.Errorf("creating queue %s: %w", name, err)
	}
	return out.QueueUrl, nil
}

func deleteQueues(client *sqs.Client, urls ...*string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, u := range urls {
		if u != nil {
			_, _ = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: u})
		}
	}
}

// prefill puts n messages into the queue with 16 goroutines sending batches.
func prefill(ctx context.Context, client *sqs.Client, url, body *string, n int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range 16 {
		wg.Go(func() {
			for next.Add(10)-10 < int64(n) {
				if _, err := client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: batchEntries(body)}); err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func runLoad(ctx context.Context, c config) (*report, error) {
	client, done := newClient(c)
	defer done()
	body := aws.String(strings.Repeat("x", c.size))
	suffix := randomSuffix()
	setup, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var workQ, recvQ *string
	var err error
	defer func() { deleteQueues(client, workQ, recvQ) }()
	if workQ, err = createQueue(setup, client, "sqsbench-work-"+suffix, map[string]string{"VisibilityTimeout": "300"}); err != nil {
		return nil, err
	}
	for _, m := range c.mix {
		if strings.HasPrefix(m.op, "receive") && recvQ == nil {
			if recvQ, err = createQueue(setup, client, "sqsbench-recv-"+suffix, map[string]string{"VisibilityTimeout": "0"}); err != nil {
				return nil, err
			}
			if err := prefill(setup, client, recvQ, body, max(c.prefill, 10)); err != nil {
				return nil, fmt.Errorf("prefilling: %w", err)
			}
		}
	}
	if c.warmup > 0 {
		if err := warmUp(ctx, c, client, recvQ, body, "sqsbench-warm-"+suffix); err != nil {
			return nil, err
		}
	}
	m, err := startMeter(ctx, c)
	if err != nil {
		return nil, err
	}

	start := time.Now()
	workers := drive(ctx, c, client, workQ, recvQ, body, c.duration, c.count)
	elapsed := time.Since(start)

	rep := &report{Label: c.label, Endpoint: c.endpoint, Op: mixName(c.mix), Concurrency: c.concurrency, Size: c.size,
		ElapsedS: math.Round(elapsed.Seconds()*1000) / 1000, PerOp: map[string]opStats{}, WarmupS: c.warmup.Seconds()}
	lat := map[string][]time.Duration{}
	errs := map[string]int64{}
	var all []time.Duration
	for _, w := range workers {
		for op, l := range w.lat {
			lat[op] = append(lat[op], l...)
			all = append(all, l...)
		}
		for op, n := range w.errs {
			errs[op] += n
			rep.Errors += n
		}
		rep.Messages += w.msgs
		rep.Requests += w.reqs
		rep.Answered += w.answered
		if w.first != nil && rep.FirstError == "" {
			rep.FirstError = w.first.Error()
		}
	}
	for op := range lat {
		rep.PerOp[op] = summarize(lat[op], errs[op])
	}
	for op, n := range errs {
		if _, ok := rep.PerOp[op]; !ok {
			rep.PerOp[op] = opStats{Errors: n}
		}
	}
	rep.Overall = summarize(all, rep.Errors)
	rep.Ops = int64(len(all))
	secs := elapsed.Seconds()
	rep.OpsPerSec = math.Round(float64(rep.Ops) / secs)
	rep.MsgsPerSec = math.Round(float64(rep.Messages) / secs)
	rep.ReqPerSec = math.Round(float64(rep.Requests) / secs)
	if rep.Server, err = m.stop(rep.Answered); err != nil {
		return rep, err
	}
	if rep.Ops == 0 && rep.Errors > 0 {
		return rep, fmt.Errorf("every operation failed; first error: %s", rep.FirstError)
	}
	return rep, nil
}

// drive runs c.concurrency workers on the operation mix until the duration has passed or count
// operations (if not 0) have been issued, and returns them with their figures.
func drive(ctx context.Context, c config, client *sqs.Client, workQ, recvQ, body *string, d time.Duration, count int64) []*worker {
	workers := make([]*worker, c.concurrency)
	var issued atomic.Int64
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{c: c, client: client, workQ: workQ, recvQ: recvQ, body: body,
			rng: mrand.New(mrand.NewPCG(uint64(i), uint64(start.UnixNano()))),
			lat: map[string][]time.Duration{}, errs: map[string]int64{}}
		workers[i] = w
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(end) && (count == 0 || issued.Add(1) <= count) {
				w.do(ctx, w.pick())
			}
		})
	}
	wg.Wait()
	return workers
}

// warmUp runs the load unmeasured for c.warmup, sending to a queue of its own that it deletes
// afterwards, so that the measured run starts on an empty work queue. A warm-up in which every
// operation failed fails the run.
func warmUp(ctx context.Context, c config, client *sqs.Client, recvQ, body *string, name string) error {
	setup, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	warmQ, err := createQueue(setup, client, name, map[string]string{"VisibilityTimeout": "300"})
	if err != nil {
		return err
	}
	defer deleteQueues(client, warmQ)
	var ok int64
	var first error
	for _, w := range drive(ctx, c, client, warmQ, recvQ, body, c.warmup, 0) {
		for _, l := range w.lat {
			ok += int64(len(l))
		}
		first = cmpErr(first, w.first)
	}
	if ok == 0 && first != nil {
		return fmt.Errorf("warm-up: every operation failed; first error: %w", first)
	}
	return ctx.Err()
}

// runLongPoll measures wake-up latency: per client pair, a receiver blocks in a 20-second long
// poll on an empty queue, then a sender sends; the latency is from just before the send to the
// receive returning with the message.
func runLongPoll(ctx context.Context, c config) (*report, error) {
	client, done := newClient(c)
	defer done()
	body := aws.String(strings.Repeat("x", c.size))
	suffix := randomSuffix()
	setup, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	queues := make([]*string, c.concurrency)
	defer func() { deleteQueues(client, queues...) }()
	for i := range queues {
		var err error
		if queues[i], err = createQueue(setup, client, fmt.Sprintf("sqsbench-lp-%s-%d", suffix, i), map[string]string{"VisibilityTimeout": "300"}); err != nil {
			return nil, err
		}
	}
	type result struct {
		wake, send           []time.Duration
		errs, reqs, answered int64
		first                error
	}
	results := make([]result, c.concurrency)
	m, err := startMeter(ctx, c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	end := start.Add(c.duration)
	var wg sync.WaitGroup
	for i := range queues {
		wg.Go(func() {
			r := &results[i]
			count := func(err error) {
				r.reqs++
				if wasAnswered(err) {
					r.answered++
				}
			}
			fail := func(err error) {
				r.errs++
				r.first = cmpErr(r.first, err)
			}
			for round := 0; round < c.rounds && ctx.Err() == nil && time.Now().Before(end); round++ {
				type recv struct {
					at  time.Time
					out *sqs.ReceiveMessageOutput
					err error
				}
				got := make(chan recv, 1)
				// -timeout bounds the wait for the wake-up too (a receive still waiting then is an error).
				rctx, cancel := context.WithTimeout(ctx, c.timeout)
				go func() {
					out, err := client.ReceiveMessage(rctx, &sqs.ReceiveMessageInput{QueueUrl: queues[i], WaitTimeSeconds: 20, MaxNumberOfMessages: 1})
					got <- recv{time.Now(), out, err}
				}()
				time.Sleep(50 * time.Millisecond) // let the receive reach the server and wait there
				t0 := time.Now()
				_, err := client.SendMessage(rctx, &sqs.SendMessageInput{QueueUrl: queues[i], MessageBody: body})
				sent := time.Since(t0)
				rv := <-got
				cancel()
				count(err)
				count(rv.err)
				switch {
				case err != nil:
					fail(fmt.Errorf("send: %w", err))
					continue
				case rv.err != nil:
					fail(fmt.Errorf("receive: %w", rv.err))
					continue
				case len(rv.out.Messages) != 1:
					fail(errors.New("the long poll returned no message"))
					continue
				}
				r.wake = append(r.wake, rv.at.Sub(t0))
				r.send = append(r.send, sent)
				dctx, dcancel := context.WithTimeout(ctx, c.timeout)
				_, err = client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: queues[i], ReceiptHandle: rv.out.Messages[0].ReceiptHandle})
				dcancel()
				count(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	rep := &report{Label: c.label, Endpoint: c.endpoint, Op: "longpoll", Concurrency: c.concurrency, Size: c.size,
		ElapsedS: math.Round(elapsed.Seconds()*1000) / 1000, PerOp: map[string]opStats{}}
	var wake, send []time.Duration
	for _, r := range results {
		wake = append(wake, r.wake...)
		send = append(send, r.send...)
		rep.Errors += r.errs
		rep.Requests += r.reqs
		rep.Answered += r.answered
		if r.first != nil && rep.FirstError == "" {
			rep.FirstError = r.first.Error()
		}
	}
	rep.Ops = int64(len(wake))
	rep.Messages = rep.Ops
	rep.Overall = summarize(wake, rep.Errors)
	rep.PerOp["send->receive"] = rep.Overall
	rep.PerOp["send"] = summarize(send, 0)
	secs := elapsed.Seconds()
	rep.OpsPerSec = math.Round(float64(rep.Ops) / secs)
	rep.MsgsPerSec = rep.OpsPerSec
	rep.ReqPerSec = math.Round(float64(rep.Requests) / secs)
	if rep.Server, err = m.stop(rep.Answered); err != nil {
		return rep, err
	}
	if rep.Ops == 0 && rep.Errors > 0 {
		return rep, fmt.Errorf("every round failed; first error: %s", rep.FirstError)
	}
	return rep, nil
}
