package eventpattern

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
)

type ruleKind uint8

const (
	exactString ruleKind = iota
	exactNumber
	exactBool
	exactNull
	equalsIgnoreCase
	prefix
	suffix
	anythingBut
	anythingButPrefix
	anythingButSuffix
	numeric
	numericEquals // numeric "=": matched as numeric, lo == hi
	exists
	exactIP // Ruler10: a string rule that is an IP address (prefix holds the address)
	cidr
)

// rule is one element of a rule list.
type rule struct {
	kind  ruleKind
	s     string  // exactString, exactNumber (the literal text), equalsIgnoreCase, prefix, suffix
	b     bool    // exactBool, exists
	num   float64 // exactNumber without NumbersByText: its value, when numOK
	numOK bool
	fixed bool      // numbers are event-ruler 1.0's ComparableNumber (Ruler10), see value
	strs  []string  // anythingBut (strings), anythingButPrefix, anythingButSuffix
	nums  []float64 // anythingBut (numbers)
	// numeric: the range's bounds
	lo, hi         float64
	hasLo, hasHi   bool
	loOpen, hiOpen bool
	prefix         netip.Prefix // cidr, exactIP
}

// Match reports whether the event matches the pattern. The event is a value as Decode returns
// it (map[string]any for objects, []any, string, json.Number, bool, nil) or a Fields standing for
// an object; other types are treated as absent.
func (p *Pattern) Match(event any) bool {
	return p.root.match(event, true)
}

// Fields is an object whose fields Match looks up on demand, so that a caller need not build a
// map: Field returns a field's value, as Decode would give it, and whether it is present.
type Fields interface {
	Field(key string) (any, bool)
}

// MatchJSON decodes the event and matches it.
func (p *Pattern) MatchJSON(event []byte) (bool, error) {
	v, err := Decode(event)
	if err != nil {
		return false, err
	}
	return p.Match(v), nil
}

// match matches an object pattern against v (present false: the field is missing). An array
// matches when one of its elements (nested arrays flattened) matches the whole object, so fields
// matched together come from the same element; an empty array is matched as a missing value.
func (o *object) match(v any, present bool) bool {
	if arr, ok := v.([]any); ok && present {
		found, seen := false, false
		eachElement(arr, func(e any) bool {
			seen = true
			found = o.match(e, true)
			return !found
		})
		if !seen {
			return o.match(nil, false)
		}
		return found
	}
	m, _ := v.(map[string]any) // nil for a leaf or a missing value: every field is missing
	var fs Fields
	if m == nil {
		fs, _ = v.(Fields)
	}
	for _, k := range o.keys {
		var fv any
		var ok bool
		if fs != nil {
			fv, ok = fs.Field(k)
		} else {
			fv, ok = m[k]
		}
		if !o.fields[k].match(fv, ok) {
			return false
		}
	}
	for _, group := range o.ors {
		if !slices.ContainsFunc(group, func(alt *object) bool { return alt.match(v, present) }) {
			return false
		}
	}
	return true
}

// eachElement calls f with each element of arr that is not an array, descending into nested
// arrays, until f returns false.
func eachElement(arr []any, f func(any) bool) bool {
	for _, e := range arr {
		if inner, ok := e.([]any); ok {
			if !eachElement(inner, f) {
				return false
			}
			continue
		}
		if !f(e) {
			return false
		}
	}
	return true
}

func (f *field) match(v any, present bool) bool {
	if f.sub != nil && !f.sub.match(v, present) {
		return false
	}
	if f.rules == nil {
		return true
	}
	for i := range f.rules {
		if f.rules[i].match(v, present) {
			return true
		}
	}
	return false
}

// isLeaf is whether v is a leaf value: a string, a number, a boolean or null. Objects are not
// leaves, and nor is anything Decode does not produce.
func isLeaf(v any) bool {
	switch v.(type) {
	case string, json.Number, bool, nil:
		return true
	}
	return false
}

// match matches a rule against a field's value: exists against whether it has a leaf value (an
// array's elements are its values; an object has none), every other rule against each leaf value
// until one matches.
func (r *rule) match(v any, present bool) bool {
	if !present {
		return r.kind == exists && !r.b
	}
	if r.kind == exists {
		has := false
		if arr, ok := v.([]any); ok {
			eachElement(arr, func(e any) bool { has = isLeaf(e); return !has })
		} else {
			has = isLeaf(v)
		}
		return has == r.b
	}
	if arr, ok := v.([]any); ok {
		return !eachElement(arr, func(e any) bool { return !(isLeaf(e) && r.leaf(e)) })
	}
	return isLeaf(v) && r.leaf(v)
}

// leaf matches the rule against one leaf value.
func (r *rule) leaf(v any) bool {
	switch r.kind {
	case exactString:
		s, ok := v.(string)
		return ok && s == r.s
	case exactNumber:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		if string(n) == r.s {
			return true
		}
		if r.numOK {
			f, ok := r.value(string(n))
			return ok && f == r.num
		}
		return false
	case exactBool:
		b, ok := v.(bool)
		return ok && b == r.b
	case exactNull:
		return v == nil
	case equalsIgnoreCase:
		s, ok := v.(string)
		return ok && strings.EqualFold(s, r.s)
	case prefix:
		s, ok := v.(string)
		return ok && strings.HasPrefix(s, r.s)
	case suffix:
		s, ok := v.(string)
		return ok && strings.HasSuffix(s, r.s)
	case anythingBut:
		// event-ruler: a value fails anything-but only when it is one of the values named, of the
		// same type (a string for a list of strings, a number equal to one for a list of numbers);
		// every other leaf value matches.
		switch x := v.(type) {
		case string:
			return !slices.Contains(r.strs, x)
		case json.Number:
			f, ok := r.value(string(x))
			return !ok || !slices.Contains(r.nums, f)
		}
		return true
	case anythingButPrefix:
		s, ok := v.(string)
		return !ok || !slices.ContainsFunc(r.strs, func(p string) bool { return strings.HasPrefix(s, p) })
	case anythingButSuffix:
		s, ok := v.(string)
		return !ok || !slices.ContainsFunc(r.strs, func(p string) bool { return strings.HasSuffix(s, p) })
	case numeric, numericEquals:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, ok := r.value(string(n))
		if !ok {
			return false
		}
		if r.hasLo && (f < r.lo || r.loOpen && f == r.lo) {
			return false
		}
		if r.hasHi && (f > r.hi || r.hiOpen && f == r.hi) {
			return false
		}
		return true
	case exactIP, cidr:
		s, ok := v.(string)
		if !ok {
			return false
		}
		a, st := ipAddress(s)
		return st == ipOK && r.prefix.Contains(a)
	}
	return false
}
