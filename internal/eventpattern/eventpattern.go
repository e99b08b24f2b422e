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
//	"SourceIP": [ { "cidr": "10.0.0.0/24" } ]            an IP address in the block (SNS)
//
// Validation follows AWS's own event-pattern compiler (github.com/aws/event-ruler, which
// EventBridge uses and whose messages SNS returns): "Filter is not an object", `"k" must be an
// object or an array`, "Empty arrays are not allowed", "Empty objects are not allowed", "There
// must have at least 2 Objects in $or relationship.", numeric ranges whose bottom is not below
// their top, numbers a float64 cannot hold exactly in a numeric or anything-but rule, and so on.
// An Error carries that reason, the byte offset after the offending token, and where
// event-ruler's JSON parser stands when it gives the reason; a service may answer with its own
// text (Lambda says only "Invalid filter pattern definition.").
//
// # Dialects and what differs
//
// Lambda is the dialect of Lambda's event source mappings, SNS that of SNS subscription filter
// policies (its caller, internal/snsfilter, adds what is SNS's own). What differs, and the
// Dialect switch for it:
//
//   - Operators (Dialect.Features): SNS takes "cidr" (an IP address in a CIDR block) and
//     anything-but with values or one "prefix" string, and answers "Unsupported anything-but
//     pattern: suffix"; Lambda takes anything-but prefix and suffix (one or a list). EventBridge's
//     "wildcard" and the equals-ignore-case variants are not built. A Dialect without a feature
//     refuses the operator as an unrecognized match type.
//   - Compiler release (Dialect.Ruler): SNS's messages are event-ruler 1.0's ("prefix match
//     pattern must be a string" for anything-but, "Null prefix not allowed", "Too many elements in
//     numeric expression" after an anything-but value), and so are its numbers: ComparableNumber,
//     -5e9 to 5e9 compared to six decimal places ("Value must be between -5.0E9 and 5.0E9,
//     inclusive"), and a string rule that is an IP address matches that address in any notation.
//   - Number equality (Dialect.NumbersByText): Lambda's guide says numbers match by their string
//     representation, so 300 does not equal 300.0; event-ruler (and SNS) also matches numerically
//     equal numbers, as a Dialect with NumbersByText false does.
//   - Field paths (Dialect.DottedKeys): event-ruler flattens a pattern's and an event's fields
//     into dotted paths, so SNS's MessageBody policy {"a.b": [1]} is {"a": {"b": [1]}}, and the
//     event's {"a.b": 1} is {"a": {"b": 1}} (the caller expands the event's keys).
//   - The end (Dialect.StopAfterObject): event-ruler reads nothing after the pattern's object;
//     Lambda's dialect refuses anything there.
//   - Limits and nesting: Lambda bounds a pattern to 4,096 characters and a mapping to 5
//     patterns; SNS allows 5 keys, 150 combinations and 256 KB, and no nesting in its
//     MessageAttributes scope. Their callers check those, reading the pattern through Root.
//   - Error texts: SNS answers with event-ruler's reason and its JSON parser's location
//     (Error.Location, which runs ahead of Offset after a field name and stays inside a string
//     not yet read); Lambda says only "Invalid filter pattern definition.".
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
	"net/netip"
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
	Cidr                                  // {"cidr": "10.0.0.0/24"}
)

// Release is the event-ruler release whose compiler a Dialect follows where releases differ.
type Release uint8

// The releases.
const (
	// RulerLatest is event-ruler as it is today (Lambda's dialect).
	RulerLatest Release = iota
	// Ruler10 is event-ruler 1.0, whose messages and numbers SNS shows (see the package doc).
	Ruler10
)

// Dialect is one service's version of the language.
type Dialect struct {
	// Features are the parts of the language the service accepts.
	Features Feature
	// NumbersByText makes a number in a rule list match only a number with the same literal
	// text; when false it also matches any number equal to it (event-ruler's behaviour).
	NumbersByText bool
	// Ruler is the event-ruler release whose messages and number handling the dialect follows.
	Ruler Release
	// DottedKeys makes a key with dots a path of nested keys: {"a.b": [1]} is {"a": {"b": [1]}}.
	DottedKeys bool
	// StopAfterObject leaves what follows the pattern's object unread; otherwise it is an error.
	StopAfterObject bool
}

