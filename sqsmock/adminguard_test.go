package sqsmock_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// adminCall is one request to the server at srvURL, under host (if set), with headers.
type adminCall struct {
	method, path, host string
	header             map[string]string
	body               string
}

// do sends the call and returns the status and the body.
func (a adminCall) do(t *testing.T, srvURL string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(a.method, srvURL+a.path, strings.NewReader(a.body))
	require.NoError(t, err)
	if a.host != "" {
		req.Host = a.host
	}
	for k, v := range a.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// adminPaths are the guarded endpoints, each with a harmless request.
var adminPaths = []adminCall{
	{method: "GET", path: "/_sqsmock/queues"},
	{method: "POST", path: "/_sqsmock/reset"},
	{method: "GET", path: "/_sqsmock/faults"},
	{method: "PUT", path: "/_sqsmock/faults", body: `{"seed":1,"rules":[]}`},
	{method: "DELETE", path: "/_sqsmock/faults"},
	{method: "GET", path: "/_sqsmock/trace?since=0"},
	{method: "GET", path: "/_sqsmock/topics"},
	{method: "GET", path: "/_sqsmock/trace?topic=arn:aws:sns:us-east-1:000000000000:orders"},
	// The live console's (console_test.go has the writes that cannot repeat: purge, delete).
	{method: "GET", path: "/_sqsmock/queues/q"},
	{method: "GET", path: "/_sqsmock/queues/q/messages"},
	{method: "POST", path: "/_sqsmock/queues/q/messages", body: `{"MessageBody":"x"}`},
	{method: "GET", path: "/_sqsmock/queues/q/movetasks"},
	{method: "GET", path: "/_sqsmock/faults/injections"},
	{method: "POST", path: "/_sqsmock/faults/pause"},
	{method: "POST", path: "/_sqsmock/faults/resume"},
}

// extraQueue creates a queue that a reset would remove, so a refused reset shows it did nothing.
func extraQueue(t *testing.T, srv *sqsmock.Server) {
	t.Helper()
	_, err := srv.Mock().Client().CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("extra")})
	require.NoError(t, err)
}

func queueNames(srv *sqsmock.Server) []string {
	var names []string
	for _, q := range srv.Mock().Queues() {
		names = append(names, q.Name)
	}
	return names
}

// A Host that is not this server (DNS rebinding: a page on the attacker's name resolved to
// 127.0.0.1) is refused on every admin path, and changes nothing.
func TestAdminRefusesForeignHost(t *testing.T) {
	srv := startServer(t)
	extraQueue(t, srv)
	for _, host := range []string{"evil.example", "evil.example:" + port(srv), "127.0.0.1.evil.example", "localhost.evil.example:80", "10.1.2.3"} {
		for _, a := range adminPaths {
			a.host = host
			status, body, _ := a.do(t, srv.URL)
			assert.Equal(t, http.StatusForbidden, status, "%s %s under Host %s", a.method, a.path, host)
			assert.Contains(t, body, `"error":"sqsmock admin: Host \"`+host+`\" is not this server`)
		}
	}
	assert.Equal(t, []string{"extra", "q"}, queueNames(srv), "the refused reset did nothing")
}

// Loopback names and addresses are allowed on any port (a port mapping changes the port, not
// the name), as are the public URL's host and WithAdminHosts; the health endpoints answer under
// any Host, the SQS API under more than the admin endpoints (apiguard_test.go).
func TestAdminAllowsThisServersHosts(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(o *sqsmock.Options) { o.Endpoint = "http://sqs.test:4566" })
		o.AdminHosts = append(o.AdminHosts, "sqsmock", "box:9324", "[fd00::1]")
	})
	p := port(srv)
	for _, host := range []string{"127.0.0.1:" + p, "localhost:" + p, "LocalHost.:" + p, "localhost:49153", "localhost",
		"[::1]:" + p, "127.0.0.2:" + p, "sqs.test:4566", "sqs.test", "sqsmock:" + p, "sqsmock:1234", "box:9324", "[fd00::1]:9324"} {
		for _, a := range adminPaths {
			a.host = host
			status, body, _ := a.do(t, srv.URL)
			assert.Equal(t, http.StatusOK, status, "%s %s under Host %s: %s", a.method, a.path, host, body)
		}
	}
	for _, host := range []string{"box:1", "box", "sqs.test.evil.example"} {
		status, _, _ := adminCall{method: "GET", path: "/_sqsmock/queues", host: host}.do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "Host %s", host)
	}

	for _, host := range []string{"evil.example", "sqs.us-east-1.amazonaws.com"} {
		for _, path := range []string{"/health", "/_sqsmock/health"} {
			status, _, _ := adminCall{method: "GET", path: path, host: host}.do(t, srv.URL)
			assert.Equal(t, http.StatusOK, status, "%s under Host %s", path, host)
		}
	}
	status, body, _ := adminCall{method: "GET", path: "/000000000000/q?Action=GetQueueUrl&QueueName=q", host: "sqs.us-east-1.amazonaws.com"}.do(t, srv.URL)
	assert.Equal(t, http.StatusOK, status, "the SQS API under AWS's own name: %s", body)
}

