package sqsmock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// adminGet sends one GET to an admin endpoint from the console's page and returns the status
// and the raw JSON answer.
func adminGet(t *testing.T, srv *sqsmock.Server, path string) (int, string) {
	t.Helper()
	status, body, header := adminCall{method: "GET", path: path,
		header: map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}}.do(t, srv.URL)
	assert.Equal(t, "application/json", header.Get("Content-Type"), path)
	return status, body
}

// topicsAnswer is GET /_sqsmock/topics.
type topicsAnswer struct {
	Topics []json.RawMessage `json:"topics"`
	Total  int               `json:"total"`
}

// getTopics answers GET /_sqsmock/topics with query, its topics by ARN.
func getTopics(t *testing.T, srv *sqsmock.Server, query string) (arns []string, byARN map[string]string) {
	t.Helper()
	status, body := adminGet(t, srv, "/_sqsmock/topics"+query)
	require.Equal(t, http.StatusOK, status, body)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &raw))
	checkCamelCase(t, "GET /_sqsmock/topics"+query, raw, map[string]bool{})
	require.NotNil(t, raw["topics"], "topics is a list, never null: %s", body)
	var ans topicsAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &ans))
	require.Equal(t, len(ans.Topics), ans.Total)
	arns, byARN = []string{}, map[string]string{}
	for _, tv := range ans.Topics {
		var head struct{ ARN string }
		require.NoError(t, json.Unmarshal(tv, &head))
		arns = append(arns, head.ARN)
		byARN[head.ARN] = string(tv)
	}
	return arns, byARN
}

// topicsFixture is a server with SNS topics, queues and subscriptions for the topic endpoints.
type topicsFixture struct {
	srv                     *sqsmock.Server
	sns                     sqsmock.SNSAPI
	orders, fifo, eu, other string // topic ARNs
	rawSub, envSub, fifoSub string // subscription ARNs
	rawARN, envARN, dlqARN  string // queue ARNs
}

func newTopicsFixture(t *testing.T) *topicsFixture {
	t.Helper()
	srv := startServer(t, func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(mo *sqsmock.Options) { mo.TraceSize = 1000 })
	})
	f := &topicsFixture{srv: srv, sns: srv.Mock().SNS()}
	ctx := context.Background()
	topic := func(name string, attrs map[string]string, optFns ...func(*sns.Options)) string {
		out, err := f.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs}, optFns...)
		require.NoError(t, err)
		return aws.ToString(out.TopicArn)
	}
	f.orders = topic("orders", nil)
	f.fifo = topic("orders.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	f.eu = topic("eu-news", nil, func(o *sns.Options) { o.Region = "eu-west-1" })
	// Another account's topic, over HTTP: m.SNS() speaks for the mock's own account.
	other := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "secret", "")})
	out, err := other.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("billing")})
	require.NoError(t, err)
	f.other = aws.ToString(out.TopicArn)

	// Queues: raw and env-dlq let the topics send (a policy SNS needs only to deliver, not to
	// subscribe); env has no policy, so its deliveries fail into its subscription's DLQ.
	c := srv.Mock().Client()
	queue := func(name string, policy bool) (url, arn string) {
		q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		require.NoError(t, err)
		a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
			AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
		require.NoError(t, err)
		arn = a.Attributes["QueueArn"]
		if policy {
			_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": fmt.Sprintf(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":%q}]}`, arn)}})
			require.NoError(t, err)
		}
		return aws.ToString(q.QueueUrl), arn
	}
	_, f.rawARN = queue("raw", true)
	_, f.envARN = queue("env", false)
	_, f.dlqARN = queue("env-dlq", true)
	subscribe := func(topicARN, queueARN string, attrs map[string]string) string {
		out, err := f.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
			Endpoint: aws.String(queueARN), Attributes: attrs})
		require.NoError(t, err)
		return aws.ToString(out.SubscriptionArn)
	}
	f.rawSub = subscribe(f.orders, f.rawARN, map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"color":["blue"]}`})
	f.envSub = subscribe(f.orders, f.envARN, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + f.dlqARN + `"}`})
	f.fifoSub = subscribe(f.fifo, f.rawARN, nil)
	return f
}

