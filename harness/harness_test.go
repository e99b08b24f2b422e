package harness_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/peerenv"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// backends are those the harness tests run on: both mocks always, the peers whose endpoints are set
// (each skips with instructions otherwise, and fails under CI=true).
var backends = []harness.Backend{"mock", "server", "moto", "localstack", "elasticmq"}

func each(t *testing.T, f func(t *testing.T, h *harness.H)) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			f(t, harness.New(t, func(o *harness.Options) { o.Backend = b }))
		})
	}
}

func TestQueuesAreUnique(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		a, b := h.Queue("same", nil), h.Queue("same", nil)
		f := h.Queue("same.fifo", nil)
		assert.NotEqual(t, a, b)
		assert.True(t, strings.HasSuffix(f, ".fifo"))
		assert.Equal(t, "true", h.Attributes(f)["FifoQueue"])
		long := h.UniqueName(strings.Repeat("x", 200), true)
		assert.LessOrEqual(t, len(long), 80)
		assert.True(t, strings.HasSuffix(long, ".fifo"))
	})
}

func TestCleanupDeletesQueues(t *testing.T) {
	var inner *harness.H
	t.Run("inner", func(t *testing.T) {
		inner = harness.New(t) // default backend: the in-process mock
		require.Equal(t, harness.Backend("mock"), inner.Backend())
		inner.Queue("gone", nil)
		inner.Queue("gone.fifo", nil)
		require.Len(t, inner.Mock().Queues(), 2)
	})
	assert.Empty(t, inner.Mock().Queues(), "queues deleted when the test ended")
}

func TestSendReceiveDrain(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("srd", map[string]string{"VisibilityTimeout": "3"})
		bodies := h.SendBodies(q, harness.Bodies("msg", 12))
		got := h.Receive(q, 12, 10*time.Second)
		h.AssertBodies(got, bodies...)
		// in flight: nothing to drain until the visibility timeout passes
		assert.Empty(t, h.Drain(q))
		h.Advance(3500 * time.Millisecond)
		again := h.Receive(q, 12, 5*time.Second)
		h.AssertBodies(again, bodies...)
		h.Delete(q, again...)
		h.WaitForCount(q, "ApproximateNumberOfMessagesNotVisible", 0, 5*time.Second)
		h.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
	})
}

func TestAttributesHelpers(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("attrs", map[string]string{"DelaySeconds": "1"})
		got := h.Attributes(q)
		assert.Equal(t, "1", got["DelaySeconds"])
		assert.Equal(t, "30", got["VisibilityTimeout"])
		h.SetAttributes(q, map[string]string{"DelaySeconds": "0"})
		attrs := map[string]types.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}
		h.Send(q, "with-attrs", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
		m := h.Receive(q, 1, 5*time.Second)
		h.AssertBodies(m, "with-attrs")
		assert.Equal(t, "v", aws.ToString(m[0].MessageAttributes["k"].StringValue))
		assert.Equal(t, "String", aws.ToString(m[0].MessageAttributes["k"].DataType))
		assert.Contains(t, h.QueueARN(q), ":sqsh-attrs-")
	})
}

func TestLongPollWakesOnSend(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("poll", nil)
		done := make(chan []types.Message, 1)
		start := time.Now()
		go func() {
			out, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: &q, WaitTimeSeconds: 10})
			if err != nil {
				done <- nil
				return
			}
			done <- out.Messages
		}()
		h.WaitForPollers(1)
		h.Send(q, "wake")
		select {
		case msgs := <-done:
			h.AssertBodies(msgs, "wake")
			assert.Less(t, time.Since(start), 9*time.Second)
		case <-time.After(15 * time.Second):
			t.Fatal("long poll did not return")
		}
	})
}

func TestLoopStandardWithPoison(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q, _ := h.QueueWithDLQ("cons", map[string]string{"VisibilityTimeout": "1"}, 2)
		bodies := h.SendBodies(q, harness.Bodies("msg", 6))
		rep := h.CheckConsumer(q, harness.Expect{Bodies: bodies, Timeout: 20 * time.Second}, harness.Loop(q, 2, func(_ context.Context, m types.Message) error {
			if aws.ToString(m.Body) == "msg-3" {
				return errors.New("poison")
			}
			return nil
		}))
		assert.Equal(t, []string{"msg-3"}, rep.DeadLettered)
		assert.Len(t, rep.Deleted, 5)
		assert.Equal(t, 2, rep.Deliveries["msg-3"])
	})
}

