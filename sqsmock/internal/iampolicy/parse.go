// Package iampolicy is the access policy language of SQS queue policies: it parses a queue's
// Policy attribute, enforces SQS's policy quotas, and evaluates the policy for one request as IAM
// does (an explicit Deny wins over any Allow; Principal and NotPrincipal, Action and NotAction,
// Resource and NotResource; Condition with the String, Numeric, Date, Bool, Binary, IpAddress, Arn
// and Null operators, their IfExists forms and the ForAllValues and ForAnyValue qualifiers).
//
// What a request carries is what the mock can know of it (Request): the caller's account and, when
// the caller named it, its IAM principal; whether it came over TLS; its source address; the mock's
// clock. Every other condition key is absent from the request context, and IAM's rule for an
// absent key applies: the condition is false, except for the negated operators, ...IfExists and
// Null.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// SQS's policy quotas (Amazon SQS Developer Guide, "Amazon SQS policy quotas").
const (
	MaxBytes      = 8192 // bytes in one policy document
	MaxStatements = 20   // statements in one policy
	MaxPrincipals = 50   // principals, over every statement
	MaxConditions = 10   // conditions (one operator and one key), over every statement
	MaxActions    = 7    // actions (or NotActions) in one statement
)

// ErrInvalid is the error of a document that is not a policy this package can evaluate: not
// JSON, no Statement, an Effect other than Allow or Deny, a statement without a principal or an
// action, an unknown condition operator, a value the operator cannot read. SQS answers such a
// Policy with InvalidAttributeValue.
var ErrInvalid = errors.New("iampolicy: invalid policy")

// LimitError is the error of a policy over one of SQS's quotas; Error is SQS's message for it
// (SQS answers OverLimit, HTTP 403).
type LimitError struct{ msg string }

func (e *LimitError) Error() string { return e.msg }

// Policy is a parsed queue policy. It is immutable and safe for concurrent use.
type Policy struct {
	statements []statement
}

// Statements is how many statements the policy has.
func (p *Policy) Statements() int { return len(p.statements) }

type statement struct {
	deny bool

	principals   principalSet
	notPrincipal bool

	actions   []string // lower case
	notAction bool

	resources   []string // nil when the statement has neither Resource nor NotResource
	notResource bool

	conditions []condition
}

// principalSet is a Principal or NotPrincipal element.
type principalSet struct {
	any      bool        // "*" or {"AWS": "*"}
	aws      []principal // the AWS principals other than "*"
	services []string    // the Service principals, e.g. "sns.amazonaws.com"
	count    int         // every principal named, of every kind, for the quota
}

// Parse reads a queue policy. A document over SQS's quotas is a *LimitError with SQS's message;
// one that is not a policy wraps ErrInvalid.
//
// The size is checked first, as SQS does before reading the document ("Submitted policy is over
// max allowed size."); then statements, actions per statement, principals and conditions, each
// counted as the quotas count them.
func Parse(doc string) (*Policy, error) {
	if len(doc) > MaxBytes {
		return nil, &LimitError{"Submitted policy is over max allowed size."}
	}
	var raw map[string]json.RawMessage // element names are case-sensitive: no struct decoding
	if err := strictUnmarshal([]byte(doc), &raw); err != nil {
		return nil, invalid("the document is not a JSON object: %v", err)
	}
	if v, ok := raw["Version"]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, invalid("Version is not a string")
		}
	}
	raws, err := statementList(raw["Statement"])
	if err != nil {
		return nil, err
	}
	if len(raws) > MaxStatements {
		return nil, &LimitError{fmt.Sprintf("%d statements were found in the submitted policy, max allowed is %d", len(raws), MaxStatements)}
	}
	p := &Policy{statements: make([]statement, 0, len(raws))}
	principals, conditions := 0, 0
	for _, r := range raws {
		st, err := parseStatement(r)
		if err != nil {
			return nil, err
		}
		if len(st.actions) > MaxActions {
			return nil, &LimitError{fmt.Sprintf("%d actions were found in a statement from the submitted policy, max allowed is %d", len(st.actions), MaxActions)}
		}
		principals += st.principals.count
		conditions += len(st.conditions)
		p.statements = append(p.statements, st)
	}
	if principals > MaxPrincipals {
		return nil, &LimitError{fmt.Sprintf("%d principals were found in the submitted policy, max allowed is %d", principals, MaxPrincipals)}
	}
	if conditions > MaxConditions {
		return nil, &LimitError{fmt.Sprintf("%d conditions were found in the submitted policy, max allowed is %d", conditions, MaxConditions)}
	}
	return p, nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// strictUnmarshal decodes one JSON object into v, refusing anything after it.
func strictUnmarshal(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the object")
	}
	return nil
}

