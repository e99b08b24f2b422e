package sqsmock

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallerOfHTTPRequest(t *testing.T) {
	m := New()
	ip := netip.MustParseAddr("192.0.2.1") // httptest.NewRequest's RemoteAddr
	req := httptest.NewRequest("POST", "http://127.0.0.1:9324/", nil)
	assert.Equal(t, caller{namespace: m.home, sourceIP: ip}, m.callerOf(req), "unsigned, no region in the host")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=111111111111/20260301/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=x")
	assert.Equal(t, caller{namespace: namespace{"111111111111", "eu-west-1"}, signed: true, sourceIP: ip}, m.callerOf(req))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/ap-south-1/sqs/aws4_request,SignedHeaders=host,Signature=x")
	assert.Equal(t, caller{namespace: namespace{m.home.account, "ap-south-1"}, signed: true, sourceIP: ip}, m.callerOf(req))
	req = httptest.NewRequest("GET", "http://sqs.eu-north-1.localhost.localstack.cloud:9324/?Action=ListQueues", nil)
	assert.Equal(t, caller{namespace: namespace{m.home.account, "eu-north-1"}, sourceIP: ip}, m.callerOf(req), "unsigned: the Host's region")
	req = httptest.NewRequest("GET", "http://127.0.0.1/?Action=ListQueues&X-Amz-Credential=222222222222%2F20260301%2Fus-west-2%2Fsqs%2Faws4_request", nil)
	assert.Equal(t, caller{namespace: namespace{"222222222222", "us-west-2"}, signed: true, sourceIP: ip}, m.callerOf(req), "presigned")

	// A session token that is an IAM or STS ARN names the identity and its account; any other
	// token names nothing. TLS and the remote address are the connection's.
	req = httptest.NewRequest("POST", "https://127.0.0.1:9324/", nil)
	req.RemoteAddr = "[::ffff:10.1.2.3]:5000"
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x")
	req.Header.Set("X-Amz-Security-Token", "arn:aws:iam::333333333333:user/alice")
	assert.Equal(t, caller{namespace: namespace{"333333333333", "us-east-1"}, signed: true, principal: "arn:aws:iam::333333333333:user/alice",
		secure: true, sourceIP: netip.MustParseAddr("10.1.2.3")}, m.callerOf(req))
	req.Header.Set("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLETOKEN")
	assert.Equal(t, caller{namespace: namespace{m.home.account, "us-east-1"}, signed: true, secure: true, sourceIP: netip.MustParseAddr("10.1.2.3")}, m.callerOf(req))
	req = httptest.NewRequest("GET", "http://127.0.0.1/?Action=ListQueues&X-Amz-Security-Token=arn%3Aaws%3Asts%3A%3A444444444444%3Aassumed-role%2Fworker%2Fs1", nil)
	assert.Equal(t, caller{namespace: namespace{"444444444444", m.home.region}, principal: "arn:aws:sts::444444444444:assumed-role/worker/s1", sourceIP: ip}, m.callerOf(req), "presigned token")
}

// The default client's routing allocates nothing: its hot path stays as it was.
func TestRouteDefaultClientAllocatesNothing(t *testing.T) {
	m := New(func(o *Options) { o.Queues = []Queue{{Name: "q"}} })
	in := &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("q")), MessageBody: aws.String("x")}
	allocs := testing.AllocsPerRun(100, func() {
		if _, denied := m.route(m.client.who, "SendMessage", in); denied {
			t.Fatal("denied")
		}
	})
	assert.Zero(t, allocs)
}

// Reads and failures in a namespace that has no queues keep nothing.
func TestEmptyNamespaceKeepsNothing(t *testing.T) {
	m := New()
	ctx := context.Background()
	c := m.Client(func(o *sqs.Options) { o.Region = "eu-west-1"; o.RetryMaxAttempts = 1 })
	_, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
	require.Error(t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("https://sqs.eu-west-1.amazonaws.com/000000000000/q"), MessageBody: aws.String("x")})
	require.Error(t, err)
	assert.Empty(t, m.engines, "no engine kept for a namespace without queues")
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	assert.Len(t, m.engines, 1)
}
