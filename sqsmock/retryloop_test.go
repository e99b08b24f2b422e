package sqsmock

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// The retry loop (retrier) against the SDK's own retry middleware (retry.Attempt, as
// *sqs.Client runs it): the same sequences of failed attempts, through the same kinds of
// retryer, make the same attempts, ask for the same delays, leave the same retry quota and end
// with the same error. For retryers other than the standard one sqs.New makes, the retryer sees
// the same calls, in the same order, with the same results.

// attemptErrors are what attempts can fail with, as the in-process client reports them.
var attemptErrors = map[string]func() error{
	"internal":    func() error { return responseError(sqserr.InternalError()) },
	"unavailable": func() error { return responseError(mustCode("ServiceUnavailable")) },
	"throttled":   func() error { return responseError(mustCode("RequestThrottled")) },
	"throttling":  func() error { return responseError(mustCode("ThrottlingException")) },
	"invalid":     func() error { return responseError(mustCode("InvalidParameterValue")) },
	"over-limit":  func() error { return responseError(mustCode("OverLimit")) },
	"custom-code": func() error {
		return responseError(&sqserr.Error{Shape: "Custom", Code: "Custom", Status: 400, Message: "m"})
	},
	"reset":        func() error { return &smithyhttp.RequestSendError{Err: errors.New("connection reset by peer")} },
	"canceled":     func() error { return responseError(context.Canceled) },
	"plain":        func() error { return errors.New("plain error") },
	"retry-after":  func() error { return withRetryAfter(sqserr.InternalError(), "2") },
	"retry-after-": func() error { return withRetryAfter(sqserr.InternalError(), "-5") },
}

func mustCode(code string) *sqserr.Error {
	e, ok := sqserr.ByCode(code, "")
	if !ok {
		panic(code)
	}
	return e
}

// withRetryAfter is a response error whose response carries x-amz-retry-after.
func withRetryAfter(se *sqserr.Error, ms string) error {
	resp := &smithyhttp.Response{Response: &http.Response{StatusCode: se.Status,
		Header: http.Header{"X-Amz-Retry-After": {ms}}}}
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: se.APIError()}}
}

// retryerKind makes a fresh retryer of one kind; quota reports its retry quota, if it has one
// the test can read.
type retryerKind struct {
	name string
	// standard: the standard retryer as sqs.New makes it (maybe limited by RetryMaxAttempts),
	// for which the loop may skip the retryer on a first-attempt success.
	standard bool
	// noThrottle: the kind backs off in real time after throttling errors; they are left out.
	noThrottle bool
	make       func(backoff retry.BackoffDelayer) (r aws.Retryer, quota func() uint)
}

func standardWith(backoff retry.BackoffDelayer, tokens uint, opts ...func(*retry.StandardOptions)) (*retry.Standard, func() uint) {
	bucket := ratelimit.NewTokenRateLimit(tokens)
	return retry.NewStandard(append([]func(*retry.StandardOptions){func(o *retry.StandardOptions) {
		o.RateLimiter, o.Backoff = bucket, backoff
	}}, opts...)...), bucket.Remaining
}

var retryerKinds = []retryerKind{
	{name: "standard", standard: true, make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		return standardWith(b, 60)
	}},
	{name: "standard, max attempts 5", standard: true, make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		r, q := standardWith(b, 60)
		return retry.AddWithMaxAttempts(r, 5), q
	}},
	{name: "standard as a custom retryer", make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		return standardWith(b, 60)
	}},
	{name: "standard, max attempts 0 (unlimited)", make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		r, q := standardWith(b, 60)
		return retry.AddWithMaxAttempts(r, 0), q
	}},
	{name: "standard with a custom retryable code", make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		r, q := standardWith(b, 60)
		return retry.AddWithErrorCodes(r, "Custom"), q
	}},
	{name: "adaptive", noThrottle: true, make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		bucket := ratelimit.NewTokenRateLimit(60)
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) { so.RateLimiter, so.Backoff = bucket, b })
		}), bucket.Remaining
	}},
	{name: "nop", make: func(retry.BackoffDelayer) (aws.Retryer, func() uint) { return aws.NopRetryer{}, nil }},
	{name: "a retryer without GetAttemptToken", make: func(b retry.BackoffDelayer) (aws.Retryer, func() uint) {
		r, q := standardWith(b, 60)
		return v1Retryer{r}, q
	}},
	{name: "a retryer whose methods fail", make: func(retry.BackoffDelayer) (aws.Retryer, func() uint) {
		return &failingRetryer{}, nil
	}},
}

