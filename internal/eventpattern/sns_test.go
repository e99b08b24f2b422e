package eventpattern

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SNS dialect: event-ruler 1.0's compiler (github.com/aws/event-ruler v1.0.4,
// JsonRuleCompiler, CIDR, ComparableNumber, Range), which SNS's recorded messages show. The
// recorded messages themselves are tested in internal/snsfilter.

// TestSNSOperators: cidr, IP addresses as rules, numbers equal by value, anything-but.
func TestSNSOperators(t *testing.T) {
	runCases(t, SNS, []matchCase{
		{"cidr v4", `{"ip": [{"cidr": "10.0.0.0/24"}]}`,
			[]string{`{"ip": "10.0.0.0"}`, `{"ip": "10.0.0.255"}`, `{"ip": ["1.1.1.1", "10.0.0.7"]}`, `{"ip": "::ffff:a00:1"}`},
			[]string{`{"ip": "10.0.1.0"}`, `{"ip": "10.0.0.256"}`, `{"ip": "010.0.0.1"}`, `{"ip": "10.0.0.1/32"}`, `{"ip": 10}`, `{}`}},
		{"cidr v4, host bits set", `{"ip": [{"cidr": "10.0.0.77/24"}]}`, []string{`{"ip": "10.0.0.1"}`}, []string{`{"ip": "10.0.1.1"}`}},
		{"cidr v6", `{"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}`,
			[]string{`{"ip": "2001:0db8:1234:1a00:0000:0000:0000:0000"}`, `{"ip": "2001:db8:1234:1a00:ffff::1"}`},
			[]string{`{"ip": "2001:db8:123f:1a01::"}`, `{"ip": "10.0.0.1"}`, `{"ip": "2001:db8:1234:1a00::1%eth0"}`}},
		{"an IP address as a rule is that address", `{"ip": ["10.0.0.1", "2001:db8::1"]}`,
			[]string{`{"ip": "10.0.0.1"}`, `{"ip": "2001:0db8:0:0:0:0:0:1"}`, `{"ip": "::ffff:a00:1"}`},
			[]string{`{"ip": "10.0.0.2"}`, `{"ip": "2001:db8::2"}`, `{"ip": "::ffff:10.0.0.1"}`}}, // dotted IPv6 is not IPv6 to event-ruler
		{"numbers equal by value", `{"n": [300]}`,
			[]string{`{"n": 300}`, `{"n": 300.0}`, `{"n": 3e2}`, `{"n": 300.0000001}`},
			[]string{`{"n": 300.000001}`, `{"n": "300"}`}},
		{"numbers past 5e9 by text only", `{"n": [6000000000]}`,
			[]string{`{"n": 6000000000}`}, []string{`{"n": 6000000000.0}`, `{"n": 6e9}`}},
		{"numeric to six decimal places", `{"n": [{"numeric": [">", 0.1]}]}`,
			[]string{`{"n": 0.100001}`, `{"n": 5e9}`}, []string{`{"n": 0.1000001}`, `{"n": 0.1}`, `{"n": 5.000001e9}`, `{"n": 1e400}`}},
		{"numeric equals", `{"n": [{"numeric": ["=", 301.5]}]}`,
			[]string{`{"n": 301.5}`, `{"n": 3.015e2}`}, []string{`{"n": 301.6}`}},
		{"numeric at the bounds", `{"n": [{"numeric": [">=", -5e9, "<=", 5e9]}]}`,
			[]string{`{"n": -5e9}`, `{"n": 5e9}`, `{"n": 0}`}, []string{`{"n": -5.000001e9}`, `{"n": 12345678901234567890}`}},
		{"anything-but numbers", `{"n": [{"anything-but": [100, 500]}]}`,
			[]string{`{"n": 101}`, `{"n": 100.1}`, `{"n": [100, 50]}`, `{"n": "100"}`, `{"n": 6e9}`},
			[]string{`{"n": 100}`, `{"n": 1e2}`, `{"n": [100, 500]}`, `{}`}},
		{"anything-but prefix", `{"e": [{"anything-but": {"prefix": "order-"}}]}`,
			[]string{`{"e": "data-entry"}`, `{"e": "order_number"}`, `{"e": 5}`}, []string{`{"e": "order-cancelled"}`, `{}`}},
	})
}