// Lambda is the dialect of Lambda's event source mappings (FilterCriteria): the operators of the
// guide's filter rule syntax, anything-but with prefix and suffix, and numbers compared by their
// text.
var Lambda = Dialect{
	Features: EqualsIgnoreCase | Prefix | Suffix | AnythingBut | AnythingButPrefix | AnythingButSuffix |
		Numeric | Exists | Or,
	NumbersByText: true,
}

// SNS is the dialect of SNS subscription filter policies as event-ruler 1.0 compiles them: cidr,
// anything-but with values or one prefix, numbers equal by value. Its caller adds SNS's limits,
// its MessageAttributes scope's refusal of nesting, and DottedKeys for the MessageBody scope.
var SNS = Dialect{
	Features: EqualsIgnoreCase | Prefix | Suffix | AnythingBut | AnythingButPrefix | Numeric | Exists |
		Or | Cidr,
	Ruler:           Ruler10,
	StopAfterObject: true,
}

// Error is why a pattern is invalid.
type Error struct {
	// Offset is the byte offset in the pattern just after the token at fault.
	Offset int64
	// Reason says what is wrong, in event-ruler's words where it has them.
	Reason string
	// Location is the byte offset where event-ruler's JSON parser (Jackson) stands when it
	// reports the error, which is how SNS's messages place it: past the start of a field's value
	// (read with the field name), just inside a string it has not read. -1: no location given.
	Location int64
	// Rewrapped is true when event-ruler reports the error a second time (inside an anything-but
	// list), so that its message carries the location twice.
	Rewrapped bool
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
// after it unless the dialect stops after the object.
func Parse(pattern string, d Dialect) (*Pattern, error) {
	p := &parser{src: pattern, dec: json.NewDecoder(strings.NewReader(pattern)), d: d}
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

// get is the field of the key, added when new.
func (o *object) get(key string) *field {
	if o.fields == nil {
		o.fields = map[string]*field{}
	}
	f := o.fields[key]
	if f == nil {
		f = &field{}
		o.fields[key] = f
		o.keys = append(o.keys, key)
	}
	return f
}

type parser struct {
	src   string
	dec   *json.Decoder
	d     Dialect
	depth int
	// Jackson's read position (Error.Location) after the last token, where that token ends, and
	// whether it is a string (whose text Jackson reads only when asked, see finish).
	loc, end int64
	str      bool
	// ahead: the last token was a field name, with which Jackson also read its value's start.
	ahead bool
}

func (p *parser) fail(format string, args ...any) error {
	return &Error{Offset: p.dec.InputOffset(), Location: p.loc, Reason: fmt.Sprintf(format, args...)}
}

// failAhead fails where event-ruler does: after reading one more token, a value or (key true)
// a field name; Offset stays before it.
func (p *parser) failAhead(key bool, format string, args ...any) error {
	off := p.dec.InputOffset()
	if key {
		_, _ = p.key() // the error at hand is the one to report
	} else {
		_, _ = p.token()
	}
	return &Error{Offset: off, Location: p.loc, Reason: fmt.Sprintf(format, args...)}
}

// read reads the next token and where it starts and ends; a JSON syntax error, or the end of
// the input, is an Error.
func (p *parser) read() (json.Token, int64, error) {
	prev := p.dec.InputOffset()
	t, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, 0, &Error{Offset: se.Offset, Location: se.Offset, Reason: "not valid JSON: " + se.Error()}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, 0, p.fail("unexpected end of the pattern")
		default:
			return nil, 0, p.fail("not valid JSON: %v", err)
		}
	}
	start := prev
	for start < int64(len(p.src)) && strings.IndexByte(" \t\r\n,:", p.src[start]) >= 0 {
		start++
	}
	p.end = p.dec.InputOffset()
	_, p.str = t.(string)
	return t, start, nil
}

// token reads a value or a delimiter. Jackson reads a string's opening quote only, the rest
// of a token whole; a field's value it has read with the field's name.
func (p *parser) token() (json.Token, error) {
	t, start, err := p.read()
	if err != nil {
		return nil, err
	}
	switch {
	case p.ahead:
		p.ahead = false
	case p.str:
		p.loc = start + 1
	default:
		p.loc = p.end
	}
	return t, nil
}

