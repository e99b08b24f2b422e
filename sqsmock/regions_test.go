package sqsmock_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// as sets a client's region and, when key is not empty, its access key id.
func as(region, key string) func(*sqs.Options) {
	return func(o *sqs.Options) {
		o.Region = region
		if key != "" {
			o.Credentials = credentials.NewStaticCredentialsProvider(key, "secret", "")
		}
		o.RetryMaxAttempts = 1
	}
}

// requireStatusError requires an API error with that code, HTTP status and message.
func requireStatusError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want %s, got %v", code, err)
	assert.Equal(t, code, ae.ErrorCode())
	if msg != "" {
		assert.Equal(t, msg, ae.ErrorMessage())
	}
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "an HTTP response error: %v", err)
	assert.Equal(t, status, re.HTTPStatusCode())
}

// regionPair checks, with two clients signed for two regions, that each region has its own
// queues: a message sent in us-west-1 is not received in eu-north-1, by name or by URL.
func regionPair(t *testing.T, west, north sqsmock.API) {
	t.Helper()
	ctx := context.Background()
	q, err := west.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	_, err = west.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("west")})
	require.NoError(t, err)

	_, err = north.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	requireStatusError(t, err, "AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist.")
	_, err = north.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	requireStatusError(t, err, "AWS.SimpleQueueService.NonExistentQueue", 400, "")
	list, err := north.ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.QueueUrls, "eu-north-1 lists none of us-west-1's queues")

	// The same name in eu-north-1 is another queue, with its own ARN.
	nq, err := north.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	got, err := north.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: nq.QueueUrl})
	require.NoError(t, err)
	assert.Empty(t, got.Messages, "the message sent in us-west-1")
	got, err = west.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Equal(t, "west", *got.Messages[0].Body)

	for client, region := range map[sqsmock.API]string{west: "us-west-1", north: "eu-north-1"} {
		u, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
		require.NoError(t, err)
		a, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []types.QueueAttributeName{"QueueArn"}})
		require.NoError(t, err)
		assert.Equal(t, "arn:aws:sqs:"+region+":000000000000:orders", a.Attributes["QueueArn"])
		list, err := client.ListQueues(ctx, &sqs.ListQueuesInput{})
		require.NoError(t, err)
		assert.Equal(t, []string{*u.QueueUrl}, list.QueueUrls, "ListQueues in %s", region)
	}
}

func TestRegionsOverHTTPWithTwoSDKClients(t *testing.T) {
	t.Parallel()
	srv := sqsmock.NewServer(t)
	regionPair(t, srv.SDKClient(as("us-west-1", "")), srv.SDKClient(as("eu-north-1", "")))
	// The mock's own region has none of them; inspection sees both, by region.
	_, ok := srv.Mock().Queue("orders")
	assert.False(t, ok, "by name: the mock's own region and account")
	var regions []string
	for _, q := range srv.Mock().Queues() {
		regions = append(regions, q.Region)
		assert.Equal(t, srv.URL+"/000000000000/orders", sdkURL(t, srv.SDKClient(as(q.Region, ""))), "URLs keep the request's host")
	}
	assert.Equal(t, []string{"eu-north-1", "us-west-1"}, regions)
}

func sdkURL(t *testing.T, c *sqs.Client) string {
	t.Helper()
	u, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	return *u.QueueUrl
}

