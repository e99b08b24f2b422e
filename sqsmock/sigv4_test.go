package sqsmock_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
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
func startSigV4(t *testing.T, opts ...func(*sqsmock.Options)) *sqsmock.Server {
	t.Helper()
	srv, err := sqsmock.New(append(opts, func(o *sqsmock.Options) {
		o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: sigKey, SecretAccessKey: sigSecret})
		o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: "AKIDOTHER", SecretAccessKey: "other"})
	})...).Start()
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
	srv := startSigV4(t, func(o *sqsmock.Options) { o.Queues = append(o.Queues, sqsmock.Queue{Name: "q"}) })
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

// sigNow is the server's wall clock in the request-time tests.
var sigNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// maxSkew is how far AWS lets a request's time be from its own.
const maxSkew = 15 * time.Minute

// startSigV4Clock is startSigV4 with the server's wall clock set by WithWallClock, counting the
// SQS requests that reach the server.
func startSigV4Clock(t *testing.T, now func() time.Time) (*sqsmock.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	srv, err := sqsmock.New(func(o *sqsmock.Options) {
		o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: sigKey, SecretAccessKey: sigSecret})
	}).Start(func(o *sqsmock.ServerOptions) {
		o.WallClock = now
		o.Middleware = append(o.Middleware, count)
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv, &n
}

// signAt signs req (whose body is body) with sigKey/sigSecret as at time at.
func signAt(t *testing.T, req *http.Request, body string, at time.Time) *http.Request {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: sigKey, SecretAccessKey: sigSecret},
		req, hex.EncodeToString(sum[:]), "sqs", "us-east-1", at))
	return req
}

// sigError is an error answer in either protocol.
type sigError struct {
	status              int
	typ, code, message  string
	date, queryErrorHdr string
}

// doSigned sends req and decodes the error it gets (JSON 1.0 or Query XML); status 200 has none.
func doSigned(t *testing.T, req *http.Request) sigError {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	e := sigError{status: resp.StatusCode, date: resp.Header.Get("Date"), queryErrorHdr: resp.Header.Get("x-amzn-query-error")}
	if resp.StatusCode == http.StatusOK {
		return e
	}
	if req.Header.Get("X-Amz-Target") != "" {
		var j struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		require.NoError(t, json.Unmarshal(b, &j), string(b))
		e.code, e.message = j.Type, j.Message
		return e
	}
	var x queryErrorResponse
	require.NoError(t, xml.Unmarshal(b, &x), string(b))
	e.typ, e.code, e.message = x.Error.Type, x.Error.Code, x.Error.Message
	return e
}

