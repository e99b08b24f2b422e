// Package eventpattern parses and matches AWS event patterns: the JSON filter language of
// Lambda event source mappings' FilterCriteria, which Lambda shares with EventBridge and, with
// differences, SNS filter policies. One parser and one matcher serve every service; a Dialect
// says which parts of the language a service accepts.
//
// A pattern is a JSON object. Each field is either an object (the event's field must be an
// object matching it) or a non-empty array of rules (the event's field must be a leaf value one
// of the rules matches). The fields of an object are ANDed, the rules of an array ORed, and
// "$or": [{...}, {...}] ORs whole objects. When the event holds an array, a rule matches if it
// matches any element, and an object pattern matches if one element matches it whole. The rules
// (Lambda developer guide, "Control which events Lambda sends to your function", Filter rule
// syntax, https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html):
//
//	"UserID": [ null ]                                   null (an explicit null, not a missing field)
//	"LastName": [ "" ]                                   empty
//	"Name": [ "Alice" ], "Price": [ 100 ], [ true ]      equals (a string matches only a string; a
//	                                                     number the same literal text: 300, 300.0 and
//	                                                     3.0e2 are not equal in Lambda's dialect)
//	"Name": [ { "equals-ignore-case": "alice" } ]        equals, ignoring case
//	"Location": [ "New York" ], "Day": [ "Monday" ]      and
//	"PaymentType": [ "Credit", "Debit" ]                 or
//	"$or": [ { "Location": [...] }, { "Day": [...] } ]   or, across fields
//	"Weather": [ { "anything-but": [ "Raining" ] } ]     not (also a single string or number, a
//	                                                     list of numbers, {"prefix": s}, {"suffix": s})
//	"Price": [ { "numeric": [ "=", 100 ] } ]             numeric equals
//	"Price": [ { "numeric": [ ">", 10, "<=", 20 ] } ]    numeric range
//	"ProductName": [ { "exists": true } ]                exists (a leaf value, null included)
//	"ProductName": [ { "exists": false } ]               does not exist
//	"Region": [ { "prefix": "us-" } ]                    begins with
//	"FileName": [ { "suffix": ".png" } ]                 ends with
//
// Validation follows AWS's own event-pattern compiler (github.com/aws/event-ruler, which
// EventBridge uses and whose messages SNS returns): "Filter is not an object", `"k" must be an
// object or an array`, "Empty arrays are not allowed", "Empty objects are not allowed", "There
// must have at least 2 Objects in $or relationship.", numeric ranges whose bottom is not below
// their top, numbers a float64 cannot hold exactly in a numeric or anything-but rule, and so on.
// An Error carries that reason and the byte offset after the offending token; a service may
// answer with its own text (Lambda says only "Invalid filter pattern definition.").
//
// # Dialects and what differs
//
// Lambda is the dialect of Lambda's event source mappings. What other services accept
// differently, and how a Dialect would switch it (only what Lambda needs is built):
//
//   - Operators (Dialect.Features): EventBridge rules also take "wildcard", "cidr", and
//     "anything-but" with "equals-ignore-case" or "wildcard", and "prefix"/"suffix" with
//     "equals-ignore-case"; EventBridge Pipes list anything-but prefix/suffix as unsupported; SNS
//     takes "cidr" (IP addresses) and anything-but with values and "prefix" but answers
//     "Unsupported anything-but pattern: suffix". Not built: wildcard, cidr and the
//     equals-ignore-case variants, nor event-ruler's compiling of a rule string that is an IP
//     address into an address range (here it is compared as text); a Dialect without a feature
//     refuses the operator as an unrecognized match type.
//   - Number equality (Dialect.NumbersByText): Lambda's guide says numbers match by their string
//     representation, so 300 does not equal 300.0; event-ruler today also matches numerically
//     equal numbers, as a Dialect with NumbersByText false does.
//   - Limits: Lambda bounds a pattern to 4,096 characters and a mapping to 5 patterns (its
//     caller checks both). SNS allows 5 keys per policy ("Filter policy can not have more than
//     5 keys"), 150 combinations of values ("Filter policy is too complex") and 256 KB, and its
//     MessageAttributes scope takes no nested objects; none of that is built.
//   - Error texts: SNS answers "Invalid parameter: FilterPolicy: <reason>\n at [Source:
//     (String)\"<policy>\"; line: 1, column: <n>]", the column being Error.Offset+1 for a
//     one-line policy.
//   - Overlapping $or: a field named both beside an "$or" and inside one of its branches is
//     ANDed here; event-ruler lets the branch's rule replace the outer one. A field repeated in
//     one object keeps its last rules, as event-ruler does.
package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Feature is one part of the pattern language a Dialect may accept.
type Feature uint16