func TestRegionsInProcessWithTwoClients(t *testing.T) {
	t.Parallel()
	m := sqsmock.New()
	west, north := m.Client(as("us-west-1", "")), m.Client(as("eu-north-1", ""))
	regionPair(t, west, north)
	// In process, queue URLs name their region as AWS's do.
	q, ok := m.Queue("arn:aws:sqs:us-west-1:000000000000:orders")
	require.True(t, ok, "inspection by ARN in any namespace")
	assert.Equal(t, "https://sqs.us-west-1.amazonaws.com/000000000000/orders", q.URL)
	assert.Equal(t, "us-west-1", q.Region)
	assert.Equal(t, "000000000000", q.Account)
	assert.Equal(t, 1, q.InFlight, "received once in regionPair")
	assert.Len(t, m.Messages("https://sqs.us-west-1.amazonaws.com/000000000000/orders"), 1, "inspection by URL")
	assert.Empty(t, m.Messages("https://sqs.eu-north-1.amazonaws.com/000000000000/orders"))
	assert.Nil(t, m.Messages("orders"), "by name: the mock's own namespace only")

	// SDKClient likewise, with the in-process client's URLs.
	sdk := m.SDKClient(as("us-west-1", ""))
	u, err := sdk.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	assert.Equal(t, "https://sqs.us-west-1.amazonaws.com/000000000000/orders", *u.QueueUrl)

	// Per-call options choose the region of that call.
	_, err = m.Client().GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")}, as("eu-north-1", ""))
	require.NoError(t, err)
	_, err = m.Client(noRetries).GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	requireStatusError(t, err, "AWS.SimpleQueueService.NonExistentQueue", 400, "")
}

func TestAccountFromAccessKeyID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
	other := m.Client(as("us-east-1", "111111111111"))
	q, err := other.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)
	assert.Equal(t, "https://sqs.us-east-1.amazonaws.com/111111111111/jobs", *q.QueueUrl)
	a, err := other.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []types.QueueAttributeName{"QueueArn"}})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sqs:us-east-1:111111111111:jobs", a.Attributes["QueueArn"])
	list, err := other.ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{*q.QueueUrl}, list.QueueUrls)
	list, err = m.Client().ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{m.QueueURL("jobs")}, list.QueueUrls, "the mock's own account lists its own")

	// A key that is not 12 digits is the mock's own account.
	u, err := m.Client(as("us-east-1", "AKIDEXAMPLE")).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)
	assert.Equal(t, m.QueueURL("jobs"), *u.QueueUrl)
}

// accessDenied is what SQS answers a request from another account that the queue's policy does
// not allow: AccessDenied, HTTP 403, naming the resource the request went to.
const deniedInProcess = "Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied."

func TestCrossAccountNeedsPermission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New()
	owner, other := m.Client(noRetries), m.Client(as("us-east-1", "111111111111"))
	q, err := owner.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("shared")})
	require.NoError(t, err)

	send := func() error {
		_, err := other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hi")})
		return err
	}
	requireStatusError(t, send(), "AccessDenied", 403, deniedInProcess)
	_, err = other.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shared"), QueueOwnerAWSAccountId: aws.String("000000000000")})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
	assert.Empty(t, m.Messages("shared"), "a refused send leaves nothing")
	// A queue that does not exist is reported as such.
	_, err = other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("missing")), MessageBody: aws.String("x")})
	requireStatusError(t, err, "AWS.SimpleQueueService.NonExistentQueue", 400, "")

	_, err = owner.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: q.QueueUrl, Label: aws.String("send"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage", "GetQueueUrl"}})
	require.NoError(t, err)
	require.NoError(t, send(), "allowed by AddPermission")
	_, err = other.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q.QueueUrl,
		Entries: []types.SendMessageBatchRequestEntry{{Id: aws.String("1"), MessageBody: aws.String("batch")}}})
	require.NoError(t, err, "SendMessageBatch takes SendMessage's permission")
	u, err := other.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shared"), QueueOwnerAWSAccountId: aws.String("000000000000")})
	require.NoError(t, err)
	assert.Equal(t, *q.QueueUrl, *u.QueueUrl)
	assert.Len(t, m.Messages("shared"), 2)

	_, err = other.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)

	// A policy granting everything to everyone: the messaging actions, never the owner's own.
	_, err = owner.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{
		"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}`}})
	require.NoError(t, err)
	got, err := other.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
	require.NoError(t, err)
	assert.NotEmpty(t, got.Messages)
	_, err = other.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
	_, err = other.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"DelaySeconds": "1"}})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
	_, err = other.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: q.QueueUrl})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)

	// An explicit Deny wins over an Allow.
	_, err = owner.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{
		"Policy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"},` +
			`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SQS:Send*","Resource":"arn:aws:sqs:us-east-1:000000000000:shared"}]}`}})
	require.NoError(t, err)
	requireStatusError(t, send(), "AccessDenied", 403, deniedInProcess)
	_, err = other.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl})
	require.NoError(t, err)
}

func TestCrossAccountOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "shared"}} })
	})
	other := srv.SDKClient(as("us-east-1", "111111111111"))
	qurl := srv.URL + "/000000000000/shared"
	_, err := other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qurl), MessageBody: aws.String("hi")})
	requireStatusError(t, err, "AccessDenied", 403, "Access to the resource "+srv.URL+"/ is denied.")

	// A Query request at the queue URL names it.
	form := url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "MessageBody": {"hi"}}
	req := queryRequest(t, srv, http.MethodPost, "/000000000000/shared", form, "111111111111", "x", "us-east-1")
	status, body := doQuery(t, req)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "<Code>AccessDenied</Code><Message>Access to the resource "+srv.URL+"/000000000000/shared is denied.</Message>")

	_, err = srv.Mock().Client().AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(qurl), Label: aws.String("send"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage"}})
	require.NoError(t, err)
	_, err = other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qurl), MessageBody: aws.String("hi")})
	require.NoError(t, err)
	status, body = doQuery(t, queryRequest(t, srv, http.MethodPost, "/000000000000/shared", form, "111111111111", "x", "us-east-1"))
	assert.Equal(t, http.StatusOK, status, body)
	assert.Len(t, srv.Mock().Messages("shared"), 2)
}

// Behind SDKClient, whose URLs are the in-process client's, AccessDenied names the caller's
// Region's endpoint.
func TestCrossAccountSDKClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New()
	q, err := m.Client(as("eu-west-1", "")).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	_, err = m.SDKClient(as("eu-west-1", "111111111111")).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
	requireStatusError(t, err, "AccessDenied", 403, "Access to the resource https://sqs.eu-west-1.amazonaws.com/ is denied.")
}

func TestDeadLetterQueueMustShareRegionAndAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New()
	home := m.Client(noRetries)
	for _, dlqClient := range []sqsmock.API{m.Client(as("eu-west-1", "")), m.Client(as("us-east-1", "111111111111"))} {
		d, err := dlqClient.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dlq")})
		require.NoError(t, err)
		a, err := dlqClient.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: d.QueueUrl, AttributeNames: []types.QueueAttributeName{"QueueArn"}})
		require.NoError(t, err)
		policy := `{"deadLetterTargetArn":"` + a.Attributes["QueueArn"] + `","maxReceiveCount":3}`
		_, err = home.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("source"), Attributes: map[string]string{"RedrivePolicy": policy}})
		requireStatusError(t, err, "InvalidParameterValue", 400,
			"Value "+policy+" for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
		_, ok := m.Queue("source")
		assert.False(t, ok, "a refused CreateQueue leaves no queue")
	}
	// In its own region and account, the same policy works.
	eu := m.Client(as("eu-west-1", ""))
	_, err := eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("source"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:000000000000:dlq","maxReceiveCount":3}`}})
	require.NoError(t, err)
	d, err := eu.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("dlq")})
	require.NoError(t, err)
	src, err := eu.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: d.QueueUrl})
	require.NoError(t, err)
	assert.Equal(t, []string{"https://sqs.eu-west-1.amazonaws.com/000000000000/source"}, src.QueueUrls)
}

func TestMessageMoveTasksPerRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = sqsmock.NewManualClock(epoch) })
	eu := m.Client(as("eu-west-1", ""))
	_, err := eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dlq")})
	require.NoError(t, err)
	_, err = eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("src"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:000000000000:dlq","maxReceiveCount":1}`}})
	require.NoError(t, err)
	arn := "arn:aws:sqs:eu-west-1:000000000000:dlq"
	_, err = m.Client(noRetries).StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arn)})
	requireStatusError(t, err, "ResourceNotFoundException", 404, "The resource that you specified for the SourceArn parameter doesn't exist.")
	task, err := eu.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arn),
		DestinationArn: aws.String("arn:aws:sqs:eu-west-1:000000000000:src")})
	require.NoError(t, err)
	list, err := eu.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(arn)})
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	assert.Equal(t, arn, *list.Results[0].SourceArn)
	_, err = m.Client(as("eu-west-1", "111111111111")).CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: task.TaskHandle})
	requireStatusError(t, err, "AccessDenied", 403, "Access to the resource https://sqs.eu-west-1.amazonaws.com/ is denied.")
}

func TestLimitsAndResetCoverEveryNamespace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "start"}}; o.MaxQueues = 2 })
	eu := m.Client(as("eu-west-1", ""))
	_, err := eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("a")})
	require.NoError(t, err)
	_, err = m.Client(as("ap-south-1", "222222222222")).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("b")})
	requireStatusError(t, err, "OverLimit", 403, "You have reached the limit of 2 queues for this mock.")
	require.NoError(t, m.Reset())
	assert.Equal(t, []string{"start"}, infoNames(m.Queues()), "Reset empties every namespace and makes the start-up queues again")
	_, err = eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("a")})
	require.NoError(t, err, "the reset freed the other namespace's queue")
}

func infoNames(qs []sqsmock.QueueInfo) []string {
	out := []string{}
	for _, q := range qs {
		out = append(out, q.Name)
	}
	return out
}

// regionHostClient is an SDK client whose endpoint is host (any name: it is dialled at srv).
func regionHostClient(srv *sqsmock.Server, host, region, key string) *sqs.Client {
	dial := &net.Dialer{Timeout: 5 * time.Second}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dial.DialContext(ctx, network, srv.Addr())
	}}}
	return sqs.New(sqs.Options{Region: region, BaseEndpoint: aws.String("http://" + host + ":" + port(srv)), HTTPClient: hc,
		Credentials: credentials.NewStaticCredentialsProvider(key, "secret", ""), RetryMaxAttempts: 1})
}

func TestRegionHostsStyle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Endpoint = "http://sqs.{region}.localhost.localstack.cloud" })
	srv, err := m.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	eu := regionHostClient(srv, "sqs.eu-west-1.localhost.localstack.cloud", "eu-west-1", "test")
	q, err := eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	want := "http://sqs.eu-west-1.localhost.localstack.cloud:" + port(srv) + "/000000000000/q"
	assert.Equal(t, want, *q.QueueUrl)
	_, err = eu.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("eu")})
	require.NoError(t, err)

	// A client on 127.0.0.1 signed for us-east-1 gets its URLs in its region's host.
	home := srv.SDKClient(noRetries)
	hq, err := home.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	assert.Equal(t, "http://sqs.us-east-1.localhost.localstack.cloud:"+port(srv)+"/000000000000/q", *hq.QueueUrl)

	// Unsigned requests take the region a queue URL's host names; the rest of the host decides nothing.
	anon := func(endpointHost string) *sqs.Client {
		c := regionHostClient(srv, endpointHost, "us-east-1", "x")
		return sqs.New(c.Options(), func(o *sqs.Options) { o.Credentials = aws.AnonymousCredentials{} })
	}
	got, err := anon("127.0.0.1").ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Equal(t, "eu", *got.Messages[0].Body)
	lst, err := anon("sqs.eu-west-1.localhost.localstack.cloud").ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err, "an unsigned request's own host names its region")
	assert.Equal(t, []string{want}, lst.QueueUrls)
	_, err = eu.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String("http://elsewhere.example:1/000000000000/q")})
	require.NoError(t, err, "a signed request's queue URL host decides nothing")
	// A signed request is in the region it is signed for, whatever the URL's host says.
	_, err = home.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("home")})
	require.NoError(t, err)
	assert.Len(t, m.Messages("arn:aws:sqs:us-east-1:000000000000:q"), 1)
	assert.Len(t, m.Messages(want), 1, "inspection by a URL that names its region")
}

