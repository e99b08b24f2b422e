package sqsmock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// consoleDo sends one console request from the console's own page (its headers: same origin) and
// decodes the JSON answer.
func consoleDo(t *testing.T, srv *sqsmock.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	status, text, _ := adminCall{method: method, path: path, body: body,
		header: map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}}.do(t, srv.URL)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &v), "%s %s: %s", method, path, text)
	return status, v
}

// A send from the console is SendMessage: the message arrives as an SDK sent it, and an invalid
// one gets SQS's error code and message.
func TestConsoleSend(t *testing.T) {
	srv := startServer(t)
	status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/q/messages",
		`{"MessageBody":"hello","MessageAttributes":{"color":{"DataType":"String","StringValue":"blue"}}}`)
	require.Equal(t, http.StatusOK, status, v)
	require.NotEmpty(t, v["messageId"])
	assert.Equal(t, "5d41402abc4b2a76b9719d911017c592", v["md5OfMessageBody"])

	url := srv.URL + "/000000000000/q"
	out, err := srv.SDKClient().ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		MessageAttributeNames: []string{"All"}})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	assert.Equal(t, v["messageId"], aws.ToString(out.Messages[0].MessageId))
	assert.Equal(t, "hello", aws.ToString(out.Messages[0].Body))
	assert.Equal(t, "blue", aws.ToString(out.Messages[0].MessageAttributes["color"].StringValue))

	for _, c := range []struct{ path, body, code, message string }{
		{"/_sqsmock/queues/q/messages", `{"MessageBody":"x","DelaySeconds":2000}`, "InvalidParameterValue",
			"Value 2000 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
		{"/_sqsmock/queues/q/messages", `{}`, "MissingParameter", "The request must contain the parameter MessageBody."},
		{"/_sqsmock/queues/q/messages", `{"MessageBody":"x","MessageAttributes":{"a":{"DataType":"Nope","StringValue":"1"}}}`, "", ""},
		{"/_sqsmock/queues/q/messages", `{"MessageBody":"x","MessageDeduplicationId":"d"}`, "", ""},
		{"/_sqsmock/queues/nope/messages", `{"MessageBody":"x"}`, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."},
	} {
		status, v := consoleDo(t, srv, "POST", c.path, c.body)
		assert.Equal(t, http.StatusBadRequest, status, "%s: %v", c.body, v)
		assert.NotEmpty(t, v["code"], "%s: an SQS error: %v", c.body, v)
		if c.code != "" {
			assert.Equal(t, c.code, v["code"], c.body)
			assert.Equal(t, c.message, v["message"], c.body)
		}
		// The same send from the SDK fails alike.
		var in sqs.SendMessageInput
		require.NoError(t, json.Unmarshal([]byte(c.body), &in))
		in.QueueUrl = aws.String(srv.URL + "/000000000000/" + strings.Split(c.path, "/")[3])
		_, err := srv.SDKClient(noRetries).SendMessage(context.Background(), &in)
		if c.body != "{}" { // the SDK refuses a missing body itself
			require.Error(t, err)
			assert.Contains(t, err.Error(), v["message"].(string))
		}
	}
	for _, c := range []struct{ path, body, want string }{
		{"/_sqsmock/queues/q/messages", `{"Body":"x"}`, `unknown field "Body"`},
		{"/_sqsmock/queues/q/messages", `{"MessageBody":`, "unexpected EOF"},
		{"/_sqsmock/queues/q/messages", `{"MessageBody":"x"} {}`, "more than one JSON value"},
		{"/_sqsmock/queues/q/messages", `{"MessageBody":1}`, "cannot unmarshal"},
		{"/_sqsmock/queues/q/messages?account=12", `{"MessageBody":"x"}`, "account must be 12 digits"},
		{"/_sqsmock/queues/q/messages?region=Mars", `{"MessageBody":"x"}`, "not a region"},
	} {
		status, v := consoleDo(t, srv, "POST", c.path, c.body)
		assert.Equal(t, http.StatusBadRequest, status, c.body)
		assert.Contains(t, v["error"], c.want, c.body)
	}
	assert.Equal(t, 1, len(srv.Mock().Messages("q")), "no refused send stored a message")
}

// The queue, its messages and one message: what inspection shows, in states.
func TestConsoleQueueAndMessages(t *testing.T) {
	srv := startServer(t)
	c := srv.Mock().Client()
	url := srv.Mock().QueueURL("q")
	for _, body := range []string{"a", "b", "c"} {
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(body)})
		require.NoError(t, err)
	}
	_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("d"), DelaySeconds: 600})
	require.NoError(t, err)
	_, err = c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url})
	require.NoError(t, err)

	status, v := consoleDo(t, srv, "GET", "/_sqsmock/queues/q", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "q", v["name"])
	assert.EqualValues(t, 2, v["ready"])
	assert.EqualValues(t, 1, v["inFlight"])
	assert.EqualValues(t, 1, v["delayed"])
	assert.Equal(t, "30", v["attributes"].(map[string]any)["VisibilityTimeout"])

	status, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages", "")
	require.Equal(t, http.StatusOK, status)
	assert.EqualValues(t, 4, v["total"])
	msgs := v["messages"].([]any)
	require.Len(t, msgs, 4)
	states := map[string]int{}
	for _, m := range msgs {
		states[m.(map[string]any)["state"].(string)]++
	}
	assert.Equal(t, map[string]int{"ready": 2, "inflight": 1, "delayed": 1}, states)
	status, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages?limit=2", "")
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, v["messages"], 2)
	assert.EqualValues(t, 4, v["total"])

	id := msgs[0].(map[string]any)["id"].(string)
	status, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages/"+id, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "a", v["message"].(map[string]any)["body"])

	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/_sqsmock/queues/q/messages?limit=0", http.StatusBadRequest, "limit must be 1 to 10000"},
		{"/_sqsmock/queues/q/messages?limit=x", http.StatusBadRequest, "limit must be"},
		{"/_sqsmock/queues/q/messages?limit=10001", http.StatusBadRequest, "limit must be"},
		{"/_sqsmock/queues/q/messages?after=-1", http.StatusBadRequest, "after: not a cursor"},
		{"/_sqsmock/queues/nope/messages", http.StatusBadRequest, "does not exist"},
		{"/_sqsmock/queues/nope", http.StatusBadRequest, "does not exist"},
		{"/_sqsmock/queues/q/messages/no-such-id", http.StatusNotFound, `no message "no-such-id"`},
		{"/_sqsmock/queues/q?region=US_EAST", http.StatusBadRequest, "not a region"},
	} {
		status, v := consoleDo(t, srv, "GET", c.path, "")
		assert.Equal(t, c.status, status, c.path)
		assert.Contains(t, v["error"], c.want, c.path)
	}
}

