package sqsmock_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// jsonReq is a JSON-protocol request of operation op with body.
func jsonReq(op, body string) adminCall {
	return adminCall{method: "POST", path: "/", body: body,
		header: map[string]string{"X-Amz-Target": "AmazonSQS." + op, "Content-Type": "application/x-amz-json-1.0"}}
}

// formCall is a Query-protocol form POST.
func formCall(form url.Values) adminCall {
	return adminCall{method: "POST", path: "/", body: form.Encode(),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
}

// with returns a copy of a with the headers h added.
func (a adminCall) with(h map[string]string) adminCall {
	hd := map[string]string{}
	for k, v := range a.header {
		hd[k] = v
	}
	for k, v := range h {
		hd[k] = v
	}
	a.header = hd
	return a
}

// queueState is what the refused requests must leave alone: the queues and their ready counts.
func queueState(srv *sqsmock.Server) map[string]int {
	out := map[string]int{}
	for _, q := range srv.Mock().Queues() {
		out[q.Name] = q.Ready
	}
	return out
}

// The attacks a web page on another site made on the Query and JSON APIs: a form post that
// stores a message (no CORS preflight), fetches that purge and delete a queue, an image that
// deletes one by GET, a typed URL, a same-site page, a sandboxed page ("null"), and a JSON
// request from the server's own origin. Each gets 403 with a plain-text reason and no CORS
// header, and nothing changes.
func TestAPIRefusesBrowserRequests(t *testing.T) {
	srv := startServer(t)
	q := srv.URL + "/000000000000/q"
	_, err := srv.SDKClient().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &q, MessageBody: aws.String("kept")})
	require.NoError(t, err)
	before := queueState(srv)
	require.Equal(t, map[string]int{"q": 1}, before)

	send := formCall(url.Values{"Action": {"SendMessage"}, "QueueUrl": {q}, "MessageBody": {"from a web page"}})
	purge := formCall(url.Values{"Action": {"PurgeQueue"}, "QueueUrl": {q}})
	cases := []struct {
		name string
		call adminCall
		why  string
	}{
		{"form post from another site", send.with(map[string]string{"Origin": "http://evil.example",
			"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}), "Origin: http://evil.example"},
		{"no-cors fetch from another site", purge.with(map[string]string{"Origin": "https://evil.example:8443",
			"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}), "Origin: https://evil.example:8443"},
		{"an image's GET (no Origin)", adminCall{method: "GET", path: "/?Action=DeleteQueue&QueueUrl=" + url.QueryEscape(q),
			header: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}}, "Sec-Fetch-Site: cross-site"},
		{"a queue URL path from a same-site page", adminCall{method: "GET", path: "/000000000000/q?Action=PurgeQueue",
			header: map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}}, "Sec-Fetch-Site: same-site"},
		{"a typed URL", adminCall{method: "GET", path: "/?Action=ListQueues",
			header: map[string]string{"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}}, "Sec-Fetch-Mode: navigate"},
		{"a sandboxed page", send.with(map[string]string{"Origin": "null"}), "Origin: null"},
		{"JSON from the server's own origin", jsonReq("DeleteQueue", `{"QueueUrl":"`+q+`"}`).with(map[string]string{
			"Origin": srv.URL, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}), "Origin: " + srv.URL},
		{"JSON from a local dev server", jsonReq("SendMessage", `{"QueueUrl":"`+q+`","MessageBody":"x"}`).with(map[string]string{
			"Origin": "http://localhost:3000"}), "Origin: http://localhost:3000"},
	}
	for _, c := range cases {
		status, body, h := c.call.do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "%s: %s", c.name, body)
		assert.Equal(t, "text/plain; charset=utf-8", h.Get("Content-Type"), c.name)
		assert.Contains(t, body, "sqsmock: browser request refused ("+c.why+")", c.name)
		assert.Contains(t, body, "-browser-origins", c.name)
		assert.Empty(t, h.Get("Access-Control-Allow-Origin"), "%s: the page may not read the answer", c.name)
	}
	_, body, _ := cases[0].call.do(t, srv.URL)
	assert.Contains(t, body, "allowed with -browser-origins http://evil.example (SQSMOCK_BROWSER_ORIGINS, sqsmock.ServerOptions.BrowserOrigins)",
		"the refusal says how to allow the origin")
	assert.Equal(t, before, queueState(srv), "no refused request changed anything")
}

// Requests browsers make but that come from the server's own pages or no page, and requests of
// clients that are not browsers (Node.js's fetch sends Sec-Fetch-Mode: cors alone), pass.
func TestAPIAcceptsRequestsWithoutBrowserMarks(t *testing.T) {
	srv := startServer(t)
	for _, h := range []map[string]string{
		nil,
		{"Sec-Fetch-Mode": "cors"},
		{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
		{"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "cors"},
		{"User-Agent": "aws-sdk-js/3.0.0 ua/2.1 os/linux lang/js md/nodejs#22"},
	} {
		status, body, _ := jsonReq("ListQueues", "{}").with(h).do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "%v: %s", h, body)
		status, body, _ = adminCall{method: "GET", path: "/?Action=ListQueues", header: h}.do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "%v: %s", h, body)
	}
	_, err := srv.SDKClient().ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err)
	_, err = srv.Mock().SDKClient().ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err, "the in-memory SDK client")
}

// A page on a name the attacker controls, rebound to 127.0.0.1 (DNS rebinding), sends that name as
// Host and, being same-origin, no Origin on a GET: the API refuses such Hosts with AccessDenied in
// the request's protocol, so ListQueues and message bodies stay unread.
func TestAPIRefusesForeignHost(t *testing.T) {
	srv := startServer(t)
	q := srv.URL + "/000000000000/q"
	_, err := srv.SDKClient().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &q, MessageBody: aws.String("secret body")})
	require.NoError(t, err)
	p := port(srv)
	sameOrigin := map[string]string{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
	for _, host := range []string{"evil.example:" + p, "evil.example", "127.0.0.1.evil.example:" + p, "localhost.evil.example",
		"sqs.us-east-1.amazonaws.com.evil.example", "sqs.us-east-1.evil.example", "sqsmock:" + p, "host.docker.internal:" + p, "sqs.test"} {
		calls := []adminCall{
			{method: "GET", path: "/?Action=ListQueues", header: sameOrigin},
			{method: "GET", path: "/000000000000/q?Action=ReceiveMessage", header: sameOrigin},
			{method: "GET", path: "/?Action=ListQueues"}, // a browser without Sec-Fetch-*
			formCall(url.Values{"Action": {"SendMessage"}, "QueueUrl": {q}, "MessageBody": {"x"}}).with(map[string]string{
				"Origin": "http://" + host}),
		}
		for _, a := range calls {
			a.host = host
			status, body, _ := a.do(t, srv.URL)
			assert.Equal(t, http.StatusForbidden, status, "%s %s under Host %s: %s", a.method, a.path, host, body)
			assert.Contains(t, body, "<Code>AccessDenied</Code><Message>sqsmock: Host &#34;"+host+"&#34; is not a name of this server")
			assert.NotContains(t, body, "secret body")
			assert.NotContains(t, body, "/000000000000/q<")
		}
		a := jsonReq("ReceiveMessage", `{"QueueUrl":"`+q+`"}`)
		a.host = host
		status, body, h := a.do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "JSON under Host %s", host)
		assert.Contains(t, body, `{"__type":"com.amazonaws.sqs#AccessDeniedException","message":"sqsmock: Host \"`+host)
		assert.Equal(t, "AccessDenied;Sender", h.Get("x-amzn-query-error"))
	}
	assert.Equal(t, map[string]int{"q": 1}, queueState(srv))

	// An SDK pointed at the server under a name it does not know is told what to do.
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://sqsmock.example:" + p),
		Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1,
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.Proxy = nil
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
			}
		})})
	_, err = c.ListQueues(context.Background(), &sqs.ListQueuesInput{})
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "AccessDenied", api.ErrorCode())
	assert.Contains(t, api.ErrorMessage(), `Host "sqsmock.example:`+p+`" is not a name of this server`)
	assert.Contains(t, api.ErrorMessage(), "start it with -admin-hosts sqsmock.example (SQSMOCK_ADMIN_HOSTS, sqsmock.ServerOptions.AdminHosts)")
}

