package sqsmock_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// retryEnv is a mock on a manual clock with the plan of rules and a queue "jobs"; its client is
// the default in-process client, which retries.
func retryEnv(t *testing.T, rules ...faults.Rule) (*sqsmock.Mock, sqsmock.API, string) {
	t.Helper()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.Clock = sqsmock.NewManualClock(epoch)
		o.Faults = mustPlan(t, 1, rules...)
	})
	return m, m.Client(), m.QueueURL("jobs")
}

func send(ctx context.Context, c sqsmock.API, url, body string, optFns ...func(*sqs.Options)) error {
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}, optFns...)
	return err
}

func throttle(times int) faults.Rule {
	return faults.Error("RequestThrottled").Named("throttle").On("SendMessage").Times(times)
}

// The default in-process client retries a throttled call, as *sqs.Client does: one injected
// RequestThrottled costs an attempt, not the call.
func TestClientRetriesRetryableErrors(t *testing.T) {
	for _, code := range []string{"RequestThrottled", "ThrottlingException", "InternalError", "ServiceUnavailable"} {
		t.Run(code, func(t *testing.T) {
			m, c, url := retryEnv(t, faults.Error(code).On("SendMessage").Times(2))
			require.NoError(t, send(context.Background(), c, url, "hi"))
			assert.Len(t, m.CallsTo("SendMessage"), 3, "two failed attempts and the one that succeeded")
			assert.Len(t, m.Messages("jobs"), 1)
			assert.Len(t, m.Faults().Injections(), 2)
		})
	}
}

// Errors the standard retryer does not retry fail the call at the first attempt.
func TestClientDoesNotRetryTerminalErrors(t *testing.T) {
	for _, code := range []string{"OverLimit", "KmsThrottled", "InvalidAddress"} {
		t.Run(code, func(t *testing.T) {
			m, c, url := retryEnv(t, faults.Error(code).On("SendMessage").Times(1))
			err := send(context.Background(), c, url, "hi")
			require.Error(t, err)
			var mae *retry.MaxAttemptsError
			assert.False(t, errors.As(err, &mae))
			assert.Len(t, m.CallsTo("SendMessage"), 1)
		})
	}
}

// When every attempt fails the error is the SDK's: the operation error around a
// MaxAttemptsError around the last attempt's response error.
func TestClientMaxAttemptsError(t *testing.T) {
	m, c, url := retryEnv(t, throttle(0))
	err := send(context.Background(), c, url, "hi")
	require.Error(t, err)
	var op *smithy.OperationError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, "SendMessage", op.OperationName)
	var mae *retry.MaxAttemptsError
	require.ErrorAs(t, err, &mae)
	assert.Equal(t, 3, mae.Attempt)
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 403, re.HTTPStatusCode())
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "RequestThrottled", api.ErrorCode())
	assert.Contains(t, err.Error(), "operation error SQS: SendMessage, exceeded maximum number of attempts, 3, https response error StatusCode: 403")
	assert.Len(t, m.CallsTo("SendMessage"), 3)
	assert.Empty(t, m.Messages("jobs"))
}

// Retry options are honoured per client and per call, as sqs.New and a call's optFns honour them.
func TestClientRetryOptions(t *testing.T) {
	ctx := context.Background()
	attempts := func(m *sqsmock.Mock) int { n := len(m.CallsTo("SendMessage")); m.ResetCalls(); return n }
	m, c, url := retryEnv(t, throttle(0))

	require.Error(t, send(ctx, c, url, "a", func(o *sqs.Options) { o.RetryMaxAttempts = 1 }))
	assert.Equal(t, 1, attempts(m), "RetryMaxAttempts=1 on the call: no retries")

	five := m.Client(func(o *sqs.Options) { o.RetryMaxAttempts = 5 })
	require.Error(t, send(ctx, five, url, "b"))
	assert.Equal(t, 5, attempts(m), "RetryMaxAttempts=5 on the client")
	require.Error(t, send(ctx, five, url, "c", func(o *sqs.Options) { o.RetryMaxAttempts = 2 }))
	assert.Equal(t, 2, attempts(m), "the call's RetryMaxAttempts wins over the client's")

	nop := m.Client(func(o *sqs.Options) { o.Retryer = aws.NopRetryer{} })
	require.Error(t, send(ctx, nop, url, "d"))
	assert.Equal(t, 1, attempts(m), "aws.NopRetryer makes one attempt")

	std4 := m.Client(func(o *sqs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = 4 })
	})
	require.Error(t, send(ctx, std4, url, "e"))
	assert.Equal(t, 4, attempts(m), "a custom standard retryer")

	adaptive := m.Client(func(o *sqs.Options) { o.RetryMode = aws.RetryModeAdaptive })
	require.Error(t, send(ctx, adaptive, url, "f"))
	assert.Equal(t, 3, attempts(m), "adaptive mode, 3 attempts")
}

