package faultplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// ruleDoc is the file form of a Rule: durations are strings such as "250ms" or "1m30s". An
// omitted probability means 1 (as toxiproxy's toxicity); an explicit 0 is kept, and read as a Go
// Rule's when the rule joins a plan. Rules are always written with their probability.
type ruleDoc struct {
	Name         string            `json:"name,omitempty" yaml:"name,omitempty"`
	Kind         Kind              `json:"kind" yaml:"kind"`
	Operations   []string          `json:"operations,omitempty" yaml:"operations,omitempty"`
	Queue        string            `json:"queue,omitempty" yaml:"queue,omitempty"`
	QueueRegexp  string            `json:"queueRegexp,omitempty" yaml:"queueRegexp,omitempty"`
	Message      *MessagePredicate `json:"message,omitempty" yaml:"message,omitempty"`
	Probability  *float64          `json:"probability,omitempty" yaml:"probability,omitempty"` // nil: omitted
	Times        int               `json:"times,omitempty" yaml:"times,omitempty"`
	After        int               `json:"after,omitempty" yaml:"after,omitempty"`
	From         string            `json:"from,omitempty" yaml:"from,omitempty"`
	Until        string            `json:"until,omitempty" yaml:"until,omitempty"`
	ErrorCode    string            `json:"errorCode,omitempty" yaml:"errorCode,omitempty"`
	ErrorMessage string            `json:"errorMessage,omitempty" yaml:"errorMessage,omitempty"`
	Rate         float64           `json:"rate,omitempty" yaml:"rate,omitempty"`
	Burst        int               `json:"burst,omitempty" yaml:"burst,omitempty"`
	Latency      string            `json:"latency,omitempty" yaml:"latency,omitempty"`
	Jitter       string            `json:"jitter,omitempty" yaml:"jitter,omitempty"`
	Distribution Distribution      `json:"distribution,omitempty" yaml:"distribution,omitempty"`
	Delay        string            `json:"delay,omitempty" yaml:"delay,omitempty"`
	Applied      bool              `json:"applied,omitempty" yaml:"applied,omitempty"`
	EntryIDs     []string          `json:"entryIds,omitempty" yaml:"entryIds,omitempty"`
}

// planDoc is the file form of a Plan.
type planDoc struct {
	Seed  uint64 `json:"seed" yaml:"seed"`
	Rules []Rule `json:"rules" yaml:"rules"`
}

func durString(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func (r Rule) doc() ruleDoc {
	prob := r.Probability
	return ruleDoc{
		Name: r.Name, Kind: r.Kind, Operations: r.Operations, Queue: r.Queue, QueueRegexp: r.QueueRegexp,
		Message: r.Message, Probability: &prob, Times: r.Times, After: r.After,
		From: durString(r.From), Until: durString(r.Until), ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
		Rate: r.Rate, Burst: r.Burst, Latency: durString(r.Latency), Jitter: durString(r.Jitter),
		Distribution: r.Distribution, Delay: durString(r.Delay), Applied: r.Applied, EntryIDs: r.EntryIDs,
	}
}

func (d ruleDoc) rule() (Rule, error) {
	r := Rule{
		Name: d.Name, Kind: d.Kind, Operations: d.Operations, Queue: d.Queue, QueueRegexp: d.QueueRegexp,
		Message: d.Message, Probability: 1, Times: d.Times, After: d.After,
		ErrorCode: d.ErrorCode, ErrorMessage: d.ErrorMessage, Rate: d.Rate, Burst: d.Burst,
		Distribution: d.Distribution, Applied: d.Applied, EntryIDs: d.EntryIDs,
	}
	if d.Probability != nil {
		r.Probability = *d.Probability
	}
	for _, f := range []struct {
		name string
		s    string
		d    *time.Duration
	}{{"from", d.From, &r.From}, {"until", d.Until, &r.Until}, {"latency", d.Latency, &r.Latency},
		{"jitter", d.Jitter, &r.Jitter}, {"delay", d.Delay, &r.Delay}} {
		if f.s == "" {
			continue
		}
		v, err := time.ParseDuration(f.s)
		if err != nil {
			return Rule{}, fmt.Errorf("faults: rule %q: %s: %w", d.Name, f.name, err)
		}
		*f.d = v
	}
	return r, nil
}

// MarshalJSON encodes the rule with durations as strings ("250ms").
func (r Rule) MarshalJSON() ([]byte, error) { return json.Marshal(r.doc()) }

// UnmarshalJSON decodes a rule written as MarshalJSON writes it. Unknown fields are errors.
func (r *Rule) UnmarshalJSON(data []byte) error {
	var d ruleDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return fmt.Errorf("faults: rule: %w", err)
	}
	v, err := d.rule()
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MarshalYAML encodes the rule with durations as strings ("250ms").
func (r Rule) MarshalYAML() (any, error) { return r.doc(), nil }

// UnmarshalYAML decodes a rule written as MarshalYAML writes it. Unknown fields are errors.
func (r *Rule) UnmarshalYAML(n *yaml.Node) error {
	var d ruleDoc
	if err := decodeYAMLStrict(n, &d); err != nil {
		return fmt.Errorf("faults: rule: %w", err)
	}
	v, err := d.rule()
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// decodeYAMLStrict decodes a node rejecting unknown fields (yaml.Node.Decode does not).
func decodeYAMLStrict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// Parse reads a plan file: YAML, or JSON (which is YAML; a JSON document is read with the JSON
// decoder). Durations are strings ("250ms"). A rule without a probability fires on every match
// (probability 1); a probability must be in (0, 1]. Unknown fields and invalid rules are errors.
func Parse(data []byte) (*Plan, error) {
	var d planDoc
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("faults: plan: %w", err)
		}
		return NewPlan(d.Seed, d.Rules...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("faults: plan: %w", err)
	}
	return NewPlan(d.Seed, d.Rules...)
}

// Load reads a plan file (see Parse).
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// String is the plan's seed and rules in YAML, the form Parse reads.
// It is indented by two spaces, as the harness writes its saved plans.
func (p *Plan) String() string {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(planDoc{Seed: p.Seed(), Rules: p.Rules()}); err != nil {
		return "# " + err.Error() + "\n"
	}
	return b.String()
}

// String is the rule as one line of JSON, with the keys of the plan file.
func (r Rule) String() string {
	b, err := json.Marshal(r)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// MarshalJSON encodes the plan's seed and rules in the form Parse reads (the admin endpoint shows it).
func (p *Plan) MarshalJSON() ([]byte, error) {
	return json.Marshal(planDoc{Seed: p.Seed(), Rules: p.Rules()})
}

// MarshalYAML encodes the plan's seed and rules in the form Parse reads.
func (p *Plan) MarshalYAML() (any, error) {
	return planDoc{Seed: p.Seed(), Rules: p.Rules()}, nil
}
