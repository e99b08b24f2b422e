// Package snsfilter is SNS's subscription filter policy language: it parses a FilterPolicy for
// its FilterPolicyScope, refuses it with the exact message SNS gives, and decides whether a
// published message passes it (AWS SNS developer guide, "Amazon SNS message filtering":
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html).
//
// The language is event-ruler's (internal/eventpattern, dialect SNS): exact strings, numbers
// (equal by value: 300 is 300.0), true/false/null, prefix, suffix, equals-ignore-case,
// anything-but (values or one prefix), numeric ranges, exists, cidr and "$or". What SNS adds:
//
//   - Scope. MessageAttributes (the default) matches the message attributes: String ones (and
//     custom "String.x" types) as strings, Number ones as numbers, String.Array ones as the JSON
//     array they hold (a rule matches if it matches an element); Binary ones are ignored, as if
//     absent. Nested objects are refused there ("Filter policy scope MessageAttributes does not
//     support nested filter policy"). MessageBody matches the body, which must be a JSON object,
//     and its nested keys; a key with dots is a path, in the policy and the body alike
//     ({"a.b": ["x"]} matches {"a": {"b": "x"}} and {"a.b": "x"}).
//   - Limits. 5 keys: per alternative of the "$or"s, top-level keys only ("Filter policy can not
//     have more than 5 keys"). 150 combinations: per alternative, the product over its rule
//     lists of the list's length times its key's nesting depth, summed over the alternatives
//     ("Filter policy is too complex"). 256 KB of policy.
//   - Messages. SNS reads the policy as JSON first (a syntax error is "failed to parse JSON.
//     <Jackson's message>"), writes it back compactly and has event-ruler compile that text,
//     whose errors quote it with the column of the fault: see jackson.go.
//
// An empty policy (or only white space) is no policy: Parse returns nil, and a nil *Policy
// passes every message, as SNS does when FilterPolicy is set to "".
package snsfilter

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/internal/eventpattern"
)

// Scope values, as the FilterPolicyScope subscription attribute takes them.
const (
	MessageAttributes = "MessageAttributes"
	MessageBody       = "MessageBody"
)

// Attribute is one SNS message attribute as Publish carries it.
type Attribute struct {
	// Type is the DataType: "String", "String.Array", "Number" or "Binary", with an optional
	// custom suffix ("String.xyz").
	Type string
	// Value is the StringValue; for Binary the raw bytes as a string.
	Value string
}

// Policy is a parsed filter policy; immutable, safe for concurrent use.
type Policy struct {
	scope   string
	pattern *eventpattern.Pattern
}

// The limits of the developer guide's "Filter policy constraints". SNS's message for a policy
// over 256 KB is not recorded; "Filter policy is too large" is this package's.
const (
	maxKeys         = 5
	maxCombinations = 150
	maxSize         = 256 * 1024
)

// InvalidParameter is SNS's InvalidParameter error (HTTP 400, a Sender fault) for a policy.
type InvalidParameter struct {
	// Reason follows "Invalid parameter: " in the message, e.g. "FilterPolicy: Filter policy is
	// too complex".
	Reason string
}

// Error is the message SetSubscriptionAttributes answers with.
func (e *InvalidParameter) Error() string { return "Invalid parameter: " + e.Reason }

// ErrorCode is SNS's error code.
func (e *InvalidParameter) ErrorCode() string { return "InvalidParameter" }

// ErrorMessage is the message, as Error.
func (e *InvalidParameter) ErrorMessage() string { return e.Error() }

// ErrorFault is smithy's fault: the client's.
func (e *InvalidParameter) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// HTTPStatusCode is the HTTP status SNS answers with.
func (e *InvalidParameter) HTTPStatusCode() int { return 400 }

// AttributesMessage is the message when the policy came in Subscribe's Attributes, which SNS
// words "Invalid parameter: Attributes Reason: <reason>".
func (e *InvalidParameter) AttributesMessage() string {
	return "Invalid parameter: Attributes Reason: " + e.Reason
}

func invalidPolicy(reason string) error {
	return &InvalidParameter{Reason: "FilterPolicy: " + reason}
}

