package harness_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Inside harness.Test the mock runs on the bubble's fake time: long polls and Advance take no
// real time, and WaitForPollers knows exactly when the pollers are blocked.
func TestTestRunsTheMockInABubble(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "server"} {
		t.Run(string(b), func(t *testing.T) {
			realStart := time.Now()
			harness.Test(t, func(t *testing.T, h *harness.H) {
				assert.Nil(t, h.Clock(), "no manual clock in a bubble")
				assert.True(t, h.Caps().FastForward)
				q := h.Queue("bubble", map[string]string{"VisibilityTimeout": "30"})
				start := time.Now()
				out, err := h.Client().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20})
				require.NoError(t, err)
				assert.Empty(t, out.Messages)
				assert.Equal(t, 20*time.Second, time.Since(start), "a full long poll, in fake time")

				got := make(chan int)
				for range 2 {
					go func() {
						out, err := h.Client().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20})
						assert.NoError(t, err)
						got <- len(out.Messages)
					}()
				}
				h.WaitForPollers(2)
				h.Send(q, "wake")
				assert.Equal(t, 1, <-got+<-got, "one poller got the message")

				h.Advance(time.Hour)
				h.WaitForCount(q, "ApproximateNumberOfMessages", 1, time.Minute) // back after its visibility timeout
			}, func(o *harness.Options) { o.Backend = b })
			assert.Less(t, time.Since(realStart), 10*time.Second, "an hour of fake time")
		})
	}
}

// One plan, given once with WithFaults, fires once per matching call on every backend: inside
// the mock on the mock and the server, as SDK middleware on the peers.
func TestWithFaultsAppliesThePlanOnceOnEveryBackend(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			plan := mustPlan(t, 1, faults.Error("OverLimit").Named("over").On("SendMessage").Times(1))
			h := harness.New(t, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Faults = plan })
			assert.Same(t, plan, h.Faults())
			q := h.Queue("faults", nil)
			send := func() error {
				_, err := h.Client().SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
				return err
			}
			var api smithy.APIError
			require.ErrorAs(t, send(), &api)
			assert.Equal(t, "OverLimit", api.ErrorCode())
			require.NoError(t, send())
			assert.Equal(t, 1, fired(plan, "over"), "the plan fired once, not once per placement")
		})
	}
}

// The harness's own helpers see the queues as they are: the plan is for the code under test.
func TestHelpersAreExemptFromThePlan(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			plan := mustPlan(t, 1,
				faults.Error("InternalError").Named("down").On("SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"),
				faults.FalseEmpty().Named("empty"))
			h := harness.New(t, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Faults = plan },
				func(o *harness.Options) { o.Client = append(o.Client, func(o *sqs.Options) { o.RetryMaxAttempts = 1 }) })
			q := h.Queue("exempt", nil)
			bodies := h.SendBodies(q, harness.Bodies("msg", 3))
			h.AssertBodies(h.Receive(q, 3, 5*time.Second), bodies...)
			_, err := h.Client().SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
			assert.Error(t, err, "the code under test still meets the plan")
			assert.Equal(t, 1, fired(plan, "down"))
		})
	}
}

// reports records what the harness reports instead of failing the real test.
type reports struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  string
}

func (r *reports) Helper() {}
func (r *reports) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(f, a...))
}
func (r *reports) Error(a ...any)            { r.Errorf("%s", fmt.Sprint(a...)) }
func (r *reports) Fatal(a ...any)            { r.fatal = fmt.Sprint(a...); runtime.Goexit() }
func (r *reports) Fatalf(f string, a ...any) { r.Fatal(fmt.Sprintf(f, a...)) }
func (r *reports) FailNow()                  { r.Fatal("FailNow") }
func (r *reports) all() string               { return strings.Join(r.errors, "\n") + r.fatal }

// run calls f with a handle whose failures are recorded, in its own goroutine (Fatal ends it).
func (r *reports) run(f func()) {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	<-done
}

