package faultplan

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"weak"

	"github.com/sqsharness/sqsharness/internal/memo"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/internal/snserr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// Clock tells a plan the time: rule windows, token buckets and injection records use it. The
// default is real time; sqsmock passes its manual clock.
type Clock interface {
	Now() time.Time
}

// Sleeper waits for injected latency in the client placement. It returns early with ctx's error
// when ctx is done. The default sleeps in real time (which is fake time inside a
// testing/synctest bubble).
type Sleeper interface {
	Sleep(ctx context.Context, d time.Duration) error
}

// SleeperFunc adapts a function to Sleeper.
type SleeperFunc func(ctx context.Context, d time.Duration) error

// Sleep calls f.
func (f SleeperFunc) Sleep(ctx context.Context, d time.Duration) error { return f(ctx, d) }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

type realSleeper struct{}

func (realSleeper) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Injection records one fault a plan injected. In JSON and YAML its keys are camelCase (rule,
// kind, operation, queue, messageId, entryId, detail, time); empty optional ones are omitted.
type Injection struct {
	Rule      string    `json:"rule" yaml:"rule"`                               // the rule's name
	Kind      string    `json:"kind" yaml:"kind"`                               // the rule's kind, as in a plan file
	Operation string    `json:"operation" yaml:"operation"`                     // SDK operation name
	Queue     string    `json:"queue,omitempty" yaml:"queue,omitempty"`         // queue name
	MessageID string    `json:"messageId,omitempty" yaml:"messageId,omitempty"` // for message-level faults, when known
	EntryID   string    `json:"entryId,omitempty" yaml:"entryId,omitempty"`     // for batch entries
	Detail    string    `json:"detail,omitempty" yaml:"detail,omitempty"`       // e.g. the error code, the latency, the delay
	Time      time.Time `json:"time" yaml:"time"`                               // the plan's clock (or the Call's Now) when it fired
}

// Plan is a set of fault rules with a seeded random source and a record of what it injected.
// A Plan is safe for concurrent use; create it with NewPlan or MustPlan, or load it with
// Parse or Load. Package faults shows it as faults.Plan (type Plan faultplan.Plan).
//
// Determinism: every rule draws from its own PCG stream seeded by the plan's seed and the rule's
// name, and all decisions are made under the plan's lock. For a given seed and the same sequence
// of decisions (operations and messages through the engine, or SDK calls through the middleware,
// in the same order and at the same clock times) a plan injects the same faults, with the same parameters, in
// the same order. Calls made concurrently reach the plan in scheduler order, so a test that needs
// exact replay makes its calls sequentially. Adding or removing a rule does not change the
// stream of another rule.
type Plan struct {
	mu         sync.Mutex
	seed       uint64
	clock      Clock
	sleeper    Sleeper
	start      time.Time
	rules      []*compiled
	paused     bool
	injections []Injection
	placements map[Placement]bool // placements the plan is attached to; rule changes are checked against them
	named      int
	clients    []weak.Pointer[clientState] // the client placements (held.go)
	// byOperation lists, for each operation, the rules that apply to its operation-level
	// decisions ([0]) and its message-level ones ([1]) (see rulesFor); every change to rules
	// empties it.
	byOperation [2]map[string][]*compiled
	// queueNames remembers queueurl.Name for the queue URLs decisions name most.
	queueNames memo.Cache[string]
}

// NewPlan returns a plan with the given seed and rules, using real time. It fails if a rule is
// invalid or two rules share a name.
func NewPlan(seed uint64, rules ...Rule) (*Plan, error) {
	p := &Plan{seed: seed, clock: realClock{}, sleeper: realSleeper{}, placements: map[Placement]bool{}}
	p.start = p.clock.Now()
	if err := p.SetRules(rules...); err != nil {
		return nil, err
	}
	return p, nil
}

// MustPlan is NewPlan for tests: on an invalid rule it fails the test t (a *testing.T or
// testing.TB) with t.Fatalf, so only that test fails.
func MustPlan(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, seed uint64, rules ...Rule) *Plan {
	t.Helper()
	p, err := NewPlan(seed, rules...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}

// Seed returns the plan's seed.
func (p *Plan) Seed() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seed
}

// SetClock makes the plan read time from c and restarts its windows at c.Now(). An engine with
// its own clock calls it before the first decision, so that windows and token buckets run on
// that clock.
func (p *Plan) SetClock(c Clock) {
	if c == nil {
		c = realClock{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock = c
	p.start = c.Now()
}

// SetSleeper sets how the client placement waits for injected latency (nil: real time).
func (p *Plan) SetSleeper(s Sleeper) {
	if s == nil {
		s = realSleeper{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sleeper = s
}

// Now returns the plan's clock reading.
func (p *Plan) Now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clock.Now()
}

func (p *Plan) sleep(ctx context.Context, d time.Duration) error {
	p.mu.Lock()
	s := p.sleeper
	p.mu.Unlock()
	return s.Sleep(ctx, d)
}

// Validate reports the first rule the placement cannot honour, or a rule that is invalid.
func (p *Plan) Validate(pl Placement) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rules {
		if err := r.Rule.validate(pl); err != nil {
			return err
		}
	}
	return nil
}

// attach validates the plan for pl and checks every later rule change against pl too.
func (p *Plan) attach(pl Placement) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rules {
		if err := r.Rule.validate(pl); err != nil {
			return err
		}
	}
	p.placements[pl] = true
	return nil
}

// prepare names, validates and compiles rules against the attached placements. Called with mu held.
func (p *Plan) prepare(existing []*compiled, rules []Rule) ([]*compiled, error) {
	names := map[string]bool{}
	for _, r := range existing {
		names[r.Name] = true
	}
	out := make([]*compiled, 0, len(rules))
	for _, r := range rules {
		if r.Name == "" {
			for {
				p.named++
				r.Name = fmt.Sprintf("%s#%d", r.Kind, p.named)
				if !names[r.Name] {
					break
				}
			}
		}
		if names[r.Name] {
			return nil, fmt.Errorf("faults: two rules named %q", r.Name)
		}
		names[r.Name] = true
		if err := r.validate(""); err != nil {
			return nil, err
		}
		for pl := range p.placements {
			if err := r.validate(pl); err != nil {
				return nil, err
			}
		}
		c := compile(r)
		c.rng = p.stream(c.Name)
		c.tokens = float64(c.burst())
		out = append(out, c)
	}
	return out, nil
}

func (p *Plan) stream(name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(p.seed, h.Sum64()))
}

// setRules makes rules the plan's, and forgets which apply to each operation. Called with mu
// held.
func (p *Plan) setRules(rules []*compiled) {
	p.rules, p.byOperation = rules, [2]map[string][]*compiled{}
}

// SetRules replaces every rule. On error the plan is unchanged.
func (p *Plan) SetRules(rules ...Rule) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.prepare(nil, rules)
	if err != nil {
		return err
	}
	p.setRules(c)
	return nil
}

