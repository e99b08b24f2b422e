package sqsmock_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// seenRequest is one request the mock answered, as a test middleware saw it.
type seenRequest struct {
	Method, Path, Query, Host, Origin, SecFetchSite string
	Action                                          string // from the URL, the form body or X-Amz-Target
	Status                                          int
}

// requestLog records what the mock answered, so a browser test can wait for the browser's
// requests to have been answered (a no-cors fetch's answer is opaque to the page).
type requestLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *requestLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
		if form, err := url.ParseQuery(string(body)); err == nil && action == "" {
			action = form.Get("Action")
		}
		if action == "" {
			action = r.URL.Query().Get("Action")
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		l.mu.Lock()
		l.reqs = append(l.reqs, seenRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Host: r.Host,
			Origin: r.Header.Get("Origin"), SecFetchSite: r.Header.Get("Sec-Fetch-Site"), Action: action, Status: rec.status})
		l.mu.Unlock()
	})
}

// all returns the requests answered so far.
func (l *requestLog) all() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

// waitFor waits until a request matching match has been answered, and returns it.
func (l *requestLog) waitFor(t *testing.T, what string, match func(seenRequest) bool) seenRequest {
	t.Helper()
	var found seenRequest
	ok := assert.Eventually(t, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, r := range l.reqs {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	}, 20*time.Second, 10*time.Millisecond, "waiting for %s", what)
	if !ok {
		l.mu.Lock()
		defer l.mu.Unlock()
		t.Fatalf("the mock never answered %s; it answered: %+v", what, l.reqs)
	}
	return found
}

// pageServer serves the given pages (path -> HTML) on loopback; the browser reaches it under a
// name of HostResolverRules, which makes it another site than the mock at 127.0.0.1.
func pageServer(t *testing.T, pages map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	_, p, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	return p
}

// rebinder stands for the attacker's server in a DNS rebinding attack: the browser loads the
// page at pagePath from it under the attacker's name, then the name's address changes to the
// machine's own, so the page's later requests (same-origin, with the attacker's name as Host)
// reach the mock. Here each connection is decided by its first request: the page is served and
// the connection closed; every other connection is piped, bytes unchanged, to the mock at target.
func rebinder(t *testing.T, target, pagePath, page string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	track := func(c net.Conn, open bool) {
		mu.Lock()
		defer mu.Unlock()
		if open {
			conns[c] = true
		} else {
			delete(conns, c)
		}
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	serve := func(c net.Conn) {
		defer wg.Done()
		track(c, true)
		defer func() { track(c, false); _ = c.Close() }()
		br := bufio.NewReader(c)
		head := "GET " + pagePath + " "
		if first, err := br.Peek(len(head)); err == nil && string(first) == head {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"+
				"Content-Length: %d\r\n\r\n%s", len(page), page)
			return
		} else if err != nil {
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		track(up, true)
		defer func() { track(up, false); _ = up.Close() }()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = io.Copy(up, br)
			_ = up.(*net.TCPConn).CloseWrite()
		}()
		_, _ = io.Copy(c, up)
		_ = c.Close()
		<-done
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go serve(c)
		}
	}()
	_, p, _ := strings.Cut(ln.Addr().String(), ":")
	return p
}