// The API answers under the admin endpoints' names and under names no rebinding can use: IP
// addresses, .localhost, AWS's own SQS endpoints, the region-host domain.
func TestAPIAllowsItsHosts(t *testing.T) {
	srv := startServer(t, func(so *sqsmock.ServerOptions) {
		so.AdminHosts = append(so.AdminHosts, "sqsmock", "box:9324", "sqs.test")
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Endpoint = "http://sqs.{region}.localhost.localstack.cloud" })
	})
	p := port(srv)
	for _, host := range []string{"127.0.0.1:" + p, "localhost:" + p, "LocalHost.", "[::1]:" + p, "127.0.0.2", "10.1.2.3:9324",
		"[fd00::1]:4566", "app.localhost:" + p, "sqs.test:4566", "sqsmock:" + p, "box:9324",
		"sqs.us-east-1.amazonaws.com", "sqs-fips.us-gov-west-1.amazonaws.com", "eu-west-1.queue.amazonaws.com",
		"queue.amazonaws.com", "sqs.cn-north-1.amazonaws.com.cn", "sqs.eu-north-1.api.aws",
		"localhost.localstack.cloud:4566", "sqs.eu-west-1.localhost.localstack.cloud:" + p} {
		a := jsonReq("ListQueues", "{}")
		a.host = host
		status, body, _ := a.do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "Host %s: %s", host, body)
		status, body, _ = adminCall{method: "GET", path: "/?Action=ListQueues", host: host}.do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "a Query GET under Host %s: %s", host, body)
	}
	for _, host := range []string{"box:1", "sqs.test.evil.example", "evil.queue.amazonaws.com", "sqs.us-east-1.s3.amazonaws.com",
		"sqs.notaregion.amazonaws.com", "localstack.cloud", "sqsmock.internal"} {
		a := jsonReq("ListQueues", "{}")
		a.host = host
		status, _, _ := a.do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "Host %s", host)
	}
}

