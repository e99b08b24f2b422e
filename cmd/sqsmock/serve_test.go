package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -h explains the admin endpoints' guard and the server's limits, not only the README.
func TestHelpDocumentsAdminGuardAndLimits(t *testing.T) {
	var out bytes.Buffer
	_, err := parse([]string{"-h"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{
		"/_sqsmock/reset", "/_sqsmock/faults", "Host header", "DNS rebinding", "Origin", "Sec-Fetch-Site",
		`"Authorization: Bearer <token>"`, "-verify-sigv4 guards the SQS API only", "SQSMOCK_ADMIN_TOKEN", "SQSMOCK_ADMIN_HOSTS",
		"SQSMOCK_READ_TIMEOUT", "SQSMOCK_WRITE_TIMEOUT", "SQSMOCK_IDLE_TIMEOUT", "SQSMOCK_MAX_CONNS", "20s longest long poll",
		// The SQS API's guard and its opt-in.
		"refuses browser requests", "Sec-Fetch-Mode: navigate", "-browser-origins http://localhost:5173", "SQSMOCK_BROWSER_ORIGINS",
		"CORS preflights", "AccessDenied", "public DNS never answers",
		// What a reset does to the trace, and why.
		"The trace (-trace) survives POST /_sqsmock/reset", "a record of what", "not state",
	} {
		assert.Contains(t, out.String(), want)
	}
}

func TestServerFlagsAreChecked(t *testing.T) {
	none := func(string) string { return "" }
	for args, want := range map[string]string{
		"-write-timeout=20s":  "-write-timeout 20s must exceed 20s, the longest long poll",
		"-write-timeout=5s":   "must exceed 20s",
		"-read-timeout=-1s":   "-read-timeout -1s is negative",
		"-idle-timeout=-1m":   "-idle-timeout -1m0s is negative",
		"-max-conns=-5":       "-max-conns -5 is negative",
		"-write-timeout=21s":  "",
		"-write-timeout=0":    "",
		"-read-timeout=100ms": "",
	} {
		_, err := parse([]string{args}, none, &bytes.Buffer{})
		if want == "" {
			assert.NoError(t, err, args)
		} else {
			assert.ErrorContains(t, err, want, args)
		}
	}
	s, err := parse([]string{"-admin-hosts", " sqsmock , box:9324,,"}, none, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, []string{"sqsmock", "box:9324"}, s.server.options().AdminHosts)
	s, err = parse([]string{"-browser-origins", "http://localhost:5173, ,https://app.example"}, none, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, []string{"http://localhost:5173", "https://app.example"}, s.server.options().BrowserOrigins)
	assert.Equal(t, []string{"http://localhost:5173", "https://app.example"}, list(s.server.browserOrigins))
}

// apiRequest sends a JSON ListQueues (or, with preflight, its CORS preflight) to url under host,
// with headers, and returns the status and the response's headers.
func apiRequest(t *testing.T, url, host string, preflight bool, header map[string]string) (int, http.Header) {
	t.Helper()
	method := http.MethodPost
	if preflight {
		method = http.MethodOptions
	}
	req, err := http.NewRequest(method, url+"/", strings.NewReader("{}"))
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	if preflight {
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,amz-sdk-invocation-id")
	} else {
		req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// The SQS API refuses browsers and foreign Hosts by default; SQSMOCK_BROWSER_ORIGINS (or
// -browser-origins, which wins) lets one web app's origin in, with CORS; SQSMOCK_ADMIN_HOSTS adds
// a Host name.
func TestRunGuardsSQSAPI(t *testing.T) {
	url, _ := startRun(t, nil, nil)
	app := map[string]string{"Origin": "http://localhost:5173", "Sec-Fetch-Site": "same-site"}
	status, _ := apiRequest(t, url, "", false, nil)
	assert.Equal(t, http.StatusOK, status, "an SDK's request")
	status, _ = apiRequest(t, url, "", false, app)
	assert.Equal(t, http.StatusForbidden, status, "a browser's, by default")
	status, _ = apiRequest(t, url, "", true, app)
	assert.Equal(t, http.StatusForbidden, status, "a preflight, by default")
	status, _ = apiRequest(t, url, "sqsmock.example", false, nil)
	assert.Equal(t, http.StatusForbidden, status, "a foreign Host")

	env := map[string]string{"SQSMOCK_BROWSER_ORIGINS": "http://localhost:5173", "SQSMOCK_ADMIN_HOSTS": "sqsmock.example"}
	for _, args := range [][]string{nil, {"-browser-origins", "http://localhost:5173,https://other.example"}} {
		url, _ := startRun(t, args, env)
		status, h := apiRequest(t, url, "", true, app)
		assert.Equal(t, http.StatusNoContent, status, "%v: the app's preflight", args)
		assert.Equal(t, "http://localhost:5173", h.Get("Access-Control-Allow-Origin"))
		assert.Equal(t, "content-type, x-amz-target, amz-sdk-invocation-id", h.Get("Access-Control-Allow-Headers"))
		status, h = apiRequest(t, url, "", false, app)
		assert.Equal(t, http.StatusOK, status, "%v: the app's request", args)
		assert.Equal(t, "http://localhost:5173", h.Get("Access-Control-Allow-Origin"))
		status, _ = apiRequest(t, url, "", false, map[string]string{"Origin": "http://evil.example"})
		assert.Equal(t, http.StatusForbidden, status, "%v: another origin", args)
		status, _ = apiRequest(t, url, "sqsmock.example:9324", false, nil)
		assert.Equal(t, http.StatusOK, status, "%v: a Host of SQSMOCK_ADMIN_HOSTS", args)
	}
	url, _ = startRun(t, []string{"-browser-origins", "https://other.example"}, env)
	status, _ = apiRequest(t, url, "", false, app)
	assert.Equal(t, http.StatusForbidden, status, "the flag wins over the variable")

	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-browser-origins", "localhost:5173"},
		func(string) string { return "" }, &bytes.Buffer{}, nil)
	assert.ErrorContains(t, err, `browser origin "localhost:5173": want scheme://host[:port]`)
}

// adminGet sends GET /_sqsmock/queues to url under host, with headers.
func adminGet(t *testing.T, url, host string, header map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/_sqsmock/queues", nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// SQSMOCK_ADMIN_TOKEN and SQSMOCK_ADMIN_HOSTS reach the server; foreign Hosts and cross-origin
// requests are refused.
func TestRunGuardsAdminEndpoints(t *testing.T) {
	url, _ := startRun(t, nil, map[string]string{"SQSMOCK_ADMIN_TOKEN": "tok", "SQSMOCK_ADMIN_HOSTS": "sqsmock"})
	port := url[strings.LastIndex(url, ":")+1:]
	auth := map[string]string{"Authorization": "Bearer tok"}
	assert.Equal(t, http.StatusUnauthorized, adminGet(t, url, "", nil))
	assert.Equal(t, http.StatusUnauthorized, adminGet(t, url, "", map[string]string{"Authorization": "Bearer nope"}))
	assert.Equal(t, http.StatusOK, adminGet(t, url, "", auth))
	assert.Equal(t, http.StatusOK, adminGet(t, url, "sqsmock:"+port, auth))
	assert.Equal(t, http.StatusOK, adminGet(t, url, "localhost:"+port, auth))
	assert.Equal(t, http.StatusForbidden, adminGet(t, url, "evil.example:"+port, auth))
	assert.Equal(t, http.StatusForbidden, adminGet(t, url, "", map[string]string{"Authorization": "Bearer tok", "Origin": "http://evil.example"}))
	assert.Equal(t, http.StatusForbidden, adminGet(t, url, "", map[string]string{"Authorization": "Bearer tok", "Sec-Fetch-Site": "cross-site"}))
}

// The timeout and connection flags reach the server: a body that never comes is given up on,
// and a second connection past -max-conns 1 gets a 503.
func TestRunAppliesTimeoutsAndConnectionBound(t *testing.T) {
	url, _ := startRun(t, []string{"-read-timeout", "200ms", "-max-conns", "1"}, nil)
	addr := strings.TrimPrefix(url, "http://")
	lying, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer lying.Close()
	require.NoError(t, lying.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err = lying.Write([]byte("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction="))
	require.NoError(t, err)

	over, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer over.Close()
	_, err = over.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(over), nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)

	resp, err = http.ReadResponse(bufio.NewReader(lying), nil)
	require.NoError(t, err, "the server answers the short body once the read timeout passes")
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	_, err = io.Copy(io.Discard, lying)
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the server closed the connection: %v", err)
}