// The features: the match expressions a rule list may hold (plain values — strings, numbers,
// true, false, null — are always accepted), and "$or".
const (
	EqualsIgnoreCase  Feature = 1 << iota // {"equals-ignore-case": "s"}
	Prefix                                // {"prefix": "s"}
	Suffix                                // {"suffix": "s"}
	AnythingBut                           // {"anything-but": "s" | n | ["s", ...] | [n, ...]}
	AnythingButPrefix                     // {"anything-but": {"prefix": "s" | ["s", ...]}}
	AnythingButSuffix                     // {"anything-but": {"suffix": "s" | ["s", ...]}}
	Numeric                               // {"numeric": ["=", n]}, [">", n], [">=", n, "<", m], ...
	Exists                                // {"exists": true | false}
	Or                                    // "$or": [{...}, {...}, ...]
)

// Dialect is one service's version of the language.
type Dialect struct {
	// Features are the parts of the language the service accepts.
	Features Feature
	// NumbersByText makes a number in a rule list match only a number with the same literal
	// text; when false it also matches any number equal to it (event-ruler's behaviour).
	NumbersByText bool
}

// Lambda is the dialect of Lambda's event source mappings (FilterCriteria): the operators of the
// guide's filter rule syntax, anything-but with prefix and suffix, and numbers compared by their
// text.
var Lambda = Dialect{
	Features: EqualsIgnoreCase | Prefix | Suffix | AnythingBut | AnythingButPrefix | AnythingButSuffix |
		Numeric | Exists | Or,
	NumbersByText: true,
}

// Error is why a pattern is invalid.
type Error struct {
	// Offset is the byte offset in the pattern just after the token at fault.
	Offset int64
	// Reason says what is wrong, in event-ruler's words where it has them.
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid event pattern: %s (at byte %d)", e.Reason, e.Offset)
}

// Shape says how a top-level field appears in a pattern: not at all, with rules (a leaf match),
// as an object (a nested match), or both (the key repeated with both kinds of values).
type Shape uint8

// The shapes, combined with | when a key is repeated.
const (
	Absent Shape = 0
	Rules  Shape = 1 << 0
	Object Shape = 1 << 1
)

// Pattern is a compiled pattern. It is immutable and safe for concurrent use.
type Pattern struct {
	root    *object
	dialect Dialect
}

// maxDepth bounds the nesting of objects and arrays in a pattern (Jackson, which event-ruler
// parses with, stops at 1,000).
const maxDepth = 1000

// Parse compiles a pattern in the dialect. The pattern must be one JSON object, and nothing
// after it.
func Parse(pattern string, d Dialect) (*Pattern, error) {
	p := &parser{dec: json.NewDecoder(strings.NewReader(pattern)), d: d}
	p.dec.UseNumber()
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	return &Pattern{root: root, dialect: d}, nil
}

// Shape is how the pattern's top-level key appears in it. Keys inside "$or" branches are not
// top-level.
func (p *Pattern) Shape(key string) Shape {
	f := p.root.fields[key]
	if f == nil {
		return Absent
	}
	var s Shape
	if f.rules != nil {
		s |= Rules
	}
	if f.sub != nil {
		s |= Object
	}
	return s
}

// object is a pattern object: all fields must match, and in each $or group one alternative.
type object struct {
	fields map[string]*field
	keys   []string // fields' keys in first-seen order, for a deterministic walk
	ors    [][]*object
}

// field is one key of a pattern object: leaf rules, a nested object, or both when the key was
// repeated with both kinds of values (each must match).
type field struct {
	rules []rule
	sub   *object
}

type parser struct {
	dec   *json.Decoder
	d     Dialect
	depth int
}

func (p *parser) fail(format string, args ...any) error {
	return &Error{Offset: p.dec.InputOffset(), Reason: fmt.Sprintf(format, args...)}
}

