package main

import (
	"bufio"
	"bytes"
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
	assert.Len(t, s.server.options(), 5, "timeouts, connection bound and one WithAdminHosts")
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
	_, err = lying.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction="))
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
