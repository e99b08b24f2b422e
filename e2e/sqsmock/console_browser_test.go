package sqsmock_test

import (
	"context"
	"fmt"
	"strconv"
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

// waitFor waits until the JavaScript expression is truthy in the page (at most 15 s).
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.getElementById('main').innerText"))
		t.Fatalf("waiting for %s (%s): %v\nthe page shows:\n%s", what, expr, err, page)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

// The console in a real browser, as a person uses it: the queues with their counts, a send from
// the console that an SDK receives, a message's history after a redelivery, the depth chart
// growing while an SDK sends, and a purge that empties the queue.
func TestConsoleInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	clock := sqsmock.NewManualClock(time.Now())
	srv := sqsmock.NewServer(t, withQueue("orders", nil), withQueue("audit", nil),
		withDeadLetterQueue("orders", "orders-dlq", 3), withClock(clock), withTrace(10000))
	sdk := srv.SDKClient()
	orders := aws.String(srv.URL + "/000000000000/orders")
	for i := range 2 {
		_, err := sdk.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: orders, MessageBody: aws.String("order " + strconv.Itoa(i))})
		require.NoError(t, err)
	}

	// The queues and their counts.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/")))
	waitFor(t, ctx, "the queue list", `document.querySelector('#queues tr[data-queue="orders"] td.ready')?.textContent === "2"`)
	names := eval[[]string](t, ctx, `[...document.querySelectorAll('#queues tbody tr')].map(tr => tr.dataset.queue)`)
	assert.ElementsMatch(t, []string{"audit", "orders", "orders-dlq"}, names)
	browsertest.Screenshot(t, ctx, "1-queues")

	// A send from the console arrives in the queue.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#queues tr[data-queue="orders"] a`))))
	waitFor(t, ctx, "the queue's page", `document.getElementById('count-ready')?.textContent === "2"`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("send-body"), "sent from the console"),
		chromedp.SetValue(chromedp.ID("send-attrs"), `{"origin": {"DataType": "String", "StringValue": "console"}}`),
		chromedp.Click(chromedp.ID("send-btn"))))
	waitFor(t, ctx, "the send's answer", `document.getElementById('send-result').textContent.startsWith("sent ")`)
	sentID := eval[string](t, ctx, `document.getElementById('send-result').textContent.slice(5)`)
	var got *sqs.ReceiveMessageOutput
	for range 3 { // the two earlier messages may come first
		out, err := sdk.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: orders, MaxNumberOfMessages: 10,
			VisibilityTimeout: 1, MessageAttributeNames: []string{"All"}})
		require.NoError(t, err)
		for _, m := range out.Messages {
			if aws.ToString(m.MessageId) == sentID {
				got = out
				assert.Equal(t, "sent from the console", aws.ToString(m.Body))
				assert.Equal(t, "console", aws.ToString(m.MessageAttributes["origin"].StringValue))
			}
		}
		if got != nil {
			break
		}
	}
	require.NotNil(t, got, "the SDK received the console's message %s", sentID)

	// Its history after a redelivery: visibility expires on the mock's clock, the SDK receives it again.
	clock.Advance(2 * time.Second)
	out, err := sdk.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: orders, MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, out.Messages, 3, "every message is visible again")
	waitFor(t, ctx, "the message in the list", `document.querySelector('#messages tr[data-id="`+sentID+`"] td.receives')?.textContent === "2"`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#messages tr[data-id="`+sentID+`"] .msg-link`))))
	waitFor(t, ctx, "both receives in its history", `document.querySelectorAll('#history tr[data-kind="message.received"]').length === 2`)
	kinds := eval[[]string](t, ctx, `[...document.querySelectorAll('#history tr.ev')].map(tr => tr.dataset.kind)`)
	assert.Equal(t, []string{"message.sent", "message.received", "message.visible", "message.received"}, kinds)
	browsertest.Screenshot(t, ctx, "2-history")

	// The depth chart gains points while the SDK sends.
	before := eval[int](t, ctx, `Number(document.getElementById('queue-chart').dataset.points)`)
	ctxSend, stop := context.WithCancel(ctx)
	sent := make(chan int)
	go func() {
		n := 0
		defer func() { sent <- n }()
		for ctxSend.Err() == nil {
			if _, err := sdk.SendMessage(ctxSend, &sqs.SendMessageInput{QueueUrl: orders, MessageBody: aws.String("load")}); err == nil {
				n++
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	waitFor(t, ctx, "three more chart points", `Number(document.getElementById('queue-chart').dataset.points) >= `+strconv.Itoa(before+3))
	waitFor(t, ctx, "the load on the chart", `Number(document.getElementById('count-ready').textContent) + Number(document.getElementById('count-inflight').textContent) > 10`)
	stop()
	t.Logf("the SDK sent %d messages while the chart grew", <-sent)
	visible := eval[string](t, ctx, `document.querySelector('#queue-chart polyline[data-series="visible"]').getAttribute('points')`)
	assert.NotEmpty(t, visible)
	browsertest.Screenshot(t, ctx, "3-depth")

	// A purge from the console empties the queue.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("purge-btn"))))
	waitFor(t, ctx, "the purge's answer", `document.getElementById('purge-result').textContent === "purged"`)
	waitFor(t, ctx, "an empty queue", `document.getElementById('no-messages') !== null && document.getElementById('count-ready').textContent === "0"`)
	assert.Empty(t, srv.Mock().Messages("orders"))
	browsertest.Screenshot(t, ctx, "4-purged")
}

// With an admin token, the console asks for it, keeps it for the tab, and then works.
func TestConsoleInBrowserWithToken(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	srv := sqsmock.NewServer(t, withQueue("orders", nil), withAdminToken("s3cret"))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/")))
	waitFor(t, ctx, "the request for a token", `!document.getElementById('notice').hidden && document.getElementById('notice').textContent.includes("admin token")`)
	waitFor(t, ctx, "the refusal in place of the queues", `document.getElementById('queues-error')?.textContent.includes("missing or wrong token")`)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), "s3cret"), chromedp.Click(chromedp.CSS("#token-form button"))))
	waitFor(t, ctx, "the queue list", `document.querySelector('#queues tr[data-queue="orders"]') !== null`)
	assert.Equal(t, "s3cret", eval[string](t, ctx, `sessionStorage.getItem("sqsmock-admin-token")`))
}