// TestSigV4RequestTime checks the 15 minutes AWS allows between X-Amz-Date and its own time, and
// a missing or malformed request date, with AWS's exact codes and messages, in both protocols.
func TestSigV4RequestTime(t *testing.T) {
	t.Parallel()
	srv, _ := startSigV4Clock(t, func() time.Time { return sigNow })

	// Each protocol's ListQueues request, unsigned.
	protocols := map[string]func() (*http.Request, string){
		"json": func() (*http.Request, string) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
			require.NoError(t, err)
			req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			return req, "{}"
		},
		"query POST": func() (*http.Request, string) {
			form := url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"}}
			return queryRequest(t, srv, http.MethodPost, "/", form, "", "", ""), form.Encode()
		},
		"query GET": func() (*http.Request, string) {
			form := url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"}}
			return queryRequest(t, srv, http.MethodGet, "/", form, "", "", ""), ""
		},
	}
	const (
		expired    = "Signature expired: 20260314T144926Z is now earlier than 20260314T145426Z (20260314T150926Z - 15 min.)"
		notCurrent = "Signature not yet current: 20260314T152926Z is still later than 20260314T152426Z (20260314T150926Z + 15 min.)"
	)
	cases := []struct {
		name    string
		at      time.Time
		edit    func(*http.Request) // after signing
		status  int
		code    string
		message func(*http.Request) string // the expected message, from the request sent
	}{
		{name: "now", at: sigNow, status: 200},
		{name: "15 minutes old", at: sigNow.Add(-maxSkew), status: 200},
		{name: "15 minutes ahead", at: sigNow.Add(maxSkew), status: 200},
		{name: "20 minutes old", at: sigNow.Add(-20 * time.Minute), status: 403, code: "SignatureDoesNotMatch",
			message: func(*http.Request) string { return expired }},
		{name: "20 minutes ahead", at: sigNow.Add(20 * time.Minute), status: 403, code: "SignatureDoesNotMatch",
			message: func(*http.Request) string { return notCurrent }},
		{name: "15 minutes and 1 second old", at: sigNow.Add(-maxSkew - time.Second), status: 403, code: "SignatureDoesNotMatch",
			message: func(*http.Request) string {
				return "Signature expired: 20260314T145425Z is now earlier than 20260314T145426Z (20260314T150926Z - 15 min.)"
			}},
		{name: "15 minutes and 1 second ahead", at: sigNow.Add(maxSkew + time.Second), status: 403, code: "SignatureDoesNotMatch",
			message: func(*http.Request) string {
				return "Signature not yet current: 20260314T152427Z is still later than 20260314T152426Z (20260314T150926Z + 15 min.)"
			}},
		{name: "no X-Amz-Date", at: sigNow, edit: func(r *http.Request) { r.Header.Del("X-Amz-Date") },
			status: 400, code: "IncompleteSignature", message: func(r *http.Request) string {
				return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + r.Header.Get("Authorization")
			}},
		{name: "X-Amz-Date not ISO 8601 basic", at: sigNow, edit: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2026-03-14T15:09:26Z") },
			status: 400, code: "IncompleteSignature", message: func(*http.Request) string {
				return "Date must be in ISO-8601 'basic format'. Got '2026-03-14T15:09:26Z'. See http://en.wikipedia.org/wiki/ISO_8601"
			}},
		{name: "HTTP Date instead of X-Amz-Date", at: sigNow, edit: func(r *http.Request) {
			r.Header.Del("X-Amz-Date")
			r.Header.Set("Date", "Sat, 14 Mar 2026 15:09:26 GMT")
		}, status: 400, code: "IncompleteSignature", message: func(*http.Request) string {
			return "Date must be in ISO-8601 'basic format'. Got 'Sat, 14 Mar 2026 15:09:26 GMT'. See http://en.wikipedia.org/wiki/ISO_8601"
		}},
		{name: "basic-format Date instead of X-Amz-Date, too old", at: sigNow.Add(-20 * time.Minute), edit: func(r *http.Request) {
			r.Header.Set("Date", r.Header.Get("X-Amz-Date"))
			r.Header.Del("X-Amz-Date")
		}, status: 403, code: "SignatureDoesNotMatch", message: func(*http.Request) string { return expired }},
	}
	for pname, build := range protocols {
		for _, tc := range cases {
			t.Run(pname+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				req, body := build()
				signAt(t, req, body, tc.at)
				if tc.edit != nil {
					tc.edit(req)
				}
				got := doSigned(t, req)
				assert.Equal(t, sigNow.Format(http.TimeFormat), got.date, "the Date header shows the server's wall clock")
				require.Equal(t, tc.status, got.status, got.message)
				if tc.status == 200 {
					return
				}
				assert.Equal(t, tc.message(req), got.message)
				if pname == "json" {
					assert.Equal(t, "com.amazonaws.sqs#"+tc.code, got.code)
					assert.Equal(t, tc.code+";Sender", got.queryErrorHdr)
				} else {
					assert.Equal(t, tc.code, got.code)
					assert.Equal(t, "Sender", got.typ)
				}
			})
		}
	}
}

