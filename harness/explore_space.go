package harness

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// The fault space Explore draws its plans from. Every family is a way SQS (or the network to
// it) misbehaves in production, with rates, counts and timing drawn from the run's seed. Each
// rule of the space is bounded, in count (Times) or in time (a window that closes within a few
// minutes), or it only ever acts on a consumer's own mistake (a stale receipt handle): once its
// faults have passed, SQS behaves again, so a correct at-least-once consumer always makes
// progress and settles. A rule that could fire forever on the calls a correct consumer must
// make (100% lost deletes, false-empty receives with no end) is not in the space.

// family is one kind of misbehaviour: how to draw a rule of it, and its probe (the rule the
// first runs try alone, at a setting likely to show what it exposes).
type family struct {
	name  string
	kinds []faultplan.Kind // the kinds its rules use, for Options.FaultKinds
	draw  func(r *rand.Rand) faultplan.Rule
	probe func(r *rand.Rand) []faultplan.Rule
}

// The operations a consumer or producer makes, which the space aims its call-level faults at.
var (
	consumerOps = []string{"ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
		"ChangeMessageVisibilityBatch", "SendMessage", "SendMessageBatch", "GetQueueAttributes"}
	sendOps  = []string{"SendMessage", "SendMessageBatch"}
	batchOps = []string{"SendMessageBatch", "DeleteMessageBatch", "ChangeMessageVisibilityBatch"}
)

// ops draws where a call-level rule acts: one operation most of the time, every operation
// sometimes (nil).
func ops(r *rand.Rand) []string {
	if r.IntN(4) == 0 {
		return nil
	}
	return []string{pick(r, consumerOps)}
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

// between draws a duration in [lo, hi], rounded to a millisecond.
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	d := lo + time.Duration(r.Int64N(int64(hi-lo)+1))
	return d.Round(time.Millisecond)
}

// chance draws a probability in [lo, hi], rounded to two decimals.
func chance(r *rand.Rand, lo, hi float64) float64 {
	p := lo + r.Float64()*(hi-lo)
	return float64(int(p*100+0.5)) / 100
}

// window bounds a rule in time: it starts within the first minute and ends at most three
// minutes later.
func window(r *rand.Rand, rule *faultplan.Rule) {
	rule.From = between(r, 0, time.Minute).Round(time.Second)
	rule.Until = rule.From + between(r, 30*time.Second, 3*time.Minute).Round(time.Second)
}

// burst is a rule that fails Times consecutive matching calls after the first After.
func burst(r *rand.Rand, rule faultplan.Rule, maxTimes int) faultplan.Rule {
	rule.Probability = 1
	rule.After = r.IntN(30)
	rule.Times = 1 + r.IntN(maxTimes)
	return rule
}

var throttleCodes = []string{"RequestThrottled", "ThrottlingException"}
var serverCodes = []string{"InternalError", "ServiceUnavailable"}

