package iampolicy

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/netip"
	"strings"
	"time"
)

// family is what a condition operator compares.
type family uint8

const (
	fString family = iota + 1
	fStringIgnoreCase
	fStringLike
	fNumeric
	fDate
	fBool
	fBinary
	fIP
	fArn
	fNull
)

// comparison is how a Numeric or Date operator compares the request's value with the policy's.
type comparison uint8

const (
	cEquals comparison = iota
	cLessThan
	cLessThanEquals
	cGreaterThan
	cGreaterThanEquals
)

type operator struct {
	family  family
	negated bool
	compare comparison
}

// operators are IAM's condition operators, by lower-case name, without IfExists and the set
// qualifiers.
var operators = map[string]operator{
	"stringequals":              {family: fString},
	"stringnotequals":           {family: fString, negated: true},
	"stringequalsignorecase":    {family: fStringIgnoreCase},
	"stringnotequalsignorecase": {family: fStringIgnoreCase, negated: true},
	"stringlike":                {family: fStringLike},
	"stringnotlike":             {family: fStringLike, negated: true},
	"numericequals":             {family: fNumeric},
	"numericnotequals":          {family: fNumeric, negated: true},
	"numericlessthan":           {family: fNumeric, compare: cLessThan},
	"numericlessthanequals":     {family: fNumeric, compare: cLessThanEquals},
	"numericgreaterthan":        {family: fNumeric, compare: cGreaterThan},
	"numericgreaterthanequals":  {family: fNumeric, compare: cGreaterThanEquals},
	"dateequals":                {family: fDate},
	"datenotequals":             {family: fDate, negated: true},
	"datelessthan":              {family: fDate, compare: cLessThan},
	"datelessthanequals":        {family: fDate, compare: cLessThanEquals},
	"dategreaterthan":           {family: fDate, compare: cGreaterThan},
	"dategreaterthanequals":     {family: fDate, compare: cGreaterThanEquals},
	"bool":                      {family: fBool},
	"binaryequals":              {family: fBinary},
	"ipaddress":                 {family: fIP},
	"notipaddress":              {family: fIP, negated: true},
	"arnequals":                 {family: fArn},
	"arnlike":                   {family: fArn},
	"arnnotequals":              {family: fArn, negated: true},
	"arnnotlike":                {family: fArn, negated: true},
	"null":                      {family: fNull},
}

// qualifier is a set operator in front of a condition operator.
type qualifier uint8

const (
	qNone qualifier = iota
	qForAllValues
	qForAnyValue
)

// condition is one condition operator applied to one context key.
type condition struct {
	op       operator
	ifExists bool
	set      qualifier
	key      string // lower case: context key names are not case-sensitive
	values   []string
	numbers  []*big.Rat     // fNumeric
	dates    []time.Time    // fDate
	prefixes []netip.Prefix // fIP
	null     []bool         // fNull: true when the key must be absent
}

// parseOperator reads a condition operator's name: [ForAllValues:|ForAnyValue:]NAME[IfExists],
// in any case.
func parseOperator(name string) (op operator, ifExists bool, set qualifier, ok bool) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "forallvalues:"):
		set, lower = qForAllValues, lower[len("forallvalues:"):]
	case strings.HasPrefix(lower, "foranyvalue:"):
		set, lower = qForAnyValue, lower[len("foranyvalue:"):]
	}
	if base, found := strings.CutSuffix(lower, "ifexists"); found {
		lower, ifExists = base, true
	}
	op, ok = operators[lower]
	if !ok || op.family == 0 || op.family == fNull && (ifExists || set != qNone) {
		return operator{}, false, qNone, false
	}
	return op, ifExists, set, true
}

