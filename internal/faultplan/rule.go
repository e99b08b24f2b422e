package faultplan

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/internal/snserr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// Kind is what a rule does when it fires.
type Kind string

// The fault kinds. Operation-level kinds act on a whole call (one attempt, for the middleware);
// message-level kinds act on one message of it (the message of SendMessage or DeleteMessage, one
// entry of a batch, one message a receive returns). See the package documentation for which
// placement supports which kind.
const (
	// Error fails the call with the SQS error ErrorCode (e.g. "RequestThrottled", "OverLimit",
	// "KmsThrottled", "InternalError", "ServiceUnavailable"), with the status and fault SQS uses.
	Error Kind = "error"
	// Throttle is a token bucket of Rate requests per second and Burst: calls above the rate fail
	// with ErrorCode (default "RequestThrottled").
	Throttle Kind = "throttle"
	// Latency delays the call by Latency, optionally spread by Jitter with Distribution.
	Latency Kind = "latency"
	// ResetBeforeApply resets the connection before the request reaches the server: nothing is
	// applied and the client sees a retryable connection error.
	ResetBeforeApply Kind = "reset-before-apply"
	// ResetAfterApply lets the server apply the request, then resets the connection before the
	// response is read: a retrying client applies it again (a duplicate send).
	ResetAfterApply Kind = "reset-after-apply"
	// Timeout makes the attempt time out on the client after Latency; with Applied the server
	// applied the request first.
	Timeout Kind = "timeout"
	// LostDelete makes DeleteMessage (or a DeleteMessageBatch entry) report success without
	// deleting: the message comes back when its visibility timeout expires.
	LostDelete Kind = "lost-delete"
	// DuplicateDelivery delivers a received message once more to a later receive, Delay after it
	// was first delivered. Standard queues only: it never fires on a FIFO queue, which delivers
	// each message exactly once. On Publish or PublishBatch (engine only): SNS delivers a
	// notification to a queue twice, the copy Delay later; never from a FIFO topic.
	DuplicateDelivery Kind = "duplicate-delivery"
	// DelayedVisibility makes a message visible Delay later than it should be: a sent message
	// (SendMessage, SendMessageBatch), a received message whose visibility expires
	// (ReceiveMessage), a visibility change (ChangeMessageVisibility[Batch], engine only), or an
	// SNS delivery to a queue (Publish, PublishBatch, engine only).
	DelayedVisibility Kind = "delayed-visibility"
	// FalseEmpty makes a ReceiveMessage return no messages although some are available. Like an
	// empty receive, a short poll answers at once and a long poll after its wait time.
	FalseEmpty Kind = "false-empty"
	// Reorder shuffles the messages a ReceiveMessage returns. Standard queues only: it never
	// fires on a FIFO queue, which keeps the order within each message group.
	Reorder Kind = "reorder"
	// PartialBatchFailure fails chosen entries of a batch (EntryIDs, message predicate,
	// Probability per entry) with ErrorCode (default "InternalError"); they are not applied.
	PartialBatchFailure Kind = "partial-batch-failure"
	// StaleHandleDelete makes a DeleteMessage (or a DeleteMessageBatch entry) whose receipt
	// handle is not the latest one issued for its message report success without deleting, as
	// AWS documents it may: the message comes back when its visibility timeout expires. A delete
	// with the latest handle is never affected, nor counted as a match, so a correct consumer
	// never notices the rule. Standard queues only: a FIFO queue rejects a stale handle.
	StaleHandleDelete Kind = "stale-handle-delete"
)

// Kinds lists every kind.
func Kinds() []Kind {
	return []Kind{Error, Throttle, Latency, ResetBeforeApply, ResetAfterApply, Timeout, LostDelete,
		DuplicateDelivery, DelayedVisibility, FalseEmpty, Reorder, PartialBatchFailure, StaleHandleDelete}
}

// MessageLevel reports whether the kind is decided per message (each message of an operation,
// each entry of a batch) rather than once per operation.
func (k Kind) MessageLevel() bool {
	switch k {
	case LostDelete, DuplicateDelivery, DelayedVisibility, PartialBatchFailure, StaleHandleDelete:
		return true
	}
	return false
}

