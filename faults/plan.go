package faults

import (
	"time"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// Plan is an ordered list of rules with a seeded random source and a record of what it
// injected; safe for concurrent use. sqsmock and the harness drive it through the module's
// internal faultplan package, by converting the pointer (see ARCHITECTURE.md, Faults).
type Plan faultplan.Plan

// NewPlan returns a plan with the given seed and rules. It fails if a rule is invalid for its
// kind or two rules share a name.
func NewPlan(seed uint64, rules ...Rule) (*Plan, error) {
	p, err := faultplan.NewPlan(seed, unwrapRules(rules)...)
	return (*Plan)(p), err
}

// Parse reads a plan file in YAML (or JSON, which YAML includes): a seed and a flat list of
// rules, as String writes them. Unknown fields and invalid rules are errors.
func Parse(data []byte) (*Plan, error) {
	p, err := faultplan.Parse(data)
	return (*Plan)(p), err
}

// Load reads a plan file (see Parse).
func Load(path string) (*Plan, error) {
	p, err := faultplan.Load(path)
	return (*Plan)(p), err
}

func (p *Plan) plan() *faultplan.Plan { return (*faultplan.Plan)(p) }

// Add appends rules. It fails, leaving the plan unchanged, if a rule is invalid, its name is
// taken, or a placement the plan is attached to cannot honour it.
func (p *Plan) Add(rules ...Rule) error { return p.plan().Add(unwrapRules(rules)...) }

// Rules returns copies of the plan's rules, with their assigned names.
func (p *Plan) Rules() []Rule {
	rs := p.plan().Rules()
	out := make([]Rule, len(rs))
	for i, r := range rs {
		out[i] = Rule{r: r}
	}
	return out
}

// Seed returns the plan's seed.
func (p *Plan) Seed() uint64 { return p.plan().Seed() }

// Injections returns the faults injected so far, oldest first.
func (p *Plan) Injections() []Injection {
	in := p.plan().Injections()
	out := make([]Injection, len(in))
	for i, v := range in {
		out[i] = Injection(v)
	}
	return out
}

// Pause stops the plan from injecting or counting matches until Resume.
func (p *Plan) Pause() { p.plan().Pause() }

// Resume undoes Pause.
func (p *Plan) Resume() { p.plan().Resume() }

// Reset forgets the injections, counts and token buckets and restarts the random streams and
// windows: the plan behaves as if just created with its current rules.
func (p *Plan) Reset() { p.plan().Reset() }

// String is the plan in the YAML file form Parse and Load read.
func (p *Plan) String() string { return p.plan().String() }

// Injection records one fault a plan injected. In JSON its keys are camelCase; empty optional
// ones are omitted.
type Injection struct {
	Rule      string    `json:"rule" yaml:"rule"`                               // the rule's name
	Kind      string    `json:"kind" yaml:"kind"`                               // the rule's kind, as in a plan file ("lost-delete")
	Operation string    `json:"operation" yaml:"operation"`                     // SDK operation name
	Queue     string    `json:"queue,omitempty" yaml:"queue,omitempty"`         // queue name (on SNS operations, the topic's)
	MessageID string    `json:"messageId,omitempty" yaml:"messageId,omitempty"` // for message-level faults, when known
	EntryID   string    `json:"entryId,omitempty" yaml:"entryId,omitempty"`     // for batch entries
	Detail    string    `json:"detail,omitempty" yaml:"detail,omitempty"`       // e.g. the error code, the latency, the delay
	Time      time.Time `json:"time" yaml:"time"`                               // on the plan's clock (the mock's, in the mock)
}