// A connection that reached the server over the network (a container, -addr 0.0.0.0) may also
// name it by a name public DNS never answers, as other containers and pods do; on loopback it
// may not, since a local browser could be made to resolve such a name by a machine on the LAN.
func TestAPIAllowsPrivateNamesOverTheNetwork(t *testing.T) {
	h := sqsmock.New().Handler()
	serve := func(host string, local net.IP) int {
		r := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
		r.Host = host
		r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: local, Port: 9324}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	container, lo := net.ParseIP("172.18.0.5"), net.ParseIP("127.0.0.1")
	for _, host := range []string{"sqsmock:9324", "docker:2375", "host.docker.internal:9324", "sqsmock.default.svc.cluster.local",
		"sqs.test", "nas.home.arpa"} {
		assert.Equal(t, http.StatusOK, serve(host, container), "Host %s over the network", host)
		assert.Equal(t, http.StatusForbidden, serve(host, lo), "Host %s on loopback", host)
	}
	for _, host := range []string{"evil.example", "sqsmock.example.com", "internal.evil.example"} {
		assert.Equal(t, http.StatusForbidden, serve(host, container), "Host %s over the network", host)
	}
}

// WithBrowserOrigins lets a web app on the given origins use the API through CORS: its
// preflights are answered (methods, the headers the AWS SDK for JavaScript sends, the origin
// echoed, Vary: Origin), its requests and their errors carry Access-Control-Allow-Origin, and
// every other origin is still refused, preflight included.
func TestAPIBrowserOrigins(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) {
		o.BrowserOrigins = append(o.BrowserOrigins, "http://app.example:5173", "HTTPS://App.Example:443/")
	})
	q := srv.URL + "/000000000000/q"
	sdkHeaders := "content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,authorization,x-amz-date," +
		"x-amz-security-token,x-amz-content-sha256,x-amzn-query-mode"
	for _, origin := range []string{"http://app.example:5173", "https://app.example"} {
		status, body, h := adminCall{method: "OPTIONS", path: "/", header: map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": sdkHeaders + ",x-evil, cookie",
			"Access-Control-Request-Private-Network": "true", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "cross-site"}}.do(t, srv.URL)
		require.Equal(t, http.StatusNoContent, status, "preflight from %s: %s", origin, body)
		assert.Equal(t, origin, h.Get("Access-Control-Allow-Origin"))
		assert.Equal(t, "GET, POST", h.Get("Access-Control-Allow-Methods"))
		assert.Equal(t, strings.ReplaceAll(sdkHeaders, ",", ", "), h.Get("Access-Control-Allow-Headers"), "the SDK's headers, not the others")
		assert.Equal(t, "true", h.Get("Access-Control-Allow-Private-Network"))
		assert.Equal(t, "600", h.Get("Access-Control-Max-Age"))
		assert.Contains(t, h.Values("Vary"), "Origin")
		assert.Empty(t, h.Get("Access-Control-Allow-Credentials"))
	}

	send := jsonReq("SendMessage", `{"QueueUrl":"`+q+`","MessageBody":"from the web app"}`).with(map[string]string{
		"Origin": "http://app.example:5173", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00"})
	status, body, h := send.do(t, srv.URL)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"MessageId"`)
	assert.Equal(t, "http://app.example:5173", h.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "x-amzn-RequestId, x-amzn-query-error, x-amzn-ErrorType, Date", h.Get("Access-Control-Expose-Headers"))
	assert.Contains(t, h.Values("Vary"), "Origin")
	assert.Equal(t, map[string]int{"q": 1}, queueState(srv))

	status, _, h = formCall(url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}}).with(map[string]string{
		"Origin": "https://app.example"}).do(t, srv.URL)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "https://app.example", h.Get("Access-Control-Allow-Origin"), "the SDK in the page reads errors too")

	for _, origin := range []string{"http://app.example", "http://app.example:5174", "https://app.example:5173", "http://evil.example", "null"} {
		status, body, h := adminCall{method: "OPTIONS", path: "/", header: map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}}.do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "preflight from %s", origin)
		assert.Contains(t, body, "browser request refused (Origin: "+origin+")")
		assert.Empty(t, h.Get("Access-Control-Allow-Origin"))
		status, _, _ = send.with(map[string]string{"Origin": origin}).do(t, srv.URL)
		assert.Equal(t, http.StatusForbidden, status, "request from %s", origin)
	}
	assert.Equal(t, map[string]int{"q": 1}, queueState(srv))

	// An allowed origin does not open foreign Hosts.
	a := send
	a.host = "evil.example"
	status, _, _ = a.do(t, srv.URL)
	assert.Equal(t, http.StatusForbidden, status)
}

// "*" allows every origin, as before browsers were refused; Host names are still checked.
func TestAPIBrowserOriginsAny(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.BrowserOrigins = append(o.BrowserOrigins, "*") })
	for _, origin := range []string{"http://evil.example", "null", "chrome-extension://abcdef"} {
		status, body, h := jsonReq("ListQueues", "{}").with(map[string]string{"Origin": origin, "Sec-Fetch-Site": "cross-site"}).do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, "%s: %s", origin, body)
		assert.Equal(t, origin, h.Get("Access-Control-Allow-Origin"))
	}
	status, _, _ := adminCall{method: "GET", path: "/?Action=ListQueues", host: "evil.example"}.do(t, srv.URL)
	assert.Equal(t, http.StatusForbidden, status)
}

// An origin that is not scheme://host[:port] is a mistake Start reports and Handler panics on.
func TestAPIBrowserOriginsInvalid(t *testing.T) {
	for _, origin := range []string{"localhost:3000", "app.example", "http://app.example/path", "http://app.example?x=1", "null", "", "http://"} {
		_, err := sqsmock.New().Start(func(o *sqsmock.ServerOptions) { o.BrowserOrigins = append(o.BrowserOrigins, origin) })
		require.Error(t, err, "%q", origin)
		assert.Contains(t, err.Error(), "want scheme://host[:port]")
		assert.Panics(t, func() {
			sqsmock.New().Handler(func(o *sqsmock.ServerOptions) { o.BrowserOrigins = append(o.BrowserOrigins, origin) })
		}, "%q", origin)
	}
}