// v1Retryer hides GetAttemptToken: the loop must take the initial token, as the SDK's does.
type v1Retryer struct{ r *retry.Standard }

func (v v1Retryer) IsErrorRetryable(err error) bool                    { return v.r.IsErrorRetryable(err) }
func (v v1Retryer) MaxAttempts() int                                   { return v.r.MaxAttempts() }
func (v v1Retryer) RetryDelay(n int, err error) (time.Duration, error) { return v.r.RetryDelay(n, err) }
func (v v1Retryer) GetInitialToken() func(error) error {
	//lint:ignore SA1019 a retryer without GetAttemptToken has only its initial token to give
	return v.r.GetInitialToken()
}
func (v v1Retryer) GetRetryToken(ctx context.Context, err error) (func(error) error, error) {
	return v.r.GetRetryToken(ctx, err)
}

// failingRetryer fails its methods in turn: the loop must report each failure as the SDK's does.
type failingRetryer struct{ n atomic.Int64 }

func (f *failingRetryer) fail() bool { return f.n.Add(1)%3 == 0 }

func (f *failingRetryer) IsErrorRetryable(error) bool { return true }
func (f *failingRetryer) MaxAttempts() int            { return 4 }
func (f *failingRetryer) RetryDelay(int, error) (time.Duration, error) {
	if f.fail() {
		return 0, errors.New("no delay")
	}
	return 0, nil
}
func (f *failingRetryer) release(error) error {
	if f.fail() {
		return errors.New("no release")
	}
	return nil
}
func (f *failingRetryer) GetInitialToken() func(error) error { return f.release }
func (f *failingRetryer) GetAttemptToken(context.Context) (func(error) error, error) {
	if f.fail() {
		return nil, errors.New("no attempt token")
	}
	return f.release, nil
}
func (f *failingRetryer) GetRetryToken(context.Context, error) (func(error) error, error) {
	if f.fail() {
		return nil, errors.New("no retry token")
	}
	return f.release, nil
}

// recorder records every call a loop makes to a retryer, and its result.
type recorder struct {
	r     aws.RetryerV2
	trace *[]string
}

func (c recorder) log(format string, args ...any) {
	*c.trace = append(*c.trace, fmt.Sprintf(format, args...))
}

func (c recorder) wrap(name string, rel func(error) error) func(error) error {
	if rel == nil {
		return nil
	}
	return func(err error) error {
		e := rel(err)
		c.log("%s(%v) = %v", name, err != nil, e)
		return e
	}
}

func (c recorder) IsErrorRetryable(err error) bool {
	ok := c.r.IsErrorRetryable(err)
	c.log("IsErrorRetryable(%v) = %v", err, ok)
	return ok
}
func (c recorder) MaxAttempts() int { n := c.r.MaxAttempts(); c.log("MaxAttempts = %d", n); return n }
func (c recorder) RetryDelay(n int, err error) (time.Duration, error) {
	d, e := c.r.RetryDelay(n, err)
	c.log("RetryDelay(%d) = %v, %v", n, d, e)
	return d, e
}
func (c recorder) GetInitialToken() func(error) error {
	c.log("GetInitialToken")
	//lint:ignore SA1019 the loops call it for a retryer without GetAttemptToken, and the recorder records it
	return c.wrap("release initial", c.r.GetInitialToken())
}
func (c recorder) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	rel, err := c.r.GetAttemptToken(ctx)
	c.log("GetAttemptToken = %v", err)
	return c.wrap("release attempt", rel), err
}
func (c recorder) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	rel, err := c.r.GetRetryToken(ctx, opErr)
	c.log("GetRetryToken = %v", err)
	return c.wrap("release retry", rel), err
}

// recorderV1 is a recorder of a retryer without GetAttemptToken.
type recorderV1 struct{ c recorder }