// faultRows is how many injections the fault page shows.
func faultRows(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `document.querySelectorAll('#injections tbody tr').length`)
}

// The fault page as a person uses it: load a plan, see its injections arrive while an SDK sends,
// pause it and see them stop, resume, clear.
func TestConsoleFaultsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv := sqsmock.NewServer(t, withQueue("orders", nil), withTrace(10000))
	sdk := srv.SDKClient(noRetries)
	orders := aws.String(srv.URL + "/000000000000/orders")
	send := func(n int) (failed int) {
		for i := range n {
			if _, err := sdk.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: orders, MessageBody: aws.String("m" + strconv.Itoa(i))}); err != nil {
				failed++
			}
		}
		return failed
	}
	// seen waits until the page has polled every trace event recorded so far.
	seen := func(what string) {
		t.Helper()
		evs := srv.Mock().Trace()
		waitFor(t, ctx, what, `state.faultSince >= `+strconv.FormatUint(evs[len(evs)-1].Seq, 10))
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/#faults")))
	waitFor(t, ctx, "the empty plan", `document.getElementById('plan-status')?.textContent === "no plan"`)

	// Load a plan: every SendMessage fails.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("plan-text"), `{"seed": 7, "rules": [{"name": "send-fails", "kind": "error", "errorCode": "InternalError", "operations": ["SendMessage"], "probability": 1}]}`),
		chromedp.Click(chromedp.ID("plan-save"))))
	waitFor(t, ctx, "the plan loaded", `document.getElementById('plan-result').textContent === "plan replaced" && document.getElementById('plan-status')?.textContent === "active"`)
	assert.Equal(t, 3, send(3), "every send fails under the plan")
	waitFor(t, ctx, "three injections", `document.querySelectorAll('#injections tbody tr').length === 3`)
	rules := eval[[]string](t, ctx, `[...document.querySelectorAll('#injections tbody tr')].map(tr => tr.children[2].textContent + " " + tr.children[4].textContent)`)
	assert.Equal(t, []string{"send-fails SendMessage", "send-fails SendMessage", "send-fails SendMessage"}, rules)
	browsertest.Screenshot(t, ctx, "1-injections")

	// Pause: sends go through, no injection appears.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("plan-pause"))))
	waitFor(t, ctx, "the plan paused", `document.getElementById('plan-status')?.textContent === "paused" && document.getElementById('plan-pause').textContent === "Resume"`)
	assert.Equal(t, 0, send(4), "no send fails while the plan is paused")
	seen("the paused sends polled")
	assert.Equal(t, 3, faultRows(t, ctx), "no injection while paused")
	browsertest.Screenshot(t, ctx, "2-paused")

	// Resume: injections again.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("plan-pause"))))
	waitFor(t, ctx, "the plan active again", `document.getElementById('plan-status')?.textContent === "active" && document.getElementById('plan-pause').textContent === "Pause"`)
	assert.Equal(t, 2, send(2))
	waitFor(t, ctx, "five injections", `document.querySelectorAll('#injections tbody tr').length === 5`)

	// Clear: no plan, sends go through.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("plan-clear"))))
	waitFor(t, ctx, "the plan cleared", `document.getElementById('plan-result').textContent === "plan removed" && document.getElementById('plan-status')?.textContent === "no plan"`)
	assert.Nil(t, srv.Mock().Faults())
	assert.Equal(t, 0, send(2))
	seen("the sends after the clear polled")
	assert.Equal(t, 5, faultRows(t, ctx))
	browsertest.Screenshot(t, ctx, "3-cleared")
}