// skewedSigner is the SDK's SigV4 signer on a clock off by skew: sqs.Options.HTTPSignerV4.
type skewedSigner struct{ skew time.Duration }

func (s skewedSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	at time.Time, optFns ...func(*v4.SignerOptions)) error {
	return v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash, service, region, at.Add(s.skew), optFns...)
}

var (
	expiredRE    = regexp.MustCompile(`^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 15 min\.\)$`)
	notCurrentRE = regexp.MustCompile(`^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 15 min\.\)$`)
)

// requireSkewError checks an SDK error for a request signed skew away from the server's time:
// SignatureDoesNotMatch, HTTP 403, and AWS's message with the request's, the limit's and the
// server's times.
func requireSkewError(t *testing.T, err error, skew time.Duration, serverNow time.Time) {
	t.Helper()
	requireAuthError(t, err, "SignatureDoesNotMatch", 403)
	var api smithy.APIError
	require.True(t, errors.As(err, &api))
	re, sign := expiredRE, -1
	if skew > 0 {
		re, sign = notCurrentRE, 1
	}
	m := re.FindStringSubmatch(api.ErrorMessage())
	require.NotNil(t, m, "message %q", api.ErrorMessage())
	parse := func(s string) time.Time {
		v, err := time.Parse("20060102T150405Z", s)
		require.NoError(t, err)
		return v
	}
	at, limit, now := parse(m[1]), parse(m[2]), parse(m[3])
	assert.WithinDuration(t, serverNow, now, 5*time.Second, "the server's time")
	assert.Equal(t, now.Add(time.Duration(sign)*maxSkew), limit, "now ± 15 min.")
	assert.WithinDuration(t, now.Add(skew), at, 5*time.Second, "the request's X-Amz-Date")
}

// TestSigV4ClockSkewWithSDK runs aws-sdk-go-v2 clients whose clock is 20 minutes off the server's.
//
// The SDK measures skew from the Date header of each response (Clock Skew Correction): when a
// SignatureDoesNotMatch comes with a Date more than 4 minutes from its own clock, it retries,
// signing at its clock plus the measured skew, and keeps that offset for later calls. So a client
// machine whose clock is wrong (modelled here by a server clock 20 minutes off, since the SDK's
// own clock cannot be moved from outside it) fails its first attempt and succeeds on the second;
// only with retries or skew correction off does the caller see the error. A client whose signer
// alone is skewed (its own clock agreeing with the server's Date) is never corrected: the caller
// gets the error after one attempt whatever its retry settings.
func TestSigV4ClockSkewWithSDK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	noBackoff := func(o *sqs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}

	for _, skew := range []time.Duration{-20 * time.Minute, 20 * time.Minute} {
		t.Run("signer "+skew.String(), func(t *testing.T) {
			t.Parallel()
			srv, requests := startSigV4Clock(t, time.Now)
			c := srv.SDKClient(noBackoff, func(o *sqs.Options) { o.HTTPSignerV4 = skewedSigner{skew} })
			_, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
			requireSkewError(t, err, skew, time.Now())
			assert.EqualValues(t, 1, requests.Load(), "not retried: the SDK sees no skew in the Date header")
			assert.NotContains(t, err.Error(), "Probable clock skew error")
		})
	}

	for _, skew := range []time.Duration{-20 * time.Minute, 20 * time.Minute} {
		// The server's clock runs -skew from the client's: the client's clock is skew off.
		serverNow := func() time.Time { return time.Now().Add(-skew) }
		t.Run("client clock "+skew.String()+"/one attempt", func(t *testing.T) {
			t.Parallel()
			srv, requests := startSigV4Clock(t, serverNow)
			_, err := srv.SDKClient(func(o *sqs.Options) { o.RetryMaxAttempts = 1 }).ListQueues(ctx, &sqs.ListQueuesInput{})
			requireSkewError(t, err, skew, serverNow())
			assert.Contains(t, err.Error(), "Probable clock skew error", "the SDK recognised the skew")
			assert.EqualValues(t, 1, requests.Load())
		})
		t.Run("client clock "+skew.String()+"/skew correction off", func(t *testing.T) {
			t.Parallel()
			srv, requests := startSigV4Clock(t, serverNow)
			_, err := srv.SDKClient(noBackoff, func(o *sqs.Options) { o.DisableClockSkewCorrection = true }).
				ListQueues(ctx, &sqs.ListQueuesInput{})
			requireSkewError(t, err, skew, serverNow())
			assert.EqualValues(t, 1, requests.Load(), "SignatureDoesNotMatch is not retried without skew correction")
		})
		t.Run("client clock "+skew.String()+"/SDK corrects", func(t *testing.T) {
			t.Parallel()
			srv, requests := startSigV4Clock(t, serverNow)
			c := srv.SDKClient(noBackoff)
			out, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
			require.NoError(t, err, "the retry is signed at the server's time")
			results, ok := retry.GetAttemptResults(out.ResultMetadata)
			require.True(t, ok)
			require.Len(t, results.Results, 2)
			requireSkewError(t, results.Results[0].Err, skew, serverNow())
			assert.EqualValues(t, 2, requests.Load())

			// The client keeps the offset: its next call succeeds at once.
			_, err = c.ListQueues(ctx, &sqs.ListQueuesInput{})
			require.NoError(t, err)
			assert.EqualValues(t, 3, requests.Load())
		})
	}
}