// families is the fault space, in the order its probes run.
var families = []family{
	{
		name: "throttling", kinds: []faultplan.Kind{faultplan.Error},
		// Bursts of throttling, often longer than the SDK's three attempts, so the consumer's
		// own error handling is reached.
		draw: func(r *rand.Rand) faultplan.Rule {
			return burst(r, faultplan.Rule{Kind: faultplan.Error, ErrorCode: pick(r, throttleCodes), Operations: ops(r)}, 12)
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.Error, ErrorCode: "RequestThrottled", Probability: 1, After: r.IntN(3), Times: 12}}
		},
	},
	{
		name: "rate limit", kinds: []faultplan.Kind{faultplan.Throttle},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := faultplan.Rule{Kind: faultplan.Throttle, Rate: chance(r, 0.2, 5), Burst: 1 + r.IntN(5), Operations: ops(r), Probability: 1}
			window(r, &rule)
			return rule
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.Throttle, Rate: 0.5, Burst: 2, Probability: 1, Until: 2 * time.Minute}}
		},
	},
	{
		name: "server errors", kinds: []faultplan.Kind{faultplan.Error},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := faultplan.Rule{Kind: faultplan.Error, ErrorCode: pick(r, serverCodes), Operations: ops(r)}
			if r.IntN(2) == 0 {
				return burst(r, rule, 10)
			}
			rule.Probability = chance(r, 0.05, 0.5)
			window(r, &rule)
			return rule
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 1, After: 3 + r.IntN(5), Times: 10}}
		},
	},
	{
		name: "KMS throttling", kinds: []faultplan.Kind{faultplan.Error},
		// KMS throttling on an SSE-KMS queue: a 400 the SDK does not retry.
		draw: func(r *rand.Rand) faultplan.Rule {
			return burst(r, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "KMS.ThrottlingException", Operations: []string{pick(r, []string{"ReceiveMessage", "SendMessage", "SendMessageBatch"})}}, 4)
		},
	},
	{
		name: "latency", kinds: []faultplan.Kind{faultplan.Latency},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := faultplan.Rule{Kind: faultplan.Latency, Operations: ops(r)}
			if r.IntN(3) == 0 { // a few very slow calls
				rule.Latency, rule.Probability, rule.Times = between(r, 5*time.Second, 20*time.Second), 1, 1+r.IntN(3)
				rule.After = r.IntN(20)
				return rule
			}
			rule.Latency = between(r, 50*time.Millisecond, 3*time.Second)
			rule.Jitter = rule.Latency / 2
			rule.Probability = chance(r, 0.1, 1)
			window(r, &rule)
			return rule
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.Latency, Latency: 2 * time.Second, Jitter: time.Second, Probability: 1, Until: 3 * time.Minute}}
		},
	},
	{
		name: "connection reset before apply", kinds: []faultplan.Kind{faultplan.ResetBeforeApply},
		draw: func(r *rand.Rand) faultplan.Rule {
			return burst(r, faultplan.Rule{Kind: faultplan.ResetBeforeApply, Operations: ops(r)}, 8)
		},
	},
	{
		name: "connection reset after apply", kinds: []faultplan.Kind{faultplan.ResetAfterApply},
		// The request was applied and the answer lost: a retried send stores the message twice,
		// a retried receive leaves the first receive's messages in flight, unseen.
		draw: func(r *rand.Rand) faultplan.Rule {
			return burst(r, faultplan.Rule{Kind: faultplan.ResetAfterApply, Operations: ops(r)}, 6)
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{
				{Kind: faultplan.ResetAfterApply, Operations: sendOps, Probability: 1, Times: 4},
				{Kind: faultplan.ResetAfterApply, Operations: []string{"ReceiveMessage"}, Probability: 1, After: r.IntN(4), Times: 2},
			}
		},
	},
	{
		name: "timeouts", kinds: []faultplan.Kind{faultplan.Timeout},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := burst(r, faultplan.Rule{Kind: faultplan.Timeout, Operations: ops(r), Applied: r.IntN(2) == 0}, 4)
			rule.Latency = between(r, time.Second, 10*time.Second)
			return rule
		},
	},
	{
		name: "duplicate delivery", kinds: []faultplan.Kind{faultplan.DuplicateDelivery},
		// Standard queues deliver at least once: the same message again, soon (while the first
		// copy is still being worked on) or late (after it was deleted).
		draw: func(r *rand.Rand) faultplan.Rule {
			return faultplan.Rule{Kind: faultplan.DuplicateDelivery, Probability: chance(r, 0.1, 0.6),
				Delay: between(r, 0, time.Minute).Round(time.Second), Times: 1 + r.IntN(10)}
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.DuplicateDelivery, Probability: 0.5, Delay: between(r, 0, 45*time.Second).Round(time.Second), Times: 10}}
		},
	},
	{
		name: "delayed visibility", kinds: []faultplan.Kind{faultplan.DelayedVisibility},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := faultplan.Rule{Kind: faultplan.DelayedVisibility, Probability: chance(r, 0.2, 1),
				Delay: between(r, time.Second, 2*time.Minute).Round(time.Second), Times: 1 + r.IntN(10)}
			if r.IntN(3) == 0 {
				rule.Operations = []string{"ReceiveMessage"} // a visibility timeout that runs late
			}
			return rule
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.DelayedVisibility, Probability: 0.5, Delay: time.Minute, Times: 5}}
		},
	},
	{
		name: "false-empty receives", kinds: []faultplan.Kind{faultplan.FalseEmpty},
		draw: func(r *rand.Rand) faultplan.Rule {
			rule := faultplan.Rule{Kind: faultplan.FalseEmpty, Probability: chance(r, 0.2, 1)}
			if r.IntN(2) == 0 {
				rule.Times = 1 + r.IntN(20)
			} else {
				window(r, &rule)
			}
			return rule
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.FalseEmpty, Probability: 1, Times: 10}}
		},
	},
	{
		name: "reordering", kinds: []faultplan.Kind{faultplan.Reorder},
		draw: func(r *rand.Rand) faultplan.Rule {
			return faultplan.Rule{Kind: faultplan.Reorder, Probability: chance(r, 0.5, 1)}
		},
	},
	{
		name: "lost deletes", kinds: []faultplan.Kind{faultplan.LostDelete},
		draw: func(r *rand.Rand) faultplan.Rule {
			return faultplan.Rule{Kind: faultplan.LostDelete, Probability: chance(r, 0.3, 1), After: r.IntN(10), Times: 1 + r.IntN(3)}
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.LostDelete, Probability: 1, After: r.IntN(3), Times: 2}}
		},
	},
	{
		name: "stale-handle deletes", kinds: []faultplan.Kind{faultplan.StaleHandleDelete},
		// A delete with a receipt handle a later receive superseded succeeds without deleting,
		// as AWS documents it may: it acts only on a consumer that deletes with an old handle.
		draw: func(r *rand.Rand) faultplan.Rule {
			return faultplan.Rule{Kind: faultplan.StaleHandleDelete, Probability: 1}
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.StaleHandleDelete, Probability: 1},
				{Kind: faultplan.DuplicateDelivery, Probability: 0.5, Delay: between(r, 0, 20*time.Second).Round(time.Second), Times: 10}}
		},
	},
	{
		name: "partial batch failures", kinds: []faultplan.Kind{faultplan.PartialBatchFailure},
		draw: func(r *rand.Rand) faultplan.Rule {
			return faultplan.Rule{Kind: faultplan.PartialBatchFailure, Operations: []string{pick(r, batchOps)},
				ErrorCode: pick(r, []string{"InternalError", "ServiceUnavailable"}), Probability: chance(r, 0.1, 0.5), Times: 1 + r.IntN(10)}
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.PartialBatchFailure, Probability: 0.3, Times: 10}}
		},
	},
}

