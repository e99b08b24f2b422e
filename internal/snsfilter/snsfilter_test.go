package snsfilter

import (
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const redactedAt = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "

// TestSyntaxErrors: Jackson 2.17's wording of syntax errors beyond the two recorded (read from
// jackson-core's ReaderBasedJsonParser, not recorded against SNS).
func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct{ policy, want string }{
		{`{`, "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])" + redactedAt + "line: 1, column: 2]"},
		{`{"a"`, "Unexpected end-of-input within/between Object entries" + redactedAt + "line: 1, column: 5]"},
		{`{"a":["b",]}`, "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + redactedAt + "line: 1, column: 11]"},
		{`{"a":["b"}`, "Unexpected close marker '}': expected ']' (for Array starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 6])" + redactedAt + "line: 1, column: 10]"},
		{`{"a" ["b"]}`, "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value" + redactedAt + "line: 1, column: 6]"},
		{`{"a":["b"] "c":1}`, "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + redactedAt + "line: 1, column: 12]"},
		{`{"a":[truex]}`, "Unrecognized token 'truex': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + redactedAt + "line: 1, column: 12]"},
		{`{"a":[01]}`, "Invalid numeric value: Leading zeroes not allowed" + redactedAt + "line: 1, column: 9]"},
		{`{"a":[NaN]}`, "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + redactedAt + "line: 1, column: 10]"},
		{`{"a":["\x"]}`, "Unrecognized character escape 'x' (code 120)" + redactedAt + "line: 1, column: 10]"},
		{"{\"a\":[\"\t\"]}", "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value" + redactedAt + "line: 1, column: 9]"},
		{"{'a':1}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name" + redactedAt + "line: 1, column: 2]"},
		{"\r\n{\n\"é\" 1}", "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value" + redactedAt + "line: 3, column: 5]"},
		{"\"\r\n", "Illegal unquoted character ((CTRL-CHAR, code 13)): has to be escaped using backslash to be included in string value" + redactedAt + "line: 1, column: 3]"},
		{`/* x */ {}`, "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)" + redactedAt + "line: 1, column: 1]"},
		{strings.Repeat("[", 1001), "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"},
	} {
		_, err := Parse(c.policy, "")
		if assert.Error(t, err, c.policy) {
			assert.Equal(t, "Invalid parameter: FilterPolicy: failed to parse JSON. "+c.want, err.Error(), c.policy)
		}
	}
}

// TestRewrite: the text event-ruler compiles, SNS's Jackson tree written back compactly.
func TestRewrite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{ "a" : [ 1 , "x" , true , null ] }`, `{"a":[1,"x",true,null]}`},
		{`{"n": [1e2, 100, -0, -0.0, 1.5e10, 0.001, 1e-4, 1234567.5, 1e7, 12345678901234567890, 1e400, -1e400]}`,
			`{"n":[100.0,100,0,-0.0,1.5E10,0.001,1.0E-4,1234567.5,1.0E7,12345678901234567890,"Infinity","-Infinity"]}`},
		{`{"s": ["\u00e9\t\"\\\/\u0001\u007f", "\ud83d\ude00"]}`, "{\"s\":[\"é\\t\\\"\\\\/\\u0001\u007f\",\"😀\"]}"},
		{`{"a": [1], "b": [2], "a": {"c": [3]}}`, `{"a":{"c":[3]},"b":[2]}`},
		{`{"a": [1]} {"b": [2]}`, `{"a":[1]}`},
	} {
		tree, err := readTree(c.in)
		require.Nil(t, err, c.in)
		var b strings.Builder
		tree.compact(&b)
		assert.Equal(t, c.want, b.String(), c.in)
	}
	// A rewritten number is compared as the double it became: 1e10 is no longer "1e10" to the
	// compiler, and past event-ruler 1.0's ±5e9 a number matches only its text.
	p, err := Parse(`{"n": [1e10]}`, MessageBody)
	require.NoError(t, err)
	assert.False(t, p.MatchBody(`{"n": 1e10}`))
	assert.True(t, p.MatchBody(`{"n": 1.0E10}`))
	// Location and source are those of the rewritten text, its first 500 characters.
	long := `{"k": ["` + strings.Repeat("é", 600) + `"], "x": 1}`
	_, err = Parse(long, "")
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(err.Error(), `"[truncated 116 chars]; line: 1, column: 616]`), err.Error())
}