// A connection reset before the request was applied is retried and the call succeeds; one
// after it was applied is retried too, so the message is sent twice, as against SQS.
func TestClientRetriesTransportFaults(t *testing.T) {
	ctx := context.Background()
	m, c, url := retryEnv(t, faults.ResetBeforeApply().On("SendMessage").Times(1))
	require.NoError(t, send(ctx, c, url, "once"))
	assert.Len(t, m.Messages("jobs"), 1)

	m, c, url = retryEnv(t, faults.ResetAfterApply().On("SendMessage").Times(1))
	require.NoError(t, send(ctx, c, url, "twice"))
	assert.Len(t, m.Messages("jobs"), 2, "the retry of an applied request duplicates the send")

	_, c, url = retryEnv(t, faults.ResetBeforeApply().On("SendMessage"))
	err := send(ctx, c, url, "never")
	var se *smithyhttp.RequestSendError
	require.ErrorAs(t, err, &se)
	var mae *retry.MaxAttemptsError
	require.ErrorAs(t, err, &mae)
}

// The in-process client, the real SDK client on the mock's handler (no socket) and the real SDK
// client over HTTP make the same attempts and end with the same error for the same plan.
func TestClientRetriesLikeTheSDK(t *testing.T) {
	plans := map[string]struct {
		rule     faults.Rule
		attempts int
	}{
		"throttled once":      {throttle(1), 2},
		"throttled always":    {throttle(0), 3},
		"internal error x2":   {faults.Error("InternalError").On("SendMessage").Times(2), 3},
		"over limit":          {faults.Error("OverLimit").On("SendMessage"), 1},
		"kms throttled":       {faults.Error("KmsThrottled").On("SendMessage"), 1},
		"reset before always": {faults.ResetBeforeApply().On("SendMessage"), 3},
		"reset after once":    {faults.ResetAfterApply().On("SendMessage").Times(1), 2},
	}
	type result struct {
		attempts, stored int
		code             string
		maxAttempts      bool
	}
	run := func(m *sqsmock.Mock, c sqsmock.API) result {
		err := send(context.Background(), c, m.QueueURL("jobs"), "x")
		r := result{attempts: len(m.CallsTo("SendMessage")), stored: len(m.Messages("jobs"))}
		var api smithy.APIError
		if errors.As(err, &api) {
			r.code = api.ErrorCode()
		} else if err != nil {
			r.code = "transport"
		}
		var mae *retry.MaxAttemptsError
		r.maxAttempts = errors.As(err, &mae)
		return r
	}
	for name, tt := range plans {
		t.Run(name, func(t *testing.T) {
			rule := tt.rule
			mk := func() *sqsmock.Mock {
				// Real clock: the SDK clients back off in real time, so keep the backoff short.
				return sqsmock.New(func(o *sqsmock.Options) {
					o.Queues = []sqsmock.Queue{{Name: "jobs"}}
					o.Faults = mustPlan(t, 1, rule)
				})
			}
			fast := func(o *sqs.Options) {
				o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxBackoff = time.Millisecond })
			}
			m := mk()
			inProcess := run(m, m.Client(fast))
			m = mk()
			inMemory := run(m, m.SDKClient(fast))
			m = mk()
			srv, err := m.Start()
			require.NoError(t, err)
			defer srv.Close()
			overHTTP := run(m, srv.SDKClient(fast))
			assert.Equal(t, tt.attempts, overHTTP.attempts, "attempts of the SDK over HTTP")
			assert.Equal(t, overHTTP, inProcess, "in process vs over HTTP")
			assert.Equal(t, overHTTP, inMemory, "SDKClient vs over HTTP")
		})
	}
}

// The retry quota (500 tokens, 5 per retry) runs out after the same number of failed calls as
// the SDK's, and is refunded by successes the same way.
func TestClientRetryQuotaLikeTheSDK(t *testing.T) {
	drain := func(m *sqsmock.Mock, c sqsmock.API) (calls int, err error) {
		for calls = 1; calls <= 200; calls++ {
			err = send(context.Background(), c, m.QueueURL("jobs"), "x")
			var mae *retry.MaxAttemptsError
			if !errors.As(err, &mae) {
				return calls, err
			}
		}
		return calls, err
	}
	fast := func(o *sqs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxBackoff = time.Microsecond })
	}
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.Clock = sqsmock.NewManualClock(epoch)
		o.Faults = mustPlan(t, 1, throttle(0))
	})
	n1, err1 := drain(m, m.Client(fast))
	m2 := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.Faults = mustPlan(t, 1, throttle(0))
	})
	n2, err2 := drain(m2, m2.SDKClient(fast))
	require.Error(t, err1)
	assert.Equal(t, n2, n1, "calls until the quota runs out")
	assert.Contains(t, err1.Error(), "retry quota exceeded")
	assert.Equal(t, err2.Error()[:60], err1.Error()[:60])
}

