package harness_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// checked stands for a test whose failures the harness reports: it records them (reports), says
// it failed once one was reported, and keeps its cleanups for endTest to run.
type checked struct {
	reports
	name     string
	cleanups []func()
	logs     []string
}

func (c *checked) Logf(f string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, ids.ReplaceAllString(fmt.Sprintf(f, a...), "id <id>"))
}

func (c *checked) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.errors) > 0 || c.fatal != ""
}
func (c *checked) Name() string      { return c.name }
func (c *checked) Cleanup(fn func()) { c.cleanups = append(c.cleanups, fn) }

// endTest runs the cleanups, as the end of the test would.
func (c *checked) endTest() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
}

// sentences are the failures reported, with message ids (random) replaced by <id>.
func (c *checked) sentences() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.errors))
	for i, e := range c.errors {
		out[i] = ids.ReplaceAllString(e, "id <id>")
	}
	return out
}

var ids = regexp.MustCompile(`id [0-9a-f]{8}…`)

// inBubble runs f in a synctest bubble with a handle on the mock whose failures c records.
func inBubble(t *testing.T, f func(c *checked, h *harness.H), opts ...func(*harness.Options)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		c := &checked{reports: reports{TB: t}, name: t.Name()}
		c.run(func() { f(c, harness.New(c, opts...)) })
	})
}

// orders are n JSON bodies {"id":"o-0"} … carrying the keys o-0 … of an effect.
func orders(n int) (bodies, keys []string) {
	for i := range n {
		keys = append(keys, fmt.Sprintf("o-%d", i))
		bodies = append(bodies, fmt.Sprintf(`{"id":"o-%d"}`, i))
	}
	return bodies, keys
}

// keyOf is the order id in a body of orders.
func keyOf(body string) string {
	var id string
	_, _ = fmt.Sscanf(body, `{"id":%q}`, &id)
	return id
}

// A message the plan keeps from being deleted ends in the dead-letter queue; the failure names
// it, says what was expected and what happened, and lists the faults that touched it.
func TestCheckConsumerNamesTheMessageAndItsFaults(t *testing.T) {
	plan := newPlan(t, 1, faults.LostDelete().Named("lose").With(faults.Details{BodyContains: `"o-3"`}))
	inBubble(t, func(c *checked, h *harness.H) {
		src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "30"}, 3)
		bodies, _ := orders(5)
		h.SendBodies(src, bodies)
		h.CheckConsumer(src, harness.Expect{Bodies: bodies}, simpleConsumer(src, func(string) error { return nil }))
		assert.Empty(t, c.sentences(), "the consumer did its part: the plan's lost deletes put o-3 in the dead-letter queue")
		assert.Contains(t, c.logs, `harness: message #3 of 5 ("{\"id\":\"o-3\"}", id <id>) ended in the dead-letter queue after 3 receives, although the consumer deleted it: `+
			`the fault plan voided its deletes; not a bug of the consumer: a correct consumer's messages end there too when faults push them past maxReceiveCount; `+
			`faults on it: lost-delete (rule lose) on DeleteMessage at 00:00:00, lost-delete (rule lose) on DeleteMessage at 00:00:30, lost-delete (rule lose) on DeleteMessage at 00:01:00`)
		assert.Equal(t, c.errors, harness.Problems(h), "Explore reads the same sentences")
	}, func(o *harness.Options) { o.Faults = plan })
}

// A message in the dead-letter queue that the fault plan does not explain is named, with what
// the consumer did with it and the faults that touched it.
func TestCheckConsumerNamesAnUnexplainedDeadLetter(t *testing.T) {
	plan := newPlan(t, 1, faults.Latency(time.Millisecond, 0).Named("slow").On("SendMessage"))
	inBubble(t, func(c *checked, h *harness.H) {
		src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "30"}, 2)
		bodies, _ := orders(3)
		h.SendBodies(src, bodies)
		h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, simpleConsumer(src, func(b string) error {
			if strings.Contains(b, `"o-1"`) {
				return errors.New("cannot handle o-1")
			}
			return nil
		}))
		assert.Equal(t, []string{`message #1 of 3 ("{\"id\":\"o-1\"}", id <id>) is in the dead-letter queue, but Expect.DeadLettered does not list it; ` +
			`the consumer: received twice (at 00:00:00, 00:00:30), never deleted; no fault of the plan touched it`}, c.sentences())
		assert.Equal(t, c.errors, harness.Problems(h), "Explore reads the same sentences")
	}, func(o *harness.Options) { o.Faults = plan })
}