func (v recorderV1) IsErrorRetryable(err error) bool { return v.c.IsErrorRetryable(err) }
func (v recorderV1) MaxAttempts() int                { return v.c.MaxAttempts() }
func (v recorderV1) RetryDelay(n int, err error) (time.Duration, error) {
	return v.c.RetryDelay(n, err)
}
func (v recorderV1) GetInitialToken() func(error) error { return v.c.GetInitialToken() }
func (v recorderV1) GetRetryToken(ctx context.Context, err error) (func(error) error, error) {
	return v.c.GetRetryToken(ctx, err)
}

// outcome is what one call did.
type loopOutcome struct {
	Attempts    int
	Err         string
	MaxAttempts int  // MaxAttemptsError.Attempt, 0 without one
	Canceled    bool // a RequestCanceledError
	Quota       uint
	Trace       []string
}

// runLoop runs calls, each failing its attempts with the errors named in its script (then
// succeeding), through one retryer, by the SDK's middleware (sdk) or by retrier.
func runLoop(t *testing.T, kind retryerKind, sdk bool, calls [][]string, cancelAt int) []loopOutcome {
	t.Helper()
	var trace []string
	backoff := retry.BackoffDelayerFunc(func(n int, err error) (time.Duration, error) {
		if cancelAt >= 0 {
			return time.Hour, nil // only a cancelled context ends the SDK's sleep
		}
		return 0, nil // the SDK's middleware sleeps in real time
	})
	r, quota := kind.make(backoff)
	rec := recorder{trace: &trace}
	var loopRetryer aws.Retryer
	if v2, ok := r.(aws.RetryerV2); ok {
		rec.r = v2
		loopRetryer = rec
	} else {
		rec.r = asRetryerV2(r) // what the recorder forwards to; the loop sees a retryer without GetAttemptToken
		loopRetryer = recorderV1{rec}
	}
	var drawn atomic.Bool
	var out []loopOutcome
	for i, script := range calls {
		trace = nil
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		attempt := func() error {
			attempts++
			if i == cancelAt {
				cancel() // the call is cancelled during its attempt
			}
			if attempts > len(script) {
				return nil
			}
			return attemptErrors[script[attempts-1]]()
		}
		var err error
		if sdk {
			a := retry.NewAttemptMiddleware(loopRetryer, func(r any) any { return r })
			_, _, err = a.HandleFinalize(ctx, middleware.FinalizeInput{}, middleware.FinalizeHandlerFunc(
				func(context.Context, middleware.FinalizeInput) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, attempt()
				}))
		} else {
			lp := retrier{retryer: asRetryerV2(loopRetryer), clock: NewManualClock(epochForTests)}
			if kind.standard {
				lp.drawn = &drawn
			}
			err = lp.do(ctx, attempt)
		}
		cancel()
		o := loopOutcome{Attempts: attempts, Trace: trace}
		for i := range o.Trace {
			o.Trace[i] = requestIDPattern.ReplaceAllString(o.Trace[i], "RequestID: …")
		}
		if err != nil {
			o.Err = requestIDPattern.ReplaceAllString(err.Error(), "RequestID: …")
		}
		var mae *retry.MaxAttemptsError
		if errors.As(err, &mae) {
			o.MaxAttempts = mae.Attempt
		}
		var rce *aws.RequestCanceledError
		o.Canceled = errors.As(err, &rce)
		if quota != nil {
			o.Quota = quota()
		}
		out = append(out, o)
	}
	return out
}

var epochForTests = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// requestIDPattern finds the request ids responseError numbers the errors with.
var requestIDPattern = regexp.MustCompile(`RequestID: [0-9a-f-]+`)

func compareLoops(t *testing.T, kind retryerKind, calls [][]string, cancelAt int) {
	t.Helper()
	want := runLoop(t, kind, true, calls, cancelAt)
	got := runLoop(t, kind, false, calls, cancelAt)
	require.Len(t, got, len(want))
	for i := range want {
		if kind.standard {
			// The loop may skip a standard retryer that has nothing to do (see retrier.drawn):
			// what it did must be the same, not how.
			want[i].Trace, got[i].Trace = nil, nil
		}
		assert.Equal(t, want[i], got[i], "%s: call %d of %q", kind.name, i, calls)
	}
}