// token reads the next token; a JSON syntax error, or the end of the input, is an Error.
func (p *parser) token() (json.Token, error) {
	t, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, &Error{Offset: se.Offset, Reason: "not valid JSON: " + se.Error()}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, p.fail("unexpected end of the pattern")
		default:
			return nil, p.fail("not valid JSON: %v", err)
		}
	}
	return t, nil
}

func (p *parser) parse() (*object, error) {
	t, err := p.token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, p.fail("Filter is not an object")
	}
	root := &object{}
	if err := p.object(root, false); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, p.fail("unexpected data after the pattern's object")
	}
	return root, nil
}

// reservedInOr are the keys event-ruler refuses as field names inside an $or branch: its
// operators and the names it keeps for future ones.
var reservedInOr = []string{"exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists",
	"wildcard", "numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
	"date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
	"ip-address-in-range", "ip-address-not-in-range"}

// object parses the members of an object whose '{' was read, into o (which may already hold
// fields: a repeated key's object merges into the first one's).
func (p *parser) object(o *object, inOr bool) error {
	if p.depth++; p.depth > maxDepth {
		return p.fail("the pattern is nested too deeply")
	}
	defer func() { p.depth-- }()
	if o.fields == nil {
		o.fields = map[string]*field{}
	}
	empty := true
	for p.dec.More() {
		empty = false
		t, err := p.token()
		if err != nil {
			return err
		}
		key := t.(string) // the decoder guarantees a string key inside an object
		if key == "$or" && p.d.Features&Or != 0 {
			if err := p.or(o, inOr); err != nil {
				return err
			}
			continue
		}
		if inOr && slices.Contains(reservedInOr, key) {
			return p.fail("%s is Ruler reserved fieldName which cannot be used inside $or.", key)
		}
		t, err = p.token()
		if err != nil {
			return err
		}
		f := o.fields[key]
		if f == nil {
			f = &field{}
			o.fields[key] = f
			o.keys = append(o.keys, key)
		}
		switch t {
		case json.Delim('{'):
			if f.sub == nil {
				f.sub = &object{}
			}
			if err := p.object(f.sub, inOr); err != nil {
				return err
			}
		case json.Delim('['):
			rules, err := p.rules()
			if err != nil {
				return err
			}
			f.rules = rules // a repeated key's last rules win
		default:
			return p.fail("%q must be an object or an array", key)
		}
	}
	if _, err := p.token(); err != nil { // the closing '}'
		return err
	}
	if empty {
		return p.fail("Empty objects are not allowed")
	}
	return nil
}

// or parses the array of an "$or" key into a new group of alternatives of o.
func (p *parser) or(o *object, inOr bool) error {
	t, err := p.token()
	if err != nil {
		return err
	}
	if t != json.Delim('[') {
		return p.fail("It must be an Array followed with $or.")
	}
	var group []*object
	for p.dec.More() {
		t, err := p.token()
		if err != nil {
			return err
		}
		if t != json.Delim('{') {
			return p.fail("Only JSON object is allowed in array of $or relationship.")
		}
		alt := &object{}
		if err := p.object(alt, true); err != nil {
			return err
		}
		group = append(group, alt)
	}
	if _, err := p.token(); err != nil { // ']'
		return err
	}
	if len(group) < 2 {
		return p.fail("There must have at least 2 Objects in $or relationship.")
	}
	o.ors = append(o.ors, group)
	return nil
}

// rules parses a rule list whose '[' was read.
func (p *parser) rules() ([]rule, error) {
	var out []rule
	for p.dec.More() {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		switch v := t.(type) {
		case json.Delim:
			if v != '{' {
				return nil, p.fail("Match value must be String, number, true, false, or null")
			}
			r, err := p.expression()
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		case string:
			out = append(out, rule{kind: exactString, s: v})
		case json.Number:
			r := rule{kind: exactNumber, s: string(v)}
			if !p.d.NumbersByText {
				r.num, r.numOK = comparable(string(v))
			}
			out = append(out, r)
		case bool:
			out = append(out, rule{kind: exactBool, b: v})
		case nil:
			out = append(out, rule{kind: exactNull})
		}
	}
	if _, err := p.token(); err != nil { // ']'
		return nil, err
	}
	if len(out) == 0 {
		return nil, p.fail("Empty arrays are not allowed")
	}
	return out, nil
}