// Duplicates the plan scheduled 45 s after their delivery are still to come when the queue is
// empty: the run settles only once they have been delivered, on the mock as on the server, for
// CheckConsumer running the test's own consumer as running harness.Loop.
func TestChecksWaitForScheduledDuplicates(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "server"} {
		t.Run(string(b), func(t *testing.T) {
			plan := func() *faults.Plan {
				return newPlan(t, 1, faults.DuplicateDelivery(45*time.Second).Named("dup").Times(2))
			}
			harness.Test(t, func(t *testing.T, h *harness.H) {
				q := h.Queue("late", nil)
				sent := h.SendBodies(q, harness.Bodies("msg", 2))
				start := time.Now()
				rep := h.CheckConsumer(q, harness.Expect{Bodies: sent}, simpleConsumer(q, func(string) error { return nil }))
				assert.Equal(t, map[string]int{"msg-0": 2, "msg-1": 2}, rep.Deliveries, "each duplicate was delivered before the run settled")
				assert.GreaterOrEqual(t, time.Since(start), 45*time.Second)
				assert.Empty(t, harness.Problems(h), "a consumer that deletes what it gets passes")
			}, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Faults = plan() })
			harness.Test(t, func(t *testing.T, h *harness.H) {
				q := h.Queue("late", nil)
				sent := h.SendBodies(q, harness.Bodies("msg", 2))
				rep := h.CheckConsumer(q, harness.Expect{Bodies: sent, Timeout: 5 * time.Minute}, harness.Loop(q, 1, func(context.Context, types.Message) error { return nil }))
				assert.Equal(t, map[string]int{"msg-0": 2, "msg-1": 2}, rep.Deliveries)
			}, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Faults = plan() })
		})
	}
}

// A consumer that stops by itself once the queue is empty (a batch job) is not failed for a
// duplicate the plan scheduled of a message it already deleted: nobody needs that delivery. A
// message it left in the queue is still work left.
func TestCheckConsumerBatchJobStopsBeforeALateDuplicate(t *testing.T) {
	batch := func(q string, leave string) func(ctx context.Context, api sqsmock.API) error {
		return func(ctx context.Context, api sqsmock.API) error {
			for {
				out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), MaxNumberOfMessages: 10})
				if err != nil {
					return err
				}
				if len(out.Messages) == 0 {
					return nil // done: the export is over
				}
				for _, m := range out.Messages {
					if aws.ToString(m.Body) == leave {
						continue
					}
					if _, err := api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle}); err != nil {
						return err
					}
				}
			}
		}
	}
	plan := func() *faults.Plan {
		return newPlan(t, 1, faults.DuplicateDelivery(47*time.Second).Named("dup").Times(1))
	}
	inBubble(t, func(c *checked, h *harness.H) {
		q := h.Queue("export", map[string]string{"VisibilityTimeout": "30"})
		sent := h.SendBodies(q, harness.Bodies("rec", 3))
		rep := h.CheckConsumer(q, harness.Expect{Bodies: sent}, batch(q, ""))
		assert.Empty(t, c.sentences())
		assert.Len(t, rep.Deleted, 3)
		assert.Len(t, h.Faults().Injections(), 1, "the duplicate was scheduled, and never needed")
	}, func(o *harness.Options) { o.Faults = plan() })
	inBubble(t, func(c *checked, h *harness.H) {
		q := h.Queue("export", map[string]string{"VisibilityTimeout": "1"})
		sent := h.SendBodies(q, harness.Bodies("rec", 3))
		h.CheckConsumer(q, harness.Expect{Bodies: sent}, batch(q, "rec-1"))
		require.NotEmpty(t, c.sentences())
		assert.Contains(t, c.sentences()[0], "before it was asked to stop, with work still pending: 1 message in the queue")
	}, func(o *harness.Options) { o.Faults = plan() })
}