func TestRetrierLikeTheSDK(t *testing.T) {
	named := [][][]string{
		{{}},
		{{"internal"}},
		{{"throttled", "throttled"}},
		{{"internal", "internal", "internal", "internal", "internal"}},
		{{"invalid"}},
		{{"over-limit"}},
		{{"custom-code", "custom-code"}},
		{{"reset", "reset", "reset"}},
		{{"canceled"}},
		{{"plain"}},
		{{"retry-after", "retry-after-"}},
		// The quota: failed calls draw it down until a retry is refused; successes after a
		// retry give the retry back, and first-attempt successes give one token each.
		{{"internal", "internal", "internal"}, {"internal", "internal", "internal"}, {"internal", "internal", "internal"},
			{"internal"}, {}, {}, {"internal", "internal", "internal"}, {"unavailable"}, {}},
		{{"throttling", "throttling", "throttling"}, {"throttling"}, {}, {"throttled", "internal"}, {}},
	}
	for _, kind := range retryerKinds {
		t.Run(kind.name, func(t *testing.T) {
			for _, calls := range named {
				if kind.noThrottle && throttles(calls) {
					continue
				}
				compareLoops(t, kind, calls, -1)
			}
			// Cancelled during an attempt: the backoff ends at once.
			compareLoops(t, kind, [][]string{{"internal", "internal"}, {}}, 0)

			rng := rand.New(rand.NewPCG(16, uint64(len(kind.name))))
			names := make([]string, 0, len(attemptErrors))
			for n := range attemptErrors {
				if !(kind.noThrottle && (n == "throttled" || n == "throttling")) {
					names = append(names, n)
				}
			}
			for range 40 {
				calls := make([][]string, 1+rng.IntN(8))
				for i := range calls {
					for range rng.IntN(6) {
						calls[i] = append(calls[i], names[rng.IntN(len(names))])
					}
				}
				compareLoops(t, kind, calls, -1)
			}
		})
	}
}

func throttles(calls [][]string) bool {
	for _, c := range calls {
		for _, e := range c {
			if e == "throttled" || e == "throttling" {
				return true
			}
		}
	}
	return false
}

// Backoff: the loop waits what the retryer's RetryDelay asks for, clamped by
// x-amz-retry-after, on the mock's clock; a cancelled context ends the wait with the SDK's
// RequestCanceledError.
func TestRetrierBackoff(t *testing.T) {
	var waits []time.Duration
	clock := clockOf(func() time.Time { return epochForTests }, func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		c := make(chan time.Time, 1)
		c <- epochForTests.Add(d)
		return c
	})
	r, _ := standardWith(retry.BackoffDelayerFunc(func(n int, _ error) (time.Duration, error) {
		return time.Duration(n) * time.Second, nil
	}), 500, func(o *retry.StandardOptions) { o.MaxAttempts = 6 })
	script := []error{responseError(sqserr.InternalError()), withRetryAfter(sqserr.InternalError(), "4500"),
		withRetryAfter(sqserr.InternalError(), "60000"), withRetryAfter(sqserr.InternalError(), "x"), responseError(sqserr.InternalError())}
	n := 0
	err := retrier{retryer: r, clock: clock}.do(context.Background(), func() error {
		n++
		if n > len(script) {
			return nil
		}
		return script[n-1]
	})
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 4500 * time.Millisecond, 8 * time.Second, 4 * time.Second, 5 * time.Second}, waits,
		"the delays, the second and third clamped to [delay, delay+5s] by x-amz-retry-after, the fourth's invalid header ignored")

	waits = nil
	n = 0
	err = retrier{retryer: r, clock: NewManualClock(epochForTests)}.do(context.Background(), func() error {
		n++
		return responseError(sqserr.InternalError())
	})
	var mae *retry.MaxAttemptsError
	require.ErrorAs(t, err, &mae)
	assert.Equal(t, 6, n)
	assert.Empty(t, waits, "no wait on a manual clock")

	ctx, cancel := context.WithCancel(context.Background())
	cancelling := clockOf(func() time.Time { return epochForTests }, func(time.Duration) <-chan time.Time {
		cancel() // the call is cancelled during the backoff
		return make(chan time.Time)
	})
	err = retrier{retryer: r, clock: cancelling}.do(ctx, func() error { return responseError(sqserr.InternalError()) })
	var rce *aws.RequestCanceledError
	require.ErrorAs(t, err, &rce)
	assert.ErrorIs(t, err, context.Canceled)
}