// Add appends rules. On error the plan is unchanged.
func (p *Plan) Add(rules ...Rule) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.prepare(p.rules, rules)
	if err != nil {
		return err
	}
	p.setRules(append(p.rules, c...))
	return nil
}

// Remove deletes the rule with the given name and reports whether there was one.
func (p *Plan) Remove(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, r := range p.rules {
		if r.Name == name {
			p.setRules(slices.Delete(p.rules, i, i+1))
			return true
		}
	}
	return false
}

// Clear deletes every rule. The record of injections is kept.
func (p *Plan) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setRules(nil)
}

// Rules returns copies of the plan's rules, with their assigned names.
func (p *Plan) Rules() []Rule {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = CloneRule(r.Rule)
	}
	return out
}

// Pause stops the plan from injecting or counting matches until Resume.
func (p *Plan) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = true
}

// Resume undoes Pause.
func (p *Plan) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = false
}

// Paused reports whether the plan is paused.
func (p *Plan) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// Reset forgets the injections, the match and fire counts and the token buckets, restarts every
// rule's random stream from the seed and the windows from the clock's now: the plan behaves as
// if just created with its current rules.
func (p *Plan) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.injections = nil
	p.start = p.clock.Now()
	for _, r := range p.rules {
		r.matches, r.fired = 0, 0
		r.rng = p.stream(r.Name)
		r.tokens = float64(r.burst())
		r.refilled = time.Time{}
	}
}