func TestLoopFIFOOrder(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("consfifo.fifo", map[string]string{"VisibilityTimeout": "1"})
		bodies := h.SendBodies(q, harness.Bodies("m", 9), func(i int, e *types.SendMessageBatchRequestEntry) {
			e.MessageGroupId = aws.String([]string{"a", "b", "c"}[i%3])
		})
		var mu sync.Mutex
		failedOnce := map[string]bool{}
		rep := h.CheckConsumer(q, harness.Expect{Bodies: bodies, Timeout: 20 * time.Second}, harness.Loop(q, 2, func(_ context.Context, m types.Message) error {
			b := aws.ToString(m.Body)
			mu.Lock()
			defer mu.Unlock()
			if b == "m-4" && !failedOnce[b] { // fails once: group b waits for it
				failedOnce[b] = true
				return errors.New("retry")
			}
			return nil
		}))
		assert.Len(t, rep.Deleted, 9)
		assert.GreaterOrEqual(t, rep.Deliveries["m-4"], 2)
	})
}

// noEndpoint clears every endpoint setting for b and points its default at a closed local port,
// so New takes the no-endpoint path even while the peer listens on its usual port. The test must
// not be parallel.
func noEndpoint(t *testing.T, b harness.Backend) string {
	t.Setenv(peerenv.EndpointVar(string(b)), "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	t.Setenv("SQSHARNESS_BACKEND", "")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	harness.SetDefaultEndpoint(t, b, closed)
	return closed
}

// newCaptured runs harness.New on a capture and returns how it ended.
func newCaptured(t *testing.T, opts ...func(*harness.Options)) *capture {
	c := &capture{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); harness.New(c, opts...) }()
	<-done
	return c
}

func TestUnknownBackendAndMissingEndpoint(t *testing.T) {
	closed := noEndpoint(t, "moto")
	t.Setenv("CI", "")
	ran := false
	t.Run("skips", func(t *testing.T) {
		defer func() { ran = t.Skipped() }()
		harness.New(t, func(o *harness.Options) { o.Backend = "moto" })
		t.Error("not skipped")
	})
	assert.True(t, ran, "skipped")

	c := newCaptured(t, func(o *harness.Options) { o.Backend = "moto" })
	assert.Empty(t, c.fatal)
	for _, want := range []string{
		"no endpoint configured", "the default, " + closed + ", does not answer ListQueues",
		"pip install 'moto[server]' && moto_server -H 127.0.0.1 -p 5000", "motoserver/moto",
		"SQSHARNESS_MOTO_ENDPOINT=<url>", "or set harness.Options.Endpoint",
	} {
		assert.Contains(t, c.skip, want)
	}
}

func TestLocalStackWithoutEndpoint(t *testing.T) {
	closed := noEndpoint(t, "localstack")
	t.Setenv("CI", "")
	c := newCaptured(t, func(o *harness.Options) { o.Backend = "localstack" })
	assert.Empty(t, c.fatal)
	for _, want := range []string{
		"backend localstack unavailable", "the default, " + closed + ", does not answer ListQueues",
		"docker run --rm -p 127.0.0.1:4566:4566 -e SERVICES=sqs localstack/localstack:4.14",
		"pip install 'localstack-core[runtime]==4.14.0'", "GATEWAY_LISTEN=127.0.0.1:4566 python -m localstack.runtime.main",
		"Options.Endpoint = localstackcontainer.Start(t)", "github.com/sqsharness/sqsharness/harness/localstackcontainer",
		"SQSHARNESS_LOCALSTACK_ENDPOINT=<url>",
	} {
		assert.Contains(t, c.skip, want)
	}
	assert.NotContains(t, c.skip, "testcontainers", "harness itself starts no container")
}

func TestMissingPeerFailsUnderCI(t *testing.T) {
	noEndpoint(t, "elasticmq")
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		c := newCaptured(t, func(o *harness.Options) { o.Backend = "elasticmq" })
		if ci == "true" {
			assert.Contains(t, c.fatal, "CI=true: a missing backend is a failure")
			assert.Contains(t, c.fatal, "softwaremill/elasticmq-native")
			assert.Empty(t, c.skip)
		} else {
			assert.Contains(t, c.skip, "docker run --rm -p 127.0.0.1:9324:9324 softwaremill/elasticmq-native")
			assert.Contains(t, c.skip, "java -jar elasticmq-server-")
			assert.Contains(t, c.skip, "SQSHARNESS_ELASTICMQ_ENDPOINT=<url>")
			assert.Contains(t, c.skip, ".ci/peers/start.sh elasticmq", "contributors still get the repo's script")
			assert.NotContains(t, c.skip, "CI=true")
			assert.Empty(t, c.fatal)
		}
	}
}