// The messages endpoint answers at most limit messages in arrival order, and a cursor (next) to
// page through the rest; deleted messages leave no hole in the pages.
func TestConsoleMessagesLimit(t *testing.T) {
	srv := startServer(t)
	c := srv.Mock().Client()
	url := srv.Mock().QueueURL("q")
	const n = 250
	for i := range n {
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(strconv.Itoa(i))})
		require.NoError(t, err)
	}
	status, v := consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages", "")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, v["messages"], 100, "the default limit")
	assert.EqualValues(t, n, v["total"])

	// Delete one message the second page would show: the pages skip it.
	_, first := consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages?limit=1&after="+v["next"].(string), "")
	gone := first["messages"].([]any)[0].(map[string]any)["id"].(string)
	status, _ = consoleDo(t, srv, "DELETE", "/_sqsmock/queues/q/messages/"+gone, "")
	require.Equal(t, http.StatusOK, status)

	var bodies []string
	path := "/_sqsmock/queues/q/messages?limit=70"
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4, "249 messages in pages of 70")
		status, v := consoleDo(t, srv, "GET", path, "")
		require.Equal(t, http.StatusOK, status, v)
		msgs := v["messages"].([]any)
		assert.LessOrEqual(t, len(msgs), 70)
		assert.EqualValues(t, n-1, v["total"])
		for _, m := range msgs {
			bodies = append(bodies, m.(map[string]any)["body"].(string))
		}
		next, more := v["next"].(string)
		if !more {
			break
		}
		path = "/_sqsmock/queues/q/messages?limit=70&after=" + next
	}
	var want []string
	for i := range n {
		if i != 100 {
			want = append(want, strconv.Itoa(i))
		}
	}
	assert.Equal(t, want, bodies, "every message once, in arrival order, without the deleted 101st")
}