// Distribution is how a Latency rule spreads its delay around Latency.
type Distribution string

// Latency distributions.
const (
	// Fixed always waits Latency (the default when Jitter is 0).
	Fixed Distribution = "fixed"
	// Uniform waits uniformly in [Latency-Jitter, Latency+Jitter] (the default when Jitter > 0).
	Uniform Distribution = "uniform"
	// Normal waits Latency plus a normal deviate with standard deviation Jitter, never below 0.
	Normal Distribution = "normal"
)

// MessagePredicate restricts a rule to messages whose body or attributes match. All set fields
// must hold.
//
// Attributes maps a message attribute's name to the value it must have, compared exactly as a
// string: a String or Number attribute by its StringValue as sent (so "1.50" does not match
// "1.5"), a Binary attribute by the standard base64 encoding, with padding, of its BinaryValue
// (what the AWS JSON protocol and the AWS CLI show; e.g. "AP8=" for the bytes 00 FF). Every
// placement presents attributes the same way, so a rule fires in the engine as in the
// middleware.
type MessagePredicate struct {
	BodyContains string            `json:"bodyContains,omitempty" yaml:"bodyContains,omitempty"`
	BodyRegexp   string            `json:"bodyRegexp,omitempty" yaml:"bodyRegexp,omitempty"`
	Attributes   map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"` // message attribute name → value (Binary as base64)
}

// Rule is one fault: what it matches, when it fires, and what it does.
//
// A rule matches a call when the operation is in Operations (empty: the kind's usual operations,
// see DefaultOperations), the queue matches Queue and QueueRegexp, and the message matches
// Message. Of the matching calls it skips the first After, then fires with Probability, at most
// Times times, and only inside the window [From, Until) measured from the plan's start.
//
// Probability 0 (the zero value) means 1 when Times or a token bucket (Throttle) bounds the rule:
// Rule{Kind: LostDelete, Times: 1} fires on the first match. Otherwise it is rejected by NewPlan,
// SetRules and Add rather than silently firing always or never: a rule that should fire on every
// match says Probability: 1. Plan files (Parse) default an omitted probability to
// 1. Rules returns the probability a rule fires with.
type Rule struct {
	Name string // unique in a plan; recorded with each injection. Empty: "<kind>#<n>".
	Kind Kind

	Operations []string // SDK operation names, e.g. "SendMessage"
	// Queue is a queue name or URL, exact or a glob where * matches any run of characters and ?
	// one character. It is tried against both the URL and the name (the URL's last path segment).
	// On an SNS operation it matches the topic's ARN and name; on an SNS delivery, the queue's.
	Queue       string
	QueueRegexp string            // a regular expression tried against both the URL and the name
	Message     *MessagePredicate // nil: any message, and calls without one

	Probability float64       // chance to fire, per match (per entry for message-level kinds), in (0, 1]; 1: every match; 0: 1 with Times or Throttle
	Times       int           // fire at most this many times; 0: no limit
	After       int           // let the first After matches pass
	From        time.Duration // window start, from the plan's start
	Until       time.Duration // window end, from the plan's start; 0: no end

	ErrorCode    string        // Error, Throttle, PartialBatchFailure: the SQS error code or shape (SNS's code on SNS operations)
	ErrorMessage string        // optional error message; empty takes SQS's wording
	Rate         float64       // Throttle: sustained requests per second
	Burst        int           // Throttle: bucket size; 0 means 1
	Latency      time.Duration // Latency: the delay; Timeout: how long the attempt hangs first
	Jitter       time.Duration // Latency: spread around Latency
	Distribution Distribution  // Latency: Fixed, Uniform or Normal
	Delay        time.Duration // DuplicateDelivery, DelayedVisibility: the extra delay
	Applied      bool          // Timeout: the server applied the request before the client gave up
	EntryIDs     []string      // message-level kinds: only these batch entry ids
}

// The operations of SQS, as the SDK names them.
var operations = []string{
	"AddPermission", "CancelMessageMoveTask", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
	"CreateQueue", "DeleteMessage", "DeleteMessageBatch", "DeleteQueue", "GetQueueAttributes", "GetQueueUrl",
	"ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags", "ListQueues", "PurgeQueue",
	"ReceiveMessage", "RemovePermission", "SendMessage", "SendMessageBatch", "SetQueueAttributes",
	"StartMessageMoveTask", "TagQueue", "UntagQueue",
}