// A delayed visibility the plan injected keeps the message in flight: the queue counts it, so the
// run waits for it too (this held before; the test keeps it so).
func TestCheckConsumerWaitsForDelayedVisibility(t *testing.T) {
	plan := newPlan(t, 1, faults.DelayedVisibility(time.Minute).Named("late").On("ReceiveMessage").Times(1).With(faults.Details{BodyContains: "slow"}))
	harness.Test(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("late", map[string]string{"VisibilityTimeout": "30"})
		h.SendBodies(q, []string{"slow", "fast"})
		start := time.Now()
		failed := false
		rep := h.CheckConsumer(q, harness.Expect{Bodies: []string{"slow", "fast"}}, simpleConsumer(q, func(b string) error {
			if b == "slow" && !failed {
				failed = true
				return errors.New("once")
			}
			return nil
		}))
		assert.Equal(t, 2, rep.Deliveries["slow"])
		assert.GreaterOrEqual(t, time.Since(start), 90*time.Second, "its 30 s visibility timeout and the minute the plan added")
		assert.Empty(t, harness.Problems(h))
	}, func(o *harness.Options) { o.Faults = plan })
}

// nonIdempotent is a consumer that charges every order it receives, however often: a late
// duplicate charges twice.
func nonIdempotent(url string, charge *harness.Effect) func(ctx context.Context, api sqsmock.API) error {
	return simpleConsumer(url, func(body string) error {
		charge.Do(keyOf(body))
		return nil
	})
}

// The case that passed 100 runs out of 100: duplicates delayed by 45 s came after the check
// ended. Now the run waits for them, and the effect declared with ExactlyOnce reports each order
// charged twice, with the message that carried it and the fault.
func TestCheckConsumerCatchesLateDuplicates(t *testing.T) {
	plan := newPlan(t, 1, faults.DuplicateDelivery(45*time.Second).Named("dup"))
	inBubble(t, func(c *checked, h *harness.H) {
		q := h.Queue("orders", map[string]string{"VisibilityTimeout": "30"})
		bodies, keys := orders(3)
		h.SendBodies(q, bodies)
		charge := h.ExactlyOnce("charge", keys...)
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, nonIdempotent(q, charge))
		want := make([]string, 3)
		for i := range want {
			want[i] = fmt.Sprintf(`effect "charge" for key "o-%d" happened twice (at 00:00:00, 00:00:45), not exactly once; `+
				`it was carried by message #%d of 3 ("{\"id\":\"o-%d\"}", id <id>), received twice (at 00:00:00, 00:00:45), deleted at 00:00:00; `+
				`faults on it: duplicate-delivery (rule dup, after 45s) on ReceiveMessage at 00:00:00`, i, i, i)
		}
		assert.Equal(t, want, c.sentences())
		c.endTest()
		assert.Len(t, c.sentences(), 3, "an effect CheckConsumer checked is not reported again at the end")
	}, func(o *harness.Options) { o.Faults = plan })
}

// Two workers handling one key at once (a duplicate delivered while the first delivery was still
// being handled) are reported with their times; so are a key that is not declared and a key
// that never happened.
func TestEffectsOverlapUnknownAndMissingKeys(t *testing.T) {
	plan := newPlan(t, 1, faults.DuplicateDelivery(time.Second).Named("twice").Times(1).With(faults.Details{BodyContains: `"o-1"`}))
	inBubble(t, func(c *checked, h *harness.H) {
		q := h.Queue("orders", map[string]string{"VisibilityTimeout": "30"})
		bodies, _ := orders(3)
		h.SendBodies(q, bodies)
		process := h.ExactlyOnce("process", "o-0", "o-1", "o-9")
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			var wg sync.WaitGroup
			defer wg.Wait()
			for ctx.Err() == nil {
				out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
				if err != nil {
					continue
				}
				for _, m := range out.Messages {
					wg.Go(func() { // one worker per message, 10 s of work each
						end := process.Begin(keyOf(aws.ToString(m.Body)))
						time.Sleep(10 * time.Second)
						end()
						_, _ = api.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle})
					})
				}
			}
			return nil
		})
		carried := func(i int, received string) string {
			return fmt.Sprintf(`it was carried by message #%d of 3 ("{\"id\":\"o-%d\"}", id <id>), %s`, i, i, received)
		}
		assert.Equal(t, []string{
			`effect "process" for key "o-1" happened twice (at 00:00:00, 00:00:01), not exactly once; ` + carried(1, "received twice (at 00:00:00, 00:00:01), deleted at 00:00:10") +
				"; faults on it: duplicate-delivery (rule twice, after 1s) on ReceiveMessage at 00:00:00",
			`effect "process" for key "o-9" never happened; no expected body contains the key`,
			`effect "process" happened for key "o-2" once (at 00:00:00), but it is not one of the 3 keys declared; ` + carried(2, "received once (at 00:00:00), deleted at 00:00:10") + "; no fault of the plan touched it",
			`effect "process" for key "o-1" was processed by two workers at once: one began at 00:00:01 while the one begun at 00:00:00 had not ended; ` +
				carried(1, "received twice (at 00:00:00, 00:00:01), deleted at 00:00:10") + "; faults on it: duplicate-delivery (rule twice, after 1s) on ReceiveMessage at 00:00:00",
		}, c.sentences())
	}, func(o *harness.Options) { o.Faults = plan })
}