// Delete removes one message by id, whatever its state; purge is PurgeQueue, with its 60 s rule.
func TestConsoleDeleteAndPurge(t *testing.T) {
	srv := startServer(t)
	c := srv.Mock().Client()
	url := srv.Mock().QueueURL("q")
	for _, body := range []string{"a", "b", "c"} {
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(body)})
		require.NoError(t, err)
	}
	out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url})
	require.NoError(t, err)
	inflight := aws.ToString(out.Messages[0].MessageId)

	status, v := consoleDo(t, srv, "DELETE", "/_sqsmock/queues/q/messages/"+inflight, "")
	require.Equal(t, http.StatusOK, status, v)
	status, v = consoleDo(t, srv, "DELETE", "/_sqsmock/queues/q/messages/"+inflight, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, v["error"], "no message")
	status, v = consoleDo(t, srv, "DELETE", "/_sqsmock/queues/nope/messages/x", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", v["code"])
	left := srv.Mock().Messages("q")
	require.Len(t, left, 2)
	for _, m := range left {
		assert.NotEqual(t, inflight, m.MessageID)
	}

	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/q/purge", "")
	require.Equal(t, http.StatusOK, status, v)
	assert.Empty(t, srv.Mock().Messages("q"))
	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/q/purge", "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "AWS.SimpleQueueService.PurgeQueueInProgress", v["code"])
	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/nope/purge", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", v["code"])
}

// Redrive: a move task started from the console on a dead-letter queue, listed, cancelled.
func TestConsoleMoveTasks(t *testing.T) {
	clock := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "src", DeadLetterQueue: "dlq", MaxReceiveCount: 1}}
			o.Clock = clock
		})
	})
	for range 5 {
		status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/dlq/messages", `{"MessageBody":"dead"}`)
		require.Equal(t, http.StatusOK, status, v)
	}
	status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/src/movetasks", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Source queue must be configured as a Dead Letter Queue.", v["message"])
	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/dlq/movetasks", `{"MaxNumberOfMessagesPerSecond":501}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "InvalidParameterValue", v["code"])
	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/dlq/movetasks", `{"Destination":"x"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, v["error"], "unknown field")

	src := srv.Mock().Queues()[1]
	require.Equal(t, "src", src.Name)
	status, v = consoleDo(t, srv, "POST", "/_sqsmock/queues/dlq/movetasks", `{"DestinationArn":"`+src.ARN+`","MaxNumberOfMessagesPerSecond":1}`)
	require.Equal(t, http.StatusOK, status, v)
	handle := v["taskHandle"].(string)
	require.NotEmpty(t, handle)

	status, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/dlq/movetasks", "")
	require.Equal(t, http.StatusOK, status, v)
	tasks := v["tasks"].([]any)
	require.Len(t, tasks, 1)
	assert.Equal(t, "RUNNING", tasks[0].(map[string]any)["status"])
	assert.Equal(t, handle, tasks[0].(map[string]any)["taskHandle"])
	assert.EqualValues(t, 5, tasks[0].(map[string]any)["approximateNumberOfMessagesToMove"])

	status, v = consoleDo(t, srv, "POST", "/_sqsmock/movetasks/cancel", `{"TaskHandle":"`+handle+`"}`)
	require.Equal(t, http.StatusOK, status, v)
	_, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/dlq/movetasks", "")
	assert.Contains(t, []any{"CANCELLING", "CANCELLED"}, v["tasks"].([]any)[0].(map[string]any)["status"])

	for _, body := range []string{`{"TaskHandle":"bm9wZQ=="}`, `{}`, `{"TaskHandle":"` + handle + `"}`, `[]`} {
		status, v = consoleDo(t, srv, "POST", "/_sqsmock/movetasks/cancel", body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.NotEmpty(t, v["error"], body)
	}
}