// Parse validates a FilterPolicy for scope ("" means MessageAttributes) and returns it; an
// error is an *InvalidParameter whose Error() is exactly SNS's message. An empty policy is
// none: nil, nil.
func Parse(policy, scope string) (*Policy, error) {
	switch scope {
	case "":
		scope = MessageAttributes
	case MessageAttributes, MessageBody:
	default:
		return nil, &InvalidParameter{Reason: "FilterPolicyScope: Invalid value [" + scope +
			"]. Please use either MessageBody or MessageAttributes"}
	}
	if len(policy) > maxSize {
		return nil, invalidPolicy("Filter policy is too large")
	}
	tree, jerr := readTree(policy)
	if jerr != nil {
		return nil, invalidPolicy("failed to parse JSON. " + jerr.message(policy))
	}
	if tree == nil {
		return nil, nil
	}
	var b strings.Builder
	tree.compact(&b)
	text := b.String()
	pattern, err := eventpattern.Parse(text, eventpattern.SNS)
	if err != nil {
		return nil, invalidPolicy(rulerMessage(text, err))
	}
	root := pattern.Root()
	if scope == MessageAttributes && nested(root) {
		return nil, &InvalidParameter{Reason: "Filter policy scope MessageAttributes does not support nested filter policy"}
	}
	keys, combinations := measure(root)
	if keys > maxKeys {
		return nil, invalidPolicy("Filter policy can not have more than 5 keys")
	}
	if combinations > maxCombinations {
		return nil, invalidPolicy("Filter policy is too complex")
	}
	if scope == MessageBody {
		d := eventpattern.SNS
		d.DottedKeys = true
		if pattern, err = eventpattern.Parse(text, d); err != nil {
			return nil, invalidPolicy(rulerMessage(text, err))
		}
	}
	return &Policy{scope: scope, pattern: pattern}, nil
}

// rulerMessage is an event-ruler error as SNS words it: the reason and, when event-ruler's
// parser gave one, its location in the text it compiled (twice when event-ruler rethrew it).
func rulerMessage(text string, err error) string {
	var pe *eventpattern.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := pe.Reason
	if pe.Location >= 0 {
		at := "\n at " + sourceLocation(text, int(pe.Location))
		msg += at
		if pe.Rewrapped {
			msg += at
		}
	}
	return msg
}

// nested is whether any field of the object, its "$or" alternatives included, is an object.
func nested(n eventpattern.Node) bool {
	for _, m := range n.Fields() {
		if _, ok := m.Node(); ok {
			return true
		}
	}
	for _, group := range n.Or() {
		if slices.ContainsFunc(group, nested) {
			return true
		}
	}
	return false
}

// term is one alternative of a policy with its "$or"s expanded: its top-level keys and the
// product of its rule lists' weights.
type term struct {
	keys    []string
	product int
}

// saturate keeps counts just past the limit, where they can no longer overflow.
func saturate(n int) int { return min(n, maxCombinations+1) }

// measure is the policy's number of keys (the most top-level keys of an alternative) and its
// combinations (summed over the alternatives).
func measure(root eventpattern.Node) (keys, combinations int) {
	for _, t := range expand(root, 1, true) {
		slices.Sort(t.keys)
		keys = max(keys, len(slices.Compact(t.keys)))
		combinations = saturate(combinations + t.product)
	}
	return keys, combinations
}

// expand is the alternatives of an object at a nesting depth (1 at the top), each weighing the
// product of depth × length over its rule lists; past 151 alternatives the policy is too
// complex whatever they weigh, so the rest are dropped.
func expand(n eventpattern.Node, depth int, top bool) []term {
	terms := []term{{product: 1}}
	for key, m := range n.Fields() {
		for i := range terms {
			if top {
				terms[i].keys = append(slices.Clip(terms[i].keys), key)
			}
			if r := m.Rules(); r > 0 {
				terms[i].product = saturate(terms[i].product * saturate(depth*saturate(r)))
			}
		}
		if sub, ok := m.Node(); ok {
			terms = cross(terms, expand(sub, depth+1, false))
		}
	}
	for _, group := range n.Or() {
		var alts []term
		for _, alt := range group {
			alts = append(alts, expand(alt, depth, top)...)
		}
		terms = cross(terms, alts)
	}
	return terms
}