// TestSNSRefusals: event-ruler 1.0's reasons, where its Jackson parser stands (Location), and
// whether the reason is rethrown; -1: thrown past the parser, without a location.
func TestSNSRefusals(t *testing.T) {
	for _, c := range []struct {
		pattern   string
		reason    string
		location  int64
		rewrapped bool
	}{
		{`{"a":[{"cidr":"10.0.0.0/32"}]}`, "IPv4 mask bits must be < 32", -1, false},
		{`{"a":[{"cidr":"::/128"}]}`, "IPv6 mask bits must be < 128", -1, false},
		{`{"a":[{"cidr":"10.0.0.0/-1"}]}`, "Malformed CIDR, mask bits must not be negative", -1, false},
		{`{"a":[{"cidr":"10.0.0.0/"}]}`, "Malformed CIDR, one '/' required", -1, false},
		{`{"a":[{"cidr":"10.0.0.0/8/"}]}`, "", 0, false}, // Java's split drops the trailing empty string
		{`{"a":[{"cidr":"/8"}]}`, "Nonstandard IP address: ", -1, false},
		{`{"a":[{"cidr":"10.0.0.300/8"}]}`, "Invalid IP address: 10.0.0.300", -1, false},
		{`{"a":[{"cidr":":::/8"}]}`, "Invalid IP address: :::", -1, false},
		{`{"a":[{"anything-but":{"prefix":["x"]}}]}`, "prefix match pattern must be a string", 33, false},
		{`{"a":[{"anything-but":{"prefix":""}}]}`, "Null prefix not allowed", 34, false},
		{`{"a":[{"anything-but":{"prefix":"x","y":1}}]}`, "Only one key allowed in match expression", 41, false},
		{`{"a":[{"anything-but":"x","y":1}]}`, "Too many elements in numeric expression", 31, false},
		{`{"a":[{"anything-but":[true]}]}`, "Inside anything but list, start|null|boolean is not supported.", 27, true},
		{`{"a":[{"anything-but":[6.0E9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", 28, false},
		{`{"a":[{"anything-but":6.0E9}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", -1, false},
		{`{"a":[{"numeric":["=",6.0E9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", 28, false},
		{`{"a":[{"numeric":[">=",-6.0E9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", 30, false},
		{`{"a":[{"numeric":[">",5.0E9]}]}`, "Bottom must be less than top", 28, false},
		{`{"a":[{"numeric":["<",-5.0E9]}]}`, "Bottom must be less than top", 29, false},
		{`{"a":[{"numeric":[">",1,"<",6.0E9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", 34, false},
		{`{"a":[{"numeric":[null]}]}`, "Invalid member in numeric match: null", 22, false},
		{`{"a":[{"numeric":[">",1,{}]}]}`, "Bad value in numeric range: {", 25, false},
		{`{"a":[{"wildcard":"x*"}]}`, "Unrecognized match type wildcard", 19, false},
		{`{"a":[{"exactly":"x"}]}`, "Unrecognized match type exactly", 18, false},
		{`{"a":[{}]}`, "Match expression name not found", 8, false},
		{`{"a":[{"anything-but":{}}]}`, "Anything-But expression name not found", 24, false},
		{`{"$or":[{"a":[1]}]}`, "There must have at least 2 Objects in $or relationship.", 18, false},
		{`{"a":"b"} trailing`, `"a" must be an object or an array`, 6, false},
	} {
		_, err := Parse(c.pattern, SNS)
		if c.reason == "" {
			assert.NoError(t, err, c.pattern)
			continue
		}
		var pe *Error
		if assert.True(t, errors.As(err, &pe), "%s: %v", c.pattern, err) {
			assert.Equal(t, c.reason, pe.Reason, c.pattern)
			assert.Equal(t, c.location, pe.Location, c.pattern)
			assert.Equal(t, c.rewrapped, pe.Rewrapped, c.pattern)
		}
	}
	_, err := Parse(`{"a":["b"]} {"not": "read"}`, SNS)
	assert.NoError(t, err, "event-ruler reads nothing after the object")
}

// TestDialectsDiffer: what the Lambda and SNS dialects do differently, each side by side.
func TestDialectsDiffer(t *testing.T) {
	for _, c := range []struct {
		pattern        string
		lambda, sns    string // reasons, "" when accepted
		lambdaOK, snsK bool
	}{
		{pattern: `{"a":[{"cidr":"10.0.0.0/24"}]}`, lambda: "Unrecognized match type cidr"},
		{pattern: `{"a":[{"anything-but":{"suffix":"x"}}]}`, sns: "Unsupported anything-but pattern: suffix"},
		{pattern: `{"a":[{"anything-but":{"prefix":["x","y"]}}]}`, sns: "prefix match pattern must be a string"},
		{pattern: `{"a":[{"anything-but":{"prefix":1}}]}`, lambda: "prefix/suffix match pattern must be a string", sns: "prefix match pattern must be a string"},
		{pattern: `{"a":[{"anything-but":{"prefix":""}}]}`, lambda: "Null prefix/suffix not allowed", sns: "Null prefix not allowed"},
		{pattern: `{"a":[{"anything-but":"x","b":1}]}`, lambda: "Only one key allowed in match expression", sns: "Too many elements in numeric expression"},
		{pattern: `{"a":[{"numeric":["=",12345678901234567890]}]}`, lambda: "Cannot compare number : 12345678901234567890", sns: "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{pattern: `{"a":[{"numeric":["=",0.1000000000000000055511151231257827]}]}`, lambda: "Cannot compare number : 0.1000000000000000055511151231257827"},
		{pattern: `{"a":["b"]}}`, lambda: "unexpected data after the pattern's object"},
	} {
		for _, d := range []struct {
			dialect Dialect
			reason  string
		}{{Lambda, c.lambda}, {SNS, c.sns}} {
			_, err := Parse(c.pattern, d.dialect)
			if d.reason == "" {
				assert.NoError(t, err, c.pattern)
				continue
			}
			var pe *Error
			if assert.ErrorAs(t, err, &pe, c.pattern) {
				assert.Equal(t, d.reason, pe.Reason, c.pattern)
			}
		}
	}
	// Numbers: by text in Lambda, by value in SNS.
	for _, d := range []struct {
		dialect Dialect
		want    bool
	}{{Lambda, false}, {SNS, true}} {
		p, err := Parse(`{"n": [300]}`, d.dialect)
		require.NoError(t, err)
		ok, err := p.MatchJSON([]byte(`{"n": 300.0}`))
		require.NoError(t, err)
		assert.Equal(t, d.want, ok)
	}
}

// TestLocation: where event-ruler's Jackson stands after each kind of token: past a field name
// and the start of its value, just inside a string it has not read, past anything else.
func TestLocation(t *testing.T) {
	for _, c := range []struct {
		pattern  string
		location int64
	}{
		{`"x"`, 1},                           // a string, unread
		{`null`, 4},                          // a literal, read
		{`{"k":"v"}`, 6},                     // the value read with the name, just inside its quote
		{`{"k" : 12 }`, 9},                   // a number read with the name, whole
		{`{"k":[["v"]]}`, 7},                 // an array's start
		{`{"k":[{"prefix":"a","x":2}]}`, 25}, // the next name and its value
		{`{"k":[]}`, 7},                      // past the ']'
	} {
		for _, d := range []Dialect{Lambda, SNS} {
			_, err := Parse(c.pattern, d)
			var pe *Error
			if assert.ErrorAs(t, err, &pe, c.pattern) {
				assert.Equal(t, c.location, pe.Location, "%s: %s", c.pattern, pe.Reason)
			}
		}
	}
}

// TestDottedKeys: with DottedKeys a key with dots is a path of nested keys, merged with the
// other fields of its object.
func TestDottedKeys(t *testing.T) {
	d := SNS
	d.DottedKeys = true
	runCases(t, d, []matchCase{
		{"a path", `{"a.b": ["x"]}`, []string{`{"a": {"b": "x"}}`, `{"a": [{"b": "x"}]}`}, []string{`{"a.b": "x"}`, `{"a": {"b": "y"}}`}},
		{"merged with a nested key", `{"a.b": ["x"], "a": {"c": ["y"]}}`,
			[]string{`{"a": {"b": "x", "c": "y"}}`}, []string{`{"a": {"b": "x"}}`, `{"a": {"c": "y"}}`}},
		{"inside a nested key", `{"d": {"p.q": [1]}}`, []string{`{"d": {"p": {"q": 1}}}`}, []string{`{"d": {"p.q": 1}}`}},
		{"empty segments", `{"a..b": [1]}`, []string{`{"a": {"": {"b": 1}}}`}, nil},
	})
	runCases(t, SNS, []matchCase{
		{"without DottedKeys, a key with dots is one key", `{"a.b": ["x"]}`, []string{`{"a.b": "x"}`}, []string{`{"a": {"b": "x"}}`}},
	})
}

// TestRoot: the read-only view of a compiled pattern.
func TestRoot(t *testing.T) {
	p, err := Parse(`{"a": [1, 2], "b": {"c": ["x"]}, "$or": [{"d": [1]}, {"e": [1, 2, 3]}], "a": [3]}`, SNS)
	require.NoError(t, err)
	type field struct {
		key    string
		rules  int
		object bool
	}
	var got []field
	for k, m := range p.Root().Fields() {
		_, ok := m.Node()
		got = append(got, field{k, m.Rules(), ok})
	}
	assert.Equal(t, []field{{"a", 1, false}, {"b", 0, true}}, got, "a repeated key keeps its last rules")
	or := p.Root().Or()
	require.Len(t, or, 1)
	require.Len(t, or[0], 2)
	for k, m := range or[0][1].Fields() {
		assert.Equal(t, "e", k)
		assert.Equal(t, 3, m.Rules())
	}
	for range p.Root().Fields() {
		break // stopping early is allowed
	}
}

// fields is a Fields over a map, counting lookups.
type fields struct {
	m     map[string]any
	calls *int
}

func (f fields) Field(key string) (any, bool) {
	*f.calls++
	v, ok := f.m[key]
	return v, ok
}

// TestFields: Match looks a Fields' values up on demand, as it reads a map.
func TestFields(t *testing.T) {
	p, err := Parse(`{"a": ["x"], "$or": [{"b": [{"numeric": [">", 1]}]}, {"c": [{"exists": false}]}]}`, SNS)
	require.NoError(t, err)
	calls := 0
	ev := fields{m: map[string]any{"a": "x", "b": json.Number("2")}, calls: &calls}
	assert.True(t, p.Match(ev))
	assert.Positive(t, calls)
	assert.False(t, p.Match(fields{m: map[string]any{"a": "y"}, calls: &calls}))
	assert.True(t, p.Match(fields{m: map[string]any{"a": []any{"y", "x"}}, calls: &calls}))
	nested, err := Parse(`{"o": {"a": ["x"]}}`, SNS)
	require.NoError(t, err)
	assert.True(t, nested.Match(map[string]any{"o": fields{m: map[string]any{"a": "x"}, calls: &calls}}), "a Fields may stand for a nested object")
}

func TestFixedKey(t *testing.T) {
	k := func(f float64) float64 { v, ok := fixedKey(f); require.True(t, ok, f); return v }
	assert.Equal(t, k(0.1), k(0.1000001), "closer than a millionth")
	assert.NotEqual(t, k(0.1), k(0.100001))
	assert.Less(t, k(-5e9), k(-4999999999.99999))
	assert.Less(t, k(4999999999.99999), k(5e9))
	assert.Equal(t, k(-5e9), k(-4999999999.9999999), "within a millionth of -5e9")
	assert.Equal(t, float64(-5e15), k(-5e9))
	for _, f := range []float64{5.0000001e9, -5.0000001e9, 1e300} {
		_, ok := fixedKey(f)
		assert.False(t, ok, f)
	}
}