// TestSigV4DateHeader checks that responses, successes and errors, carry the Date header (from
// net/http, the real clock) that SDKs measure clock skew from.
func TestSigV4DateHeader(t *testing.T) {
	t.Parallel()
	srv := startSigV4(t)
	form := url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"}}
	for name, req := range map[string]*http.Request{
		"signed":   queryRequest(t, srv, http.MethodGet, "/", form, sigKey, sigSecret, "us-east-1"),
		"unsigned": queryRequest(t, srv, http.MethodGet, "/", form, "", "", ""),
		"expired": signAt(t, queryRequest(t, srv, http.MethodGet, "/", form, "", "", ""), "",
			time.Now().Add(-time.Hour)),
	} {
		t.Run(name, func(t *testing.T) {
			got := doSigned(t, req)
			require.NotEmpty(t, got.date)
			d, err := http.ParseTime(got.date)
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now(), d, 5*time.Second)
		})
	}
}

// TestOneOptionType: NewServer takes the mock's options and its server's alike; server options
// given to New are the defaults of Start, Handler and SDKClient; Start refuses the mock's own.
func TestOneOptionType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "boot"}}
			o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: sigKey, SecretAccessKey: sigSecret})
		})
	})
	q := aws.String(srv.Mock().QueueURL("boot"))
	_, err := srv.SDKClient().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("signed")})
	require.NoError(t, err, "the server's client signs with the credentials given to NewServer")
	_, err = sdkWith(srv, "AKIDUNKNOWN", sigSecret).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x")})
	requireAuthError(t, err, "InvalidClientTokenId", 403)

	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "boot"}}
		o.Credentials = append(o.Credentials, aws.Credentials{AccessKeyID: sigKey, SecretAccessKey: sigSecret})
	})
	_, err = m.SDKClient().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("boot")), MessageBody: aws.String("x")})
	require.NoError(t, err, "SDKClient signs with the credentials given to New")
	anonymous := m.SDKClient(func(o *sqs.Options) { o.Credentials = aws.AnonymousCredentials{}; o.RetryMaxAttempts = 1 })
	_, err = anonymous.ListQueues(ctx, &sqs.ListQueuesInput{})
	requireAuthError(t, err, "MissingAuthenticationToken", 403)

	_, err = sqsmock.New().Start(func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "late"}} })
	})
	require.ErrorContains(t, err, "give the mock's options to New")
}