// statementList is the Statement element: one statement or a list of them.
func statementList(raw json.RawMessage) ([]map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, invalid("no Statement")
	}
	if raw[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, invalid("Statement: %v", err)
		}
		return []map[string]json.RawMessage{one}, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalid("Statement is neither a statement nor a list of them: %v", err)
	}
	for i, st := range list {
		if st == nil {
			return nil, invalid("statement %d is null", i)
		}
	}
	return list, nil
}

// pick returns the one of two mutually exclusive elements a statement has (second reports
// which), failing if it has both, or neither when required.
func pick(st map[string]json.RawMessage, name, notName string, required bool) (raw json.RawMessage, not bool, err error) {
	a, hasA := st[name]
	b, hasB := st[notName]
	switch {
	case hasA && hasB:
		return nil, false, invalid("a statement has both %s and %s", name, notName)
	case hasA:
		return a, false, nil
	case hasB:
		return b, true, nil
	case required:
		return nil, false, invalid("a statement has neither %s nor %s", name, notName)
	}
	return nil, false, nil
}

func parseStatement(st map[string]json.RawMessage) (statement, error) {
	var out statement
	var effect string
	if json.Unmarshal(st["Effect"], &effect) != nil {
		return out, invalid("Effect is missing or not a string")
	}
	switch effect {
	case "Allow":
	case "Deny":
		out.deny = true
	default:
		return out, invalid("Effect %q is neither Allow nor Deny", effect)
	}
	if sid, ok := st["Sid"]; ok {
		var s string
		if json.Unmarshal(sid, &s) != nil {
			return out, invalid("Sid is not a string")
		}
	}

	raw, not, err := pick(st, "Principal", "NotPrincipal", true)
	if err != nil {
		return out, err
	}
	if out.principals, err = parsePrincipals(raw); err != nil {
		return out, err
	}
	out.notPrincipal = not

	raw, not, err = pick(st, "Action", "NotAction", true)
	if err != nil {
		return out, err
	}
	actions, err := stringOrList(raw, "Action")
	if err != nil {
		return out, err
	}
	for i, a := range actions {
		if a != "*" && !strings.Contains(a, ":") {
			return out, invalid("action %q has no service prefix", a)
		}
		actions[i] = strings.ToLower(a)
	}
	out.actions, out.notAction = actions, not

	raw, not, err = pick(st, "Resource", "NotResource", false)
	if err != nil {
		return out, err
	}
	if raw != nil {
		if out.resources, err = stringOrList(raw, "Resource"); err != nil {
			return out, err
		}
		out.notResource = not
	}

	if raw, ok := st["Condition"]; ok {
		if out.conditions, err = parseConditions(raw); err != nil {
			return out, err
		}
	}
	return out, nil
}

// stringOrList reads an element that is one string or a non-empty list of strings.
func stringOrList(raw json.RawMessage, what string) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, invalid("%s is neither a string nor a non-empty list of strings", what)
	}
	return list, nil
}

func parsePrincipals(raw json.RawMessage) (principalSet, error) {
	var set principalSet
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one != "*" {
			return set, invalid("a principal given as a string must be \"*\", got %q", one)
		}
		set.any, set.count = true, 1
		return set, nil
	}
	var kinds map[string]json.RawMessage
	if err := json.Unmarshal(raw, &kinds); err != nil || len(kinds) == 0 {
		return set, invalid("a principal is neither \"*\" nor a non-empty map of principal types")
	}
	for kind, v := range kinds {
		values, err := stringOrList(v, "a principal")
		if err != nil {
			return set, err
		}
		set.count += len(values)
		switch kind {
		case "AWS":
			for _, s := range values {
				if s == "*" {
					set.any = true
					continue
				}
				p, ok := parsePrincipal(s)
				if !ok {
					return set, invalid("AWS principal %q is neither an account id nor an IAM or STS ARN", s)
				}
				set.aws = append(set.aws, p)
			}
		case "Service":
			set.services = append(set.services, values...)
		case "Federated", "CanonicalUser":
			// Principals the mock's callers never are: counted, never matched.
		default:
			return set, invalid("unknown principal type %q", kind)
		}
	}
	return set, nil
}

// parseNumber reads a Numeric condition value: an integer or a decimal.
func parseNumber(s string) (*big.Rat, bool) {
	if s == "" || strings.ContainsAny(s, "/eE") {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// dateLayouts are the ISO 8601 forms IAM's Date operators take, besides epoch seconds.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads a Date condition value or a date context value: ISO 8601 (UTC when it names
// no zone) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseIPValue reads an IpAddress condition value: an address or a CIDR block (IPv4 blocks
// written in IPv6's mapped form are read as IPv4).
func parseIPValue(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
