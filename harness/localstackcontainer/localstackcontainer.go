// Package localstackcontainer starts LocalStack in Docker, with testcontainers-go, for tests that
// run the harness on the localstack backend and have no LocalStack of their own:
//
//	h := harness.New(t, func(o *harness.Options) {
//		o.Backend, o.Endpoint = "localstack", localstackcontainer.Start(t)
//	})
//
// It is a module of its own (github.com/sqsharness/sqsharness/harness/localstackcontainer) so that
// only the modules requiring it get testcontainers-go, the Docker client and OpenTelemetry in their
// module graph: package harness does not import it, and without it the localstack backend uses
// SQSHARNESS_LOCALSTACK_ENDPOINT, else http://127.0.0.1:4566.
//
// One container per test binary is started, on first use, from the pinned image
// harness.LocalStackImage (localstack/localstack:4.14, never latest) with SQS only and AWS-like
// SQS settings (SERVICES=sqs, SQS_ENDPOINT_STRATEGY=path, SQS_DELAY_PURGE_RETRY=1,
// SQS_DELAY_RECENTLY_DELETED=1, SQS_ENABLE_MESSAGE_RETENTION_PERIOD=1). testcontainers' reaper
// (Ryuk) removes it when the test binary exits.
package localstackcontainer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tclocalstack "github.com/testcontainers/testcontainers-go/modules/localstack"

	"github.com/sqsharness/sqsharness/harness"
)

// ErrNoDocker is wrapped by the error of Endpoint when no Docker engine answers.
var ErrNoDocker = errors.New("no Docker engine answers")

// env is the container's environment: SQS only, queue URLs by path, and the SQS behaviours AWS has
// that LocalStack leaves off by default.
var env = map[string]string{
	"SERVICES":                            "sqs",
	"SQS_ENDPOINT_STRATEGY":               "path",
	"SQS_DELAY_PURGE_RETRY":               "1",
	"SQS_DELAY_RECENTLY_DELETED":          "1",
	"SQS_ENABLE_MESSAGE_RETENTION_PERIOD": "1",
}

// endpointVar is the variable the harness's localstack backend reads its endpoint from (this
// module does not import the root module's internal packages, which may change under it).
const endpointVar = "SQSHARNESS_LOCALSTACK_ENDPOINT"

var (
	mu       sync.Mutex
	endpoint string
	startErr error
)

// Endpoint returns the endpoint (http://host:port) of this test binary's LocalStack container,
// starting it on the first call. ctx bounds the start. Later calls return the first outcome, the
// endpoint or the error, without trying again, unless the first start ended because its ctx was
// done. When Docker is not available the error wraps ErrNoDocker.
func Endpoint(ctx context.Context) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if endpoint != "" || startErr != nil {
		return endpoint, startErr
	}
	ep, err := start(ctx)
	if err != nil && ctx.Err() != nil {
		return "", err // cancelled or timed out: the next call may try again
	}
	endpoint, startErr = ep, err
	return ep, err
}

func start(ctx context.Context) (string, error) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoDocker, err)
	}
	defer func() { _ = p.Close() }()
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := p.Health(hctx); err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoDocker, err)
	}
	c, err := tclocalstack.Run(ctx, harness.LocalStackImage, testcontainers.WithEnv(env))
	if err != nil {
		if c != nil {
			_ = testcontainers.TerminateContainer(c)
		}
		return "", fmt.Errorf("starting %s: %w", harness.LocalStackImage, err)
	}
	ep, err := c.PortEndpoint(ctx, "4566/tcp", "http")
	if err != nil {
		_ = testcontainers.TerminateContainer(c)
		return "", fmt.Errorf("reading the port of %s: %w", harness.LocalStackImage, err)
	}
	return ep, nil
}

// Start returns the endpoint of this test binary's LocalStack container, starting it on first use
// (see Endpoint), for harness.Options.Endpoint. When Docker is not available it skips t with
// instructions, or fails it under CI=true; any other failure to start the container fails t.
func Start(t testing.TB) string {
	t.Helper()
	ep, err := Endpoint(context.Background())
	if err == nil {
		return ep
	}
	if !errors.Is(err, ErrNoDocker) {
		t.Fatalf("localstackcontainer: %v", err)
	}
	msg := fmt.Sprintf("localstackcontainer: cannot start %s: %v; start Docker (or set DOCKER_HOST), "+
		"or run LocalStack yourself and use the localstack backend without this package "+
		"(it uses %s, else http://127.0.0.1:4566)",
		harness.LocalStackImage, err, endpointVar)
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatal(msg + " (CI=true: a missing backend is a failure)")
	}
	t.Skip(msg)
	return ""
}