// snsOperations are the operations of the mock's SNS a rule may name (engine placement only).
// A rule names them to apply to SNS: with no operations, a rule applies to SQS's.
var snsOperations = []string{
	"CreateTopic", "DeleteTopic", "GetSubscriptionAttributes", "GetTopicAttributes", "ListSubscriptions",
	"ListSubscriptionsByTopic", "ListTagsForResource", "ListTopics", "Publish", "PublishBatch",
	"SetSubscriptionAttributes", "SetTopicAttributes", "Subscribe", "TagResource", "Unsubscribe", "UntagResource",
}

// SNSOperation reports whether op is an operation of SNS rather than SQS.
func SNSOperation(op string) bool { return slices.Contains(snsOperations, op) }

// deliveryOperations are the SNS operations whose deliveries message-level kinds act on: a
// delivery is one message of the publish, to one subscribed queue.
var deliveryOperations = []string{"Publish", "PublishBatch"}

// DefaultOperations are the operations a rule of kind k applies to when its Operations is empty.
// nil means every operation.
func DefaultOperations(k Kind) []string {
	switch k {
	case LostDelete, StaleHandleDelete:
		return []string{"DeleteMessage", "DeleteMessageBatch"}
	case DuplicateDelivery, FalseEmpty, Reorder:
		return []string{"ReceiveMessage"}
	case DelayedVisibility:
		return []string{"SendMessage", "SendMessageBatch"}
	case PartialBatchFailure:
		return []string{"SendMessageBatch", "DeleteMessageBatch", "ChangeMessageVisibilityBatch"}
	}
	return nil
}

// Placement is where a plan runs.
type Placement string

// Placements.
const (
	// Engine is inside sqsmock: every kind on its operations.
	Engine Placement = "engine"
	// Client is the SDK middleware (faults.WithPlan) on an *sqs.Client, against any backend.
	Client Placement = "client"
)