// snsFamilies are SNS's ways, for a body that publishes to a topic the mock's queues subscribe
// to (a body that does not never meets them: their rules name SNS's operations only).
var snsFamilies = []family{
	{
		name: "SNS duplicate and late deliveries", kinds: []faultplan.Kind{faultplan.DuplicateDelivery, faultplan.DelayedVisibility},
		// A standard topic delivers at least once: the same notification (one SNS MessageId) twice
		// to a queue, or to one queue long after the others.
		draw: func(r *rand.Rand) faultplan.Rule {
			if r.IntN(2) == 0 {
				return faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: publishOps, Probability: chance(r, 0.2, 1),
					Delay: between(r, time.Second, 2*time.Minute).Round(time.Second), Times: 1 + r.IntN(10)}
			}
			return faultplan.Rule{Kind: faultplan.DuplicateDelivery, Operations: publishOps, Probability: chance(r, 0.1, 0.6),
				Delay: between(r, 0, time.Minute).Round(time.Second), Times: 1 + r.IntN(10)}
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.DuplicateDelivery, Operations: publishOps, Probability: 0.5,
				Delay: between(r, 0, 45*time.Second).Round(time.Second), Times: 10}}
		},
	},
	{
		name: "SNS publish retries", kinds: []faultplan.Kind{faultplan.ResetAfterApply, faultplan.Error},
		// A publish applied and its answer lost: the SDK publishes again, and every queue gets
		// the message twice, as two SNS messages (two MessageIds). Or throttling and server
		// errors beyond the SDK's attempts, which reach the producer's own error handling.
		draw: func(r *rand.Rand) faultplan.Rule {
			if r.IntN(2) == 0 {
				return burst(r, faultplan.Rule{Kind: faultplan.ResetAfterApply, Operations: publishOps}, 4)
			}
			return burst(r, faultplan.Rule{Kind: faultplan.Error, ErrorCode: pick(r, []string{"Throttling", "InternalError"}), Operations: publishOps}, 6)
		},
		probe: func(r *rand.Rand) []faultplan.Rule {
			return []faultplan.Rule{{Kind: faultplan.ResetAfterApply, Operations: publishOps, Probability: 1, After: r.IntN(3), Times: 3}}
		},
	},
}

// publishOps are the SNS operations that publish.
var publishOps = []string{"Publish", "PublishBatch"}

// space is the set of families a search draws from (Options.FaultKinds narrows it).
type space struct {
	families []family
}

// newSpace is the space of the families whose kinds are all in kinds (every family when kinds
// is empty).
func newSpace(kinds []faultplan.Kind) space {
	all := slices.Concat(families, snsFamilies)
	if len(kinds) == 0 {
		return space{families: all}
	}
	var s space
	for _, f := range all {
		ok := true
		for _, k := range f.kinds {
			ok = ok && slices.Contains(kinds, k)
		}
		if ok {
			s.families = append(s.families, f)
		}
	}
	return s
}

// probes is how many of the first runs try one family alone.
func (s space) probes() int {
	n := 0
	for _, f := range s.families {
		if f.probe != nil {
			n++
		}
	}
	return n
}

// plan draws run i's rules (i ≥ 1) from the base seed. The first runs are the probes, one
// family each; later runs mix one to three families with their parameters drawn at random.
// Rule names say the family and the rule's place in the plan.
func (s space) plan(base uint64, i int) []faultplan.Rule {
	r := rand.New(rand.NewPCG(base, uint64(i)))
	var rules []faultplan.Rule
	if i <= s.probes() {
		n := 0
		for _, f := range s.families {
			if f.probe == nil {
				continue
			}
			if n++; n == i {
				rules = f.probe(r)
				break
			}
		}
	} else if len(s.families) > 0 {
		k := 1 + r.IntN(3)
		for range k {
			rules = append(rules, pick(r, s.families).draw(r))
		}
	}
	for j := range rules {
		rules[j].Name = fmt.Sprintf("%s-%d", rules[j].Kind, j+1)
	}
	return rules
}