// A plan given twice, or a client option the in-process client cannot apply, fails the test
// instead of firing twice or being ignored.
func TestPlansGivenTwiceAndOptionsThatCannotApply(t *testing.T) {
	plan := func() *faults.Plan {
		return mustPlan(t, 1, faults.Error("InternalError").Probability(0.5))
	}
	for name, tt := range map[string]struct {
		opts []func(*harness.Options)
		want string
	}{
		"WithFaults and faults.WithPlan": {[]func(*harness.Options){func(o *harness.Options) { o.Faults = plan() }, func(o *harness.Options) { o.Client = append(o.Client, faults.WithPlan(plan())) }}, "2 fault plans are given"},
		"WithFaults and sqsmock.Options.Faults": {[]func(*harness.Options){func(o *harness.Options) { o.Faults = plan() },
			func(o *harness.Options) { o.Mock = append(o.Mock, func(o *sqsmock.Options) { o.Faults = plan() }) }}, "2 fault plans are given"},
		"sqsmock.Options.Faults and faults.WithPlan on the server": {[]func(*harness.Options){func(o *harness.Options) { o.Backend = "server" },
			func(o *harness.Options) { o.Mock = append(o.Mock, func(o *sqsmock.Options) { o.Faults = plan() }) }, func(o *harness.Options) { o.Client = append(o.Client, faults.WithPlan(plan())) }}, "2 fault plans are given"},
		"middleware on the in-process client": {[]func(*harness.Options){func(o *harness.Options) {
			o.Client = append(o.Client, func(o *sqs.Options) {
				o.APIOptions = append(o.APIOptions, func(*middleware.Stack) error { return nil })
			})
		}}, "APIOptions (middleware), which the in-process mock client cannot apply"},
		"faults.WithPlan on the in-process client": {[]func(*harness.Options){func(o *harness.Options) { o.Client = append(o.Client, faults.WithPlan(plan())) }}, "Use Options.Faults"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &reports{TB: t}
			r.run(func() { harness.New(r, tt.opts...) })
			assert.Contains(t, r.fatal, tt.want)
		})
	}

	// Retry options do apply to the in-process client.
	h := harness.New(t, func(o *harness.Options) {
		o.Faults = mustPlan(t, 1, faults.Error("RequestThrottled").On("SendMessage").Times(1))
	},
		func(o *harness.Options) { o.Client = append(o.Client, func(o *sqs.Options) { o.RetryMaxAttempts = 1 }) })
	q := h.Queue("retries", nil)
	_, err := h.Client().SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
	assert.Error(t, err, "RetryMaxAttempts=1: the throttled send is not retried")
}

// A third-party backend cannot run inside a bubble; the harness says so at once.
func TestPeerInsideABubbleFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &reports{TB: t}
		r.run(func() {
			harness.New(r, func(o *harness.Options) { o.Backend = "moto" }, func(o *harness.Options) { o.Endpoint = "http://127.0.0.1:1" })
		})
		assert.Contains(t, r.fatal, "cannot run inside a testing/synctest bubble")
	})
}

// simpleConsumer is a minimal user consumer: long polls, handles, deletes what handle accepts.
func simpleConsumer(url string, handle func(body string) error) func(ctx context.Context, api sqsmock.API) error {
	return func(ctx context.Context, api sqsmock.API) error {
		for ctx.Err() == nil {
			out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
			if err != nil {
				continue
			}
			for _, m := range out.Messages {
				if handle(aws.ToString(m.Body)) != nil {
					continue
				}
				_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
			}
		}
		return nil
	}
}

// CheckConsumer settles a correct consumer on every backend, in fake time in a bubble, with the
// poison message in the dead-letter queue.
func TestCheckConsumer(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			if b != "mock" && b != "server" {
				t.Parallel()
			}
			harness.Test(t, func(t *testing.T, h *harness.H) {
				src, _ := h.QueueWithDLQ("check", map[string]string{"VisibilityTimeout": "2"}, 2)
				sent := h.SendBodies(src, harness.Bodies("msg", 12))
				rep := h.CheckConsumer(src, harness.Expect{Bodies: sent, DeadLettered: []string{"msg-7"}},
					simpleConsumer(src, func(body string) error {
						if body == "msg-7" {
							return errors.New("poison")
						}
						return nil
					}))
				assert.Len(t, rep.Deleted, 11)
				assert.Equal(t, 2, rep.Deliveries["msg-7"])
				assert.NoError(t, rep.Err)
				assert.Positive(t, rep.Calls["ReceiveMessage"])
			}, func(o *harness.Options) { o.Backend = b })
		})
	}
}

