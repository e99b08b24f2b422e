// Command scale measures what issue 17's attack found on a running sqsmock server (cmd/sqsmock):
// silent connections that exhaust file descriptors, the console's message history slowing the
// API, and the admin side at 20,000 queues. It prints one line per figure. Point it at a server
// started for the purpose (loopback only); it creates queues and never deletes any but its own.
//
//	ulimit -n 2048; sqsmock -addr 127.0.0.1:9400 -log-level warn &     # in another shell
//	go run ./bench/scale -endpoint http://127.0.0.1:9400 silent -conns 3000
//
//	sqsmock -addr 127.0.0.1:9400 -log-level warn -trace 200000 &
//	go run ./bench/scale -endpoint http://127.0.0.1:9400 history -events 161000 -pollers 4
//
//	sqsmock -addr 127.0.0.1:9400 -log-level warn -max-queues 0 &
//	go run ./bench/scale -endpoint http://127.0.0.1:9400 queues -queues 20000
//
// silent opens -conns TCP connections that never send a byte, then times GET /health and one
// SendMessage (aws-sdk-go-v2, its standard retries) from new clients, at once, each bounded by
// -wait, and counts the silent connections the server has closed by then.
//
// history fills the trace with -events events (SendMessageBatch of 10), then times SendMessage
// (one client, one call at a time, -duration) first alone and then while -pollers goroutines
// each fetch a message's history (GET /_sqsmock/queues/{name}/messages/{id}, the console's
// call when a message is selected) back to back: p50, p99 and the pollers' rate.
//
// queues creates -queues queues (-c at once), times GET /_sqsmock/queues (the answer without
// parameters, and the console's first page, ?limit=100) -polls times each and reports the size
// and the median time, then deletes the queues and reports both wall times.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:9400", "the sqsmock server (loopback)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: scale [-endpoint URL] silent|history|queues [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	u, err := url.Parse(*endpoint)
	if err != nil || !loopback(u.Hostname()) {
		fail(fmt.Errorf("endpoint %q: a loopback http URL, please", *endpoint))
	}
	ctx := context.Background()
	args := flag.Args()[1:]
	switch flag.Arg(0) {
	case "silent":
		err = silent(ctx, *endpoint, u.Host, args)
	case "history":
		err = history(ctx, *endpoint, args)
	case "queues":
		err = queues(ctx, *endpoint, args)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scale:", err)
	os.Exit(1)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func client(endpoint string, retries int) *sqs.Client {
	return sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: retries,
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}})
}

func createQueue(ctx context.Context, c *sqs.Client, name string) (*string, error) {
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	return out.QueueUrl, nil
}

// silent: -conns silent connections, then /health and SendMessage from a new client.
func silent(ctx context.Context, endpoint, addr string, args []string) error {
	fs := flag.NewFlagSet("silent", flag.ExitOnError)
	conns := fs.Int("conns", 3000, "silent connections to open")
	wait := fs.Duration("wait", 60*time.Second, "longest wait for /health and for SendMessage")
	_ = fs.Parse(args)

	c := client(endpoint, 0)
	q, err := createQueue(ctx, c, "scale-silent-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err != nil {
		return err
	}
	start := time.Now()
	var (
		mu     sync.Mutex
		open   []net.Conn
		failed atomic.Int64
		wg     sync.WaitGroup
		sem    = make(chan struct{}, 64)
	)
	for range *conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				failed.Add(1)
				return
			}
			mu.Lock()
			open = append(open, nc)
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("silent: %d connections opened (%d dials failed) in %v\n", len(open), failed.Load(), time.Since(start).Round(time.Millisecond))
	defer func() {
		for _, nc := range open {
			_ = nc.Close()
		}
	}()

	// /health and SendMessage at once, from the moment the silent connections are open.
	var health, send string
	var probes sync.WaitGroup
	probes.Go(func() {
		hc := &http.Client{Timeout: *wait, Transport: &http.Transport{DisableKeepAlives: true}}
		t0 := time.Now()
		res, err := hc.Get(endpoint + "/health")
		d := time.Since(t0).Round(time.Millisecond)
		if err != nil {
			health = fmt.Sprintf("failed after %v: %v", d, err)
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		health = fmt.Sprintf("HTTP %d in %v", res.StatusCode, d)
	})
	probes.Go(func() {
		// A new SDK client, with the SDK's standard retries (3 attempts).
		fresh := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		sctx, cancel := context.WithTimeout(ctx, *wait)
		defer cancel()
		t0 := time.Now()
		_, err := fresh.SendMessage(sctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("hello")})
		d := time.Since(t0).Round(time.Millisecond)
		if err != nil {
			send = fmt.Sprintf("failed after %v: %v", d, err)
			return
		}
		send = fmt.Sprintf("ok in %v", d)
	})
	probes.Wait()
	fmt.Printf("silent: GET /health: %s\nsilent: SendMessage: %s\n", health, send)
	// How many of the silent connections the server has closed by now.
	closed := 0
	buf := make([]byte, 1)
	for _, nc := range open {
		_ = nc.SetReadDeadline(time.Now().Add(time.Millisecond))
		if _, err := nc.Read(buf); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			closed++
		}
	}
	fmt.Printf("silent: %d of %d silent connections closed by the server %v after they opened\n", closed, len(open), time.Since(start).Round(time.Second))
	return nil
}

