package sqsmock_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// shortTimeouts keep the connection tests quick; the tests wait for the server to let go, they
// never time it.
var shortTimeouts = []func(*sqsmock.ServerOptions){
	func(o *sqsmock.ServerOptions) { o.ReadTimeout = 200 * time.Millisecond },
	func(o *sqsmock.ServerOptions) { o.IdleTimeout = 200 * time.Millisecond },
	func(o *sqsmock.ServerOptions) { o.WriteTimeout = 30 * time.Second },
}

// startServer starts a mock with a queue "q" and stops it when the test ends.
func startServer(t *testing.T, opts ...func(*sqsmock.ServerOptions)) *sqsmock.Server {
	t.Helper()
	q := func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(o *sqsmock.Options) { o.Queues = append(o.Queues, sqsmock.Queue{Name: "q"}) })
	}
	return sqsmock.NewServer(t, append([]func(*sqsmock.ServerOptions){q}, opts...)...)
}

// rawConn is a client connection that writes by hand. Its reads give up after a safety deadline
// far beyond the server's timeouts, so a server that holds on fails the test instead of hanging.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, srv *sqsmock.Server) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Second)))
	return &rawConn{Conn: c, r: bufio.NewReader(c)}
}

// send writes s, ignoring errors: the server may already have let go.
func (c *rawConn) send(s string) { _, _ = c.Write([]byte(s)) }

// response reads one response, or returns the error reading it gave.
func (c *rawConn) response() (*http.Response, string, error) {
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// requireReleased checks that the server let go of c by itself: whatever it still sends, c ends
// (EOF or a reset), well before the client's own safety deadline.
func (c *rawConn) requireReleased(t *testing.T) {
	t.Helper()
	_, err := io.Copy(io.Discard, c.r)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server still holds the connection: %v", err)
}

const queryPrefix = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"

// A client that sends its body a byte at a time gets an error once the read timeout has passed,
// and its connection is closed.
func TestServerCutsOffTricklingBody(t *testing.T) {
	srv := startServer(t, shortTimeouts...)
	c := dialRaw(t, srv)
	body := "Action=ListQueues&QueueNamePrefix=" + strings.Repeat("x", 200)
	c.send(queryPrefix + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body[:10])
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // one byte every 20 ms: the body would take 4 s
		defer wg.Done()
		for i := 10; i < len(body); i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte{body[i]}); err != nil {
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	resp, text, err := c.response()
	if err == nil {
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
		assert.Contains(t, text, "could not read request body")
	}
	c.requireReleased(t)
}

// A client whose Content-Length promises more than it sends is let go after the read timeout.
func TestServerLetsGoOfLyingContentLength(t *testing.T) {
	srv := startServer(t, shortTimeouts...)
	c := dialRaw(t, srv)
	c.send(queryPrefix + "Content-Length: 1000\r\n\r\nAction=ListQueues")
	resp, text, err := c.response()
	require.NoError(t, err, "the server answers before closing")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
	assert.Contains(t, text, "<Code>SerializationException</Code>")
	c.requireReleased(t)
}

// Headers sent a byte at a time are cut off by the same read timeout.
func TestServerLetsGoOfTricklingHeaders(t *testing.T) {
	srv := startServer(t, shortTimeouts...)
	c := dialRaw(t, srv)
	c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	c.requireReleased(t)
}

// A keep-alive connection that sends nothing after its answer is closed after the idle timeout.
func TestServerClosesIdleKeepAliveConnections(t *testing.T) {
	srv := startServer(t, shortTimeouts...)
	c := dialRaw(t, srv)
	c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, _, err := c.response()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.False(t, resp.Close, "the connection is kept alive")
	c.requireReleased(t)
}

// The read timeout bounds the request's arrival only: a long poll that outlasts it still gets
// its answer (net/http would otherwise cancel it when its watch for the client timed out).
func TestServerReadTimeoutDoesNotCutLongPolls(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.ReadTimeout = 50 * time.Millisecond })
	c := srv.SDKClient()
	ctx := context.Background()
	q := aws.String(srv.URL + "/000000000000/q")
	go func() {
		// Send while the long poll waits, well after the read timeout has passed.
		time.Sleep(500 * time.Millisecond)
		_, _ = srv.Mock().Client().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("late")})
	}()
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 20})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	assert.Equal(t, "late", *out.Messages[0].Body)

	// Query protocol, as a GET with no body.
	go func() {
		time.Sleep(500 * time.Millisecond)
		_, _ = srv.Mock().Client().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("later")})
	}()
	resp, err := http.Get(srv.URL + "/000000000000/q?Action=ReceiveMessage&WaitTimeSeconds=20")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "<Body>later</Body>")
}

// Past WithMaxConnections, a connection's request gets ServiceUnavailable (503) in its protocol
// and the connection is closed; once a connection closes, new ones are served again.
func TestServerBoundsConnections(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.MaxConnections = 1 })
	holder := dialRaw(t, srv)
	holder.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, _, err := holder.response()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the first connection is served")

	c := srv.SDKClient(func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	_, err = c.ListQueues(context.Background(), &sqs.ListQueuesInput{})
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "ServiceUnavailable", api.ErrorCode())
	assert.Contains(t, api.ErrorMessage(), "more than 1 connections open")
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusServiceUnavailable, re.HTTPStatusCode())

	over := dialRaw(t, srv)
	over.send(queryPrefix + "Content-Length: 17\r\n\r\nAction=ListQueues")
	resp, text, err := over.response()
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.True(t, resp.Close, "the server closes the connection")
	assert.Contains(t, text, "<Code>ServiceUnavailable</Code>")
	over.requireReleased(t)

	health := dialRaw(t, srv)
	health.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, text, err = health.response()
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, text, `"error":"sqsmock: more than 1 connections open`)

	require.NoError(t, holder.Close())
	require.Eventually(t, func() bool {
		_, err := c.ListQueues(context.Background(), &sqs.ListQueuesInput{})
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "served again once the first connection closed")
}