// On the manual clock (New outside a bubble), CheckConsumer moves the clock while the consumer
// waits in its long polls.
func TestCheckConsumerOnTheManualClock(t *testing.T) {
	h := harness.New(t)
	require.NotNil(t, h.Clock())
	src, _ := h.QueueWithDLQ("manual", map[string]string{"VisibilityTimeout": "30"}, 3)
	sent := h.SendBodies(src, harness.Bodies("msg", 5))
	start := h.Clock().Now()
	rep := h.CheckConsumer(src, harness.Expect{Bodies: sent, DeadLettered: []string{"msg-2"}},
		simpleConsumer(src, func(body string) error {
			if body == "msg-2" {
				return errors.New("poison")
			}
			return nil
		}))
	assert.Equal(t, 3, rep.Deliveries["msg-2"])
	assert.GreaterOrEqual(t, h.Clock().Now().Sub(start), 90*time.Second, "three visibility timeouts passed on the clock")
}

// CheckConsumer fails a consumer that breaks the invariants: one that swallows a failure and
// deletes the message (so the dead-letter queue misses it), one that returns an error, one that
// leaves messages behind, and one that ignores its context.
func TestCheckConsumerCatchesBrokenConsumers(t *testing.T) {
	for name, tt := range map[string]struct {
		run  func(url string) func(ctx context.Context, api sqsmock.API) error
		want string
	}{
		"swallows failures": {func(url string) func(context.Context, sqsmock.API) error {
			return simpleConsumer(url, func(string) error { return nil }) // msg-1 "fails", but is deleted anyway
		}, "dead-letter queue"},
		"returns an error": {func(url string) func(context.Context, sqsmock.API) error {
			return func(context.Context, sqsmock.API) error { return errors.New("boom") }
		}, "run returned an error: boom"},
		"never deletes": {func(url string) func(context.Context, sqsmock.API) error {
			return func(ctx context.Context, api sqsmock.API) error {
				for ctx.Err() == nil {
					_, _ = api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20, VisibilityTimeout: 600})
				}
				return nil
			}
		}, "not settled within"},
		"ignores its context": {func(url string) func(context.Context, sqsmock.API) error {
			return func(ctx context.Context, api sqsmock.API) error {
				err := simpleConsumer(url, func(b string) error {
					if b == "msg-1" {
						return errors.New("poison")
					}
					return nil
				})(ctx, api)
				time.Sleep(time.Hour) // a shutdown that hangs
				return err
			}
		}, "did not return within 30s"},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := &reports{TB: t}
				r.run(func() {
					h := harness.New(r)
					src, _ := h.QueueWithDLQ("broken", map[string]string{"VisibilityTimeout": "5"}, 2)
					sent := h.SendBodies(src, harness.Bodies("msg", 3))
					h.CheckConsumer(src, harness.Expect{Bodies: sent, DeadLettered: []string{"msg-1"}, Timeout: 10 * time.Minute}, tt.run(src))
				})
				assert.Contains(t, r.all(), tt.want)
				time.Sleep(2 * time.Hour) // let a consumer that ignored its context finish
			})
		})
	}
}

// mustPlan is faults.NewPlan for tests: an invalid rule fails the test.
func mustPlan(t testing.TB, seed uint64, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(seed, rules...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}

// fired counts the injections of the named rule.
func fired(p *faults.Plan, rule string) int {
	n := 0
	for _, in := range p.Injections() {
		if in.Rule == rule {
			n++
		}
	}
	return n
}