func TestRegionHostsWithSigV4(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := sqsmock.New(func(o *sqsmock.Options) {
		o.Endpoint = "http://sqs.{region}.localhost.localstack.cloud"
		o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: "111111111111", SecretAccessKey: "secret"})
	}).Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	eu := regionHostClient(srv, "sqs.eu-west-1.localhost.localstack.cloud", "eu-west-1", "111111111111")
	q, err := eu.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err, "signed for the region the endpoint's host names")
	assert.Equal(t, "http://sqs.eu-west-1.localhost.localstack.cloud:"+port(srv)+"/111111111111/q", *q.QueueUrl)
	_, err = regionHostClient(srv, "sqs.eu-west-1.localhost.localstack.cloud", "us-east-1", "111111111111").
		ListQueues(ctx, &sqs.ListQueuesInput{})
	requireStatusError(t, err, "SignatureDoesNotMatch", 403,
		"Credential should be scoped to a valid region and service ('eu-west-1', 'sqs'), not ('us-east-1', 'sqs').")
	_, err = srv.SDKClient(as("eu-west-1", "")).ListQueues(ctx, &sqs.ListQueuesInput{})
	requireStatusError(t, err, "SignatureDoesNotMatch", 403,
		"Credential should be scoped to a valid region and service ('us-east-1', 'sqs'), not ('eu-west-1', 'sqs').")
}

func TestPresignedCredentialChoosesNamespace(t *testing.T) {
	t.Parallel()
	srv := sqsmock.NewServer(t)
	_, err := srv.Mock().Client(as("eu-west-1", "111111111111")).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("p")})
	require.NoError(t, err)
	q := url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"},
		"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Credential": {"111111111111/20260301/eu-west-1/sqs/aws4_request"}}
	res, err := http.Get(srv.URL + "/?" + q.Encode())
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	assert.Contains(t, string(body), "<QueueUrl>"+srv.URL+"/111111111111/p</QueueUrl>")
}

func TestAdminQueuesByNamespace(t *testing.T) {
	t.Parallel()
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "home"}} })
	})
	_, err := srv.Mock().Client(as("eu-west-1", "111111111111")).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("away")})
	require.NoError(t, err)
	rows := func(query string) []map[string]any {
		res, err := http.Get(srv.URL + "/_sqsmock/queues" + query)
		require.NoError(t, err)
		defer res.Body.Close()
		var out struct{ Queues []map[string]any }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return out.Queues
	}
	all := rows("")
	require.Len(t, all, 2)
	assert.Equal(t, map[string]any{"name": "home", "account": "000000000000", "region": "us-east-1",
		"arn": "arn:aws:sqs:us-east-1:000000000000:home", "fifo": false, "ready": 0.0, "inFlight": 0.0, "delayed": 0.0}, all[0])
	assert.Equal(t, "arn:aws:sqs:eu-west-1:111111111111:away", all[1]["arn"])
	assert.Len(t, rows("?region=eu-west-1"), 1)
	assert.Len(t, rows("?account=000000000000"), 1)
	assert.Empty(t, rows("?account=000000000000&region=eu-west-1"))
}

func TestDefaultNamespaceUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Region = "eu-central-1"; o.AccountID = "123456789012" })
	c := m.Client()
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	assert.Equal(t, "https://sqs.eu-central-1.amazonaws.com/123456789012/q", *q.QueueUrl)
	info, ok := m.Queue("q")
	require.True(t, ok)
	assert.Equal(t, "arn:aws:sqs:eu-central-1:123456789012:q", info.ARN)
	assert.Equal(t, m.QueueURL("q"), info.URL)
	// Bare names and paths without a host are the mock's own namespace, as before.
	for _, addr := range []string{"q", "/123456789012/q", "http://localhost:1/123456789012/q", "https://sqs.eu-central-1.amazonaws.com/123456789012/q"} {
		_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(addr)})
		assert.NoError(t, err, addr)
	}
}