// An effect no CheckConsumer checked is checked when the test ends; one declared without keys
// must happen at most once for each key it happens for.
func TestEffectsCheckedAtTheEnd(t *testing.T) {
	inBubble(t, func(c *checked, h *harness.H) {
		email := h.ExactlyOnce("email", "u-1", "u-2")
		audit := h.ExactlyOnce("audit") // no keys: at most once for each
		email.Do("u-1")
		audit.Do("a")
		audit.Do("b")
		time.Sleep(time.Minute)
		email.Do("u-1")
		audit.Do("b")
		assert.Empty(t, c.sentences(), "not before the end")
		c.endTest()
		assert.Equal(t, []string{
			`effect "email" for key "u-1" happened twice (at 00:00:00, 00:01:00), not exactly once`,
			`effect "email" for key "u-2" never happened`,
			`effect "audit" for key "b" happened twice (at 00:00:00, 00:01:00), not exactly once`,
		}, c.sentences())
	})
}

// run's error: only a tree made of its own context's cancellation is a clean stop. The SDK's
// error for a call cut short by the cancellation is one, on the in-process client and through
// the real *sqs.Client.
func TestCheckConsumerRunErrors(t *testing.T) {
	for name, tt := range map[string]struct {
		run  func(ctx context.Context) error
		want string // "": a clean stop; else the first sentence
	}{
		"joined with a real error": {func(ctx context.Context) error {
			<-ctx.Done()
			return errors.Join(ctx.Err(), errors.New("flush failed"))
		}, "the consumer's run returned an error: context canceled\nflush failed (a cancellation joined or wrapped with another error is a failure, not a clean stop)"},
		"cancelled before it was asked to stop": {func(ctx context.Context) error { return context.Canceled },
			"the consumer's run returned an error before its context was cancelled: context canceled"},
		"wrapped": {func(ctx context.Context) error {
			<-ctx.Done()
			return fmt.Errorf("consumer stopped: %w", ctx.Err())
		}, ""},
		"joined cancellations": {func(ctx context.Context) error {
			<-ctx.Done()
			return errors.Join(ctx.Err(), fmt.Errorf("worker 2: %w", context.Cause(ctx)))
		}, ""},
		"nil": {func(ctx context.Context) error { <-ctx.Done(); return nil }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			inBubble(t, func(c *checked, h *harness.H) {
				q := h.Queue("errs", nil)
				h.Send(q, "x") // not consumed: the run settles only once its time is up
				h.CheckConsumer(q, harness.Expect{Bodies: []string{"x"}, Timeout: time.Minute}, func(ctx context.Context, _ sqsmock.API) error { return tt.run(ctx) })
				got := c.sentences()
				if tt.want == "" {
					assert.NotContains(t, strings.Join(got, "\n"), "returned an error")
				} else {
					require.NotEmpty(t, got)
					assert.Equal(t, tt.want, got[0])
				}
			})
		})
	}
	for _, b := range []harness.Backend{"mock", "server"} {
		t.Run("the SDK's error after the cancellation, "+string(b), func(t *testing.T) {
			inBubble(t, func(c *checked, h *harness.H) {
				q := h.Queue("errs", nil)
				sent := h.SendBodies(q, harness.Bodies("msg", 2))
				h.CheckConsumer(q, harness.Expect{Bodies: sent}, func(ctx context.Context, api sqsmock.API) error {
					for {
						out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20})
						if err != nil {
							return fmt.Errorf("receive: %w", err)
						}
						for _, m := range out.Messages {
							if _, err := api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle}); err != nil {
								return err
							}
						}
					}
				})
				assert.Empty(t, c.sentences())
			}, func(o *harness.Options) { o.Backend = b })
		})
	}
}