// key reads a field name, and places Jackson past the start of its value.
func (p *parser) key() (string, error) {
	t, _, err := p.read()
	if err != nil {
		return "", err
	}
	i := int(p.end)
	skip := func() {
		for i < len(p.src) && strings.IndexByte(" \t\r\n", p.src[i]) >= 0 {
			i++
		}
	}
	skip()
	if i < len(p.src) && p.src[i] == ':' {
		i++
	}
	skip()
	if i < len(p.src) && strings.IndexByte("\"{[", p.src[i]) >= 0 {
		i++
	} else {
		for i < len(p.src) && strings.IndexByte(" \t\r\n,}]", p.src[i]) < 0 {
			i++
		}
	}
	p.loc, p.ahead = int64(i), true
	return t.(string), nil // the decoder guarantees a string key inside an object
}

// finish is Jackson reading the text of the string token just read.
func (p *parser) finish() {
	if p.str {
		p.loc = p.end
	}
}

// text is a token as Jackson's getText gives it.
func text(t json.Token) string {
	if t == nil {
		return "null"
	}
	return fmt.Sprint(t)
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
	if p.d.StopAfterObject {
		return root, nil
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

// field is the field of a key of o; with DottedKeys, "a.b" is the field b of a's object.
func (p *parser) field(o *object, key string) *field {
	if p.d.DottedKeys {
		for {
			head, rest, ok := strings.Cut(key, ".")
			if !ok {
				break
			}
			f := o.get(head)
			if f.sub == nil {
				f.sub = &object{}
			}
			o, key = f.sub, rest
		}
	}
	return o.get(key)
}

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
		key, err := p.key()
		if err != nil {
			return err
		}
		if key == "$or" && p.d.Features&Or != 0 {
			if err := p.or(o, inOr); err != nil {
				return err
			}
			continue
		}
		if inOr && slices.Contains(reservedInOr, key) {
			return p.fail("%s is Ruler reserved fieldName which cannot be used inside $or.", key)
		}
		t, err := p.token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'):
			f := p.field(o, key)
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
			p.field(o, key).rules = rules // a repeated key's last rules win
		default:
			return p.fail("\"%s\" must be an object or an array", key)
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
			p.finish()
			r := rule{kind: exactString, s: v}
			if p.d.Ruler == Ruler10 {
				// event-ruler 1.0 compiles a string that is an IP address into that address.
				if a, ok := ipAddress(v); ok == ipOK {
					r = rule{kind: exactIP, s: v, prefix: netip.PrefixFrom(a, a.BitLen())}
				}
			}
			out = append(out, r)
		case json.Number:
			r := rule{kind: exactNumber, s: string(v), fixed: p.d.Ruler == Ruler10}
			if !p.d.NumbersByText {
				r.num, r.numOK = r.value(string(v))
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
		return rule{}, p.failAhead(false, "Match expression name not found")
	}
	op, err := p.key()
	if err != nil {
		return rule{}, err
	}
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
	case op == "cidr" && p.d.Features&Cidr != 0:
		s, err := p.stringValue("prefix match pattern must be a string") // sic: event-ruler's text
		if err != nil {
			return rule{}, err
		}
		block, reason := parseCIDR(s)
		if reason != "" {
			return rule{}, &Error{Offset: p.dec.InputOffset(), Location: -1, Reason: reason}
		}
		r = rule{kind: cidr, prefix: block}
	case op == "anything-but" && p.d.Features&(AnythingBut|AnythingButPrefix|AnythingButSuffix) != 0:
		var object bool
		if r, object, err = p.anythingBut(); err != nil {
			return rule{}, err
		}
		if p.d.Ruler == Ruler10 && !object && p.dec.More() {
			return rule{}, p.failAhead(true, "Too many elements in numeric expression")
		}
	case op == "numeric" && p.d.Features&Numeric != 0:
		if r, err = p.numeric(); err != nil {
			return rule{}, err
		}
		if p.dec.More() {
			return rule{}, p.failAhead(true, "Too many elements in numeric expression")
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
		return rule{}, p.failAhead(true, "Only one key allowed in match expression")
	}
	if _, err := p.token(); err != nil { // '}'
		return rule{}, err
	}
	return r, nil
}

// stringValue reads a value that must be a string, and its text.
func (p *parser) stringValue(reason string) (string, error) {
	t, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", p.fail("%s", reason)
	}
	p.finish()
	return s, nil
}