// A browser request from another origin is refused: a form post (no CORS preflight) or a fetch,
// told by Sec-Fetch-Site or Origin; the server's own origin, and requests typed by the user, pass.
func TestAdminRefusesCrossOriginBrowserRequests(t *testing.T) {
	srv := startServer(t)
	extraQueue(t, srv)
	self := "http://127.0.0.1:" + port(srv)
	refused := []map[string]string{
		{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"},
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
		{"Origin": "http://localhost:3000"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": self, "Sec-Fetch-Site": "same-site"},
	}
	for _, h := range refused {
		for _, a := range adminPaths {
			a.header = h
			status, body, _ := a.do(t, srv.URL)
			assert.Equal(t, http.StatusForbidden, status, "%s %s with %v", a.method, a.path, h)
			assert.Contains(t, body, "cross-origin browser request refused")
		}
	}
	assert.Equal(t, []string{"extra", "q"}, queueNames(srv), "the refused resets did nothing")

	for _, h := range []map[string]string{{"Origin": self}, {"Origin": self, "Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}} {
		status, body, _ := adminCall{method: "GET", path: "/_sqsmock/queues", header: h}.do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "%v: %s", h, body)
	}
}

// With WithAdminToken, every admin request needs "Authorization: Bearer <token>"; the health
// endpoints and the SQS API do not.
func TestAdminToken(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.AdminToken = "s3cret" })
	extraQueue(t, srv)
	for _, auth := range []string{"", "Bearer wrong", "Bearer s3cret2", "Basic czNjcmV0", "s3cret", "Bearer"} {
		for _, a := range adminPaths {
			if auth != "" {
				a.header = map[string]string{"Authorization": auth}
			}
			status, body, header := a.do(t, srv.URL)
			assert.Equal(t, http.StatusUnauthorized, status, "%s %s with Authorization %q", a.method, a.path, auth)
			assert.Contains(t, body, "missing or wrong token")
			assert.Equal(t, `Bearer realm="sqsmock admin"`, header.Get("WWW-Authenticate"))
		}
	}
	assert.Equal(t, []string{"extra", "q"}, queueNames(srv), "the refused resets did nothing")

	for _, auth := range []string{"Bearer s3cret", "bearer s3cret"} {
		for _, a := range adminPaths {
			a.header = map[string]string{"Authorization": auth}
			status, body, _ := a.do(t, srv.URL)
			assert.Equal(t, http.StatusOK, status, "%s %s with %q: %s", a.method, a.path, auth, body)
		}
	}
	// The token does not replace the other checks.
	status, _, _ := adminCall{method: "GET", path: "/_sqsmock/queues", host: "evil.example",
		header: map[string]string{"Authorization": "Bearer s3cret"}}.do(t, srv.URL)
	assert.Equal(t, http.StatusForbidden, status)

	status, body, _ := adminCall{method: "GET", path: "/_sqsmock/health"}.do(t, srv.URL)
	assert.Equal(t, http.StatusOK, status)
	var health map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &health))
	assert.Equal(t, "ok", health["status"])
	_, err := srv.SDKClient().ListQueues(context.Background(), &sqs.ListQueuesInput{})
	assert.NoError(t, err, "the SQS API needs no admin token")
}

// port is the server's port.
func port(srv *sqsmock.Server) string {
	_, p, _ := strings.Cut(srv.Addr(), ":")
	return p
}