// TestAttributeTypes: how each data type is matched.
func TestAttributeTypes(t *testing.T) {
	m := func(kv ...any) message {
		out := message{attrs: map[string]Attribute{}}
		for i := 0; i < len(kv); i += 2 {
			out.attrs[kv[i].(string)] = kv[i+1].(Attribute)
		}
		return out
	}
	bin := Attribute{Type: "Binary", Value: "\x00\x01"}
	runDeliveries(t, []delivery{
		{"a Binary attribute is ignored", "", `{"b": [{"exists": false}]}`, []message{m("b", bin), m()}, []message{m("b", str("x"))}},
		{"a Binary attribute never matches", "", `{"b": [{"exists": true}]}`, []message{m("b", str("x"))}, []message{m("b", bin)}},
		{"a Binary attribute's bytes are not a string", "", `{"b": ["\u0000\u0001"]}`, nil, []message{m("b", bin), m("b", Attribute{Type: "Binary.gz", Value: "\x00\x01"})}},
		{"custom types", "", `{"s": ["x"], "n": [{"numeric": [">", 1]}]}`,
			[]message{m("s", Attribute{Type: "String.custom", Value: "x"}, "n", Attribute{Type: "Number.float", Value: "1.5"})}, nil},
		{"a string is not a number", "", `{"n": [{"numeric": [">", 1]}]}`, []message{m("n", num("2"))}, []message{m("n", str("2"))}},
		{"a number is not a string", "", `{"n": ["2"]}`, []message{m("n", str("2"))}, []message{m("n", num("2"))}},
		{"numbers equal by value", "", `{"n": [300]}`,
			[]message{m("n", num("300")), m("n", num("300.0")), m("n", num("3e2")), m("n", num("+300")), m("n", num("300."))},
			[]message{m("n", num("301")), m("n", num("three hundred"))}},
		{"a String.Array's elements", "", `{"a": [{"numeric": [">", 10]}, "x", true]}`,
			[]message{m("a", strs(`[1, 20]`)), m("a", strs(`["y", "x"]`)), m("a", strs(`[false, true]`))},
			[]message{m("a", strs(`[1, 2]`)), m("a", strs(`[]`)), m("a", str(`["x"]`))}},
		{"an empty String.Array has no value", "", `{"a": [{"exists": true}]}`, []message{m("a", strs(`["x"]`))}, []message{m("a", strs(`[]`))}},
		{"a String.Array that is not JSON is its text", "", `{"a": ["[x"]}`, []message{m("a", strs(`[x`))}, nil},
		{"a dotted attribute name is one name", "", `{"a.b": ["x"]}`, []message{m("a.b", str("x"))}, []message{m("a", str("x"))}},
		{"a missing attribute", "", `{"a": [{"anything-but": "x"}]}`, []message{m("a", str("y"))}, []message{m(), {}}},
		{"cidr on a String attribute", "", `{"ip": [{"cidr": "192.168.0.0/16"}]}`, []message{m("ip", str("192.168.3.4"))}, []message{m("ip", str("192.169.0.1"))}},
	})
}

// TestBodies: what a MessageBody policy reads of a body.
func TestBodies(t *testing.T) {
	runDeliveries(t, []delivery{
		{"not an object", MessageBody, `{"a": [{"exists": false}]}`,
			[]message{{body: `{}`}, {body: ` {"b": 1} `}},
			[]message{{body: `[{}]`}, {body: `5`}, {body: `null`}, {body: `"{}"`}, {body: `{`}, {body: ``}}},
		{"what follows the object is not read", MessageBody, `{"a": [1]}`, []message{{body: `{"a": 1} trailing`}}, nil},
		{"dotted keys merge with nested ones", MessageBody, `{"a": {"b": [1], "c": [2]}}`,
			[]message{{body: `{"a": {"b": 1}, "a.c": 2}`}, {body: `{"a.b": 1, "a.c": 2}`}}, []message{{body: `{"a.b": 1}`}}},
		{"a value and an object at one path", MessageBody, `{"a": ["x"], "a.b": ["y"]}`,
			[]message{{body: `{"a": "x", "a.b": "y"}`}}, []message{{body: `{"a": "x"}`}}},
		{"dotted keys in arrays", MessageBody, `{"r": {"s.t": ["x"]}}`,
			[]message{{body: `{"r": [{"s.t": "y"}, {"s": {"t": "x"}}]}`}, {body: `{"r": [{"s.t": "x"}]}`}}, []message{{body: `{"r": [{"s.t": "y"}]}`}}},
	})
}

// TestScopes: each Match method serves its scope; the other passes nothing.
func TestScopes(t *testing.T) {
	attrs, err := Parse(`{"a": ["x"]}`, "")
	require.NoError(t, err)
	assert.True(t, attrs.MatchAttributes(map[string]Attribute{"a": str("x")}))
	assert.False(t, attrs.MatchBody(`{"a": "x"}`))
	assert.False(t, attrs.MatchAttributes(nil))
	b, err := Parse(`{"a": ["x"]}`, MessageBody)
	require.NoError(t, err)
	assert.True(t, b.MatchBody(`{"a": "x"}`))
	assert.False(t, b.MatchAttributes(map[string]Attribute{"a": str("x")}))
	p, err := Parse(" \n\t", MessageBody)
	assert.NoError(t, err)
	assert.Nil(t, p, "white space is no policy")
	_, err = Parse("", "messagebody")
	assert.EqualError(t, err, "Invalid parameter: FilterPolicyScope: Invalid value [messagebody]. Please use either MessageBody or MessageAttributes")
}

// TestInvalidParameterIsAnAPIError: the caller can hand the error to an SDK client as it is.
func TestInvalidParameterIsAnAPIError(t *testing.T) {
	_, err := Parse(`{"a": []}`, "")
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "InvalidParameter", api.ErrorCode())
	assert.Equal(t, smithy.FaultClient, api.ErrorFault())
	assert.Equal(t, err.Error(), api.ErrorMessage())
}

// TestConcurrentMatches: a Policy is shared by concurrent publishes (run with -race).
func TestConcurrentMatches(t *testing.T) {
	p, err := Parse(`{"a": ["x"], "n": [{"numeric": [">", 1]}]}`, "")
	require.NoError(t, err)
	b, err := Parse(`{"a.b": ["x"]}`, MessageBody)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				assert.True(t, p.MatchAttributes(map[string]Attribute{"a": str("x"), "n": num("2")}))
				assert.True(t, b.MatchBody(`{"a": {"b": "x"}}`))
			}
		})
	}
	wg.Wait()
}