// anythingBut parses the value of "anything-but": a string, a number, a non-empty list of
// strings or of numbers, or {"prefix"|"suffix": a string or a list of strings} (object true).
func (p *parser) anythingBut() (r rule, object bool, err error) {
	t, err := p.token()
	if err != nil {
		return rule{}, false, err
	}
	if t == json.Delim('{') {
		if p.d.Ruler == Ruler10 {
			r, err := p.anythingButPrefix10()
			return r, true, err
		}
		r, err := p.anythingButObject()
		return r, true, err
	}
	if p.d.Features&AnythingBut == 0 {
		return rule{}, false, p.fail("Unsupported anything-but pattern")
	}
	r = rule{kind: anythingBut, fixed: p.d.Ruler == Ruler10}
	add := func(t json.Token, inList bool) error {
		switch v := t.(type) {
		case string:
			p.finish()
			r.strs = append(r.strs, v)
		case json.Number:
			f, ok := r.value(string(v))
			switch {
			case ok:
			case p.d.Ruler != Ruler10:
				return p.fail("Cannot compare number : %s", v)
			case inList:
				return p.fail("%s", outOfRange)
			default: // thrown past event-ruler's parser, without a location
				return &Error{Offset: p.dec.InputOffset(), Location: -1, Reason: outOfRange}
			}
			r.nums = append(r.nums, f)
		default:
			err := p.fail("Inside anything but list, start|null|boolean is not supported.")
			err.(*Error).Rewrapped = p.d.Ruler == Ruler10
			return err
		}
		return nil
	}
	switch t {
	case json.Delim('['):
		for p.dec.More() {
			t, err := p.token()
			if err != nil {
				return rule{}, false, err
			}
			if err := add(t, true); err != nil {
				return rule{}, false, err
			}
		}
		if _, err := p.token(); err != nil { // ']'
			return rule{}, false, err
		}
		if (len(r.strs) > 0) == (len(r.nums) > 0) {
			return rule{}, false, p.fail("Inside anything but list, either all values are number or string, mixed type is not supported")
		}
	default:
		switch t.(type) {
		case string, json.Number:
		default:
			return rule{}, false, p.fail("Value of anything-but must be an array or single string/number value.")
		}
		if err := add(t, false); err != nil {
			return rule{}, false, err
		}
	}
	return r, false, nil
}

// anythingButObject parses {"prefix"|"suffix": a string or a list of strings}, whose '{' was
// read, and its '}'.
func (p *parser) anythingButObject() (rule, error) {
	if !p.dec.More() {
		return rule{}, p.failAhead(false, "Anything-But expression name not found")
	}
	op, err := p.key()
	if err != nil {
		return rule{}, err
	}
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
	t, err := p.token()
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
		return rule{}, p.failAhead(true, "Too many elements in numeric expression")
	}
	if _, err := p.token(); err != nil { // the inner '}'
		return rule{}, err
	}
	return r, nil
}

// anythingButPrefix10 parses event-ruler 1.0's {"prefix": "s"}, whose '{' was read, and its '}'.
func (p *parser) anythingButPrefix10() (rule, error) {
	if !p.dec.More() {
		return rule{}, p.failAhead(false, "Anything-But expression name not found")
	}
	op, err := p.key()
	if err != nil {
		return rule{}, err
	}
	if op != "prefix" || p.d.Features&AnythingButPrefix == 0 {
		return rule{}, p.fail("Unsupported anything-but pattern: %s", op)
	}
	s, err := p.stringValue("prefix match pattern must be a string")
	if err != nil {
		return rule{}, err
	}
	if s == "" {
		return rule{}, p.fail("Null prefix not allowed")
	}
	if p.dec.More() {
		return rule{}, p.failAhead(true, "Only one key allowed in match expression")
	}
	if _, err := p.token(); err != nil { // the inner '}'
		return rule{}, err
	}
	return rule{kind: anythingButPrefix, strs: []string{s}}, nil
}

// outOfRange is event-ruler 1.0's reason for a number its ComparableNumber cannot hold.
const outOfRange = "Value must be between -5.0E9 and 5.0E9, inclusive"