func TestConfiguredEndpointThatDoesNotAnswer(t *testing.T) {
	closed := noEndpoint(t, "moto")
	t.Setenv("CI", "")
	t.Setenv("SQSHARNESS_MOTO_ENDPOINT", closed+"/configured")
	c := newCaptured(t, func(o *harness.Options) { o.Backend = "moto" })
	assert.Contains(t, c.skip, closed+"/configured (from SQSHARNESS_MOTO_ENDPOINT) does not answer ListQueues")
	assert.NotContains(t, c.skip, "no endpoint configured")
}

// A peer on its default port is used without any configuration.
func TestDefaultEndpointIsTried(t *testing.T) {
	noEndpoint(t, "moto")
	t.Setenv("CI", "true") // a failure to use it fails the test
	// a stand-in peer: SQS over HTTP without sqsmock's own endpoints
	api := sqsmock.New().Handler()
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sqsmock/") {
			http.NotFound(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(peer.Close)
	harness.SetDefaultEndpoint(t, "moto", peer.URL)
	h := harness.New(t, func(o *harness.Options) { o.Backend = "moto" })
	assert.Equal(t, peer.URL, h.Endpoint())
	q := h.Queue("default", nil)
	h.Send(q, "via the default endpoint")
	h.AssertBodies(h.Receive(q, 1, 5*time.Second), "via the default endpoint")
}

// The sqsmock server on 9324 (ElasticMQ's port too) is not taken for ElasticMQ.
func TestSQSMockServerIsNotElasticMQ(t *testing.T) {
	noEndpoint(t, "elasticmq")
	srv := sqsmock.NewServer(t)
	harness.SetDefaultEndpoint(t, "elasticmq", srv.URL)
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		c := newCaptured(t, func(o *harness.Options) { o.Backend = "elasticmq" })
		msg := c.skip + c.fatal
		assert.Contains(t, msg, srv.URL+", the default, is the sqsmock server (it answers GET /_sqsmock/health), not elasticmq")
		assert.Contains(t, msg, "use the \"server\" backend")
		if ci == "true" {
			assert.Empty(t, c.skip)
		} else {
			assert.Empty(t, c.fatal)
		}
	}
	// configured explicitly, the same server is used as asked
	h := harness.New(t, func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = srv.URL })
	assert.Equal(t, srv.URL, h.Endpoint())
}

// capture is a testing.TB that records Fatal and Skip instead of acting on the real test.
type capture struct {
	testing.TB
	fatal, skip string
}

func (c *capture) Helper()                   {}
func (c *capture) Fatal(args ...any)         { c.fatal = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Skip(args ...any)          { c.skip = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Cleanup(func())            {}
func (c *capture) Fatalf(f string, a ...any) { c.Fatal(fmt.Sprintf(f, a...)) }
func (c *capture) Skipf(f string, a ...any)  { c.Skip(fmt.Sprintf(f, a...)) }

// A backend of one's own is a name and an endpoint: nothing in the harness needs to change.
func TestBackendOfYourOwn(t *testing.T) {
	srv := sqsmock.NewServer(t) // stands in for any SQS-compatible server
	h := harness.New(t, func(o *harness.Options) { o.Backend = "my-sqs"; o.Endpoint = srv.URL })
	assert.Equal(t, harness.Backend("my-sqs"), h.Backend())
	assert.False(t, h.Caps().FastForward, "a server of one's own runs in real time")
	q := h.Queue("own", nil)
	h.Send(q, "hello")
	h.AssertBodies(h.Receive(q, 1, 5*time.Second), "hello")

	t.Setenv("SQSHARNESS_MY_SQS_ENDPOINT", srv.URL)
	h = harness.New(t, func(o *harness.Options) { o.Backend = "my-sqs" })
	assert.Equal(t, srv.URL, h.Endpoint(), "its endpoint variable, as a peer's")

	// With no endpoint, the name is more likely a typo than a server that is down: a failure,
	// not a skip, even outside CI.
	t.Setenv("CI", "")
	c := newCaptured(t, func(o *harness.Options) { o.Backend = "mokc" })
	assert.Empty(t, c.skip)
	assert.Contains(t, c.fatal, `backend "mokc" is not built in`)
	assert.Contains(t, c.fatal, "SQSHARNESS_MOKC_ENDPOINT")
	c = newCaptured(t, func(o *harness.Options) { o.Backend = "Not A Name" })
	assert.Contains(t, c.fatal, `unknown backend "Not A Name"`)
}
