package sqsmock_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// The Topics tab in a real browser: a topic with a raw subscription that filters and an envelope
// one whose queue refuses SNS, so its messages go to the subscription's dead-letter queue; the
// deliveries appear as they happen, newest first, with why one failed.
func TestConsoleTopicsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv := sqsmock.NewServer(t, withTrace(10000))
	bg := context.Background()
	topics := srv.Mock().SNS()
	out, err := topics.CreateTopic(bg, &sns.CreateTopicInput{Name: aws.String("orders")})
	require.NoError(t, err)
	topic := aws.ToString(out.TopicArn)
	c := srv.Mock().Client()
	queue := func(name string, policy bool) string {
		q, err := c.CreateQueue(bg, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		require.NoError(t, err)
		arn := "arn:aws:sqs:us-east-1:000000000000:" + name
		if policy {
			_, err = c.SetQueueAttributes(bg, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": fmt.Sprintf(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":%q}]}`, arn)}})
			require.NoError(t, err)
		}
		return arn
	}
	raw, env, dlq := queue("blue-orders", true), queue("all-orders", false), queue("all-orders-dlq", true)
	for _, s := range []struct {
		queue string
		attrs map[string]string
	}{
		{raw, map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"color":["blue"]}`}},
		{env, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq + `"}`}},
	} {
		_, err := topics.Subscribe(bg, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(s.queue), Attributes: s.attrs})
		require.NoError(t, err)
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_sqsmock/ui/")))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("nav-topics"))))
	waitFor(t, ctx, "the topic list", `document.querySelector('#topics tr[data-topic="`+topic+`"] td.subscription-count')?.textContent === "2"`)
	assert.True(t, eval[bool](t, ctx, `document.getElementById('nav-topics').classList.contains('active')`))

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#topics tr[data-topic="`+topic+`"] a`))))
	waitFor(t, ctx, "the subscriptions", `document.querySelectorAll('#subscriptions tbody tr').length === 2`)
	subs := eval[[][]string](t, ctx, `[...document.querySelectorAll('#subscriptions tbody tr')].map(tr => [...tr.children].slice(0, 4).map(td => td.textContent))`)
	assert.Equal(t, [][]string{
		{"blue-orders", "raw", `{"color":["blue"]} on MessageAttributes`, "none"},
		{"all-orders", "envelope", "none: every message", "all-orders-dlq"},
	}, subs)
	waitFor(t, ctx, "no deliveries yet", `document.getElementById('no-deliveries')?.textContent.startsWith("No deliveries")`)
	browsertest.Screenshot(t, ctx, "1-subscriptions")

	for _, color := range []string{"blue", "red"} {
		_, err := topics.Publish(bg, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("order " + color),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"color": {DataType: aws.String("String"), StringValue: aws.String(color)}}})
		require.NoError(t, err)
	}
	waitFor(t, ctx, "four deliveries", `document.querySelectorAll('#deliveries tbody tr').length === 4`)
	rows := eval[[][]string](t, ctx, `[...document.querySelectorAll('#deliveries tbody tr')].map(tr => [tr.dataset.kind, tr.children[2].textContent, tr.children[3].textContent])`)
	assert.Equal(t, [][]string{
		{"sns.failed", "failed", "all-orders"},
		{"sns.filtered", "filtered", "blue-orders"},
		{"sns.failed", "failed", "all-orders"},
		{"sns.delivered", "delivered", "blue-orders"},
	}, rows, "newest first")
	detail := eval[string](t, ctx, `document.querySelector('#deliveries tbody tr td.detail').textContent`)
	assert.Contains(t, detail, "does not allow sns.amazonaws.com to sqs:SendMessage")
	assert.Contains(t, detail, "sent to the subscription's dead-letter queue "+dlq)
	browsertest.Screenshot(t, ctx, "2-deliveries")

	// A delivery's queue links to the queue's page.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#deliveries tbody tr[data-kind="sns.delivered"] td.queue a`))))
	waitFor(t, ctx, "the queue's page", `document.getElementById('count-ready')?.textContent === "1"`)
}