// allowedOperations is the set a kind may name in a placement; nil means any operation.
func allowedOperations(k Kind, pl Placement) []string {
	switch k {
	case DelayedVisibility:
		if pl == Client {
			return []string{"SendMessage", "SendMessageBatch", "ReceiveMessage"}
		}
		return append([]string{"SendMessage", "SendMessageBatch", "ReceiveMessage", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"},
			deliveryOperations...)
	case DuplicateDelivery:
		if pl == Client {
			return DefaultOperations(k)
		}
		return append(DefaultOperations(k), deliveryOperations...)
	case PartialBatchFailure:
		return append(DefaultOperations(k), "PublishBatch")
	}
	return DefaultOperations(k)
}

// compiled is a rule with its matchers, counters, RNG stream and bucket.
type compiled struct {
	Rule
	ops     map[string]bool // nil: any
	queueRe *regexp.Regexp  // from Queue when it is a glob
	queueRx *regexp.Regexp
	bodyRx  *regexp.Regexp
	entries map[string]bool

	matches, fired int
	rng            *rand.Rand
	tokens         float64
	refilled       time.Time
}

// validate checks a rule for a placement (empty: placement-independent checks only).
func (r *Rule) validate(pl Placement) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("faults: rule %q (%s): %s", r.Name, r.Kind, fmt.Sprintf(format, args...))
	}
	if !slices.Contains(Kinds(), r.Kind) {
		return fail("unknown kind %q", r.Kind)
	}
	if r.Probability == 0 && !r.boundedWithoutProbability() {
		return fail("probability 0 never fires; give a probability in (0, 1] (1: every match)")
	}
	if r.Probability != 0 && !(r.Probability > 0 && r.Probability <= 1) { // also rejects NaN
		return fail("probability %v is not in (0, 1] (1: every match)", r.Probability)
	}
	if r.Times < 0 || r.After < 0 {
		return fail("times and after must not be negative")
	}
	if r.From < 0 || r.Until < 0 || (r.Until > 0 && r.Until <= r.From) {
		return fail("window [%v, %v) is empty or negative", r.From, r.Until)
	}
	if r.Latency < 0 || r.Jitter < 0 || r.Delay < 0 {
		return fail("durations must not be negative")
	}
	for _, op := range r.Operations {
		switch {
		case SNSOperation(op) && pl == Client && (r.Kind == DuplicateDelivery || r.Kind == DelayedVisibility):
			return fail("cannot apply to %s in the client placement: SNS delivers into queues inside SNS, out of a client's reach; only sqsmock duplicates or delays its deliveries", op)
		case !slices.Contains(operations, op) && !SNSOperation(op):
			return fail("unknown operation %q (use SDK names such as SendMessage or Publish)", op)
		}
	}
	if allowed := allowedOperations(r.Kind, pl); allowed != nil {
		for _, op := range r.Operations {
			if !slices.Contains(allowed, op) {
				where := ""
				if pl != "" {
					where = " in the " + string(pl) + " placement"
				}
				return fail("cannot apply to %s%s (supported: %s)", op, where, strings.Join(allowed, ", "))
			}
		}
	}
	switch r.Kind {
	case Error:
		if r.ErrorCode == "" {
			return fail("needs an errorCode")
		}
		if err := r.checkCode(r.ErrorCode); err != "" {
			return fail("%s", err)
		}
	case Throttle:
		if r.Rate <= 0 || r.Burst < 0 {
			return fail("needs rate > 0 and burst >= 0")
		}
		if r.ErrorCode != "" {
			if err := r.checkCode(r.ErrorCode); err != "" {
				return fail("%s", err)
			}
		}
	case PartialBatchFailure:
		if r.ErrorCode != "" {
			if err := r.checkCode(r.ErrorCode); err != "" {
				return fail("%s", err)
			}
		}
	case Latency:
		if r.Latency == 0 && r.Jitter == 0 {
			return fail("needs latency or jitter")
		}
		switch r.Distribution {
		case "", Fixed, Uniform, Normal:
		default:
			return fail("unknown distribution %q", r.Distribution)
		}
	}
	if r.Queue != "" {
		if _, err := globRegexp(r.Queue); err != nil {
			return fail("queue pattern: %v", err)
		}
	}
	if r.QueueRegexp != "" {
		if _, err := regexp.Compile(r.QueueRegexp); err != nil {
			return fail("queueRegexp: %v", err)
		}
	}
	if m := r.Message; m != nil && m.BodyRegexp != "" {
		if _, err := regexp.Compile(m.BodyRegexp); err != nil {
			return fail("message bodyRegexp: %v", err)
		}
	}
	if len(r.EntryIDs) > 0 && !r.Kind.MessageLevel() {
		return fail("entryIds only apply to message-level kinds (lost-delete, duplicate-delivery, delayed-visibility, partial-batch-failure, stale-handle-delete)")
	}
	if r.Message != nil && !r.Kind.MessageLevel() {
		// Operation-level decisions see a message only on single-message operations.
		single := []string{"SendMessage", "DeleteMessage", "ChangeMessageVisibility", "Publish"}
		if pl == Client {
			single = []string{"SendMessage", "Publish"}
		}
		if len(r.Operations) == 0 {
			return fail("has a message predicate, so it must name its operations (%s)", strings.Join(single, ", "))
		}
		for _, op := range r.Operations {
			if !slices.Contains(single, op) {
				return fail("has a message predicate, but %s carries no single message here (use %s)", op, strings.Join(single, ", "))
			}
		}
	}
	if pl == Client && r.Message != nil {
		for _, op := range r.effectiveOperations() {
			if !slices.Contains([]string{"SendMessage", "SendMessageBatch", "ReceiveMessage", "Publish", "PublishBatch"}, op) {
				return fail("has a message predicate but the client placement only sees message bodies and attributes on SendMessage, SendMessageBatch, ReceiveMessage, Publish and PublishBatch; name those operations")
			}
		}
	}
	return nil
}

// boundedWithoutProbability reports whether Times or a token bucket bounds the rule, so that
// Probability 0 means 1.
func (r *Rule) boundedWithoutProbability() bool {
	return r.Times > 0 || r.Kind == Throttle
}

