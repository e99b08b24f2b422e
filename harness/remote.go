package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/peerenv"
)

// LocalStackImage is the LocalStack image the skip message suggests and package
// github.com/sqsharness/sqsharness/harness/localstackcontainer starts: the release the peers
// scripts install (4.14), pinned.
const LocalStackImage = "localstack/localstack:4.14"

// endpointFromEnv is the endpoint configured for b by the environment alone, and the variable it
// came from: SQSHARNESS_<B>_ENDPOINT, else AWS_ENDPOINT_URL_SQS when b is the backend selected by
// SQSHARNESS_BACKEND; "" when neither. With no endpoint from Options.Endpoint or the environment, New
// tries DefaultEndpoint(b).
func endpointFromEnv(b Backend) (endpoint, source string) {
	if v := os.Getenv(endpointEnv(b)); v != "" {
		return v, endpointEnv(b)
	}
	if Backend(strings.ToLower(os.Getenv(envBackend))) == b {
		if v := os.Getenv("AWS_ENDPOINT_URL_SQS"); v != "" {
			return v, "AWS_ENDPOINT_URL_SQS"
		}
	}
	return "", ""
}

// defaultEndpoints are the addresses each peer listens on unless told otherwise.
var defaultEndpoints = map[Backend]string{
	backendLocalStack: "http://127.0.0.1:4566",
	backendMoto:       "http://127.0.0.1:5000",
	backendElasticMQ:  "http://127.0.0.1:9324",
}

// DefaultEndpoint is the endpoint New tries for a third-party backend when none is configured (no
// Options.Endpoint, no SQSHARNESS_<B>_ENDPOINT, no AWS_ENDPOINT_URL_SQS): the peer's usual local
// port, http://127.0.0.1:4566 for LocalStack, :5000 for moto, :9324 for ElasticMQ; "" for the
// other backends. 9324 is also the default port of the sqsmock server (go run ./cmd/sqsmock):
// New recognises it there (it answers GET /_sqsmock/health) and does not take it for ElasticMQ.
func DefaultEndpoint(b Backend) string { return defaultEndpoints[b] }

const (
	localStackContainerPkg = "github.com/sqsharness/sqsharness/harness/localstackcontainer"
	sqsmockHealthPath      = "/_sqsmock/health"
)

// howTo tells a library user how to make backend b available.
func howTo(b Backend) string {
	if b == backendAWS {
		return "Set AWS credentials for the default chain (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION."
	}
	var run string
	switch b {
	case backendLocalStack:
		run = "To run LocalStack 4.14 on 127.0.0.1:4566:\n" +
			"  docker run --rm -p 127.0.0.1:4566:4566 -e SERVICES=sqs " + LocalStackImage + "\n" +
			"  or, with Python >= 3.13: pip install 'localstack-core[runtime]==4.14.0' cbor2==5.9.0 pyOpenSSL==26.0.0 && " +
			"SERVICES=sqs GATEWAY_LISTEN=127.0.0.1:4566 python -m localstack.runtime.main\n" +
			"  or, from the test: Options.Endpoint = localstackcontainer.Start(t) with package " + localStackContainerPkg +
			" (a module of its own: go get it; starts " + LocalStackImage + " in Docker once per test binary)\n"
	case backendMoto:
		run = "To run moto on 127.0.0.1:5000:\n" +
			"  pip install 'moto[server]' && moto_server -H 127.0.0.1 -p 5000\n" +
			"  or: docker run --rm -p 127.0.0.1:5000:5000 motoserver/moto\n"
	case backendElasticMQ:
		run = "To run ElasticMQ on 127.0.0.1:9324:\n" +
			"  docker run --rm -p 127.0.0.1:9324:9324 softwaremill/elasticmq-native\n" +
			"  or, with Java: java -jar elasticmq-server-<version>.jar (the standalone jar from github.com/softwaremill/elasticmq)\n" +
			"  9324 is also the sqsmock server's default port: if it is taken, run ElasticMQ on another port and set the variable below.\n"
	}
	msg := fmt.Sprintf("%sOn any other address, set %s=<url> (or AWS_ENDPOINT_URL_SQS with %s=%s), or set harness.Options.Endpoint.",
		run, endpointEnv(b), envBackend, b)
	if run == "" { // a backend of the user's own
		return msg
	}
	return msg + fmt.Sprintf(" Contributors to sqsharness: .ci/peers/start.sh %s && eval \"$(.ci/peers/env.sh)\"", b)
}

// unavailable skips the test (fails it under CI=true) because backend b cannot be used.
func (h *H) unavailable(b Backend, why string) {
	h.t.Helper()
	msg := fmt.Sprintf("harness: backend %s unavailable: %s.\n%s", b, why, howTo(b))
	if peerenv.InCI() {
		h.t.Fatal(msg + "\n(CI=true: a missing backend is a failure)")
	}
	h.t.Skip(msg)
}