// FIFO order: the failure says who broke it. First deliveries follow the queue's order, so a
// group first delivered out of the expected order was sent that way; a consumer that deletes a
// group's later message before an earlier one broke it itself.
func TestCheckConsumerSaysWhoBrokeTheOrder(t *testing.T) {
	t.Run("the producer", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("order.fifo", nil)
			h.SendBodies(q, []string{"f-1", "f-0", "f-2"})
			h.CheckConsumer(q, harness.Expect{Bodies: []string{"f-0", "f-1", "f-2"}}, simpleConsumer(q, func(string) error { return nil }))
			assert.Equal(t, []string{`group "g": message #1 of 3 ("f-1", id <id>) was first delivered before message #0 of 3 ("f-0", id <id>), which comes before it in the expected order; ` +
				"a FIFO queue delivers a group in the order it stored the messages, so they were sent in this order: the producer broke the order, not the consumer"}, c.sentences())
		})
	})
	t.Run("the consumer", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("order.fifo", nil)
			sent := []string{"f-0", "f-1", "f-2"}
			h.SendBodies(q, sent)
			h.CheckConsumer(q, harness.Expect{Bodies: sent}, func(ctx context.Context, api sqsmock.API) error {
				for ctx.Err() == nil {
					out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20, MaxNumberOfMessages: 10,
						MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
					if err != nil {
						continue
					}
					for _, m := range slices.Backward(out.Messages) { // handles the batch last first
						_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle})
					}
				}
				return nil
			})
			assert.Equal(t, []string{`group "g": the consumer deleted message #1 of 3 ("f-1", id <id>) at 00:00:00 before message #0 of 3 ("f-0", id <id>) (deleted at 00:00:00), ` +
				"which comes before it in the group and was not dead-lettered: the consumer broke the order"}, c.sentences())
		})
	})
}

// Each way a message can go wrong has its own sentence: a message never sent, one the test did
// not expect, one left in the queue, one lost.
func TestCheckConsumerSentences(t *testing.T) {
	deleteAll := func(url string) func(context.Context, sqsmock.API) error {
		return simpleConsumer(url, func(string) error { return nil })
	}
	t.Run("never sent", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("q", nil)
			h.SendBodies(q, []string{"a", "b"})
			h.CheckConsumer(q, harness.Expect{Bodies: []string{"a", "b", "c"}, Timeout: 5 * time.Minute}, deleteAll(q))
			assert.Equal(t, []string{
				"the consumer's run was not settled within 5m0s; still pending at the end: 1 expected message not delivered yet (#2)",
				`message #2 of 3 ("c") was never delivered to the consumer; it is not in the queue either: was it sent?`,
			}, c.sentences())
		})
	})
	t.Run("many of one kind", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("q", nil)
			h.CheckConsumer(q, harness.Expect{Bodies: harness.Bodies("never", 15), Timeout: time.Minute}, deleteAll(q))
			got := c.sentences()
			require.Len(t, got, 12, "the timeout, ten messages, the count of the rest")
			assert.Equal(t, `message #9 of 15 ("never-9") was never delivered to the consumer; it is not in the queue either: was it sent?`, got[10])
			assert.Equal(t, "and 5 more expected messages were never delivered to the consumer", got[11])
		})
	})
	t.Run("not expected", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("q", nil)
			h.SendBodies(q, []string{"a", "stray"})
			h.CheckConsumer(q, harness.Expect{Bodies: []string{"a"}}, deleteAll(q))
			assert.Equal(t, []string{`message ("stray", id <id>) was received by the consumer, but the test did not send it (it is not among the 1 expected bodies)`}, c.sentences())
		})
	})
	t.Run("left in the queue", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("q", map[string]string{"VisibilityTimeout": "30"})
			h.SendBodies(q, []string{"a", "b"})
			h.CheckConsumer(q, harness.Expect{Bodies: []string{"a", "b"}, Timeout: 125 * time.Second}, simpleConsumer(q, func(b string) error {
				if b == "b" {
					return errors.New("not yet")
				}
				return nil
			}))
			assert.Equal(t, []string{
				"the consumer's run was not settled within 2m5s; still pending at the end: 1 message in the queue (0 visible, 1 in flight, 0 delayed); 1 message received but neither deleted nor in the dead-letter queue",
				`message #1 of 2 ("b", id <id>) is still in the queue at the end (in flight until 00:02:30, receive count 5); the consumer: received 5 times (at 00:00:00, 00:00:30, 00:01:00, 00:01:30, and 1 more), never deleted`,
			}, c.sentences())
		})
	})
	t.Run("lost", func(t *testing.T) {
		inBubble(t, func(c *checked, h *harness.H) {
			q := h.Queue("q", map[string]string{"VisibilityTimeout": "30", "MessageRetentionPeriod": "60"})
			h.SendBodies(q, []string{"a", "b"})
			h.CheckConsumer(q, harness.Expect{Bodies: []string{"a", "b"}, Timeout: 3 * time.Minute}, simpleConsumer(q, func(b string) error {
				if b == "b" {
					return errors.New("never")
				}
				return nil
			}))
			assert.Equal(t, []string{
				`message #1 of 2 ("b", id <id>) was lost: the consumer never deleted it and the queue has no dead-letter queue (received twice (at 00:00:00, 00:00:30), never deleted)`,
			}, c.sentences())
		})
	})
}

