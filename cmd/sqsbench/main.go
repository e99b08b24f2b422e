// Command sqsbench is an HTTP load generator for any SQS endpoint (the sqsmock server, ElasticMQ,
// LocalStack, moto, ...), using aws-sdk-go-v2's *sqs.Client, so every endpoint is measured with
// the same client. It reports operations and requests per second and p50/p90/p99/max latency.
//
//	go run ./cmd/sqsbench -endpoint http://127.0.0.1:9324 -op send -c 16 -duration 3s
//	go run ./cmd/sqsbench -op send:1,receive:1,delete:1 -c 4 -count 10000
//	go run ./cmd/sqsbench -op longpoll -rounds 50
//	go run ./cmd/sqsbench -endpoint http://127.0.0.1:9325 -server-pid auto -warmup 60s -op send -c 16 -duration 20s
//	go run ./cmd/sqsbench -floor 127.0.0.1:9400   # the floor server, for -server-pid
//
// Operations (-op, a comma-separated mix with optional weights, name:weight):
//
//	send, send-batch        SendMessage; SendMessageBatch of 10
//	receive, receive-batch  ReceiveMessage of 1 / 10 from a prefilled queue whose visibility
//	                        timeout is 0, so messages stay available
//	delete, delete-batch    DeleteMessage; DeleteMessageBatch of 10. Handles come from untimed
//	                        SendMessageBatch + ReceiveMessage calls, which count in req/s only
//	longpoll                wake-up latency: a receiver waits in WaitTimeSeconds=20 on an empty
//	                        queue, a sender sends; time from the send to the receive returning
//	                        (-rounds rounds per client, -c pairs on their own queues)
//
// Runs are bounded: -duration (at most 10 minutes) and, if set, -count operations, whichever ends
// first. Only loopback endpoints are accepted unless -allow-remote is given.
//
// Server CPU: with -server-pid (a PID, or auto for the process listening on the endpoint's port),
// sqsbench reads the CPU time (utime+stime) of that process and its live descendants, plus what
// their reaped children used (cutime+cstime), from /proc before and after the measured phase, and
// divides it by the requests the server answered: microseconds of server CPU per request. Unlike
// throughput, that figure holds when the load generator and other work share the cores. Before
// and after that it watches the server for -idle with no load, to show CPU the server spends on
// other clients or in the background, which the figure would include.
// -warmup runs the same load unmeasured first (on its own queue): give a JVM server 60s for its JIT.
//
// Floor: -floor ADDR serves the least an SQS server can do for SendMessage (decode the JSON 1.0
// request, MD5 of the body, reply with MessageId and MD5OfMessageBody) until interrupted, as the
// floor against which servers' CPU per request compares.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sqsbench:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	endpoint, label, region, accessKey, secretKey string
	allowRemote                                   bool
	concurrency                                   int
	duration, timeout                             time.Duration
	count                                         int64
	mix                                           []weighted
	size, prefill, rounds                         int
	format                                        string
	serverPIDArg, floor                           string
	serverPID                                     int // resolved from serverPIDArg by run
	warmup, idle                                  time.Duration
}

type weighted struct {
	op     string
	weight int
}

const maxDuration = 10 * time.Minute

var knownOps = map[string]bool{"send": true, "send-batch": true, "receive": true, "receive-batch": true,
	"delete": true, "delete-batch": true, "longpoll": true}

