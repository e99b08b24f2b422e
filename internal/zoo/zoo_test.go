package zoo

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/childtest"
)

// childEnv is set in the child process childtest.Run starts for a buggy variant's test: only
// there does the test run the scenario, which fails.
const childEnv = "SQSHARNESS_ZOO_CHILD"

// plan is a fault plan of rules with seed 1.
func plan(t *testing.T, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(1, rules...)
	require.NoError(t, err)
	return p
}

// run runs scenario under the plan (nil: no faults) on the mock, in a synctest bubble.
func run(t *testing.T, scenario func(t *testing.T, h *harness.H), p *faults.Plan) {
	t.Helper()
	var opts []func(*harness.Options)
	if p != nil {
		opts = append(opts, func(o *harness.Options) { o.Faults = p })
	}
	harness.Test(t, scenario, append(opts, func(o *harness.Options) { o.Backend = "mock" })...)
	if p != nil && len(p.Rules()) > 0 {
		assert.NotEmpty(t, p.Injections(), "the plan injected faults")
	}
}

// fails asserts that the calling test fails when it runs the buggy scenario under the plan the
// rules make, with output matching want. The scenario runs in a child process (childtest.Run);
// the parent only checks its outcome.
func fails(t *testing.T, want string, scenario func(t *testing.T, h *harness.H), rules ...faults.Rule) {
	t.Helper()
	if os.Getenv(childEnv) != "" {
		run(t, scenario, plan(t, rules...))
		return
	}
	out, failed := childtest.Run(t, t.Name(), childEnv+"=1")
	require.True(t, failed, "the buggy variant fails under the plan:\n%s", out)
	assert.Regexp(t, want, out)
}

// survives runs the correct scenario with no faults, under each plan the rules make, and under
// mixed, a plan of every fault kind.
func survives(t *testing.T, scenario func(t *testing.T, h *harness.H), exposing map[string][]faults.Rule) {
	t.Run("no faults", func(t *testing.T) { run(t, scenario, nil) })
	for name, rules := range exposing {
		t.Run(name, func(t *testing.T) { run(t, scenario, plan(t, rules...)) })
	}
	t.Run("mixed", func(t *testing.T) { run(t, scenario, plan(t, mixed()...)) })
}

// mixed is a plan of every fault kind, each bounded in time or count, as a correct consumer
// must survive it: throttling (a token bucket, and a 15-second burst the SDK's three attempts
// do not absorb), server errors, latency, resets before and after the server applied a call,
// client timeouts, lost deletes, duplicate deliveries (soon and a minute later), delayed
// visibility, false-empty receives, reordering, partial batch failures, and deletes with a stale
// receipt handle that SQS ignores (all of them: AWS documents it may).
func mixed() []faults.Rule {
	return []faults.Rule{
		faults.Throttle(2, 4).Named("rate").Window(0, 5*time.Minute),
		faults.Error("RequestThrottled").Named("throttle-burst").Window(40*time.Second, 55*time.Second),
		faults.Error("InternalError").Named("5xx").Probability(0.05).Window(0, 10*time.Minute),
		faults.Latency(2*time.Second, time.Second).Named("slow").Probability(0.2).Window(0, 10*time.Minute),
		faults.ResetBeforeApply().Named("reset-before").Probability(0.05).Times(5),
		faults.ResetAfterApply().Named("reset-after").Probability(0.05).Times(5),
		faults.Timeout(3 * time.Second).Named("timeout").Probability(0.02).Times(3).With(faults.Details{Applied: true}),
		faults.LostDelete().Named("lost-delete").Probability(0.2).Times(3),
		faults.DuplicateDelivery(time.Second).Named("duplicate").Probability(0.1).Times(3),
		faults.DuplicateDelivery(time.Minute).Named("late-duplicate").Probability(0.1).Times(2),
		faults.DelayedVisibility(45 * time.Second).Named("delayed-send").Probability(0.1).Times(3),
		faults.DelayedVisibility(10 * time.Second).Named("delayed-return").On("ReceiveMessage").Probability(0.1).Times(3),
		faults.FalseEmpty().Named("false-empty").Probability(0.2).Times(5),
		faults.Reorder().Named("reorder").Probability(0.5),
		faults.PartialBatchFailure().Named("partial").Probability(0.1).Times(3),
		faults.StaleHandleDelete().Named("stale-handle"),
	}
}

// Every case's correct variant survives the mixed plan under several seeds, and its buggy
// variant passes without faults: the bug is invisible until a fault exposes it.
func TestCases(t *testing.T) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Run("buggy without faults", func(t *testing.T) { run(t, c.Scenario(true), nil) })
			for _, seed := range []uint64{2, 3} {
				t.Run(fmt.Sprint("correct mixed seed ", seed), func(t *testing.T) {
					p, err := faults.NewPlan(seed, mixed()...)
					require.NoError(t, err)
					run(t, c.Scenario(false), p)
				})
			}
		})
	}
}
