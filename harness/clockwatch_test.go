package harness_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
)

// On harness.New (the manual clock) a call that waits on the mock's clock while nothing moves it
// fails the test with an explanation, and returns, instead of hanging until go test's -timeout:
// a long poll, on the in-process mock and behind its server, and a call the fault plan delays.
func TestACallWaitingOnTheManualClockFailsFast(t *testing.T) {
	cases := []struct {
		name string
		opts []func(*harness.Options)
		call func(h *harness.H, q string) error
		want []string
	}{
		{"long poll", []func(*harness.Options){func(o *harness.Options) { o.Backend = "mock" }}, longPoll,
			[]string{"a ReceiveMessage long poll has waited", "for the mock's manual clock to move 20s"}},
		{"long poll behind the server", []func(*harness.Options){func(o *harness.Options) { o.Backend = "server" }}, longPoll,
			[]string{"a ReceiveMessage long poll has waited", "for the mock's manual clock to move 20s"}},
		{"latency", []func(*harness.Options){func(o *harness.Options) { o.Backend = "mock" }, func(o *harness.Options) {
			o.Faults = mustPlan(t, 1,
				faults.Latency(3*time.Second, 0).Named("slow").On("SendMessage"))
		}},
			func(h *harness.H, q string) error {
				_, err := h.Client().SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
				return err
			},
			[]string{"a SendMessage call delayed by the fault plan has waited", "to move 3s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &reports{TB: t}
			h := harness.New(r, append(c.opts, harness.WithStallAfter(200*time.Millisecond))...)
			q := h.Queue("stuck", nil)
			start := h.Clock().Now()
			done := make(chan error, 1)
			go func() { done <- c.call(h, q) }()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(time.Minute):
				t.Fatal("the call still waits on the manual clock after a minute")
			}
			msg := r.all()
			for _, w := range c.want {
				assert.Contains(t, msg, w)
			}
			assert.Contains(t, msg, "Run the test body in harness.Test")
			assert.Contains(t, msg, "move the clock with h.Advance")
			assert.Positive(t, h.Clock().Now().Sub(start), "the harness moved the clock to end the call")
		})
	}
}

func longPoll(h *harness.H, q string) error {
	_, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20})
	return err
}

// A test that drives the manual clock is left alone, even with a watch far more impatient than
// the default: CheckConsumer moves the clock while the consumer waits in 20-second long polls, and
// h.Advance ends a long poll the test started.
func TestDrivingTheManualClockIsNoStall(t *testing.T) {
	r := &reports{TB: t}
	h := harness.New(r, harness.WithStallAfter(time.Second))
	src, _ := h.QueueWithDLQ("driven", map[string]string{"VisibilityTimeout": "30"}, 3)
	sent := h.SendBodies(src, harness.Bodies("msg", 5))
	rep := h.CheckConsumer(src, harness.Expect{Bodies: sent, DeadLettered: []string{"msg-2"}},
		simpleConsumer(src, func(body string) error {
			if body == "msg-2" {
				return errors.New("poison")
			}
			return nil
		}))
	assert.Equal(t, 3, rep.Deliveries["msg-2"])

	q := h.Queue("advanced", nil)
	done := make(chan error, 1)
	go func() { done <- longPoll(h, q) }()
	h.WaitForPollers(1)
	h.Advance(20 * time.Second)
	require.NoError(t, <-done)
	assert.Empty(t, r.all(), "nothing reported")
}

const clockTrapChild = "SQSHARNESS_CLOCK_TRAP_CHILD"

// TestClockTrapChild is a newcomer's test that waits for a consumer long-polling on harness.New's
// manual clock, which nothing moves: run by TestClockTrapFailsFast in a child process. With
// "hangs" the test also waits for a message that never comes.
func TestClockTrapChild(t *testing.T) {
	mode := os.Getenv(clockTrapChild)
	if mode == "" {
		t.Skip("run by TestClockTrapFailsFast in a child process")
	}
	var opts []func(*harness.Options)
	if mode == "hangs" {
		opts = append(opts, harness.WithStallAfter(500*time.Millisecond))
	}
	h := harness.New(t, opts...)
	q := h.Queue("orders", nil)
	h.SendBodies(q, harness.Bodies("msg", 2))
	handled := make(chan int)
	go func() { // the consumer: handles what comes, and stops once a long poll comes back empty
		n := 0
		for {
			out, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
			if err != nil || len(out.Messages) == 0 && mode != "hangs" {
				break
			}
			for _, m := range out.Messages {
				if _, err := h.Client().DeleteMessage(h.Ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m.ReceiptHandle}); err == nil {
					n++
				}
			}
		}
		handled <- n
	}()
	assert.Equal(t, 2, <-handled)
}

// The newcomer's test fails within seconds, saying why and what to do, instead of sitting there
// until go test's -timeout; and one that still hangs after that has the explanation printed
// before the -timeout panic, which does not print a running test's errors.
func TestClockTrapFailsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	explained := "a ReceiveMessage long poll has waited %s of real time for the mock's manual clock to move 20s"
	for _, c := range []struct {
		mode, timeout string
		want          []string
		timesOut      bool
	}{
		{"ends", "30s", []string{"--- FAIL: TestClockTrapChild", fmt.Sprintf(explained, "5s"), "Run the test body in harness.Test"}, false},
		{"hangs", "5s", []string{"--- TestClockTrapChild still runs 1s after failing with: harness: " + fmt.Sprintf(explained, "500ms"), "Run the test body in harness.Test"}, true},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestClockTrapChild$", "-test.timeout="+c.timeout)
			cmd.Env = append(os.Environ(), clockTrapChild+"="+c.mode, "SQSHARNESS_BACKEND"+"=mock")
			out, err := cmd.CombinedOutput()
			assert.Error(t, err, "the child's test fails")
			for _, want := range c.want {
				assert.True(t, strings.Contains(string(out), want), "the child's output says %q", want)
			}
			assert.Equal(t, c.timesOut, strings.Contains(string(out), "panic: test timed out"), "the child's test times out")
			if t.Failed() {
				t.Logf("child output:\n%s", out)
			}
		})
	}
}