// The heartbeat bug: the consumer's heartbeat comes after the visibility timeout, so every
// message is received twice while its first handler still runs, and the slowest goes to the
// dead-letter queue. The trace page lists the failed check first, then every expired visibility
// timeout and the dead-letter move, and counts every message as a problem.
func TestTracePageOfAHeartbeatBug(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SQSHARNESS_TRACE", "")
	inBubble(t, func(c *checked, h *harness.H) {
		c.name = "TestHeartbeat"
		src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "10"}, 2)
		bodies, _ := orders(6)
		h.SendBodies(src, bodies)
		h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, func(ctx context.Context, api sqsmock.API) error {
			var wg sync.WaitGroup
			defer wg.Wait()
			for ctx.Err() == nil {
				out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
				if err != nil {
					continue
				}
				for _, m := range out.Messages {
					wg.Go(func() {
						work := 15 * time.Second
						if keyOf(aws.ToString(m.Body)) == "o-5" {
							work = 25 * time.Second
						}
						// The bug: the first heartbeat is due after 21 s, past the visibility timeout.
						hb := time.AfterFunc(21*time.Second, func() {
							_, _ = api.ChangeMessageVisibility(context.WithoutCancel(ctx), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(src),
								ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10})
						})
						time.Sleep(work)
						hb.Stop()
						_, _ = api.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(src), ReceiptHandle: m.ReceiptHandle})
					})
				}
			}
			return nil
		})
		assert.Equal(t, []string{`message #5 of 6 ("{\"id\":\"o-5\"}", id <id>) was deleted by the consumer at 00:00:25 but then found in the dead-letter queue after 2 receives`}, c.sentences())
		c.endTest()
	}, func(o *harness.Options) { o.TraceDir = dir })

	m := pageData(t, filepath.Join(dir, "TestHeartbeat.html"))
	counts := m["counts"].(map[string]any)
	assert.Equal(t, float64(6), counts["messages"])
	assert.Equal(t, float64(6), counts["redelivered"], "every message received again after its visibility timeout expired")
	assert.Equal(t, float64(1), counts["deadLettered"])
	problems := 0
	for _, l := range m["lanes"].([]any) {
		if l.(map[string]any)["problem"] == true {
			problems++
		}
	}
	assert.Equal(t, 6, problems, "never 0 with a problem")
	var kinds []string
	for _, f := range m["findings"].([]any) {
		kinds = append(kinds, f.(map[string]any)["kind"].(string))
	}
	require.NotEmpty(t, kinds)
	assert.Equal(t, "failure", kinds[0], "the failed check comes first")
	assert.Contains(t, m["findings"].([]any)[0].(map[string]any)["text"], "dead-letter queue")
	assert.Equal(t, 6, countOf(kinds, "redelivered"))
	assert.Equal(t, 1, countOf(kinds, "dead-lettered"))
	assert.Contains(t, m["findings"].([]any)[1].(map[string]any)["text"], "visibility timeout expired while it was in flight")
}

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// planClock is a fault plan's clock that the test moves.
type planClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *planClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *planClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// On a real backend the plan's client placement holds the duplicates it scheduled: the run
// settles only once they have been delivered too. (The backend is the mock's server taken for
// ElasticMQ; the duplicate's 45 s are on the plan's clock, which the test moves once the
// consumer has deleted the message.)
func TestCheckConsumerWaitsForTheClientPlacementsDuplicates(t *testing.T) {
	srv := sqsmock.NewServer(t)
	clock := &planClock{now: time.Now()}
	plan := newPlan(t, 1, faults.DuplicateDelivery(45*time.Second).Named("dup").Times(1))
	(*faultplan.Plan)(plan).SetClock(clock)
	h := harness.New(t, func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = srv.URL }, func(o *harness.Options) { o.Faults = plan })
	q := h.Queue("late", nil)
	h.Send(q, "x")
	var once sync.Once
	rep := h.CheckConsumer(q, harness.Expect{Bodies: []string{"x"}}, func(ctx context.Context, api sqsmock.API) error {
		for ctx.Err() == nil {
			out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 1})
			if err != nil {
				continue
			}
			for _, m := range out.Messages {
				_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle})
				once.Do(func() { clock.Advance(45 * time.Second) }) // the duplicate is due
			}
		}
		return nil
	})
	assert.Equal(t, 2, rep.Deliveries["x"], "the held duplicate was delivered before the run settled")
}