// numeric parses the array of "numeric": ["=", n], [">"|">=", n], ["<"|"<=", n], or
// [">"|">=", n, "<"|"<=", m] with n < m, reading in event-ruler's order: the operator, then
// the token after it, then judging.
func (p *parser) numeric() (rule, error) {
	t, err := p.token()
	if err != nil {
		return rule{}, err
	}
	if t != json.Delim('[') {
		return rule{}, p.fail("Value of numeric must be an array.")
	}
	t, err = p.token()
	if err != nil {
		return rule{}, err
	}
	op, ok := t.(string)
	if !ok {
		return rule{}, p.fail("Invalid member in numeric match: %s", text(t))
	}
	p.finish()
	if t, err = p.token(); err != nil {
		return rule{}, err
	}
	r := rule{kind: numeric, fixed: p.d.Ruler == Ruler10}
	// operand is the number t must be; RulerLatest refuses one it cannot compare there and then,
	// Ruler10 when it builds the range, after the closing ']' (see bounds).
	operand := func(t json.Token, op string) (float64, error) {
		n, ok := t.(json.Number)
		if !ok {
			if op == "=" {
				op = "equals"
			}
			return 0, p.fail("Value of %s must be numeric", op)
		}
		if p.d.Ruler == Ruler10 {
			f, _ := parseFloat(string(n))
			return f, nil
		}
		f, ok := r.value(string(n))
		if !ok {
			return 0, p.fail("Cannot compare number : %s", n)
		}
		return f, nil
	}
	end := func(reason string) error {
		if p.dec.More() {
			return p.failAhead(false, "%s", reason)
		}
		_, err := p.token() // ']'
		return err
	}
	switch op {
	case "=", "<", "<=":
		f, err := operand(t, op)
		if err != nil {
			return rule{}, err
		}
		if err := end("Too many elements in numeric expression"); err != nil {
			return rule{}, err
		}
		if op == "=" {
			r.kind = numericEquals
			return r, p.bounds(&r, f, false, true, f, false, true)
		}
		return r, p.bounds(&r, -fiveBillion, false, false, f, op == "<", true)
	case ">", ">=":
		lo, err := operand(t, op)
		if err != nil {
			return rule{}, err
		}
		if t, err = p.token(); err != nil {
			return rule{}, err
		}
		if t == json.Delim(']') {
			return r, p.bounds(&r, lo, op == ">", true, fiveBillion, false, false)
		}
		top, ok := t.(string)
		if !ok {
			return rule{}, p.fail("Bad value in numeric range: %s", text(t))
		}
		p.finish()
		if top != "<" && top != "<=" {
			return rule{}, p.fail("Bad numeric range operator: %s", top)
		}
		if t, err = p.token(); err != nil {
			return rule{}, err
		}
		hi, err := operand(t, top)
		if err != nil {
			return rule{}, err
		}
		if err := end("Too many terms in numeric range expression"); err != nil {
			return rule{}, err
		}
		return r, p.bounds(&r, lo, op == ">", true, hi, top == "<", true)
	default:
		return rule{}, p.fail("Unrecognized numeric range operator: %s", op)
	}
}

// fiveBillion bounds event-ruler 1.0's numbers.
const fiveBillion = 5e9

// bounds sets the range's bounds (has false: unbounded), as event-ruler's Range does: but for
// "=" the bottom must be below the top, and with Ruler10 each bound within ±5e9 (an unbounded
// side is ±5e9 there), both checked after the closing ']'.
func (p *parser) bounds(r *rule, lo float64, loOpen, hasLo bool, hi float64, hiOpen, hasHi bool) error {
	equals := r.kind == numericEquals
	if p.d.Ruler == Ruler10 {
		if !equals && !(lo < hi) {
			return p.fail("Bottom must be less than top")
		}
		var ok1, ok2 bool
		if lo, ok1 = fixedKey(lo); ok1 {
			hi, ok2 = fixedKey(hi)
		}
		if !ok2 {
			return p.fail("%s", outOfRange)
		}
	} else if hasLo && hasHi && !equals && !(lo < hi) {
		return p.fail("Bottom must be less than top")
	}
	r.lo, r.hasLo, r.loOpen, r.hi, r.hasHi, r.hiOpen = lo, hasLo, loOpen, hi, hasHi, hiOpen
	return nil
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
