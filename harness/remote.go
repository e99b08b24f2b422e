package harness

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// LocalStackImage is the LocalStack image the skip message suggests and package
// github.com/sqsharness/sqsharness/harness/localstackcontainer starts: the release the peers
// scripts install (4.14), pinned.
const LocalStackImage = "localstack/localstack:4.14"

// InCI reports whether CI=true, where a backend that cannot be reached fails the test instead of
// skipping it.
func InCI() bool { return strings.EqualFold(os.Getenv("CI"), "true") }

// EndpointFor is the endpoint New would use for b given only the environment: SQSHARNESS_<B>_ENDPOINT,
// else AWS_ENDPOINT_URL_SQS when b is the backend selected by SQSHARNESS_BACKEND.
func EndpointFor(b Backend) string {
	if v := os.Getenv(EndpointEnv(b)); v != "" {
		return v
	}
	if Backend(strings.ToLower(os.Getenv(EnvBackend))) == b {
		return os.Getenv("AWS_ENDPOINT_URL_SQS")
	}
	return ""
}

func howTo(b Backend) string {
	switch b {
	case LocalStack:
		return "start one with `.ci/peers/start.sh localstack && eval \"$(.ci/peers/env.sh)\"` (sets SQSHARNESS_LOCALSTACK_ENDPOINT), or start " + LocalStackImage + " in Docker with harness.WithEndpoint(localstackcontainer.Start(t)) (package github.com/sqsharness/sqsharness/harness/localstackcontainer)"
	case AWS:
		return "set AWS credentials for the default chain (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION"
	default:
		return fmt.Sprintf("start one with `.ci/peers/start.sh %s && eval \"$(.ci/peers/env.sh)\"` (sets %s), or set AWS_ENDPOINT_URL_SQS with %s=%s", b, EndpointEnv(b), EnvBackend, b)
	}
}

// unavailable skips the test (fails it under CI=true) because backend b cannot be used.
func (h *H) unavailable(b Backend, why string) {
	h.t.Helper()
	msg := fmt.Sprintf("harness: backend %s unavailable: %s; %s", b, why, howTo(b))
	if InCI() {
		h.t.Fatal(msg + " (CI=true: a missing backend is a failure)")
	}
	h.t.Skip(msg)
}

func (h *H) setupRemote(cfg config, _ bool) {
	h.t.Helper()
	h.caps = Capabilities{}
	endpoint := cfg.endpoint
	if endpoint == "" {
		endpoint = EndpointFor(cfg.backend)
	}
	ctx := context.Background()
	if cfg.backend == AWS {
		var lo []func(*awsconfig.LoadOptions) error
		if cfg.region != "" {
			lo = append(lo, awsconfig.WithRegion(cfg.region))
		}
		awsCfg, err := awsconfig.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			h.unavailable(AWS, err.Error())
		}
		if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
			h.unavailable(AWS, "no credentials: "+err.Error())
		}
		fns := cfg.clientOpts
		if endpoint != "" {
			fns = append([]func(*sqs.Options){func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) }}, fns...)
		}
		h.api = sqs.NewFromConfig(awsCfg, fns...)
		h.region, h.endpoint = awsCfg.Region, endpoint
		return
	}
	if endpoint == "" {
		h.unavailable(cfg.backend, "no endpoint ("+EndpointEnv(cfg.backend)+" is not set)")
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
	if err := reachableOnce(ctx, endpoint, h.api); err != nil {
		h.unavailable(cfg.backend, fmt.Sprintf("%s does not answer ListQueues: %v", endpoint, err))
	}
}

// peerHTTPClient is the HTTP client for local peers: idle connections are dropped after 15s (moto's
// server silently abandons a keep-alive connection idle for a minute, and a request sent on it then
// hangs), and no request may take more than 60s (the longest long poll is 20s).
func peerHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithTransportOptions(func(tr *http.Transport) { tr.IdleConnTimeout = 15 * time.Second }).
		WithTimeout(60 * time.Second)
}

var reach sync.Map // endpoint → error of the first check

func reachableOnce(ctx context.Context, endpoint string, api interface {
	ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
}) error {
	if v, ok := reach.Load(endpoint); ok {
		if v == nil {
			return nil
		}
		return v.(error)
	}
	err := reachable(ctx, api)
	if err != nil {
		reach.Store(endpoint, err)
	} else {
		reach.Store(endpoint, nil)
	}
	return err
}

func reachable(ctx context.Context, api interface {
	ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
}) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := api.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1)}, func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	return err
}