// On a FIFO queue the consumer's client asks for MessageGroupId too (CheckConsumer tells the
// groups apart by it), and the consumer still gets exactly the attributes it asked for.
func TestCheckConsumerGivesTheAttributesAskedFor(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "server"} {
		t.Run(string(b), func(t *testing.T) {
			harness.Test(t, func(t *testing.T, h *harness.H) {
				q := h.Queue("attrs.fifo", map[string]string{"VisibilityTimeout": "30"})
				h.SendBodies(q, []string{"a", "b"})
				var got []map[string]string
				h.CheckConsumer(q, harness.Expect{Bodies: []string{"a", "b"}}, func(ctx context.Context, api sqsmock.API) error {
					for i := 0; ctx.Err() == nil; i++ {
						in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20}
						if i == 1 {
							in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}
						}
						out, err := api.ReceiveMessage(ctx, in)
						if err != nil {
							continue
						}
						for _, m := range out.Messages {
							got = append(got, m.Attributes)
							_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle})
						}
					}
					return nil
				})
				require.Len(t, got, 2)
				assert.Empty(t, got[0], "none asked for")
				assert.Equal(t, map[string]string{"ApproximateReceiveCount": "1"}, got[1])
			}, func(o *harness.Options) { o.Backend = b })
		})
	}
}

// newPlan is faults.NewPlan that fails the test on an invalid rule.
func newPlan(t *testing.T, seed uint64, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(seed, rules...)
	require.NoError(t, err)
	return p
}

// A consumer that polls without ever waiting is named in a sentence, and the run ends instead of
// hanging: from then on its empty receives take a second of the bubble's time each.
func TestCheckConsumerReportsAPollingLoop(t *testing.T) {
	inBubble(t, func(c *checked, h *harness.H) {
		q := h.Queue("busy", nil)
		bodies := h.SendBodies(q, harness.Bodies("msg", 2))
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			for ctx.Err() == nil {
				out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)}) // WaitTimeSeconds 0, no pause
				if err != nil || len(out.Messages) == 0 {
					continue
				}
				if aws.ToString(out.Messages[0].Body) == "msg-0" { // handles msg-1 only
					continue
				}
				_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: out.Messages[0].ReceiptHandle})
			}
			return nil
		})
		got := c.sentences()
		require.NotEmpty(t, got)
		assert.Contains(t, got[0], "the consumer called ReceiveMessage 1000 times in a row at 00:00:00 without the clock moving, each answering no messages")
	})
}