// effectiveOperations is Operations or the kind's defaults; nil means any (all operations).
func (r *Rule) effectiveOperations() []string {
	if len(r.Operations) > 0 {
		return r.Operations
	}
	if d := DefaultOperations(r.Kind); d != nil {
		return d
	}
	return operations
}

// checkCode reports ("" when none) what is wrong with code for the rule's operations: each must
// be an error of the service the operation belongs to, SQS's or SNS's.
func (r *Rule) checkCode(code string) string {
	for _, op := range r.effectiveOperations() {
		if SNSOperation(op) {
			if _, _, ok := snserr.Lookup(code); !ok {
				return fmt.Sprintf("unknown SNS error code %q for %s (known: %s)", code, op, strings.Join(snserr.Codes(), ", "))
			}
		} else if _, ok := sqserr.ByCode(code, ""); !ok {
			return fmt.Sprintf("unknown error code %q (known: %s)", code, strings.Join(ErrorCodes(), ", "))
		}
	}
	return ""
}

// throttleCode is the code a Throttle rule fails op with: its ErrorCode, or the service's own
// (SQS's RequestThrottled, SNS's Throttling).
func (r *Rule) throttleCode(op string) string {
	switch {
	case r.ErrorCode != "":
		return r.ErrorCode
	case SNSOperation(op):
		return "Throttling"
	}
	return "RequestThrottled"
}

// CloneRule copies a rule deeply, so a plan and its callers never share slices or maps.
func CloneRule(r Rule) Rule {
	r.Operations = slices.Clone(r.Operations)
	r.EntryIDs = slices.Clone(r.EntryIDs)
	if r.Message != nil {
		m := *r.Message
		m.Attributes = maps.Clone(m.Attributes)
		r.Message = &m
	}
	return r
}

// compile builds the matchers of a validated rule.
func compile(r Rule) *compiled {
	c := &compiled{Rule: CloneRule(r)}
	if c.Probability == 0 { // bounded by Times or a token bucket: every match
		c.Probability = 1
	}
	if c.Message != nil && c.Message.BodyRegexp != "" {
		c.bodyRx = regexp.MustCompile(c.Message.BodyRegexp)
	}
	if ops := r.Operations; len(ops) > 0 || DefaultOperations(r.Kind) != nil {
		c.ops = map[string]bool{}
		for _, op := range r.effectiveOperations() {
			c.ops[op] = true
		}
	}
	if r.Queue != "" {
		c.queueRe, _ = globRegexp(r.Queue)
	}
	if r.QueueRegexp != "" {
		c.queueRx = regexp.MustCompile(r.QueueRegexp)
	}
	if len(r.EntryIDs) > 0 {
		c.entries = map[string]bool{}
		for _, id := range r.EntryIDs {
			c.entries[id] = true
		}
	}
	return c
}

// appliesTo reports whether the rule acts on op: one of its operations, or, when it names none
// and its kind has no usual ones, any operation of SQS (SNS's are never implied).
func (c *compiled) appliesTo(op string) bool {
	if c.ops == nil {
		return !SNSOperation(op)
	}
	return c.ops[op]
}

// globRegexp turns a glob (* any run, ? one character, everything else literal) into an
// anchored regular expression.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func (c *compiled) matchQueue(url, name string) bool {
	if c.queueRe != nil && !c.queueRe.MatchString(url) && !c.queueRe.MatchString(name) {
		return false
	}
	if c.queueRx != nil && !c.queueRx.MatchString(url) && !c.queueRx.MatchString(name) {
		return false
	}
	return true
}

func (c *compiled) matchMessage(m *Message) bool {
	if c.Kind == StaleHandleDelete && (m == nil || !m.Stale) {
		return false // a delete with the latest receipt handle is not a match
	}
	if c.entries != nil && (m == nil || !c.entries[m.EntryID]) {
		return false
	}
	p := c.Message
	if p == nil {
		return true
	}
	if m == nil {
		return false
	}
	if p.BodyContains != "" && !strings.Contains(m.Body, p.BodyContains) {
		return false
	}
	if c.bodyRx != nil && !c.bodyRx.MatchString(m.Body) {
		return false
	}
	for k, v := range p.Attributes {
		got, ok := m.Attributes[k]
		if !ok || got != v {
			return false
		}
	}
	return true
}