// Injections returns the faults injected so far, oldest first.
func (p *Plan) Injections() []Injection {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.injections)
}

// Fired returns how many times the named rule fired since it was added or the plan was reset.
func (p *Plan) Fired(name string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rules {
		if r.Name == name {
			return r.fired
		}
	}
	return 0
}

func (c *compiled) burst() int {
	if c.Burst <= 0 {
		return 1
	}
	return c.Burst
}

// target is what a decision is about: a call at a time (zero: the plan's clock, read when a
// rule first needs it), and its message (evaluate's msg).
type target struct {
	call Call
	now  time.Time
}

// rulesFor lists, in order, the rules of the message-level kinds (or of the operation-level
// ones) whose operations include op. Called with mu held.
func (p *Plan) rulesFor(op string, messageLevel bool) []*compiled {
	level := 0
	if messageLevel {
		level = 1
	}
	if rules, ok := p.byOperation[level][op]; ok {
		return rules
	}
	var rules []*compiled
	for _, r := range p.rules {
		if r.Kind.MessageLevel() == messageLevel && r.appliesTo(op) {
			rules = append(rules, r)
		}
	}
	if p.byOperation[level] == nil {
		p.byOperation[level] = map[string][]*compiled{}
	}
	p.byOperation[level][op] = rules
	return rules
}

// evaluate runs rules against t and msg (nil for an operation-level decision without a
// message), in order, and calls fire for each rule that fires; fire returns the injection's
// detail. rules are the plan's, of which only those whose kind passes want and whose operations
// include t's apply, or, with want nil, those of rulesFor, which all apply. Rules of one
// exclusive group (see exclusiveGroup) after the first that fired are not considered. Called
// with mu held. The message is apart from t so that a caller's message need not escape to the
// heap.
func (p *Plan) evaluate(t target, msg *Message, rules []*compiled, want func(Kind) bool, fire func(r *compiled) string) {
	if p.paused {
		return
	}
	named := t.call.QueueName != "" // else the queue's name is read from its URL when needed
	var elapsed time.Duration
	timed := false
	var done uint // bit g: a rule of exclusive group g fired
	for _, r := range rules {
		if want != nil && (!want(r.Kind) || !r.appliesTo(t.call.Operation)) {
			continue
		}
		group := exclusiveGroup(r.Kind)
		if group != 0 && done&(1<<group) != 0 {
			continue
		}
		if !named && (standardOnly(r.Kind) || r.queueRe != nil || r.queueRx != nil) {
			t.call.QueueName, named = p.queueNames.Get(t.call.QueueURL, queueurl.Name), true
		}
		if standardOnly(r.Kind) && (t.call.FIFO || strings.HasSuffix(t.call.QueueName, ".fifo")) {
			continue
		}
		if !matchQueue(r, t.call.QueueURL, t.call.QueueName) || !r.matchMessage(msg) {
			continue
		}
		if !timed {
			if t.now.IsZero() {
				t.now = p.clock.Now()
			}
			elapsed, timed = t.now.Sub(p.start), true
		}
		if elapsed < r.From || (r.Until > 0 && elapsed >= r.Until) {
			continue
		}
		r.matches++
		if r.matches <= r.After {
			continue
		}
		if r.Times > 0 && r.fired >= r.Times {
			continue
		}
		if r.Kind == Throttle && r.take(t.now) {
			continue
		}
		if r.Probability < 1 && r.rng.Float64() >= r.Probability {
			continue
		}
		r.fired++
		if group != 0 {
			done |= 1 << group
		}
		if !named {
			t.call.QueueName, named = p.queueNames.Get(t.call.QueueURL, queueurl.Name), true
		}
		inj := Injection{Rule: r.Name, Kind: string(r.Kind), Operation: t.call.Operation, Queue: t.call.QueueName, Time: t.now}
		if msg != nil {
			inj.MessageID, inj.EntryID = msg.MessageID, msg.EntryID
		}
		inj.Detail = fire(r)
		p.injections = append(p.injections, inj)
	}
}