// Redrive from the console: messages dead-lettered by their receive count, moved back to their
// source by a move task started with the Redrive form, the task listed.
func TestConsoleRedriveInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv := sqsmock.NewServer(t, withQueue("orders", nil), withDeadLetterQueue("orders", "orders-dlq", 1),
		withTrace(10000))
	sdk := srv.SDKClient()
	bg := context.Background()
	orders := aws.String(srv.URL + "/000000000000/orders")
	const n = 3
	for i := range n {
		_, err := sdk.SendMessage(bg, &sqs.SendMessageInput{QueueUrl: orders, MessageBody: aws.String("order " + strconv.Itoa(i))})
		require.NoError(t, err)
	}
	// One receive each, back to visible at once; the next receive dead-letters them.
	for received := 0; received < n; {
		out, err := sdk.ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: orders, MaxNumberOfMessages: 10})
		require.NoError(t, err)
		for _, m := range out.Messages {
			_, err := sdk.ChangeMessageVisibility(bg, &sqs.ChangeMessageVisibilityInput{QueueUrl: orders, ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
			received++
		}
	}
	out, err := sdk.ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: orders, MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Empty(t, out.Messages)
	dlq, ok := srv.Mock().Queue("orders-dlq")
	require.True(t, ok)
	require.Equal(t, n, dlq.Ready, "every message dead-lettered")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/#queue/orders-dlq")))
	waitFor(t, ctx, "the dead-letter queue's page", `document.getElementById('count-ready')?.textContent === "3" && document.querySelectorAll('#messages tbody tr').length === 3`)
	waitFor(t, ctx, "no move task yet", `document.getElementById('tasks-box')?.textContent === "No move tasks."`)
	browsertest.Screenshot(t, ctx, "1-dead-lettered")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("redrive-btn"))))
	waitFor(t, ctx, "the task started", `document.getElementById('redrive-result').textContent === "started"`)
	waitFor(t, ctx, "the task listed, done", `[...document.querySelectorAll('#tasks tbody tr')].some(tr => tr.children[0].textContent === "COMPLETED" && tr.children[1].textContent === "(sources)" && tr.children[2].textContent === "3")`)
	waitFor(t, ctx, "an empty dead-letter queue", `document.getElementById('no-messages') !== null && document.getElementById('count-ready').textContent === "0"`)
	browsertest.Screenshot(t, ctx, "2-redriven")

	back := srv.Mock().Messages("orders")
	require.Len(t, back, n, "the messages are back in their source")
	for _, m := range back {
		assert.Contains(t, m.Body, "order ")
	}
	// The source's page shows them.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`h1 a`))))
	waitFor(t, ctx, "the queue list", `document.querySelector('#queues tr[data-queue="orders"] td.ready')?.textContent === "3"`)
	browsertest.Screenshot(t, ctx, "3-back-in-source")
}