// Backoff waits on the mock's clock: in a synctest bubble it takes the bubble's fake time, and
// a cancelled context ends the wait with the SDK's RequestCanceledError.
func TestClientBackoffOnTheMocksClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := sqsmock.New(func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "jobs"}}
			o.Faults = mustPlan(t, 1, throttle(2))
		})
		start := time.Now()
		require.NoError(t, send(t.Context(), m.Client(), m.QueueURL("jobs"), "x"))
		waited := time.Since(start)
		assert.Positive(t, waited, "two backoffs took fake time")
		assert.LessOrEqual(t, waited, 40*time.Second, "at most two maximum backoffs")

		m = sqsmock.New(func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "jobs"}}
			o.Faults = mustPlan(t, 1, throttle(0))
		})
		ctx, cancel := context.WithCancel(t.Context())
		slow := m.Client(func(o *sqs.Options) {
			o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
				so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Hour, nil })
			})
		})
		go func() { time.Sleep(time.Minute); cancel() }()
		start = time.Now()
		err := send(ctx, slow, m.QueueURL("jobs"), "x")
		var rce *aws.RequestCanceledError
		require.ErrorAs(t, err, &rce)
		assert.Equal(t, time.Minute, time.Since(start))
	})

	// A manual clock moves only when the test moves it: retries take no clock time.
	clk := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.Clock = clk
		o.Faults = mustPlan(t, 1, throttle(2))
	})
	require.NoError(t, send(context.Background(), m.Client(), m.QueueURL("jobs"), "x"))
	assert.Equal(t, epoch, clk.Now())
}

// A client without options, on a mock without a fault plan, skips the retry loop; once a plan
// is set, it retries.
func TestClientRetriesOnceAPlanIsSet(t *testing.T) {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.Clock = sqsmock.NewManualClock(epoch)
	})
	c := m.Client()
	require.NoError(t, send(ctx, c, m.QueueURL("jobs"), "a"))
	require.NoError(t, m.SetFaults(mustPlan(t, 1, throttle(1))))
	require.NoError(t, send(ctx, c, m.QueueURL("jobs"), "b"))
	assert.Len(t, m.CallsTo("SendMessage"), 3)
}

func ExampleMock_Client_retries() {
	ctx := context.Background()
	plan, err := faults.NewPlan(7, faults.Error("RequestThrottled").On("ReceiveMessage").Times(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}}; o.Faults = plan })
	url := aws.String(m.QueueURL("jobs"))

	// Like *sqs.Client, the in-process client retries the throttled receive.
	_, err = m.Client().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	fmt.Println("default client:", err)

	// Told not to retry, it reports the throttling.
	plan.Reset()
	_, err = m.Client(func(o *sqs.Options) { o.RetryMaxAttempts = 1 }).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	var api smithy.APIError
	if errors.As(err, &api) {
		fmt.Println("one attempt:", api.ErrorCode())
	}
	// Output:
	// default client: <nil>
	// one attempt: RequestThrottled
}

// Once the retry quota is exhausted, a call fails when its next retry is refused. With the SDK's
// preview of its 2026 retries (AWS_NEW_RETRIES_2026=true), a ReceiveMessage, which long-polls,
// backs off first. The in-process client makes the same attempts, waits as long and fails with
// the same error as *sqs.Client.
func TestClientBackoffWithoutQuotaLikeTheSDK(t *testing.T) {
	for _, tt := range []struct {
		op, env string
		wait    time.Duration
	}{
		{"ReceiveMessage", "true", 3 * time.Second},
		{"ReceiveMessage", "", 2 * time.Second},
		{"SendMessage", "true", 2 * time.Second},
	} {
		t.Run(tt.op+" AWS_NEW_RETRIES_2026="+tt.env, func(t *testing.T) {
			t.Setenv("AWS_NEW_RETRIES_2026", tt.env)
			synctest.Test(t, func(t *testing.T) {
				type result struct {
					waited   time.Duration
					attempts int
					err      string
				}
				run := func(client func(*sqsmock.Mock, ...func(*sqs.Options)) sqsmock.API) result {
					m := sqsmock.New(func(o *sqsmock.Options) {
						o.Queues = []sqsmock.Queue{{Name: "jobs"}}
						o.Faults = mustPlan(t, 1, faults.Error("InternalError").On(tt.op))
					})
					c := client(m, func(o *sqs.Options) {
						o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
							so.MaxAttempts, so.RetryCost = 5, 10
							so.RateLimiter = ratelimit.NewTokenRateLimit(20) // two retries
							so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Second, nil })
						})
					})
					url := aws.String(m.QueueURL("jobs"))
					start := time.Now()
					var err error
					if tt.op == "ReceiveMessage" {
						_, err = c.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: url})
					} else {
						_, err = c.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")})
					}
					require.Error(t, err)
					return result{time.Since(start), len(m.CallsTo(tt.op)), requestID.ReplaceAllString(err.Error(), "RequestID: …")}
				}
				sdk := run(func(m *sqsmock.Mock, fns ...func(*sqs.Options)) sqsmock.API { return m.SDKClient(fns...) })
				assert.Equal(t, result{tt.wait, 3, sdk.err}, sdk, "the SDK client")
				assert.Contains(t, sdk.err, "retry quota exceeded")
				assert.Equal(t, sdk, run((*sqsmock.Mock).Client), "the in-process client")
			})
		})
	}
}

var requestID = regexp.MustCompile(`RequestID: [0-9a-f-]+`)
