package sqsmock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// retrier makes a call's attempts as the SDK's retry middleware (retry.Attempt, as *sqs.Client
// configures it) makes them, calling the retryer's own methods in the same order: the attempt
// token, the attempt, the release of the retry and attempt tokens, IsErrorRetryable, the attempt
// limit (MaxAttemptsError), the retry token from the retry quota, RetryDelay (clamped by an
// x-amz-retry-after header) and the backoff. It differs in what nothing can observe: it keeps no
// per-attempt metadata, metrics or spans, there is no Date header in process so there is no
// clock skew to correct, and the backoff waits on the mock's clock.
type retrier struct {
	retryer aws.RetryerV2
	clock   Clock
	// longPoll: the operation long-polls (ReceiveMessage). With the SDK's preview of its 2026
	// retry behaviour (AWS_NEW_RETRIES_2026=true), a call whose retry quota is exhausted still
	// backs off before it fails, as the SDK's loop does for it.
	longPoll bool
	// drawn, for a retryer that is the standard retryer sqs.New made (maybe limited by
	// RetryMaxAttempts), is set once a retry token was taken from its quota; nil for any other
	// retryer. While it is unset the quota is full, and the one thing a success at the first
	// attempt does to that retryer, refunding the quota, does nothing: the loop skips the
	// retryer altogether (and saves its allocations).
	drawn *atomic.Bool
}

// perCall is the retrier of a call whose options (applied to a copy of its client's) give
// retryer and maxAttempts, on a client made with base and baseMax whose retrier is r and whose
// quota flag is drawn: a changed RetryMaxAttempts limits the retryer, as the SDK's clients do.
func (r retrier) perCall(retryer, base aws.Retryer, maxAttempts, baseMax int, drawn *atomic.Bool) retrier {
	if !sameRetryer(retryer, base) {
		// Another retryer, which may share the client's retry quota: no call skips it any more.
		drawn.Store(true)
		r.drawn = nil
	}
	if maxAttempts != 0 && maxAttempts != baseMax {
		retryer = retry.AddWithMaxAttempts(retryer, maxAttempts)
	}
	r.retryer = asRetryerV2(retryer)
	return r
}

// do makes attempts until one succeeds or the retryer gives up, and returns the last error as
// the SDK's loop returns it.
func (r retrier) do(ctx context.Context, attempt func() error) error {
	maxAttempts := r.retryer.MaxAttempts()
	releaseRetry := nopRelease
	tokenCtx := ctx // what the retryer is given: from the second attempt on, with the SDK's retry metadata
	for n := 1; ; n++ {
		if n == 2 {
			tokenCtx = retryContext{Context: ctx, sdk: secondAttempt()}
		}
		if err := ctx.Err(); err != nil { // no attempt, and no token, for a call that cannot succeed
			return err
		}
		// The standard retryer's first attempt token has no effect until it is released, so it
		// is taken after the attempt, and only when the release may do something.
		late := n == 1 && r.drawn != nil
		releaseAttempt := nopRelease
		if !late {
			rel, err := r.retryer.GetAttemptToken(tokenCtx)
			if err != nil {
				return fmt.Errorf("failed to get retry Send token, %w", err)
			}
			releaseAttempt = rel
		}
		err := attempt()
		if late {
			if err == nil && !r.drawn.Load() {
				return nil
			}
			rel, terr := r.retryer.GetAttemptToken(tokenCtx)
			if terr != nil {
				return fmt.Errorf("failed to get retry Send token, %w", terr)
			}
			releaseAttempt = rel
		}
		if rerr := releaseRetry(err); rerr != nil && err != nil {
			return fmt.Errorf("failed to release retry token after request error, %w", err)
		}
		if rerr := releaseAttempt(err); rerr != nil && err != nil {
			return fmt.Errorf("failed to release initial token after request error, %w", err)
		}
		if err == nil {
			return nil
		}
		if !r.retryer.IsErrorRetryable(err) {
			return err
		}
		if maxAttempts > 0 && n >= maxAttempts {
			return &retry.MaxAttemptsError{Attempt: n, Err: err}
		}
		if r.drawn != nil {
			r.drawn.Store(true) // before the quota can be short of full
		}
		rel, terr := r.retryer.GetRetryToken(tokenCtx, err)
		if terr != nil {
			if r.longPoll && os.Getenv("AWS_NEW_RETRIES_2026") == "true" {
				if d, derr := r.retryer.RetryDelay(n, err); derr == nil {
					_ = r.wait(ctx, retryAfter(d, err))
				}
			}
			return errors.Join(err, terr)
		}
		releaseRetry = rel
		d, derr := r.retryer.RetryDelay(n, err)
		if derr != nil {
			return derr
		}
		if werr := r.wait(ctx, retryAfter(d, err)); werr != nil {
			return &aws.RequestCanceledError{Err: werr}
		}
	}
}