// A paused plan injects nothing and is kept; console actions are exempt from it.
func TestConsoleFaultPause(t *testing.T) {
	plan := mustPlan(t, 1, faults.Error("InvalidParameterValue").Named("no-sends").On("SendMessage"))
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}}; o.Faults = plan })
	})
	url := aws.String(srv.URL + "/000000000000/q")
	send := func() error {
		_, err := srv.SDKClient(noRetries).SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
		return err
	}
	require.Error(t, send(), "the plan fails every send")
	status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/q/messages", `{"MessageBody":"from the console"}`)
	require.Equal(t, http.StatusOK, status, "the console is exempt: %v", v)

	status, v = consoleDo(t, srv, "POST", "/_sqsmock/faults/pause", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, v["paused"])
	require.NoError(t, send(), "a paused plan injects nothing")
	_, v = consoleDo(t, srv, "GET", "/_sqsmock/faults", "")
	assert.Equal(t, true, v["paused"])
	assert.NotNil(t, v["plan"], "the plan is kept")
	assert.Len(t, v["injections"], 1, "and its record")

	status, v = consoleDo(t, srv, "POST", "/_sqsmock/faults/resume", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, false, v["paused"])
	require.Error(t, send(), "resumed")
	assert.Equal(t, 2, fired(plan, "no-sends"))
}

// The page: served under this server's Host names only, with no token (it holds no data), with
// headers that forbid framing and foreign scripts.
func TestConsolePage(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.AdminToken = "s3cret" })
	status, body, header := adminCall{method: "GET", path: "/_sqsmock/ui/"}.do(t, srv.URL)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "<title>sqsmock console</title>")
	assert.Contains(t, header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "DENY", header.Get("X-Frame-Options"))
	for _, path := range []string{"/_sqsmock/ui/console.js", "/_sqsmock/ui/console.css"} {
		status, body, _ := adminCall{method: "GET", path: path}.do(t, srv.URL)
		assert.Equal(t, http.StatusOK, status, path)
		assert.NotEmpty(t, body, path)
	}
	// The Topics tab: its link, and the script that fills it from the topics and trace endpoints.
	assert.Contains(t, body, `<a href="#topics" id="nav-topics">Topics</a>`)
	_, js, _ := adminCall{method: "GET", path: "/_sqsmock/ui/console.js"}.do(t, srv.URL)
	for _, want := range []string{`api("GET", "/_sqsmock/topics")`, `"/_sqsmock/trace?limit=500&topic=" + encodeURIComponent(arn)`,
		`id: "topics"`, `id: "subscriptions"`, `id: "deliveries"`, `s.rawMessageDelivery ? "raw" : "envelope"`,
		"s.filterPolicy", "s.deadLetterQueueArn", `"sns.failed": "failed"`} {
		assert.Contains(t, js, want)
	}
	status, _, _ = adminCall{method: "GET", path: "/_sqsmock/ui/nope.js"}.do(t, srv.URL)
	assert.Equal(t, http.StatusNotFound, status)
	status, _, _ = adminCall{method: "GET", path: "/_sqsmock/ui/", host: "evil.example"}.do(t, srv.URL)
	assert.Equal(t, http.StatusForbidden, status)

	req, err := http.NewRequest("GET", srv.URL+"/_sqsmock/ui", nil)
	require.NoError(t, err)
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	assert.Equal(t, "/_sqsmock/ui/", resp.Header.Get("Location"))

	// The data behind it needs the token.
	status, _, _ = adminCall{method: "GET", path: "/_sqsmock/queues/q/messages"}.do(t, srv.URL)
	assert.Equal(t, http.StatusUnauthorized, status)
}

