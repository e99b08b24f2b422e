package faults

import (
	"maps"
	"slices"
	"time"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// Rule is one fault: what it does (its constructor: Error, Throttle, Latency, ...), what it
// matches and when it fires (the builders, each returning a changed copy). A new rule fires on
// every match of its kind's usual operations, on any queue. NewPlan and Plan.Add check it.
type Rule struct{ r faultplan.Rule }

func unwrapRules(rules []Rule) []faultplan.Rule {
	out := make([]faultplan.Rule, len(rules))
	for i, r := range rules {
		out[i] = r.r
	}
	return out
}

func newRule(k faultplan.Kind) Rule { return Rule{r: faultplan.Rule{Kind: k, Probability: 1}} }

// Error fails the call with the SQS error code (legacy code or JSON shape, e.g.
// "RequestThrottled", "OverLimit", "KmsThrottled", "InternalError"), with SQS's status and fault;
// on SNS's operations, SNS's code ("Throttling", "Throttled", "InternalError", ...).
func Error(code string) Rule {
	r := newRule(faultplan.Error)
	r.r.ErrorCode = code
	return r
}

// Throttle is a token bucket of rate calls per second and burst (0 means 1): calls above it
// fail with RequestThrottled, SNS's calls with Throttling (another code: With(Details{ErrorCode: ...})).
func Throttle(rate float64, burst int) Rule {
	r := newRule(faultplan.Throttle)
	r.r.Rate, r.r.Burst = rate, burst
	return r
}

// Latency delays the call by d, spread uniformly by ±jitter (a normal spread:
// With(Details{Distribution: "normal"})). In the mock it waits on the mock's clock.
func Latency(d, jitter time.Duration) Rule {
	r := newRule(faultplan.Latency)
	r.r.Latency, r.r.Jitter = d, jitter
	return r
}

// ResetBeforeApply resets the connection before the request reaches the server: nothing is
// applied, and the client sees a retryable connection error.
func ResetBeforeApply() Rule { return newRule(faultplan.ResetBeforeApply) }

// ResetAfterApply lets the server apply the request, then resets the connection before the
// response is read: a retrying client applies it again.
func ResetAfterApply() Rule { return newRule(faultplan.ResetAfterApply) }

// Timeout makes the attempt time out on the client after the given time, with nothing applied
// (applied first: With(Details{Applied: true})).
func Timeout(after time.Duration) Rule {
	r := newRule(faultplan.Timeout)
	r.r.Latency = after
	return r
}

// DuplicateDelivery delivers a received message once more to a later receive, delay after it
// was first delivered. Standard queues only. On("Publish"): SNS delivers a notification to a
// queue twice, the copy delay later (standard topics only).
func DuplicateDelivery(delay time.Duration) Rule {
	r := newRule(faultplan.DuplicateDelivery)
	r.r.Delay = delay
	return r
}

// DelayedVisibility makes a message visible d later than it should be: a sent message, a
// received one whose visibility expires, or (in the mock) a visibility change; On("Publish"):
// an SNS delivery to a queue.
func DelayedVisibility(d time.Duration) Rule {
	r := newRule(faultplan.DelayedVisibility)
	r.r.Delay = d
	return r
}

// FalseEmpty makes a ReceiveMessage return no messages although some are available; a long
// poll answers after its wait time.
func FalseEmpty() Rule { return newRule(faultplan.FalseEmpty) }

// Reorder shuffles the messages a ReceiveMessage returns. Standard queues only.
func Reorder() Rule { return newRule(faultplan.Reorder) }

// LostDelete makes a delete (or a batch entry) report success without deleting: the message
// comes back when its visibility timeout expires.
func LostDelete() Rule { return newRule(faultplan.LostDelete) }

// StaleHandleDelete makes a delete whose receipt handle is not the latest one issued for its
// message report success without deleting, as AWS documents it may. Standard queues only.
func StaleHandleDelete() Rule { return newRule(faultplan.StaleHandleDelete) }

// PartialBatchFailure fails entries of a batch (each with the rule's probability) with
// InternalError (another code: With(Details{ErrorCode: ...})); they are not applied.
func PartialBatchFailure() Rule { return newRule(faultplan.PartialBatchFailure) }

// On restricts the rule to these operations, by SDK name ("SendMessage", or SNS's "Publish");
// none: the kind's usual ones, which are SQS's.
func (r Rule) On(ops ...string) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.Operations = slices.Clone(ops)
	return r
}

// OnQueue restricts the rule to queues matching pattern, a name or URL, exact or a glob (*
// any run of characters, ? one), tried against both the URL and the name. On SNS's operations
// it matches the topic (ARN or name), on a delivery the queue it goes to.
func (r Rule) OnQueue(pattern string) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.Queue = pattern
	return r
}

// Times lets the rule fire at most n times (0: no limit).
func (r Rule) Times(n int) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.Times = n
	return r
}

// After lets the first n matches pass before the rule may fire.
func (r Rule) After(n int) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.After = n
	return r
}

// Probability makes the rule fire with chance p per match (per entry for message-level kinds),
// p in (0, 1].
func (r Rule) Probability(p float64) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.Probability = p
	return r
}

// Window lets the rule fire only in [from, until) from the plan's start, on the plan's clock
// (until 0: no end).
func (r Rule) Window(from, until time.Duration) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.From, r.r.Until = from, until
	return r
}

// Named names the rule, uniquely in its plan; injections carry the name. Unnamed rules are
// called "<kind>#<n>".
func (r Rule) Named(name string) Rule {
	r.r = faultplan.CloneRule(r.r)
	r.r.Name = name
	return r
}

// Details are a rule's less common settings, set by Rule.With; a zero field leaves the rule's
// setting as it is. Each applies to the kinds its comment names; NewPlan rejects the others.
type Details struct {
	QueueRegexp  string            // any kind: a regular expression the queue URL or name must match
	BodyContains string            // a substring the message body must contain (see the package doc)
	BodyRegexp   string            // a regular expression the message body must match
	Attributes   map[string]string // message attribute values the message must have (Binary as base64)
	EntryIDs     []string          // message-level kinds: only these batch entry ids
	ErrorCode    string            // Throttle, PartialBatchFailure: the SQS error code instead of the default
	ErrorMessage string            // Error, Throttle, PartialBatchFailure: the message instead of SQS's
	Distribution string            // Latency: "fixed", "uniform" (the default with jitter) or "normal"
	Applied      bool              // Timeout: the server applied the request before the client gave up
}

// With sets the non-zero fields of d on the rule.
func (r Rule) With(d Details) Rule {
	c := faultplan.CloneRule(r.r)
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.QueueRegexp, d.QueueRegexp)
	set(&c.ErrorCode, d.ErrorCode)
	set(&c.ErrorMessage, d.ErrorMessage)
	if d.Distribution != "" {
		c.Distribution = faultplan.Distribution(d.Distribution)
	}
	if d.EntryIDs != nil {
		c.EntryIDs = slices.Clone(d.EntryIDs)
	}
	c.Applied = c.Applied || d.Applied
	if d.BodyContains != "" || d.BodyRegexp != "" || d.Attributes != nil {
		if c.Message == nil {
			c.Message = &faultplan.MessagePredicate{}
		}
		set(&c.Message.BodyContains, d.BodyContains)
		set(&c.Message.BodyRegexp, d.BodyRegexp)
		if d.Attributes != nil {
			c.Message.Attributes = maps.Clone(d.Attributes)
		}
	}
	r.r = c
	return r
}

// String is the rule as one line of JSON with the keys of the plan file.
func (r Rule) String() string { return r.r.String() }