// wait is the backoff: d on the mock's clock, or until ctx ends. A ManualClock moves only when
// the test moves it, so on one there is no wait at all.
func (r retrier) wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, manual := r.clock.(manualClock); manual {
		return nil
	}
	return sleep(ctx, r.clock, d)
}

func nopRelease(error) error { return nil }

// retryAfter clamps a backoff by the response's x-amz-retry-after header (milliseconds) to
// [backoff, backoff+5s], as the SDK's loop does; invalid values are ignored.
func retryAfter(backoff time.Duration, err error) time.Duration {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil {
		return backoff
	}
	v := re.Response.Header.Get("X-Amz-Retry-After")
	if v == "" {
		return backoff
	}
	ms, perr := strconv.ParseInt(v, 10, 64)
	if perr != nil || ms < 0 {
		return backoff
	}
	return min(max(time.Duration(ms)*time.Millisecond, backoff), backoff+5*time.Second)
}

// retryContext is what a retryer is given from the second attempt on: the call's context, with
// the values the SDK's own loop adds for a later attempt. retry.Standard reads them: its
// GetAttemptToken returns the token whose release refunds the quota only for a first attempt.
type retryContext struct {
	context.Context
	sdk context.Context
}

// Value looks key up in the SDK's values, then in the call's.
func (c retryContext) Value(key any) any {
	if v := c.sdk.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// secondAttempt is the context the SDK's retry middleware gives the second attempt of a call,
// captured once by running that middleware over a stub retryer and a stub attempt.
var secondAttempt = sync.OnceValue(func() context.Context {
	var second context.Context
	a := retry.NewAttemptMiddleware(stubRetryer{}, func(r any) any { return r }, func(a *retry.Attempt) {
		a.DisableClockSkewCorrection = true
	})
	_, _, _ = a.HandleFinalize(context.Background(), middleware.FinalizeInput{}, middleware.FinalizeHandlerFunc(
		func(ctx context.Context, _ middleware.FinalizeInput) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if second == nil {
				second = context.Background() // the first attempt: fail, to be retried
				return middleware.FinalizeOutput{}, middleware.Metadata{}, errors.New("stub")
			}
			second = ctx
			return middleware.FinalizeOutput{}, middleware.Metadata{}, nil
		}))
	return second
})

// stubRetryer retries once, at once, without a quota.
type stubRetryer struct{}

func (stubRetryer) IsErrorRetryable(error) bool                  { return true }
func (stubRetryer) MaxAttempts() int                             { return 2 }
func (stubRetryer) RetryDelay(int, error) (time.Duration, error) { return 0, nil }
func (stubRetryer) GetInitialToken() func(error) error           { return nopRelease }
func (stubRetryer) GetAttemptToken(context.Context) (func(error) error, error) {
	return nopRelease, nil
}
func (stubRetryer) GetRetryToken(context.Context, error) (func(error) error, error) {
	return nopRelease, nil
}

// asRetryerV2 gives a retryer the attempt-token method the SDK's loop calls, as the retry
// package does for retryers without it.
func asRetryerV2(r aws.Retryer) aws.RetryerV2 {
	if v, ok := r.(aws.RetryerV2); ok {
		return v
	}
	return retryerV2{r}
}

type retryerV2 struct{ aws.Retryer }

func (r retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}