// parseConditions reads a Condition element: a map of operators, each a map of context keys to
// one value or a list of values (strings, numbers or booleans).
func parseConditions(raw json.RawMessage) ([]condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, invalid("Condition is not a map of operators to maps of keys: %v", err)
	}
	var out []condition
	for name, keys := range ops {
		op, ifExists, set, ok := parseOperator(name)
		if !ok {
			return nil, invalid("unknown condition operator %q", name)
		}
		if len(keys) == 0 {
			return nil, invalid("condition operator %s names no key", name)
		}
		for key, v := range keys {
			values, err := conditionValues(v)
			if err != nil {
				return nil, invalid("%s %s: %v", name, key, err)
			}
			c := condition{op: op, ifExists: ifExists, set: set, key: strings.ToLower(key), values: values}
			if err := c.compile(); err != nil {
				return nil, invalid("%s %s: %v", name, key, err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// conditionValues reads one condition value or a non-empty list of them, as strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	var list []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, errEmptyValues
		}
	} else {
		list = []json.RawMessage{raw}
	}
	out := make([]string, len(list))
	for i, v := range list {
		s, ok := scalar(v)
		if !ok {
			return nil, errBadValue
		}
		out[i] = s
	}
	return out, nil
}

type valueError string

func (e valueError) Error() string { return string(e) }

const (
	errEmptyValues = valueError("an empty list of values")
	errBadValue    = valueError("a value that is not a string, number or boolean")
	errUnreadable  = valueError("a value the operator cannot read")
)

// scalar is a JSON string, number or boolean as the string IAM compares.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "", false
		}
		if b {
			return "true", true
		}
		return "false", true
	case '{', '[', 'n':
		return "", false
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return "", false
	}
	return n.String(), true
}

// compile reads the values a typed operator compares, refusing a policy whose values the
// operator cannot read.
func (c *condition) compile() error {
	var err error
	switch c.op.family {
	case fNumeric:
		c.numbers, err = readAll(c.values, parseNumber)
	case fDate:
		c.dates, err = readAll(c.values, parseDate)
	case fIP:
		c.prefixes, err = readAll(c.values, parseIPValue)
	case fNull:
		c.null, err = readAll(c.values, parseNullValue)
	}
	return err
}

// readAll parses every value with parse, or fails with errUnreadable.
func readAll[T any](values []string, parse func(string) (T, bool)) ([]T, error) {
	var out []T
	for _, v := range values {
		x, ok := parse(v)
		if !ok {
			return nil, errUnreadable
		}
		out = append(out, x)
	}
	return out, nil
}

// parseNullValue reads the value of a Null condition: true or false, in any case.
func parseNullValue(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// holds evaluates the condition in the request's context. Values of one key are ORed (NORed for
// a negated operator); a key absent from the context makes the condition false, true for a
// negated operator, true for ...IfExists; Null tests whether the key is absent; ForAllValues
// holds and ForAnyValue fails when the key is absent.
func (c *condition) holds(r *Request) bool {
	v, ok := r.value(c.key)
	if c.op.family == fNull {
		for _, absent := range c.null {
			if absent == !ok {
				return true
			}
		}
		return false
	}
	if !ok {
		switch {
		case c.set == qForAllValues:
			return true
		case c.set == qForAnyValue:
			return false
		case c.ifExists:
			return true
		}
		return c.op.negated
	}
	return c.matchesAny(v) != c.op.negated
}

// matchesAny reports whether the request's value matches one of the condition's values.
func (c *condition) matchesAny(v string) bool {
	switch c.op.family {
	case fString, fBinary:
		for _, w := range c.values {
			if v == w {
				return true
			}
		}
	case fStringIgnoreCase:
		for _, w := range c.values {
			if strings.EqualFold(v, w) {
				return true
			}
		}
	case fStringLike:
		for _, w := range c.values {
			if Wildcard(w, v) {
				return true
			}
		}
	case fBool:
		for _, w := range c.values {
			if strings.EqualFold(v, w) {
				return true
			}
		}
	case fArn:
		for _, w := range c.values {
			if arnLike(w, v) {
				return true
			}
		}
	case fNumeric:
		n, ok := parseNumber(v)
		if !ok {
			return false
		}
		for _, w := range c.numbers {
			if c.op.compare.holds(n.Cmp(w)) {
				return true
			}
		}
	case fDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, w := range c.dates {
			if c.op.compare.holds(t.Compare(w)) {
				return true
			}
		}
	case fIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range c.prefixes {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// holds reports whether a comparison's outcome (-1, 0, +1: the request's value against the
// policy's) satisfies the operator.
func (c comparison) holds(cmp int) bool {
	switch c {
	case cLessThan:
		return cmp < 0
	case cLessThanEquals:
		return cmp <= 0
	case cGreaterThan:
		return cmp > 0
	case cGreaterThanEquals:
		return cmp >= 0
	}
	return cmp == 0
}

// arnLike matches an ARN against a pattern as ArnLike and ArnEquals do: each of the six
// colon-separated parts separately, case-sensitively, with * and ? wildcards.
func arnLike(pattern, arn string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return false
	}
	for i := range pp {
		if !Wildcard(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

// Wildcard matches s against a pattern where * is any run of characters and ? any one,
// case-sensitively.
func Wildcard(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