func (h *H) setupRemote(cfg config, _ bool) {
	h.t.Helper()
	h.caps = Capabilities{}
	endpoint, source := cfg.endpoint, "harness.Options.Endpoint"
	if endpoint == "" {
		endpoint, source = endpointFromEnv(cfg.backend)
	}
	ctx := context.Background()
	if cfg.backend == backendAWS {
		var lo []func(*awsconfig.LoadOptions) error
		if cfg.region != "" {
			lo = append(lo, awsconfig.WithRegion(cfg.region))
		}
		awsCfg, err := awsconfig.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			h.unavailable(backendAWS, err.Error())
		}
		if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
			h.unavailable(backendAWS, "no credentials: "+err.Error())
		}
		fns := cfg.clientOpts
		if endpoint != "" {
			fns = append([]func(*sqs.Options){func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) }}, fns...)
		}
		h.api = sqs.NewFromConfig(awsCfg, fns...)
		h.region, h.endpoint = awsCfg.Region, endpoint
		return
	}
	defaulted := endpoint == ""
	if defaulted {
		endpoint = DefaultEndpoint(cfg.backend)
	}
	if endpoint == "" && !slices.Contains(allBackends, cfg.backend) {
		// A name of one's own with nowhere to go is more likely a typo than a server that is down.
		h.t.Fatalf("harness: backend %q is not built in (%v), so it names an SQS server of your own, but it has no endpoint: "+
			"set harness.Options.Endpoint or %s", cfg.backend, allBackends, endpointEnv(cfg.backend))
	}
	if endpoint == "" {
		h.unavailable(cfg.backend, "no endpoint ("+endpointEnv(cfg.backend)+" is not set)")
	}
	h.region = cfg.region
	if h.region == "" {
		h.region = "us-east-1"
	}
	h.endpoint = endpoint
	h.api = sqs.New(sqs.Options{
		Region:       h.region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   peerHTTPClient(),
	}, cfg.clientOpts...)
	err := checkOnce(ctx, endpoint, defaulted, h.api)
	switch {
	case err == nil:
	case errors.Is(err, errSQSMock):
		h.unavailable(cfg.backend, fmt.Sprintf("no endpoint configured (harness.Options.Endpoint, %s, AWS_ENDPOINT_URL_SQS), "+
			"and %s, the default, is the sqsmock server (it answers GET %s), not %s "+
			"(for sqsmock over HTTP, use the \"server\" backend)",
			endpointEnv(cfg.backend), endpoint, sqsmockHealthPath, cfg.backend))
	case defaulted:
		h.unavailable(cfg.backend, fmt.Sprintf("no endpoint configured (harness.Options.Endpoint, %s, AWS_ENDPOINT_URL_SQS), "+
			"and the default, %s, does not answer ListQueues: %v", endpointEnv(cfg.backend), endpoint, err))
	default:
		h.unavailable(cfg.backend, fmt.Sprintf("%s (from %s) does not answer ListQueues: %v", endpoint, source, err))
	}
}

// peerHTTPClient is the HTTP client for local peers: idle connections are dropped after 15s (moto's
// server silently abandons a keep-alive connection idle for a minute, and a request sent on it then
// hangs), no request may take more than 60s (the longest long poll is 20s), and request bodies are
// sent from memory (bufferedBodies).
func peerHTTPClient() sqs.HTTPClient {
	return bufferedBodies{awshttp.NewBuildableClient().
		WithTransportOptions(func(tr *http.Transport) { tr.IdleConnTimeout = 15 * time.Second }).
		WithTimeout(60 * time.Second)}
}

// bufferedBodies sends each request's body from a copy in memory that closing cannot end. The
// Python peers (LocalStack, and moto less often) sometimes answer before net/http has finished
// writing the request; net/http then closes the request's body, the SDK's body reader fails,
// the write loop closes the connection, and the 200 answer being read fails with "use of closed
// network connection" (aws-sdk-go-v2#1825, golang/go#62447). The SDK retries that call, which the
// peer had applied: a send stored twice, a receive's messages hidden. Measured against LocalStack
// 4.14 on this project's 2-core machine under load: 2–3 such failures in 12,000 SendMessage calls
// with the SDK's own bodies, none in 36,000 with bufferedBodies. SQS requests are small (at most
// 1 MiB), so the copy is cheap.
type bufferedBodies struct{ next sqs.HTTPClient }

func (c bufferedBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		req.ContentLength = int64(len(data))
	}
	return c.next.Do(req)
}

// errSQSMock: a default endpoint is served by the sqsmock server, not by the peer.
var errSQSMock = errors.New("the sqsmock server answers there")

type checkKey struct {
	endpoint  string
	defaulted bool // a default endpoint: also make sure it is not the sqsmock server
}

type checkResult struct{ err error }

var checks sync.Map // checkKey → checkResult of the first check

// checkOnce checks once per endpoint (per test binary) that it answers ListQueues (one attempt,
// at most 10s) and, for a default endpoint, that it is not the sqsmock server.
func checkOnce(ctx context.Context, endpoint string, defaulted bool, api lister) error {
	key := checkKey{endpoint, defaulted}
	if v, ok := checks.Load(key); ok {
		return v.(checkResult).err
	}
	var err error
	if defaulted && isSQSMock(ctx, endpoint) {
		err = errSQSMock
	} else {
		err = reachable(ctx, api)
	}
	v, _ := checks.LoadOrStore(key, checkResult{err})
	return v.(checkResult).err
}

type lister interface {
	ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
}

func reachable(ctx context.Context, api lister) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := api.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1)}, func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	return err
}

// isSQSMock reports whether endpoint is the sqsmock server: GET /_sqsmock/health answers 200 with
// {"status":"ok",...}. ElasticMQ, LocalStack and moto answer that path with an error.
func isSQSMock(ctx context.Context, endpoint string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(endpoint, "/")+sqsmockHealthPath, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer func() { _ = resp.Body.Close() }()
	var health struct {
		Status string `json:"status"`
	}
	return resp.StatusCode == http.StatusOK &&
		json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&health) == nil && health.Status == "ok"
}