// history: a long trace, SendMessage alone and with pollers of a message's history.
func history(ctx context.Context, endpoint string, args []string) error {
	fs := flag.NewFlagSet("history", flag.ExitOnError)
	events := fs.Int("events", 161000, "trace events to make first")
	pollers := fs.Int("pollers", 4, "concurrent pollers of a message's history")
	duration := fs.Duration("duration", 10*time.Second, "how long each phase times SendMessage")
	_ = fs.Parse(args)

	c := client(endpoint, 0)
	name := "scale-history-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	q, err := createQueue(ctx, c, name)
	if err != nil {
		return err
	}
	first, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("watched")})
	if err != nil {
		return err
	}
	id := aws.ToString(first.MessageId)
	batches := *events / 10
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	t0 := time.Now()
	for range 8 {
		wg.Go(func() {
			entries := make([]types.SendMessageBatchRequestEntry, 10)
			for i := range entries {
				entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String("filler")}
			}
			for next.Add(1) <= int64(batches) {
				if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: entries}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Printf("history: %d events sent in %v\n", batches*10+1, time.Since(t0).Round(time.Millisecond))
	if _, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: q}); err != nil { // keep the queue small; the trace keeps its events
		return err
	}

	phase := func(label string, n int) error {
		pctx, stop := context.WithCancel(ctx)
		var polls atomic.Int64
		var pw sync.WaitGroup
		hc := &http.Client{Timeout: 30 * time.Second}
		path := endpoint + "/_sqsmock/queues/" + name + "/messages/" + id
		for range n {
			pw.Go(func() {
				for pctx.Err() == nil {
					res, err := hc.Get(path)
					if err != nil {
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					if res.StatusCode == http.StatusOK {
						polls.Add(1)
					}
				}
			})
		}
		var lat []time.Duration
		t0 := time.Now()
		for time.Since(t0) < *duration {
			s := time.Now()
			if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("timed")}); err != nil {
				stop()
				pw.Wait()
				return err
			}
			lat = append(lat, time.Since(s))
		}
		elapsed := time.Since(t0)
		stop()
		pw.Wait()
		slices.Sort(lat)
		fmt.Printf("history: SendMessage %s: n=%d p50=%v p99=%v max=%v; history polls %.0f/s\n", label, len(lat),
			pct(lat, 50), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), float64(polls.Load())/elapsed.Seconds())
		return nil
	}
	if err := phase("alone", 0); err != nil {
		return err
	}
	return phase(fmt.Sprintf("with %d pollers", *pollers), *pollers)
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)].Round(time.Microsecond)
}

// queues: create many, time the admin listing, delete them all.
func queues(ctx context.Context, endpoint string, args []string) error {
	fs := flag.NewFlagSet("queues", flag.ExitOnError)
	n := fs.Int("queues", 20000, "queues to create and delete")
	conc := fs.Int("c", 8, "concurrent clients")
	polls := fs.Int("polls", 10, "GET /_sqsmock/queues calls timed per form")
	_ = fs.Parse(args)

	c := client(endpoint, 0)
	prefix := "scale-q-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	urls := make([]*string, *n)
	each := func(fn func(i int) error) (time.Duration, error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		var first atomic.Value
		t0 := time.Now()
		for range *conc {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < *n; i = int(next.Add(1)) - 1 {
					if err := fn(i); err != nil {
						first.CompareAndSwap(nil, err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err, _ := first.Load().(error); err != nil {
			return 0, err
		}
		return time.Since(t0), nil
	}
	d, err := each(func(i int) (err error) {
		urls[i], err = createQueue(ctx, c, prefix+strconv.Itoa(i))
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("queues: created %d in %v\n", *n, d.Round(time.Millisecond))

	hc := &http.Client{Timeout: 60 * time.Second}
	for _, query := range []string{"", "?limit=100"} {
		var times []time.Duration
		size := 0
		for range *polls {
			t0 := time.Now()
			res, err := hc.Get(endpoint + "/_sqsmock/queues" + query)
			if err != nil {
				return err
			}
			b, err := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if err != nil {
				return err
			}
			times = append(times, time.Since(t0))
			size = len(b)
		}
		slices.Sort(times)
		fmt.Printf("queues: GET /_sqsmock/queues%s: %d bytes, median %v (min %v, max %v)\n", query, size,
			times[len(times)/2].Round(100*time.Microsecond), times[0].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond))
	}

	d, err = each(func(i int) error {
		_, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: urls[i]})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("queues: deleted %d in %v\n", *n, d.Round(time.Millisecond))
	return nil
}