// expression parses a match expression, {"operator": value}, whose '{' was read, and its '}'.
func (p *parser) expression() (rule, error) {
	if !p.dec.More() {
		return rule{}, p.fail("Match expression name not found")
	}
	t, err := p.token()
	if err != nil {
		return rule{}, err
	}
	op := t.(string)
	var r rule
	switch {
	case op == "equals-ignore-case" && p.d.Features&EqualsIgnoreCase != 0:
		s, err := p.stringValue(op + " match pattern must be a string")
		if err != nil {
			return rule{}, err
		}
		r = rule{kind: equalsIgnoreCase, s: s}
	case op == "prefix" && p.d.Features&Prefix != 0:
		s, err := p.stringValue("prefix match pattern must be a string")
		if err != nil {
			return rule{}, err
		}
		r = rule{kind: prefix, s: s}
	case op == "suffix" && p.d.Features&Suffix != 0:
		s, err := p.stringValue("suffix match pattern must be a string")
		if err != nil {
			return rule{}, err
		}
		r = rule{kind: suffix, s: s}
	case op == "anything-but" && p.d.Features&(AnythingBut|AnythingButPrefix|AnythingButSuffix) != 0:
		if r, err = p.anythingBut(); err != nil {
			return rule{}, err
		}
	case op == "numeric" && p.d.Features&Numeric != 0:
		if r, err = p.numeric(); err != nil {
			return rule{}, err
		}
		if p.dec.More() {
			return rule{}, p.fail("Too many elements in numeric expression")
		}
	case op == "exists" && p.d.Features&Exists != 0:
		t, err := p.token()
		if err != nil {
			return rule{}, err
		}
		b, ok := t.(bool)
		if !ok {
			return rule{}, p.fail("exists match pattern must be either true or false.")
		}
		r = rule{kind: exists, b: b}
	default:
		return rule{}, p.fail("Unrecognized match type %s", op)
	}
	if p.dec.More() {
		return rule{}, p.fail("Only one key allowed in match expression")
	}
	if _, err := p.token(); err != nil { // '}'
		return rule{}, err
	}
	return r, nil
}

// stringValue reads a value that must be a string.
func (p *parser) stringValue(reason string) (string, error) {
	t, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", p.fail("%s", reason)
	}
	return s, nil
}

// anythingBut parses the value of "anything-but": a string, a number, a non-empty list of
// strings or of numbers, or {"prefix"|"suffix": a string or a list of strings}.
func (p *parser) anythingBut() (rule, error) {
	t, err := p.token()
	if err != nil {
		return rule{}, err
	}
	if t == json.Delim('{') {
		if !p.dec.More() {
			return rule{}, p.fail("Anything-But expression name not found")
		}
		t, err := p.token()
		if err != nil {
			return rule{}, err
		}
		op := t.(string)
		var kind ruleKind
		switch {
		case op == "prefix" && p.d.Features&AnythingButPrefix != 0:
			kind = anythingButPrefix
		case op == "suffix" && p.d.Features&AnythingButSuffix != 0:
			kind = anythingButSuffix
		default:
			return rule{}, p.fail("Unsupported anything-but pattern: %s", op)
		}
		r := rule{kind: kind}
		t, err = p.token()
		if err != nil {
			return rule{}, err
		}
		add := func(t json.Token) error {
			s, ok := t.(string)
			if !ok {
				return p.fail("prefix/suffix match pattern must be a string")
			}
			if s == "" {
				return p.fail("Null prefix/suffix not allowed")
			}
			r.strs = append(r.strs, s)
			return nil
		}
		if t == json.Delim('[') {
			for p.dec.More() {
				t, err := p.token()
				if err != nil {
					return rule{}, err
				}
				if err := add(t); err != nil {
					return rule{}, err
				}
			}
			if _, err := p.token(); err != nil { // ']'
				return rule{}, err
			}
			if len(r.strs) == 0 {
				return rule{}, p.fail("prefix/suffix match pattern must be a string")
			}
		} else if err := add(t); err != nil {
			return rule{}, err
		}
		if p.dec.More() {
			return rule{}, p.fail("Too many elements in numeric expression")
		}
		if _, err := p.token(); err != nil { // the inner '}'
			return rule{}, err
		}
		return r, nil
	}
	if p.d.Features&AnythingBut == 0 {
		return rule{}, p.fail("Unsupported anything-but pattern")
	}
	r := rule{kind: anythingBut}
	add := func(t json.Token) error {
		switch v := t.(type) {
		case string:
			r.strs = append(r.strs, v)
		case json.Number:
			f, ok := comparable(string(v))
			if !ok {
				return p.fail("Cannot compare number : %s", v)
			}
			r.nums = append(r.nums, f)
		default:
			return p.fail("Inside anything but list, start|null|boolean is not supported.")
		}
		return nil
	}
	switch t {
	case json.Delim('['):
		for p.dec.More() {
			t, err := p.token()
			if err != nil {
				return rule{}, err
			}
			if err := add(t); err != nil {
				return rule{}, err
			}
		}
		if _, err := p.token(); err != nil { // ']'
			return rule{}, err
		}
		if (len(r.strs) > 0) == (len(r.nums) > 0) {
			return rule{}, p.fail("Inside anything but list, either all values are number or string, mixed type is not supported")
		}
	default:
		switch t.(type) {
		case string, json.Number:
		default:
			return rule{}, p.fail("Value of anything-but must be an array or single string/number value.")
		}
		if err := add(t); err != nil {
			return rule{}, err
		}
	}
	return r, nil
}