// Refused console writes change nothing: another origin, a foreign Host, no token.
func TestConsoleWritesRefused(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) { o.AdminToken = "s3cret" })
	ok := map[string]string{"Authorization": "Bearer s3cret"}
	_, err := srv.Mock().Client().SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(srv.Mock().QueueURL("q")),
		MessageBody: aws.String("keep")})
	require.NoError(t, err)
	id := srv.Mock().Messages("q")[0].MessageID
	writes := []adminCall{
		{method: "POST", path: "/_sqsmock/queues/q/messages", body: `{"MessageBody":"x"}`},
		{method: "POST", path: "/_sqsmock/queues/q/purge"},
		{method: "DELETE", path: "/_sqsmock/queues/q/messages/" + id},
		{method: "POST", path: "/_sqsmock/faults/pause"},
	}
	for _, w := range writes {
		for _, c := range []struct {
			host   string
			header map[string]string
			status int
		}{
			{"", map[string]string{"Authorization": "Bearer s3cret", "Origin": "http://evil.example"}, http.StatusForbidden},
			{"", map[string]string{"Authorization": "Bearer s3cret", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
			{"evil.example", ok, http.StatusForbidden},
			{"", nil, http.StatusUnauthorized},
		} {
			w.host, w.header = c.host, c.header
			status, body, _ := w.do(t, srv.URL)
			assert.Equal(t, c.status, status, "%s %s %v: %s", w.method, w.path, c, body)
		}
	}
	msgs := srv.Mock().Messages("q")
	require.Len(t, msgs, 1)
	assert.Equal(t, "keep", msgs[0].Body)
	_, body, _ := adminCall{method: "GET", path: "/_sqsmock/faults", header: ok}.do(t, srv.URL)
	assert.Contains(t, body, `"paused":false`)
}

// A message's history is its trace events: a redelivery shows both receives; the fault feed is
// the trace's fault events after a given Seq.
func TestConsoleHistoryAndInjections(t *testing.T) {
	clock := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	plan := mustPlan(t, 1, faults.Error("InvalidParameterValue").Named("no-sends").On("SendMessage").Times(1))
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "q"}}
			o.Clock = clock
			o.TraceSize = 1000
			o.Faults = plan
		})
	})
	status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/q/messages", `{"MessageBody":"hello"}`)
	require.Equal(t, http.StatusOK, status, v)
	id := v["messageId"].(string)
	url := aws.String(srv.URL + "/000000000000/q")
	for range 2 {
		out, err := srv.SDKClient().ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: url, VisibilityTimeout: 1})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		clock.Advance(2 * time.Second)
	}
	_, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages/"+id, "")
	var kinds []string
	for _, ev := range v["history"].([]any) {
		kinds = append(kinds, ev.(map[string]any)["kind"].(string))
	}
	assert.Equal(t, []string{"message.sent", "message.received", "message.visible", "message.received", "message.visible"}, kinds)
	assert.EqualValues(t, 2, v["message"].(map[string]any)["receiveCount"])

	status, v = consoleDo(t, srv, "DELETE", "/_sqsmock/queues/q/messages/"+id, "")
	require.Equal(t, http.StatusOK, status, v)
	status, v = consoleDo(t, srv, "GET", "/_sqsmock/queues/q/messages/"+id, "")
	require.Equal(t, http.StatusOK, status, "a deleted message keeps its history")
	assert.Nil(t, v["message"])
	h := v["history"].([]any)
	assert.Equal(t, "message.deleted", h[len(h)-1].(map[string]any)["kind"])

	_, v = consoleDo(t, srv, "GET", "/_sqsmock/faults/injections", "")
	assert.Empty(t, v["events"])
	_, err := srv.SDKClient(noRetries).SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
	require.Error(t, err)
	_, v = consoleDo(t, srv, "GET", "/_sqsmock/faults/injections?since=0", "")
	evs := v["events"].([]any)
	require.Len(t, evs, 1)
	assert.Equal(t, "no-sends", evs[0].(map[string]any)["rule"])
	last := v["last"].(float64)
	_, v = consoleDo(t, srv, "GET", "/_sqsmock/faults/injections?since="+strconv.FormatFloat(last, 'f', 0, 64), "")
	assert.Empty(t, v["events"])
	status, v = consoleDo(t, srv, "GET", "/_sqsmock/faults/injections?since=-1", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, v["error"], "since")
}