// pageResults waits until the page's script has put its results in body[data-results] (JSON)
// and decodes them.
func pageResults(t *testing.T, ctx context.Context, v any) {
	t.Helper()
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.Poll[chromedp.Void](`document.body && document.body.dataset.results !== undefined`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("the page gave no results: %v; it shows:\n%s", err, text)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.results`))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(raw), v), raw)
}

// fetchResult is what a page's script learnt of one fetch.
type fetchResult struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Text   string `json:"text"`
	Error  string `json:"error"`
}

// attemptJS defines attempt(name, promise), which records a fetch's outcome in results.
const attemptJS = `const results = {};
async function attempt(name, p) {
  try {
    const r = await p;
    results[name] = {status: r.status, type: r.type, text: await r.text().catch(() => "")};
  } catch (e) {
    results[name] = {error: String(e)};
  }
}`

// Pages on another site attack the mock as they did before browsers were refused: a form that
// posts SendMessage, and fetches that send, purge and delete (simple requests, which need no
// CORS preflight), read ListQueues and send JSON (which does). Every one is refused, and the
// queue keeps its one message.
func TestBrowserPagesOfAnotherSiteAreRefused(t *testing.T) {
	ctx := browsertest.New(t, browsertest.HostResolverRules("evil.example"))
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	log := &requestLog{}
	srv := sqsmock.NewServer(t, withQueue("q", nil), withHTTPMiddleware(log.middleware))
	q := srv.URL + "/000000000000/q"
	_, err := srv.SDKClient().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &q, MessageBody: aws.String("kept")})
	require.NoError(t, err)

	form := fmt.Sprintf(`<!doctype html><title>win a prize</title>
<form id="f" method="POST" action="%s/"><input name="Action" value="SendMessage"><input name="QueueUrl" value="%s">
<input name="MessageBody" value="sent by a form on another site"></form>
<script>document.getElementById("f").submit()</script>`, srv.URL, q)
	fetches := fmt.Sprintf(`<!doctype html><title>fetches</title><body><script>
const api = %q, q = %q;
%s
(async () => {
  const form = p => ({method: "POST", mode: "no-cors", body: new URLSearchParams(p)});
  await attempt("send", fetch(api + "/", form({Action: "SendMessage", QueueUrl: q, MessageBody: "sent by a fetch on another site"})));
  await attempt("purge", fetch(api + "/", form({Action: "PurgeQueue", QueueUrl: q})));
  await attempt("delete", fetch(api + "/?Action=DeleteQueue&QueueUrl=" + encodeURIComponent(q), {mode: "no-cors"}));
  await attempt("list", fetch(api + "/?Action=ListQueues"));
  await attempt("json", fetch(api + "/", {method: "POST", body: JSON.stringify({QueueUrl: q, MessageBody: "json"}),
    headers: {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"}}));
  document.body.dataset.results = JSON.stringify(results);
})();
</script>`, srv.URL, q, attemptJS)
	site := "http://evil.example:" + pageServer(t, map[string]string{"/form": form, "/fetch": fetches})

	// The form: the browser navigates to the mock's answer, which says why it refused.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(site+"/form")))
	posted := log.waitFor(t, "the form's POST", func(r seenRequest) bool { return r.Method == "POST" && r.Origin == site })
	assert.Equal(t, http.StatusForbidden, posted.Status)
	assert.Equal(t, "cross-site", posted.SecFetchSite)
	require.NoError(t, chromedp.Do(ctx, chromedp.Poll[chromedp.Void](
		`location.href.startsWith(`+jsString(srv.URL)+`) && document.readyState === "complete" && document.body.innerText.length > 0`,
		chromedp.WithPollingTimeout(20*time.Second))))
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	assert.Contains(t, shown, "sqsmock: browser request refused (Origin: "+site+")")
	assert.Contains(t, shown, "-browser-origins "+site)
	browsertest.Screenshot(t, ctx, "form-refused")

	// The fetches: the mock refused each; the page could read none of it.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(site+"/fetch")))
	var results map[string]fetchResult
	pageResults(t, ctx, &results)
	for _, name := range []string{"send", "purge", "delete"} {
		assert.Equal(t, "opaque", results[name].Type, "%s: a no-cors answer is opaque", name)
	}
	for _, name := range []string{"list", "json"} {
		assert.Contains(t, results[name].Error, "TypeError", "%s: CORS refused the answer", name)
	}
	for _, action := range []string{"SendMessage", "PurgeQueue", "DeleteQueue", "ListQueues"} {
		r := log.waitFor(t, action, func(r seenRequest) bool {
			return r.Action == action && r.SecFetchSite == "cross-site" && r.Method != "OPTIONS"
		})
		assert.Equal(t, http.StatusForbidden, r.Status, action)
	}
	deleted := log.waitFor(t, "DeleteQueue", func(r seenRequest) bool { return r.Action == "DeleteQueue" })
	assert.Empty(t, deleted.Origin, "a no-cors GET carries no Origin: Sec-Fetch-Site is its only mark")
	preflight := log.waitFor(t, "the JSON request's preflight", func(r seenRequest) bool { return r.Method == "OPTIONS" && r.Origin == site })
	assert.Equal(t, http.StatusForbidden, preflight.Status)

	msgs := srv.Mock().Messages("q")
	require.Len(t, msgs, 1, "nothing sent, nothing purged, the queue not deleted")
	assert.Equal(t, "kept", msgs[0].Body)
	for _, r := range log.all() {
		if r.Origin == site || r.SecFetchSite == "cross-site" {
			assert.Equal(t, http.StatusForbidden, r.Status, "%+v", r)
		}
	}
}

// A page on the attacker's name, rebound to this machine, reads the API same-origin: ListQueues,
// a message's body, a send. The mock refuses the attacker's name as Host, so the page learns
// nothing and sends nothing.
func TestBrowserDNSRebindingIsRefused(t *testing.T) {
	ctx := browsertest.New(t, browsertest.HostResolverRules("rebound.example"))
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	log := &requestLog{}
	srv := sqsmock.NewServer(t, withQueue("q", nil), withHTTPMiddleware(log.middleware))
	q := srv.URL + "/000000000000/q"
	_, err := srv.SDKClient().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &q, MessageBody: aws.String("a secret body")})
	require.NoError(t, err)

	page := fmt.Sprintf(`<!doctype html><title>rebound</title><body><script>
%s
(async () => {
  await attempt("list", fetch("/?Action=ListQueues"));
  await attempt("receive", fetch("/000000000000/q?Action=ReceiveMessage&VisibilityTimeout=0"));
  await attempt("json", fetch("/", {method: "POST", body: JSON.stringify({QueueUrl: %q}),
    headers: {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ReceiveMessage"}}));
  await attempt("send", fetch("/", {method: "POST", body: new URLSearchParams({Action: "SendMessage", QueueUrl: %q, MessageBody: "rebound"})}));
  document.body.dataset.results = JSON.stringify(results);
})();
</script>`, attemptJS, q, q)
	origin := "http://rebound.example:" + rebinder(t, strings.TrimPrefix(srv.URL, "http://"), "/page", page)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(origin+"/page")))
	var results map[string]fetchResult
	pageResults(t, ctx, &results)
	for _, name := range []string{"list", "receive", "json", "send"} {
		r := results[name]
		assert.Empty(t, r.Error, "%s: same-origin, the page reads the answer", name)
		assert.Equal(t, http.StatusForbidden, r.Status, "%s: %s", name, r.Text)
		assert.Contains(t, r.Text, `AccessDenied`, name)
		assert.Contains(t, r.Text, "is not a name of this server", name)
		assert.NotContains(t, r.Text, "a secret body", name)
		assert.NotContains(t, r.Text, "/000000000000/q<", name)
	}
	list := log.waitFor(t, "ListQueues", func(r seenRequest) bool { return r.Action == "ListQueues" })
	assert.Equal(t, strings.TrimPrefix(origin, "http://"), list.Host, "the mock saw the attacker's name, as after a rebinding")
	// Chromium sends Sec-Fetch-* only to trustworthy origins (https, localhost, loopback), and a
	// same-origin GET has no Origin: the Host is the only mark such a request has.
	assert.Empty(t, list.SecFetchSite)
	assert.Empty(t, list.Origin)
	msgs := srv.Mock().Messages("q")
	require.Len(t, msgs, 1)
	assert.Equal(t, 0, msgs[0].ReceiveCount, "never received")
}

// A web app on an origin given to WithBrowserOrigins sends a message with fetch, with the
// headers the AWS SDK for JavaScript sends: the browser's CORS preflight is answered, the message
// is stored, and the page reads the answer, its request id and an error's code.
func TestBrowserOptedInOriginSendsThroughCORS(t *testing.T) {
	ctx := browsertest.New(t, browsertest.HostResolverRules("app.example"))
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	pages := map[string]string{}
	origin := "http://app.example:" + pageServer(t, pages)
	log := &requestLog{}
	srv := sqsmock.NewServer(t, withQueue("q", nil), withHTTPMiddleware(log.middleware), withBrowserOrigins(origin))
	q := srv.URL + "/000000000000/q"
	pages["/app"] = fmt.Sprintf(`<!doctype html><title>web app</title><body><script>
const api = %q, q = %q;
const sdkHeaders = target => ({
  "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + target,
  "x-amz-user-agent": "aws-sdk-js/3.0.0 ua/2.1 os/other lang/js md/browser#Chrome", "amz-sdk-invocation-id": "6c6f2b1e-2a4f-4a57-9a55-3f1c1d0e6b7a",
  "amz-sdk-request": "attempt=1; max=3", "x-amz-date": "20260101T000000Z", "x-amzn-query-mode": "true",
  "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
  "authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"});
(async () => {
  const out = {};
  try {
    const r = await fetch(api + "/", {method: "POST", headers: sdkHeaders("SendMessage"),
      body: JSON.stringify({QueueUrl: q, MessageBody: "hello from the web app"})});
    out.status = r.status; out.messageId = (await r.json()).MessageId; out.requestId = r.headers.get("x-amzn-requestid");
    const e = await fetch(api + "/", {method: "POST", headers: sdkHeaders("GetQueueUrl"), body: JSON.stringify({QueueName: "nope"})});
    out.errStatus = e.status; out.errType = (await e.json()).__type; out.queryError = e.headers.get("x-amzn-query-error");
  } catch (err) {
    out.error = String(err);
  }
  document.body.dataset.results = JSON.stringify(out);
})();
</script>`, srv.URL, q)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(origin+"/app")))
	var out struct {
		Status     int    `json:"status"`
		MessageID  string `json:"messageId"`
		RequestID  string `json:"requestId"`
		ErrStatus  int    `json:"errStatus"`
		ErrType    string `json:"errType"`
		QueryError string `json:"queryError"`
		Error      string `json:"error"`
	}
	pageResults(t, ctx, &out)
	require.Empty(t, out.Error, "the fetch failed")
	assert.Equal(t, http.StatusOK, out.Status)
	assert.NotEmpty(t, out.RequestID, "x-amzn-RequestId is exposed to the page")
	msgs := srv.Mock().Messages("q")
	require.Len(t, msgs, 1)
	assert.Equal(t, "hello from the web app", msgs[0].Body)
	assert.Equal(t, msgs[0].MessageID, out.MessageID)
	assert.Equal(t, http.StatusBadRequest, out.ErrStatus)
	assert.Equal(t, "com.amazonaws.sqs#QueueDoesNotExist", out.ErrType)
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue;Sender", out.QueryError, "the SDK's Query error code is exposed too")

	preflight := log.waitFor(t, "the preflight", func(r seenRequest) bool { return r.Method == "OPTIONS" && r.Origin == origin })
	assert.Equal(t, http.StatusNoContent, preflight.Status)
	assert.Equal(t, "cross-site", preflight.SecFetchSite)
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
