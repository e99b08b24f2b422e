package localstackcontainer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness/localstackcontainer"
)

// noDocker skips t when a Docker engine may be there: this machine's tests cover the path without
// one (starting LocalStack takes a Docker engine and an image pull).
func noDocker(t *testing.T) {
	t.Helper()
	if os.Getenv("DOCKER_HOST") != "" {
		t.Skip("DOCKER_HOST is set: this would start a LocalStack container")
	}
	for _, sock := range []string{"/var/run/docker.sock", os.ExpandEnv("$HOME/.docker/run/docker.sock"), os.ExpandEnv("$XDG_RUNTIME_DIR/docker.sock")} {
		if _, err := os.Stat(sock); err == nil {
			t.Skipf("a Docker socket exists (%s): this would start a LocalStack container", sock)
		}
	}
}

// capture is a testing.TB that records Fatal and Skip instead of acting on the real test.
type capture struct {
	testing.TB
	fatal, skip string
}

func (c *capture) Helper()                   {}
func (c *capture) Fatal(args ...any)         { c.fatal = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Skip(args ...any)          { c.skip = fmt.Sprint(args...); runtime.Goexit() }
func (c *capture) Fatalf(f string, a ...any) { c.Fatal(fmt.Sprintf(f, a...)) }

func start(t *testing.T) (c *capture, endpoint string) {
	c = &capture{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); endpoint = localstackcontainer.Start(c) }()
	<-done
	return c, endpoint
}

func TestEndpointWithoutDocker(t *testing.T) {
	noDocker(t)
	ep, err := localstackcontainer.Endpoint(context.Background())
	require.Error(t, err)
	assert.Empty(t, ep)
	assert.True(t, errors.Is(err, localstackcontainer.ErrNoDocker), "%v", err)
	_, again := localstackcontainer.Endpoint(context.Background())
	assert.Equal(t, err, again, "the outcome is kept for the test binary")
}

func TestStartWithoutDockerSkipsOrFailsUnderCI(t *testing.T) {
	noDocker(t)
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		c, ep := start(t)
		assert.Empty(t, ep)
		msg := c.skip + c.fatal
		assert.Contains(t, msg, "localstackcontainer: cannot start localstack/localstack:4.14")
		assert.Contains(t, msg, "start Docker (or set DOCKER_HOST)")
		assert.Contains(t, msg, "SQSHARNESS_LOCALSTACK_ENDPOINT, else http://127.0.0.1:4566")
		if ci == "true" {
			assert.Empty(t, c.skip)
			assert.Contains(t, c.fatal, "CI=true: a missing backend is a failure")
		} else {
			assert.Empty(t, c.fatal)
		}
	}
}