// numeric parses the array of "numeric": ["=", n], [">"|">=", n], ["<"|"<=", n], or
// [">"|">=", n, "<"|"<=", m] with n < m.
func (p *parser) numeric() (rule, error) {
	t, err := p.token()
	if err != nil {
		return rule{}, err
	}
	if t != json.Delim('[') {
		return rule{}, p.fail("Value of numeric must be an array.")
	}
	operand := func(op string) (float64, error) {
		if op == "=" {
			op = "equals"
		}
		if !p.dec.More() {
			return 0, p.fail("Value of %s must be numeric", op)
		}
		t, err := p.token()
		if err != nil {
			return 0, err
		}
		n, ok := t.(json.Number)
		if !ok {
			return 0, p.fail("Value of %s must be numeric", op)
		}
		f, ok := comparable(string(n))
		if !ok {
			return 0, p.fail("Cannot compare number : %s", n)
		}
		return f, nil
	}
	end := func() error {
		if p.dec.More() {
			return p.fail("Too many elements in numeric expression")
		}
		_, err := p.token() // ']'
		return err
	}
	if !p.dec.More() {
		return rule{}, p.fail("Invalid member in numeric match: ]")
	}
	t, err = p.token()
	if err != nil {
		return rule{}, err
	}
	op, ok := t.(string)
	if !ok {
		return rule{}, p.fail("Invalid member in numeric match: %v", t)
	}
	r := rule{kind: numeric}
	switch op {
	case "=":
		f, err := operand(op)
		if err != nil {
			return rule{}, err
		}
		r.lo, r.hi, r.hasLo, r.hasHi = f, f, true, true
		return r, end()
	case "<", "<=":
		f, err := operand(op)
		if err != nil {
			return rule{}, err
		}
		r.hi, r.hasHi, r.hiOpen = f, true, op == "<"
		return r, end()
	case ">", ">=":
		f, err := operand(op)
		if err != nil {
			return rule{}, err
		}
		r.lo, r.hasLo, r.loOpen = f, true, op == ">"
	default:
		return rule{}, p.fail("Unrecognized numeric range operator: %s", op)
	}
	if !p.dec.More() {
		_, err := p.token()
		return r, err
	}
	t, err = p.token()
	if err != nil {
		return rule{}, err
	}
	top, ok := t.(string)
	if !ok {
		return rule{}, p.fail("Bad value in numeric range: %v", t)
	}
	if top != "<" && top != "<=" {
		return rule{}, p.fail("Bad numeric range operator: %s", top)
	}
	f, err := operand(top)
	if err != nil {
		return rule{}, err
	}
	if !(r.lo < f) {
		return rule{}, p.fail("Bottom must be less than top")
	}
	r.hi, r.hasHi, r.hiOpen = f, true, top == "<"
	if p.dec.More() {
		return rule{}, p.fail("Too many terms in numeric range expression")
	}
	_, err = p.token()
	return r, err
}

// Decode decodes a JSON document into the values Match takes: map[string]any, []any, string,
// json.Number (numbers keep their text), bool and nil.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("eventpattern: data after the JSON value")
	}
	return v, nil
}