// matchQueue is r.matchQueue, with a Queue glob of the usual shapes (a name, "prefix*",
// "*suffix", "*part*") matched without its regular expression.
func matchQueue(r *compiled, url, name string) bool {
	if r.queueRe == nil || r.queueRx != nil {
		return r.matchQueue(url, name)
	}
	if m, ok := matchGlob(r.Queue, url); ok {
		if m {
			return true
		}
		m, _ = matchGlob(r.Queue, name)
		return m
	}
	return r.matchQueue(url, name)
}

// matchGlob matches s as globRegexp(glob) does, for a glob of ASCII without '?' or a '*' other
// than a first and a last; ok is false for any other glob. A '*' is the expression's ".*": any
// run of characters but a newline.
func matchGlob(glob, s string) (match, ok bool) {
	lit, lead := strings.CutPrefix(glob, "*")
	lit, trail := strings.CutSuffix(lit, "*")
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; c == '*' || c == '?' || c >= utf8.RuneSelf {
			return false, false
		}
	}
	switch {
	case !lead && !trail:
		return s == lit, true
	case !trail:
		return strings.HasSuffix(s, lit) && !strings.Contains(s[:len(s)-len(lit)], "\n"), true
	case !lead:
		return strings.HasPrefix(s, lit) && !strings.Contains(s[len(lit):], "\n"), true
	case strings.Contains(lit, "\n"):
		return false, false
	}
	return strings.Contains(s, lit) && !strings.Contains(s, "\n"), true
}

// exclusiveGroup: of the rules of one group, at most one fires per decision.
func exclusiveGroup(k Kind) int {
	switch k {
	case Error, Throttle, ResetBeforeApply, ResetAfterApply, Timeout, FalseEmpty:
		return 1 // the call's outcome
	case LostDelete, PartialBatchFailure, StaleHandleDelete:
		return 2 // the message's outcome
	}
	return 0
}

// take refills the bucket to now and takes a token; false means the bucket is empty.
func (c *compiled) take(now time.Time) bool {
	if !c.refilled.IsZero() && now.After(c.refilled) {
		c.tokens = math.Min(float64(c.burst()), c.tokens+now.Sub(c.refilled).Seconds()*c.Rate)
	}
	if c.refilled.IsZero() || now.After(c.refilled) {
		c.refilled = now
	}
	if c.tokens >= 1 {
		c.tokens--
		return true
	}
	return false
}

// latency draws a Latency (or Timeout) rule's delay from its stream.
func (c *compiled) latency() time.Duration {
	d := c.Latency
	if c.Kind != Latency || c.Jitter == 0 {
		return d
	}
	switch c.Distribution {
	case Fixed:
	case Normal:
		d += time.Duration(c.rng.NormFloat64() * float64(c.Jitter))
	default:
		d += time.Duration((2*c.rng.Float64() - 1) * float64(c.Jitter))
	}
	return max(d, 0)
}

// serviceError is the error a rule injects into op. For an SNS operation it carries SNS's code,
// status, fault and message (see snserr), for the mock's SNS to turn into SNS's typed error.
func (c *compiled) serviceError(op string) *sqserr.Error {
	code := c.ErrorCode
	switch c.Kind {
	case Throttle:
		code = c.throttleCode(op)
	case PartialBatchFailure:
		if code == "" {
			code = "InternalError"
		}
	}
	if SNSOperation(op) {
		msg := c.ErrorMessage
		if msg == "" {
			msg = snserr.Message(code)
		}
		status, server, _ := snserr.Lookup(code)
		return &sqserr.Error{Shape: code, Code: code, Status: status, Server: server, Message: msg}
	}
	if e, ok := sqserr.ByCode(code, c.ErrorMessage); ok {
		return e
	}
	msg := c.ErrorMessage
	if msg == "" {
		msg = "Injected failure."
	}
	return &sqserr.Error{Shape: code, Code: code, Status: 400, Message: msg}
}

// standardOnly reports whether a kind models something only a standard queue does: a FIFO queue
// delivers each message once and in order within its group and rejects a stale receipt handle,
// so duplicates, reordering and stale-handle deletes never fire on a queue whose name ends in
// ".fifo".
func standardOnly(k Kind) bool {
	return k == DuplicateDelivery || k == Reorder || k == StaleHandleDelete
}