// rows is how many rows a table of the page shows.
func rows(t *testing.T, ctx context.Context, table string) int {
	t.Helper()
	return eval[int](t, ctx, `document.querySelectorAll('#`+table+` tbody tr').length`)
}

// The console on many queues and messages: it shows them a page at a time, "Show more" follows
// the endpoint's next to the end, the filter narrows the queues by name prefix.
func TestConsolePagesInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv := sqsmock.NewServer(t)
	c := srv.Mock().Client()
	bg := context.Background()
	for i := range 230 {
		_, err := c.CreateQueue(bg, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("q%03d", i))})
		require.NoError(t, err)
	}
	q007 := aws.String(srv.Mock().QueueURL("q007"))
	for i := range 130 {
		_, err := c.SendMessage(bg, &sqs.SendMessageInput{QueueUrl: q007, MessageBody: aws.String("m" + strconv.Itoa(i))})
		require.NoError(t, err)
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/")))
	waitFor(t, ctx, "the first page of queues", `document.getElementById('queues-count')?.textContent === "100 of 230"`)
	assert.Equal(t, 100, rows(t, ctx, "queues"))
	assert.Equal(t, "q099", eval[string](t, ctx, `document.querySelector('#queues tbody tr:last-child').dataset.queue`))
	browsertest.Screenshot(t, ctx, "1-first-page")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("queues-more"))))
	waitFor(t, ctx, "two pages", `document.getElementById('queues-count').textContent === "200 of 230"`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("queues-more"))))
	waitFor(t, ctx, "every queue", `document.getElementById('queues-count').textContent === "230 of 230" && document.getElementById('queues-more').hidden`)
	names := eval[[]string](t, ctx, `[...document.querySelectorAll('#queues tbody tr')].map(tr => tr.dataset.queue)`)
	require.Len(t, names, 230)
	assert.Equal(t, "q000", names[0])
	assert.Equal(t, "q229", names[229])

	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("queue-filter"), "q00")))
	waitFor(t, ctx, "the filtered queues", `document.getElementById('queues-count').textContent === "10 of 10 matching"`)
	assert.Equal(t, 10, rows(t, ctx, "queues"))
	browsertest.Screenshot(t, ctx, "2-filtered")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#queues tr[data-queue="q007"] a`))))
	waitFor(t, ctx, "the queue's first page of messages", `document.getElementById('count-ready')?.textContent === "130" && document.querySelectorAll('#messages tbody tr').length === 100`)
	assert.Equal(t, "(130, first 100 shown)", eval[string](t, ctx, `document.getElementById('msg-total').textContent`))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("messages-more"))))
	waitFor(t, ctx, "every message", `document.querySelectorAll('#messages tbody tr').length === 130 && document.getElementById('messages-more').hidden`)
	bodies := eval[[]string](t, ctx, `[...document.querySelectorAll('#messages tbody td.body')].map(td => td.textContent)`)
	assert.Equal(t, "m0", bodies[0])
	assert.Equal(t, "m129", bodies[129])
	browsertest.Screenshot(t, ctx, "3-messages")
}

// noRetries makes a client make one attempt per call.
func noRetries(o *sqs.Options) { o.RetryMaxAttempts = 1 }