func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sqsbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ops string
	fs.StringVar(&c.endpoint, "endpoint", "http://127.0.0.1:9324", "SQS endpoint URL")
	fs.StringVar(&c.label, "label", "", "name of the endpoint in the report (default: its URL)")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow an endpoint that is not on loopback")
	fs.StringVar(&c.region, "region", "us-east-1", "region to sign for")
	fs.StringVar(&c.accessKey, "access-key", "test", "access key")
	fs.StringVar(&c.secretKey, "secret-key", "test", "secret key")
	fs.IntVar(&c.concurrency, "c", 1, "concurrent clients (goroutines sharing one *sqs.Client)")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "how long to run (at most 10m)")
	fs.Int64Var(&c.count, "count", 0, "stop after this many operations (0: only -duration bounds the run)")
	fs.StringVar(&ops, "op", "send", "operation mix: send, send-batch, receive, receive-batch, delete, delete-batch, longpoll; e.g. send:2,receive:1")
	fs.IntVar(&c.size, "size", 100, "message body size in bytes (1 to 1048576)")
	fs.IntVar(&c.prefill, "prefill", 1000, "messages put in the queue before receive runs")
	fs.IntVar(&c.rounds, "rounds", 20, "longpoll: rounds per client")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.StringVar(&c.format, "format", "text", "report format: text, json or markdown (one table row)")
	fs.StringVar(&c.serverPIDArg, "server-pid", "", "report the CPU time of this server process (and its children) per request; auto: the process listening on the endpoint's port")
	fs.DurationVar(&c.idle, "idle", 2*time.Second, "with -server-pid: watch the server this long without load before and after the run (0: not at all)")
	fs.DurationVar(&c.warmup, "warmup", 0, "run the load unmeasured this long first (JIT warm-up; at most 10m)")
	fs.StringVar(&c.floor, "floor", "", "serve the floor server on this address (e.g. 127.0.0.1:0) instead of loading an endpoint")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.label == "" {
		c.label = c.endpoint
	}
	if err := checkEndpoint(c.endpoint, c.allowRemote); err != nil {
		return c, err
	}
	if c.floor != "" {
		if err := checkEndpoint("http://"+c.floor, c.allowRemote); err != nil {
			return c, fmt.Errorf("-floor: %w", err)
		}
	}
	switch {
	case c.concurrency < 1 || c.concurrency > 4096:
		return c, errors.New("-c must be 1 to 4096")
	case c.duration <= 0 || c.duration > maxDuration:
		return c, fmt.Errorf("-duration must be more than 0 and at most %v", maxDuration)
	case c.count < 0:
		return c, errors.New("-count must not be negative")
	case c.size < 1 || c.size > 1048576:
		return c, errors.New("-size must be 1 to 1048576")
	case c.rounds < 1 || c.rounds > 100000:
		return c, errors.New("-rounds must be 1 to 100000")
	case c.prefill < 0 || c.prefill > 1000000:
		return c, errors.New("-prefill must be 0 to 1000000")
	case c.warmup < 0 || c.warmup > maxDuration:
		return c, fmt.Errorf("-warmup must be 0 to %v", maxDuration)
	case c.idle < 0 || c.idle > time.Minute:
		return c, errors.New("-idle must be 0 to 1m")
	case c.format != "text" && c.format != "json" && c.format != "markdown":
		return c, errors.New("-format must be text, json or markdown")
	}
	for part := range strings.SplitSeq(ops, ",") {
		name, w, hasW := strings.Cut(strings.TrimSpace(part), ":")
		if !knownOps[name] {
			return c, fmt.Errorf("unknown operation %q", name)
		}
		weight := 1
		if hasW {
			n, err := strconv.Atoi(w)
			if err != nil || n < 1 || n > 1000 {
				return c, fmt.Errorf("bad weight in %q", part)
			}
			weight = n
		}
		c.mix = append(c.mix, weighted{name, weight})
	}
	if c.mix[0].op == "longpoll" && c.warmup > 0 {
		return c, errors.New("-warmup does not apply to longpoll")
	}
	if len(c.mix) > 1 {
		for _, w := range c.mix {
			if w.op == "longpoll" {
				return c, errors.New("longpoll cannot be mixed with other operations")
			}
		}
	}
	return c, nil
}

// checkEndpoint refuses endpoints that are not on loopback, unless allowed.
func checkEndpoint(endpoint string, allowRemote bool) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-endpoint %q is not an http(s) URL", endpoint)
	}
	if allowRemote {
		return nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-endpoint %s is not on loopback (127.0.0.0/8, ::1, localhost); pass -allow-remote to load it anyway", endpoint)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if c.floor != "" {
		return serveFloor(ctx, c.floor, stdout)
	}
	if c.serverPID, err = resolveServerPID(c.serverPIDArg, c.endpoint); err != nil {
		return err
	}
	var rep *report
	if c.mix[0].op == "longpoll" {
		rep, err = runLongPoll(ctx, c)
	} else {
		rep, err = runLoad(ctx, c)
	}
	if rep == nil {
		return err
	}
	// A run in which every operation failed is still reported, then the command fails (err).
	switch c.format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if eerr := enc.Encode(rep); eerr != nil {
			return eerr
		}
	case "markdown":
		rep.markdown(stdout)
	default:
		rep.text(stdout)
	}
	return err
}
