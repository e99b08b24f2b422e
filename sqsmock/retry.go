package sqsmock

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"

	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// newAttempt is the SDK's retry middleware over retryer, with the backoff moved onto the mock's
// clock. There is no Date header in process, so there is no clock skew to correct.
func (m *Mock) newAttempt(retryer aws.Retryer) *retry.Attempt {
	if _, real := m.cfg.clock.(RealClock); !real {
		retryer = clockRetryer{RetryerV2: asRetryerV2(retryer), clock: m.cfg.clock}
	}
	return retry.NewAttemptMiddleware(retryer, func(r any) any { return r }, func(a *retry.Attempt) {
		a.DisableClockSkewCorrection = true
	})
}

// attemptFor returns the retry loop for a call with optFns, or nil when the call can skip it:
// with the default retryer, no per-call options and no fault plan, no attempt can fail with a
// retryable error (the engine never answers with a throttling code or a 5xx of its own), and
// the retry quota is still full, so one plain attempt is exactly what the loop would do.
func (c *Client) attemptFor(optFns []func(*sqs.Options)) *retry.Attempt {
	if len(optFns) == 0 {
		if !c.custom && !c.looped.Load() && !c.m.faultsActive() {
			return nil
		}
		c.looped.Store(true)
		return c.attempt
	}
	// As *sqs.Client does per operation: the options are copied and changed, and a changed
	// RetryMaxAttempts wraps the retryer.
	o := c.options.Copy()
	for _, fn := range optFns {
		fn(&o)
	}
	if v := o.RetryMaxAttempts; v != 0 && v != c.options.RetryMaxAttempts {
		o.Retryer = retry.AddWithMaxAttempts(o.Retryer, v)
	}
	c.looped.Store(true)
	return c.m.newAttempt(o.Retryer)
}

// retried makes attempts until one succeeds or the retryer gives up, with the SDK's own loop:
// the same retryable classes, attempt limit, retry quota and MaxAttemptsError.
func retried[I, O any](ctx context.Context, attempt *retry.Attempt, c *Client, who caller, op string, in *I, call func(*engine.Engine, context.Context, *I) (*O, error)) (*O, error) {
	res, _, err := attempt.HandleFinalize(ctx, middleware.FinalizeInput{}, middleware.FinalizeHandlerFunc(
		func(ctx context.Context, _ middleware.FinalizeInput) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, err := attemptOnce(ctx, c, who, op, in, call)
			return middleware.FinalizeOutput{Result: out}, middleware.Metadata{}, err
		}))
	if err != nil {
		return nil, err
	}
	return res.Result.(*O), nil
}

// clockRetryer takes a retryer's backoff on the mock's clock instead of the SDK's real-time
// sleep: none at all on a ManualClock (it moves only when the test moves it), and a wait for
// the clock's timer on any other clock.
type clockRetryer struct {
	aws.RetryerV2
	clock Clock
}

// RetryDelay waits out the retryer's delay on the clock and leaves the SDK nothing to sleep.
func (r clockRetryer) RetryDelay(attempt int, opErr error) (time.Duration, error) {
	d, err := r.RetryerV2.RetryDelay(attempt, opErr)
	if err != nil || d <= 0 {
		return d, err
	}
	if _, manual := r.clock.(manualClock); !manual {
		t := r.clock.NewTimer(d)
		<-t.C()
	}
	return 0, nil
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