// GET /_sqsmock/topics lists every topic of every account and region by ARN, each with its
// subscriptions (raw or envelope, filter policy, dead-letter queue); account and region filter.
func TestAdminTopics(t *testing.T) {
	f := newTopicsFixture(t)

	arns, byARN := getTopics(t, f.srv, "")
	assert.Equal(t, []string{f.eu, f.orders, f.fifo, f.other}, arns, "by ARN")
	assert.Equal(t, []string{"arn:aws:sns:eu-west-1:000000000000:eu-news", "arn:aws:sns:us-east-1:000000000000:orders",
		"arn:aws:sns:us-east-1:000000000000:orders.fifo", "arn:aws:sns:us-east-1:111111111111:billing"}, arns)
	assert.JSONEq(t, `{"arn":"`+f.orders+`","name":"orders","account":"000000000000","region":"us-east-1",
		"fifo":false,"contentBasedDeduplication":false,"subscriptionCount":2,"subscriptions":[
		{"arn":"`+f.rawSub+`","owner":"000000000000","protocol":"sqs","endpoint":"`+f.rawARN+`","rawMessageDelivery":true,
		 "filterPolicy":"{\"color\":[\"blue\"]}","filterPolicyScope":"MessageAttributes"},
		{"arn":"`+f.envSub+`","owner":"000000000000","protocol":"sqs","endpoint":"`+f.envARN+`","rawMessageDelivery":false,
		 "deadLetterQueueArn":"`+f.dlqARN+`"}]}`, byARN[f.orders])
	assert.JSONEq(t, `{"arn":"`+f.fifo+`","name":"orders.fifo","account":"000000000000","region":"us-east-1",
		"fifo":true,"contentBasedDeduplication":true,"subscriptionCount":1,"subscriptions":[
		{"arn":"`+f.fifoSub+`","owner":"000000000000","protocol":"sqs","endpoint":"`+f.rawARN+`","rawMessageDelivery":false}]}`, byARN[f.fifo])
	assert.JSONEq(t, `{"arn":"`+f.eu+`","name":"eu-news","account":"000000000000","region":"eu-west-1",
		"fifo":false,"contentBasedDeduplication":false,"subscriptionCount":0,"subscriptions":[]}`, byARN[f.eu])

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"?region=eu-west-1", []string{f.eu}},
		{"?account=111111111111", []string{f.other}},
		{"?account=000000000000", []string{f.eu, f.orders, f.fifo}},
		{"?account=000000000000&region=us-east-1", []string{f.orders, f.fifo}},
		{"?account=111111111111&region=eu-west-1", []string{}},
		{"?region=ap-south-1", []string{}},
	} {
		got, _ := getTopics(t, f.srv, c.query)
		assert.Equal(t, c.want, got, c.query)
	}

	// A change shows at once: a setting changed, a subscription gone, a topic deleted.
	ctx := context.Background()
	_, err := f.sns.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(f.rawSub),
		AttributeName: aws.String("FilterPolicyScope"), AttributeValue: aws.String("MessageBody")})
	require.NoError(t, err)
	_, err = f.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(f.envSub)})
	require.NoError(t, err)
	_, err = f.sns.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(f.eu)}, func(o *sns.Options) { o.Region = "eu-west-1" })
	require.NoError(t, err)
	arns, byARN = getTopics(t, f.srv, "")
	assert.Equal(t, []string{f.orders, f.fifo, f.other}, arns)
	var orders struct {
		SubscriptionCount int
		Subscriptions     []struct{ ARN, FilterPolicyScope string }
	}
	require.NoError(t, json.Unmarshal([]byte(byARN[f.orders]), &orders))
	assert.Equal(t, 1, orders.SubscriptionCount)
	require.Len(t, orders.Subscriptions, 1)
	assert.Equal(t, f.rawSub, orders.Subscriptions[0].ARN)
	assert.Equal(t, "MessageBody", orders.Subscriptions[0].FilterPolicyScope)

	// A reset removes the topics.
	status, _ := consoleDo(t, f.srv, "POST", "/_sqsmock/reset", "")
	require.Equal(t, http.StatusOK, status)
	arns, _ = getTopics(t, f.srv, "")
	assert.Empty(t, arns)
}

// traceEvents is GET /_sqsmock/trace with query.
func traceEvents(t *testing.T, srv *sqsmock.Server, query string) (kinds []string, evs []map[string]any, last uint64) {
	t.Helper()
	status, body := adminGet(t, srv, "/_sqsmock/trace"+query)
	require.Equal(t, http.StatusOK, status, body)
	var ans struct {
		Events []map[string]any
		Last   uint64
		Size   int
	}
	require.NoError(t, json.Unmarshal([]byte(body), &ans))
	require.NotNil(t, ans.Events, "events is a list, never null: %s", body)
	kinds = []string{}
	for _, ev := range ans.Events {
		kinds = append(kinds, ev["kind"].(string))
	}
	return kinds, ans.Events, ans.Last
}

