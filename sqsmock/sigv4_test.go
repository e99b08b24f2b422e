package sqsmock_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

const (
	sigKey    = "AKIDSQSHARNESS"
	sigSecret = "s3cr3t/with+chars"
)

// startSigV4 serves a mock that verifies signatures with sigKey/sigSecret (and a second key).
func startSigV4(t *testing.T, opts ...sqsmock.Option) *sqsmock.Server {
	t.Helper()
	srv, err := sqsmock.New(opts...).Start("127.0.0.1:0",
		sqsmock.WithCredentials(sigKey, sigSecret), sqsmock.WithCredentials("AKIDOTHER", "other"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func sdkWith(srv *sqsmock.Server, key, secret string) *sqs.Client {
	return srv.SDKClient(func(o *sqs.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(key, secret, "")
		o.RetryMaxAttempts = 1
	})
}

// requireAuthError checks the error code and HTTP status the SDK reports.
func requireAuthError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "want %s, got %v", code, err)
	assert.Equal(t, code, api.ErrorCode(), api.ErrorMessage())
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, status, re.HTTPStatusCode())
}

func TestSigV4WithRealSDK(t *testing.T) {
	t.Parallel()
	srv := startSigV4(t)
	ctx := context.Background()

	// SDKClient signs with the first credentials given.
	c := srv.SDKClient()
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("signed")})
	require.NoError(t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("body \u4e16 & = + %20")})
	require.NoError(t, err)
	_, err = sdkWith(srv, "AKIDOTHER", "other").GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("signed")})
	require.NoError(t, err, "a second access key")

	cases := []struct {
		name, key, secret, code string
		status                  int
	}{
		{"wrong secret", sigKey, sigSecret + "x", "SignatureDoesNotMatch", 403},
		{"other key's secret", sigKey, "other", "SignatureDoesNotMatch", 403},
		{"unknown access key", "AKIDUNKNOWN", sigSecret, "InvalidClientTokenId", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sdkWith(srv, tc.key, tc.secret).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
			requireAuthError(t, err, tc.code, tc.status)
		})
	}
	t.Run("anonymous", func(t *testing.T) {
		_, err := srv.SDKClient(func(o *sqs.Options) { o.Credentials = aws.AnonymousCredentials{} }).
			ListQueues(ctx, &sqs.ListQueuesInput{})
		requireAuthError(t, err, "MissingAuthenticationToken", 403)
	})
	t.Run("other region", func(t *testing.T) {
		_, err := srv.SDKClient(func(o *sqs.Options) { o.Region = "eu-west-1"; o.RetryMaxAttempts = 1 }).
			ListQueues(ctx, &sqs.ListQueuesInput{})
		requireAuthError(t, err, "SignatureDoesNotMatch", 403)
	})
	// Only the signed message arrived.
	assert.Len(t, srv.Mock().Messages("signed"), 1)
}

func TestSigV4OffByDefault(t *testing.T) {
	t.Parallel()
	srv := sqsmock.NewServer(t)
	_, err := srv.SDKClient(func(o *sqs.Options) { o.Credentials = aws.AnonymousCredentials{} }).
		ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err, "unsigned requests are accepted without WithCredentials")
	_, err = sdkWith(srv, "any", "thing").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err)
}

// queryRequest builds a Query-protocol request, form-encoded (POST) or in the query string (GET),
// signed with the SDK's signer when key is not empty.
func queryRequest(t *testing.T, srv *sqsmock.Server, method, path string, form url.Values, key, secret, region string) *http.Request {
	t.Helper()
	var body string
	u := srv.URL + path
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		body = form.Encode()
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	if key != "" {
		sum := sha256.Sum256([]byte(body))
		err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), "sqs", region, time.Now())
		require.NoError(t, err)
	}
	return req
}

type queryErrorResponse struct {
	Error struct {
		Type, Code, Message string
	}
}

func doQuery(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestSigV4QueryProtocol(t *testing.T) {
	t.Parallel()
	srv := startSigV4(t, sqsmock.WithQueue("q", nil))
	send := url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "MessageBody": {"hello ~*'()! \u00e9"}}
	list := url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"}, "QueueNamePrefix": {"q"}}

	st, body := doQuery(t, queryRequest(t, srv, http.MethodPost, "/000000000000/q", send, sigKey, sigSecret, "us-east-1"))
	require.Equal(t, http.StatusOK, st, body)
	assert.Contains(t, body, "<SendMessageResponse")
	st, body = doQuery(t, queryRequest(t, srv, http.MethodGet, "/", list, sigKey, sigSecret, "us-east-1"))
	require.Equal(t, http.StatusOK, st, body)
	assert.Contains(t, body, srv.URL+"/000000000000/q")

	tampered := queryRequest(t, srv, http.MethodPost, "/000000000000/q", send, sigKey, sigSecret, "us-east-1")
	tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(send.Encode(), "hello", "HELLO", 1)))

	cases := []struct {
		name, code string
		status     int
		req        *http.Request
	}{
		{"wrong secret", "SignatureDoesNotMatch", 403, queryRequest(t, srv, http.MethodPost, "/000000000000/q", send, sigKey, "nope", "us-east-1")},
		{"unknown key", "InvalidClientTokenId", 403, queryRequest(t, srv, http.MethodPost, "/000000000000/q", send, "AKIDUNKNOWN", sigSecret, "us-east-1")},
		{"unsigned", "MissingAuthenticationToken", 403, queryRequest(t, srv, http.MethodPost, "/000000000000/q", send, "", "", "")},
		{"unsigned GET", "MissingAuthenticationToken", 403, queryRequest(t, srv, http.MethodGet, "/", list, "", "", "")},
		{"wrong secret GET", "SignatureDoesNotMatch", 403, queryRequest(t, srv, http.MethodGet, "/", list, sigKey, "nope", "us-east-1")},
		{"body changed after signing", "SignatureDoesNotMatch", 403, tampered},
		{"other region", "SignatureDoesNotMatch", 403, queryRequest(t, srv, http.MethodGet, "/", list, sigKey, sigSecret, "eu-west-1")},
	}
	malformed := queryRequest(t, srv, http.MethodGet, "/", list, "", "", "")
	malformed.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
	cases = append(cases, struct {
		name, code string
		status     int
		req        *http.Request
	}{"malformed Authorization", "IncompleteSignature", 400, malformed})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := doQuery(t, tc.req)
			assert.Equal(t, tc.status, st, body)
			var e queryErrorResponse
			require.NoError(t, xml.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, tc.code, e.Error.Code, body)
			assert.Equal(t, "Sender", e.Error.Type)
		})
	}
	assert.Len(t, srv.Mock().Messages("q"), 1, "only the signed send arrived")
}

func TestSigV4HealthStaysOpen(t *testing.T) {
	t.Parallel()
	srv := startSigV4(t)
	resp, err := http.Get(srv.URL + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