// cross is every pairing of an alternative of a with one of b, at most 151 of them.
func cross(a, b []term) []term {
	var out []term
	for _, x := range a {
		for _, y := range b {
			if len(out) > maxCombinations {
				return out
			}
			out = append(out, term{
				keys:    append(slices.Clip(x.keys), y.keys...),
				product: saturate(x.product * y.product),
			})
		}
	}
	return out
}

// MatchAttributes reports whether a message with these attributes passes (scope
// MessageAttributes); a MessageBody policy passes none.
func (p *Policy) MatchAttributes(attrs map[string]Attribute) bool {
	if p == nil {
		return true
	}
	return p.scope == MessageAttributes && p.pattern.Match(attributes(attrs))
}

// attributes are message attributes as the fields of the event a policy is matched against.
type attributes map[string]Attribute

// Field is an attribute's value: a String's string, a Number's number, a String.Array's
// elements; a Binary attribute (or a type SNS has not) is ignored.
func (a attributes) Field(key string) (any, bool) {
	at, ok := a[key]
	if !ok {
		return nil, false
	}
	base, _, _ := strings.Cut(at.Type, ".")
	switch {
	case at.Type == "String.Array" || at.Type == "Number.Array":
		dec := json.NewDecoder(strings.NewReader(at.Value))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return at.Value, true
		}
		return v, true
	case base == "String":
		return at.Value, true
	case base == "Number":
		return number(at.Value), true
	}
	return nil, false
}

// number is a Number attribute's value as a JSON number: its text when that is JSON's, else the
// shortest text of the float64 it reads as ("+5" is 5), else the string (which no numeric rule
// matches).
func number(s string) any {
	if isJSONNumber(s) {
		return json.Number(s)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f-f == 0 {
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return s
}

// isJSONNumber is whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	if n := digits(); n == 0 || n > 1 && s[start] == '0' {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// MatchBody reports whether a message body passes (scope MessageBody); a body that is not a JSON
// object never matches, and a MessageAttributes policy passes none.
func (p *Policy) MatchBody(body string) bool {
	if p == nil {
		return true
	}
	if p.scope != MessageBody {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil { // like Jackson's readTree, what follows the first value is not read
		return false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	e, _ := expandDots(obj)
	return p.pattern.Match(e)
}

// expandDots turns the body's keys with dots into paths, as event-ruler's flattening does:
// {"a.b": 1} is {"a": {"b": 1}}. Two values meeting at one path become an array of both
// (objects merge). The body is not changed; changed says whether the result is a new value.
func expandDots(v any) (out any, changed bool) {
	switch x := v.(type) {
	case []any:
		var arr []any
		for i, e := range x {
			ne, ch := expandDots(e)
			if ch && arr == nil {
				arr = slices.Clone(x)
			}
			if arr != nil {
				arr[i] = ne
			}
		}
		if arr == nil {
			return x, false
		}
		return arr, true
	case map[string]any:
		dotted := false
		var children map[string]any
		for k, e := range x {
			dotted = dotted || strings.Contains(k, ".")
			if ne, ch := expandDots(e); ch {
				if children == nil {
					children = map[string]any{}
				}
				children[k] = ne
			}
		}
		if !dotted && children == nil {
			return x, false
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a deterministic order where values meet
		res := make(map[string]any, len(x))
		for _, k := range keys {
			e := x[k]
			if ne, ok := children[k]; ok {
				e = ne
			}
			insert(res, strings.Split(k, "."), e)
		}
		return res, true
	}
	return v, false
}

// insert puts v at the path in m, merging with what is there.
func insert(m map[string]any, path []string, v any) {
	if len(path) > 1 {
		sub := map[string]any{}
		insert(sub, path[1:], v)
		v = sub
	}
	if old, ok := m[path[0]]; ok {
		v = merge(old, v)
	}
	m[path[0]] = v
}

// merge is two values at one path: objects merge, anything else becomes an array of both.
func merge(a, b any) any {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		out := make(map[string]any, len(am)+len(bm))
		for k, v := range am {
			out[k] = v
		}
		for k, v := range bm {
			if old, ok := out[k]; ok {
				v = merge(old, v)
			}
			out[k] = v
		}
		return out
	}
	var out []any
	for _, x := range []any{a, b} {
		if arr, ok := x.([]any); ok {
			out = append(out, arr...)
		} else {
			out = append(out, x)
		}
	}
	return out
}