// GET /_sqsmock/trace?topic=ARN is that topic's deliveries from the trace: delivered, filtered,
// failed with the reason; the newest limit of them after since.
func TestAdminTopicDeliveries(t *testing.T) {
	f := newTopicsFixture(t)
	ctx := context.Background()
	publish := func(topic, color string) {
		t.Helper()
		_, err := f.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m " + color),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"color": {DataType: aws.String("String"), StringValue: aws.String(color)}}})
		require.NoError(t, err)
	}
	publish(f.orders, "blue")
	_, err := f.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(f.fifo), Message: aws.String("fifo"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	publish(f.orders, "red")

	q := "?topic=" + f.orders
	kinds, evs, last := traceEvents(t, f.srv, q)
	assert.Equal(t, []string{"sns.delivered", "sns.failed", "sns.filtered", "sns.failed"}, kinds, "the FIFO topic's delivery is not the orders topic's")
	for _, ev := range evs {
		assert.Equal(t, f.orders, ev["target"])
	}
	assert.Equal(t, "raw", evs[0]["queue"])
	assert.Equal(t, f.rawSub, evs[0]["detail"])
	assert.Equal(t, "env", evs[1]["queue"])
	assert.Contains(t, evs[1]["detail"], "does not allow sns.amazonaws.com to sqs:SendMessage")
	assert.Contains(t, evs[1]["detail"], "sent to the subscription's dead-letter queue "+f.dlqARN)
	assert.Equal(t, "raw", evs[2]["queue"])
	assert.Contains(t, evs[2]["detail"], "the filter policy of subscription "+f.rawSub+" did not match")
	msgs := f.srv.Mock().Messages("env-dlq")
	assert.Len(t, msgs, 2, "both failed deliveries went to the dead-letter queue")

	kinds, _, _ = traceEvents(t, f.srv, "?topic="+f.fifo)
	assert.Equal(t, []string{"sns.delivered"}, kinds)
	kinds, _, _ = traceEvents(t, f.srv, "?topic=arn:aws:sns:us-east-1:000000000000:none")
	assert.Equal(t, []string{}, kinds)

	// The newest limit, oldest first; after since, nothing new.
	kinds, newest, _ := traceEvents(t, f.srv, q+"&limit=2")
	assert.Equal(t, []string{"sns.filtered", "sns.failed"}, kinds)
	kinds, _, _ = traceEvents(t, f.srv, q+"&since="+strconv.FormatFloat(newest[0]["seq"].(float64), 'f', 0, 64))
	assert.Equal(t, []string{"sns.failed"}, kinds)
	kinds, _, _ = traceEvents(t, f.srv, q+"&since="+strconv.FormatUint(last, 10))
	assert.Equal(t, []string{}, kinds)
	publish(f.orders, "blue")
	kinds, _, _ = traceEvents(t, f.srv, q+"&since="+strconv.FormatUint(last, 10))
	assert.Equal(t, []string{"sns.delivered", "sns.failed"}, kinds)

	// The whole trace still pages from the oldest.
	kinds, _, _ = traceEvents(t, f.srv, "?limit=1")
	assert.Len(t, kinds, 1)

	for _, c := range []struct{ query, want string }{
		{"?topic=orders", "topic: not an SNS topic ARN"},
		{"?topic=" + f.rawARN, "topic: not an SNS topic ARN"},
		{q + "&limit=0", "limit must be 1 to 5000"},
		{"?limit=5001", "limit must be 1 to 5000"},
		{q + "&since=x", "since"},
	} {
		status, body := adminGet(t, f.srv, "/_sqsmock/trace"+c.query)
		assert.Equal(t, http.StatusBadRequest, status, c.query)
		assert.Contains(t, body, c.want, c.query)
	}
}

// Without a trace, a topic's deliveries are an empty list and size 0 says why.
func TestAdminTopicDeliveriesTraceOff(t *testing.T) {
	srv := startServer(t, func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(mo *sqsmock.Options) { mo.TraceSize = 0 })
	})
	status, body := adminGet(t, srv, "/_sqsmock/trace?topic=arn:aws:sns:us-east-1:000000000000:orders")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"events":[],"dropped":0,"last":0,"size":0}`, body)
}