// Shutdown does not wait for a client still sending its body, nor for one still sending its
// headers: with the default 30 s read timeout, it returns well before its own 20 s deadline.
func TestServerShutdownDoesNotWaitForTricklers(t *testing.T) {
	srv, err := sqsmock.New().Start()
	require.NoError(t, err)
	body := dialRaw(t, srv)
	body.send(queryPrefix + "Content-Length: 1000\r\n\r\nAction=ListQueues")
	headers := dialRaw(t, srv)
	headers.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
	require.Eventually(t, func() bool { return srv.ActiveConnections() == 1 && srv.Connections() == 1 },
		10*time.Second, time.Millisecond, "one request is reading its body, the other connection its headers")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "shutdown finished before its deadline")
	body.requireReleased(t)
	headers.requireReleased(t)
}

// A long poll the SDK client gives up on (as consumers do when they stop) is answered 499 for
// the log, not InternalError (500), and a request cut short by Shutdown is not a 500 either.
func TestServerCancelledLongPollIsNotAServerError(t *testing.T) {
	clk := sqsmock.NewManualClock(time.Unix(1_700_000_000, 0))
	statuses := make(chan int, 1)
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			statuses <- rec.status
		})
	}
	srv, err := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}}; o.Clock = clk }).Start(func(o *sqsmock.ServerOptions) { o.Middleware = append(o.Middleware, record) })
	require.NoError(t, err)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := srv.SDKClient().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(srv.URL + "/000000000000/q"), WaitTimeSeconds: 20})
		done <- err
	}()
	wait, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	require.NoError(t, clk.BlockUntil(wait, 1)) // the long poll is waiting in the engine
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, 499, <-statuses)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// A client that hangs up in the middle of its body is answered 499 (client closed request) for
// the log, in both protocols and on PUT /_sqsmock/faults, not 400: nobody got a 400, and the
// read timeout's 400 (TestServerLetsGoOfLyingContentLength) stays for a client still there.
func TestServerClientGoneMidBodyIs499(t *testing.T) {
	statuses := make(chan int, 3)
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			statuses <- rec.status
		})
	}
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.Middleware = append(o.Middleware, record) })
	for _, req := range []string{
		queryPrefix + "Content-Length: 1000\r\n\r\nAction=SendMessage&MessageBody=",
		"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.SendMessage\r\nContent-Type: application/x-amz-json-1.0\r\n" +
			"Content-Length: 1000\r\n\r\n{\"MessageBody\":\"",
		"PUT /_sqsmock/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"10\r\n{\"seed\":1,\"rules\r\n",
	} {
		c := dialRaw(t, srv)
		c.send(req)
		require.NoError(t, c.Close())
		assert.Equal(t, 499, <-statuses, "%q", req)
	}
}

// getHealth sends GET /health on a new connection and returns the status, or 0 on a transport
// error.
func getHealth(srv *sqsmock.Server) int {
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := hc.Get(srv.URL + "/health")
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// Silent connections (accepted, nothing sent) cannot hold the server: past the bound they are
// closed within seconds, not after the 30 s read timeout, and a healthy client that comes after
// them is served (/health, SendMessage through the SDK) while they are still open: it takes the
// place of a silent one within the bound. It used to get ServiceUnavailable until the silent
// connections timed out.
func TestServerShedsSilentConnections(t *testing.T) {
	const bound, over = 4, 6
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.MaxConnections = bound }) // the default 30 s read timeout
	var within []*rawConn
	for range bound {
		within = append(within, dialRaw(t, srv))
	}
	require.Eventually(t, func() bool { return srv.Connections() == bound }, 10*time.Second, 5*time.Millisecond, "the silent connections accepted")
	var past []*rawConn
	for range over {
		past = append(past, dialRaw(t, srv))
	}
	require.Eventually(t, func() bool { return srv.Connections() == bound+over }, 10*time.Second, 5*time.Millisecond, "the silent connections past the bound accepted")

	// A healthy client: the server answers it 503 at first (the silent connections are young),
	// then serves it in place of the oldest silent one. A client that retries as SDKs do gets in.
	require.Eventually(t, func() bool { return getHealth(srv) == http.StatusOK }, 15*time.Second, 50*time.Millisecond,
		"/health answered while silent connections fill the bound")
	c := srv.SDKClient(func(o *sqs.Options) { o.RetryMaxAttempts = 10 })
	q, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	_, err = c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("healthy")})
	require.NoError(t, err)

	// Every silent connection past the bound, and those shed within it, let go well before the
	// 30 s read timeout (and the client's own 20 s safety deadline).
	for _, c := range past {
		c.requireReleased(t)
	}
	shed := 0
	for _, c := range within {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := c.r.ReadByte(); !errors.Is(err, os.ErrDeadlineExceeded) {
			shed++
		}
	}
	assert.Positive(t, shed, "silent connections within the bound shed for the healthy ones")
}
