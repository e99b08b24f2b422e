package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealthURLProbesWildcardsOnLoopback(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:9324":   "http://127.0.0.1:9324/health",
		":9324":          "http://127.0.0.1:9324/health",
		"[::]:9324":      "http://[::1]:9324/health",
		"127.0.0.1:8080": "http://127.0.0.1:8080/health",
		"sqsmock:9324":   "http://sqsmock:9324/health",
	} {
		got, err := healthURL(addr)
		require.NoError(t, err, addr)
		assert.Equal(t, want, got, addr)
	}
	for _, addr := range []string{"9324", "127.0.0.1:0", "127.0.0.1:"} {
		_, err := healthURL(addr)
		assert.Error(t, err, addr)
	}
}

// -healthcheck exits 0 (nil) against a serving sqsmock, and 1 (an error) when nothing listens
// or /health does not answer 200.
func TestHealthcheckProbesTheServer(t *testing.T) {
	none := func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, none, &safeBuffer{}, func(u string) { urls <- u })
	}()
	addr := strings.TrimPrefix(<-urls, "http://")
	var out bytes.Buffer
	assert.NoError(t, run(context.Background(), []string{"-healthcheck", "-addr", addr}, none, &out, nil))
	env := map[string]string{"SQSMOCK_HEALTHCHECK": "true", "SQSMOCK_ADDR": addr}
	assert.NoError(t, run(context.Background(), nil, func(k string) string { return env[k] }, &out, nil), "the variables alone")
	assert.Empty(t, out.String(), "a healthy probe prints nothing")
	cancel()
	require.NoError(t, <-done)

	err := run(context.Background(), []string{"-healthcheck", "-addr", addr}, none, &out, nil)
	assert.ErrorContains(t, err, "-healthcheck", "nothing listens any more")

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	_, port, err := net.SplitHostPort(failing.Listener.Addr().String())
	require.NoError(t, err)
	err = run(context.Background(), []string{"-healthcheck", "-addr", "0.0.0.0:" + port}, none, &out, nil)
	assert.ErrorContains(t, err, "503 Service Unavailable")
}
