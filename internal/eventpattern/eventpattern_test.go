package eventpattern

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchCase is a pattern with events it must match and events it must not.
type matchCase struct {
	name     string
	pattern  string
	match    []string
	nonMatch []string
}

func runCases(t *testing.T, d Dialect, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.pattern, d)
			require.NoError(t, err, c.pattern)
			for _, ev := range c.match {
				ok, err := p.MatchJSON([]byte(ev))
				require.NoError(t, err, ev)
				assert.True(t, ok, "%s should match %s", c.pattern, ev)
			}
			for _, ev := range c.nonMatch {
				ok, err := p.MatchJSON([]byte(ev))
				require.NoError(t, err, ev)
				assert.False(t, ok, "%s should not match %s", c.pattern, ev)
			}
		})
	}
}

// TestGuideFilterRuleSyntax: every comparison operator of the Lambda guide's filter rule syntax
// table, with its own example.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
func TestGuideFilterRuleSyntax(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"null: UserID is null", `{"UserID": [null]}`,
			[]string{`{"UserID": null}`, `{"UserID": [1, null]}`},
			[]string{`{}`, `{"UserID": "null"}`, `{"UserID": ""}`, `{"UserID": 0}`, `{"UserID": {}}`}},
		{"empty: LastName is empty", `{"LastName": [""]}`,
			[]string{`{"LastName": ""}`},
			[]string{`{}`, `{"LastName": null}`, `{"LastName": " "}`, `{"LastName": []}`}},
		{"equals: Name is Alice", `{"Name": ["Alice"]}`,
			[]string{`{"Name": "Alice"}`, `{"Name": ["Bob", "Alice"]}`},
			[]string{`{"Name": "alice"}`, `{"Name": "Alice "}`, `{"Name": {"first": "Alice"}}`, `{"name": "Alice"}`}},
		{"equals (ignore case): Name is Alice", `{"Name": [{"equals-ignore-case": "alice"}]}`,
			[]string{`{"Name": "Alice"}`, `{"Name": "ALICE"}`, `{"Name": "alice"}`},
			[]string{`{"Name": "Alicia"}`, `{"Name": null}`, `{}`}},
		{"and: Location is New York and Day is Monday", `{"Location": ["New York"], "Day": ["Monday"]}`,
			[]string{`{"Location": "New York", "Day": "Monday", "Other": 1}`},
			[]string{`{"Location": "New York", "Day": "Tuesday"}`, `{"Location": "New York"}`, `{"Day": "Monday"}`}},
		{"or: PaymentType is Credit or Debit", `{"PaymentType": ["Credit", "Debit"]}`,
			[]string{`{"PaymentType": "Credit"}`, `{"PaymentType": "Debit"}`},
			[]string{`{"PaymentType": "Cash"}`, `{}`}},
		{"or (multiple fields): Location is New York, or Day is Monday",
			`{"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}`,
			[]string{`{"Location": "New York"}`, `{"Day": "Monday"}`, `{"Location": "New York", "Day": "Monday"}`},
			[]string{`{"Location": "Boston", "Day": "Friday"}`, `{}`}},
		{"not: Weather is anything but Raining", `{"Weather": [{"anything-but": ["Raining"]}]}`,
			[]string{`{"Weather": "Sunny"}`, `{"Weather": "raining"}`, `{"Weather": ["Raining", "Snowing"]}`},
			[]string{`{"Weather": "Raining"}`, `{"Weather": ["Raining"]}`, `{}`}},
		{"numeric (equals): Price is 100", `{"Price": [{"numeric": ["=", 100]}]}`,
			[]string{`{"Price": 100}`, `{"Price": 100.0}`, `{"Price": 1e2}`},
			[]string{`{"Price": 101}`, `{"Price": "100"}`, `{}`}},
		{"numeric (range): Price is more than 10, and less than or equal to 20", `{"Price": [{"numeric": [">", 10, "<=", 20]}]}`,
			[]string{`{"Price": 10.5}`, `{"Price": 20}`, `{"Price": [5, 15]}`},
			[]string{`{"Price": 10}`, `{"Price": 20.0001}`, `{"Price": "15"}`, `{"Price": [5, 25]}`}},
		{"exists: ProductName exists", `{"ProductName": [{"exists": true}]}`,
			[]string{`{"ProductName": "x"}`, `{"ProductName": ""}`, `{"ProductName": null}`, `{"ProductName": [1]}`},
			[]string{`{}`, `{"ProductName": {"a": 1}}`, `{"ProductName": []}`, `{"productname": "x"}`}},
		{"does not exist: ProductName does not exist", `{"ProductName": [{"exists": false}]}`,
			[]string{`{}`, `{"Other": 1}`, `{"ProductName": {"a": 1}}`, `{"ProductName": []}`},
			[]string{`{"ProductName": "x"}`, `{"ProductName": null}`, `{"ProductName": [1]}`}},
		{"begins with: Region is in the US", `{"Region": [{"prefix": "us-"}]}`,
			[]string{`{"Region": "us-east-1"}`, `{"Region": "us-"}`},
			[]string{`{"Region": "eu-west-1"}`, `{"Region": "US-east-1"}`, `{}`}},
		{"ends with: FileName ends with .png", `{"FileName": [{"suffix": ".png"}]}`,
			[]string{`{"FileName": "a.png"}`},
			[]string{`{"FileName": "a.PNG"}`, `{"FileName": "a.png.gz"}`}},
		// The guide's other examples: a metadata and a data property, and multi-level filtering.
		{"metadata and data properties", `{"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}}`,
			[]string{`{"partitionKey": "1", "data": {"Location": "Los Angeles", "Temperature": "46"}}`},
			[]string{`{"partitionKey": "2", "data": {"Location": "Los Angeles"}}`, `{"partitionKey": "1", "data": {"Location": "Seattle"}}`}},
		{"numeric range on a data property", `{"data": {"Temperature": [{"numeric": [">", 50, "<=", 60]}]}}`,
			[]string{`{"data": {"Temperature": 55}}`, `{"data": {"Temperature": 60}}`},
			[]string{`{"data": {"Temperature": 50}}`, `{"data": {"Temperature": 61}}`}},
		{"multi-level filtering", `{"dynamodb": {"Keys": {"Id": {"N": ["101"]}}}}`,
			[]string{`{"dynamodb": {"Keys": {"Id": {"N": "101"}}, "NewImage": {"Message": {"S": "New item!"}}}}`},
			[]string{`{"dynamodb": {"Keys": {"Id": {"N": "102"}}}}`, `{"dynamodb": {"Keys": {"Id": "101"}}}`}},
		{"the console example: field a is 1 or 2", `{ "a" : [ 1, 2 ] }`,
			[]string{`{"a": 1}`, `{"a": 2}`},
			[]string{`{"a": 3}`, `{"a": "1"}`}},
	})
}

// TestRecordedSQSFilters: the filters Lambda's SQS event source mapping was recorded with against
// AWS (LocalStack's test_sqs_event_filter, validated 2025-11): AWS invoked the function with the
// first body and deleted the second. Here the patterns run on {"body": <decoded body>}.
func TestRecordedSQSFilters(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"single", `{"body": {"my-key": ["my-value"]}}`,
			[]string{`{"body": {"my-key": "my-value"}}`}, []string{`{"body": {"my-key": "other-value"}}`}},
		{"or", `{"body": {"my-key": ["my-value-one", "my-value-two"]}}`,
			[]string{`{"body": {"my-key": "my-value-two"}}`}, []string{`{"body": {"my-key": "other-value"}}`}},
		{"and", `{"body": {"my-key-one": ["other-filter", "my-value-one"], "my-key-two": ["my-value-two"]}}`,
			[]string{`{"body": {"my-key-one": "my-value-one", "my-key-two": "my-value-two"}}`},
			[]string{`{"body": {"my-key-one": "other-value-", "my-key-two": "my-value-two"}}`}},
		{"exists", `{"body": {"my-key": [{"exists": true}]}}`,
			[]string{`{"body": {"my-key": "any-value-one"}}`}, []string{`{"body": {"other-key": "any-value-two"}}`}},
		{"numeric-bigger", `{"body": {"my-number": [{"numeric": [">", 100]}]}}`,
			[]string{`{"body": {"my-number": 101}}`}, []string{`{"body": {"my-number": 100}}`}},
		{"numeric-smaller", `{"body": {"my-number": [{"numeric": ["<", 100]}]}}`,
			[]string{`{"body": {"my-number": 99}}`}, []string{`{"body": {"my-number": 100}}`}},
		{"numeric-range", `{"body": {"my-number": [{"numeric": [">=", 100, "<", 200]}]}}`,
			[]string{`{"body": {"my-number": 100}}`}, []string{`{"body": {"my-number": 200}}`}},
		{"prefix", `{"body": {"my-key": [{"prefix": "yes"}]}}`,
			[]string{`{"body": {"my-key": "yes-value"}}`}, []string{`{"body": {"my-key": "no-value"}}`}},
		{"valid-json-filter", `{"body": {"my-key": ["my-value"]}}`,
			[]string{`{"body": {"my-key": "my-value"}}`}, []string{`{"body": "plain-string"}`}},
		// The earlier recordings' filters, with their matching bodies (filter0 to filter7).
		{"filter2", `{"body": {"testItem": ["test24", "test45"], "test2": ["go"]}}`,
			[]string{`{"body": {"testItem": "test45", "test2": "go"}}`}, []string{`{"body": {"testItem": "test45", "test2": "stop"}}`}},
		{"filter3", `{"body": {"test2": [{"exists": true}]}}`,
			[]string{`{"body": {"test2": "7411"}}`}, []string{`{"body": {"test3": "7411"}}`}},
		{"filter6", `{"body": {"test2": [{"numeric": [">=", 100, "<", 200]}]}}`,
			[]string{`{"body": {"test2": 105}}`}, []string{`{"body": {"test2": "105"}}`, `{"body": {"test2": 200}}`}},
		{"filter7", `{"body": {"test2": [{"prefix": "us-1"}]}}`,
			[]string{`{"body": {"test2": "us-1-48454"}}`}, []string{`{"body": {"test2": "us-2-48454"}}`}},
	})
}

// TestArraysInTheEvent: a rule matches an array when it matches one element; an object pattern
// matches an array of objects when one element matches it whole (EventBridge: "If the value in
// the event is an array, then the event pattern matches if the intersection of the event pattern
// array and the event array is non-empty").
func TestArraysInTheEvent(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"any element", `{"tags": ["red"]}`,
			[]string{`{"tags": ["blue", "red"]}`, `{"tags": [["blue"], ["red"]]}`},
			[]string{`{"tags": ["blue"]}`, `{"tags": []}`, `{"tags": [{"c": "red"}]}`}},
		{"numbers in an array", `{"n": [{"numeric": [">", 10]}]}`,
			[]string{`{"n": [1, 2, 30]}`}, []string{`{"n": [1, 2, 3]}`, `{"n": ["30"]}`}},
		{"one element matches the object whole", `{"items": {"sku": ["a"], "qty": [2]}}`,
			[]string{`{"items": [{"sku": "b", "qty": 2}, {"sku": "a", "qty": 2}]}`},
			[]string{`{"items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]}`, `{"items": []}`}},
		{"nested arrays of objects", `{"a": {"b": {"c": [1]}}}`,
			[]string{`{"a": [{"b": [{"c": 2}, {"c": 1}]}]}`}, []string{`{"a": [{"b": [{"c": 2}]}]}`}},
		{"a missing field in an element", `{"items": {"gift": [{"exists": false}], "sku": ["a"]}}`,
			[]string{`{"items": [{"sku": "a", "gift": true}, {"sku": "a"}]}`},
			[]string{`{"items": [{"sku": "a", "gift": true}, {"sku": "b"}]}`}},
	})
}

// TestNumbers: Lambda compares a number in a rule list by its text ("For numbers, Lambda also
// uses string representation. For example, 300, 300.0, and 3.0e2 are not considered equal."),
// and numeric rules by value; event numbers a float64 cannot hold exactly match no numeric rule.
func TestNumbers(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"by text", `{"n": [300]}`, []string{`{"n": 300}`}, []string{`{"n": 300.0}`, `{"n": 3.0e2}`, `{"n": "300"}`}},
		{"by text, decimal", `{"n": [3.0e2]}`, []string{`{"n": 3.0e2}`}, []string{`{"n": 300}`, `{"n": 3e2}`}},
		{"numeric equals by value", `{"n": [{"numeric": ["=", 300]}]}`,
			[]string{`{"n": 300}`, `{"n": 300.0}`, `{"n": 3.0e2}`, `{"n": 3e+2}`}, []string{`{"n": 300.5}`, `{"n": "300"}`}},
		{"open bounds", `{"n": [{"numeric": [">", 0, "<", 1]}]}`,
			[]string{`{"n": 0.5}`, `{"n": 1e-9}`}, []string{`{"n": 0}`, `{"n": -0.0}`, `{"n": 1}`}},
		{"closed bounds", `{"n": [{"numeric": [">=", -1.5, "<=", 2]}]}`,
			[]string{`{"n": -1.5}`, `{"n": 2}`, `{"n": 0}`}, []string{`{"n": -1.50001}`, `{"n": 2.000001}`}},
		{"less than or equal", `{"n": [{"numeric": ["<=", 5]}]}`,
			[]string{`{"n": 5}`, `{"n": -1e300}`}, []string{`{"n": 5.1}`}},
		{"greater than or equal", `{"n": [{"numeric": [">=", 5]}]}`,
			[]string{`{"n": 5}`, `{"n": 1e300}`}, []string{`{"n": 4.9}`}},
		{"inexact event numbers", `{"n": [{"numeric": [">", 0]}]}`,
			[]string{`{"n": 0.1}`, `{"n": 9007199254740992}`},
			[]string{`{"n": 12345678901234567890}`, `{"n": 0.1000000000000000055511151231257827}`, `{"n": 1e400}`}},
	})
	t.Run("a dialect comparing numbers by value", func(t *testing.T) {
		d := Lambda
		d.NumbersByText = false
		runCases(t, d, []matchCase{
			{"by value", `{"n": [300]}`, []string{`{"n": 300}`, `{"n": 300.0}`, `{"n": 3.0e2}`}, []string{`{"n": 301}`, `{"n": "300"}`}},
		})
	})
}

// TestAnythingBut: the value forms of anything-but, and which event values each leaves out.
// Docs: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (anything-but, anything-but prefix and suffix)
func TestAnythingBut(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"single string", `{"state": [{"anything-but": "initializing"}]}`,
			[]string{`{"state": "running"}`, `{"state": 5}`, `{"state": null}`, `{"state": true}`},
			[]string{`{"state": "initializing"}`, `{}`, `{"state": {"a": 1}}`}},
		{"list of strings", `{"state": [{"anything-but": ["stopped", "overloaded"]}]}`,
			[]string{`{"state": "running"}`}, []string{`{"state": "stopped"}`, `{"state": "overloaded"}`}},
		{"single number", `{"x": [{"anything-but": 100}]}`,
			[]string{`{"x": 101}`, `{"x": "100"}`}, []string{`{"x": 100}`, `{"x": 100.0}`, `{"x": 1e2}`}},
		{"list of numbers", `{"x": [{"anything-but": [1, 2]}]}`,
			[]string{`{"x": 3}`}, []string{`{"x": 1}`, `{"x": 2.0}`}},
		{"prefix", `{"Region": [{"anything-but": {"prefix": "us-"}}]}`,
			[]string{`{"Region": "eu-west-1"}`, `{"Region": 1}`}, []string{`{"Region": "us-east-1"}`, `{}`}},
		{"prefixes", `{"Region": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}`,
			[]string{`{"Region": "ap-south-1"}`}, []string{`{"Region": "us-east-1"}`, `{"Region": "eu-west-1"}`}},
		{"suffix", `{"FileName": [{"anything-but": {"suffix": ".png"}}]}`,
			[]string{`{"FileName": "a.jpg"}`}, []string{`{"FileName": "a.png"}`}},
		{"in an array: any element not named", `{"state": [{"anything-but": "a"}]}`,
			[]string{`{"state": ["a", "b"]}`}, []string{`{"state": ["a", "a"]}`, `{"state": []}`}},
	})
}

// TestOr: "$or" ORs whole objects, at any level, ANDed with the object's other fields, and
// nests.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax ("Or (multiple fields)")
func TestOr(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"with another field", `{"source": ["shop"], "$or": [{"price": [{"numeric": [">", 100]}]}, {"vip": [true]}]}`,
			[]string{`{"source": "shop", "price": 150}`, `{"source": "shop", "price": 1, "vip": true}`},
			[]string{`{"source": "shop", "price": 1}`, `{"source": "web", "vip": true}`}},
		{"nested in a field", `{"body": {"$or": [{"a": ["1"]}, {"b": ["2"]}]}}`,
			[]string{`{"body": {"a": "1"}}`, `{"body": {"b": "2"}}`}, []string{`{"body": {"a": "2"}}`, `{"a": "1"}`}},
		{"nested in a branch", `{"$or": [{"a": ["1"]}, {"$or": [{"b": ["2"]}, {"c": ["3"]}]}]}`,
			[]string{`{"a": "1"}`, `{"c": "3"}`}, []string{`{"d": "4"}`}},
		{"two groups are ANDed", `{"$or": [{"a": ["1"]}, {"b": ["1"]}], "$or": [{"c": ["1"]}, {"d": ["1"]}]}`,
			[]string{`{"a": "1", "d": "1"}`}, []string{`{"a": "1", "b": "1"}`}},
		{"across array elements, per element", `{"x": {"$or": [{"a": ["1"]}, {"b": ["2"]}], "c": ["3"]}}`,
			[]string{`{"x": [{"a": "1", "c": "3"}]}`}, []string{`{"x": [{"a": "1"}, {"c": "3"}]}`}},
	})
}

// TestRepeatedKeys: a key repeated in an object keeps its last rules (event-ruler overrides);
// repeated objects merge, and an object and rules under one key must both match.
func TestRepeatedKeys(t *testing.T) {
	runCases(t, Lambda, []matchCase{
		{"last rules win", `{"a": ["1"], "a": ["2"]}`, []string{`{"a": "2"}`}, []string{`{"a": "1"}`}},
		{"objects merge", `{"a": {"b": ["1"]}, "a": {"c": ["2"]}}`, []string{`{"a": {"b": "1", "c": "2"}}`}, []string{`{"a": {"b": "1"}}`}},
	})
	p, err := Parse(`{"body": {"k": ["v"]}, "body": ["x"]}`, Lambda)
	require.NoError(t, err)
	assert.Equal(t, Rules|Object, p.Shape("body"))
}

// TestShape: how a top-level key appears, which lambdaesm reads to check a body pattern's
// format against the message body's.
func TestShape(t *testing.T) {
	p, err := Parse(`{"body": {"a": ["1"]}, "attributes": {"SenderId": [{"exists": true}]}, "messageId": ["x"], "$or": [{"body2": ["1"]}, {"z": ["2"]}]}`, Lambda)
	require.NoError(t, err)
	assert.Equal(t, Object, p.Shape("body"))
	assert.Equal(t, Object, p.Shape("attributes"))
	assert.Equal(t, Rules, p.Shape("messageId"))
	assert.Equal(t, Absent, p.Shape("body2"), "keys inside $or branches are not top-level")
	assert.Equal(t, Absent, p.Shape("nope"))
}

// TestInvalidPatterns: patterns Lambda refuses with "Invalid filter pattern definition.", with
// event-ruler's reason. The first four are LocalStack's test_sqs_invalid_event_filter cases,
// recorded against AWS: null, "simple string", {"eventSource": "aws:sqs"}, {"eventSource": []}.
func TestInvalidPatterns(t *testing.T) {
	for _, c := range []struct{ pattern, reason string }{
		{`null`, "Filter is not an object"},
		{`simple string`, "not valid JSON"},
		{`{"eventSource": "aws:sqs"}`, `"eventSource" must be an object or an array`},
		{`{"eventSource": []}`, "Empty arrays are not allowed"},
		{``, "unexpected end of the pattern"},
		{`   `, "unexpected end of the pattern"},
		{`"text"`, "Filter is not an object"},
		{`[{"a": ["b"]}]`, "Filter is not an object"},
		{`{}`, "Empty objects are not allowed"},
		{`{"a": {}}`, "Empty objects are not allowed"},
		{`{"a": 1}`, `"a" must be an object or an array`},
		{`{"a": null}`, `"a" must be an object or an array`},
		{`{"a": [["b"]]}`, "Match value must be String, number, true, false, or null"},
		{`{"a": ["b"]} {"c": ["d"]}`, "unexpected data after the pattern's object"},
		{`{"a": ["b"]}}`, "unexpected data after the pattern's object"},
		{`{"a": ["b"]`, "unexpected end of the pattern"},
		{`{"a": [{}]}`, "Match expression name not found"},
		{`{"a": [{"wildcard": "x*"}]}`, "Unrecognized match type wildcard"},
		{`{"a": [{"cidr": "10.0.0.0/24"}]}`, "Unrecognized match type cidr"},
		{`{"a": [{"prefix": "x", "suffix": "y"}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"prefix": 1}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"prefix": {"equals-ignore-case": "x"}}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"suffix": null}]}`, "suffix match pattern must be a string"},
		{`{"a": [{"equals-ignore-case": 5}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"a": [{"exists": "yes"}]}`, "exists match pattern must be either true or false."},
		{`{"a": [{"exists": null}]}`, "exists match pattern must be either true or false."},
		{`{"a": [{"exists": true, "prefix": "x"}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"anything-but": null}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a": [{"anything-but": [true]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a": [{"anything-but": []}]}`, "either all values are number or string"},
		{`{"a": [{"anything-but": ["x", 1]}]}`, "either all values are number or string"},
		{`{"a": [{"anything-but": {"wildcard": "x"}}]}`, "Unsupported anything-but pattern: wildcard"},
		{`{"a": [{"anything-but": {"equals-ignore-case": "x"}}]}`, "Unsupported anything-but pattern: equals-ignore-case"},
		{`{"a": [{"anything-but": {"prefix": ""}}]}`, "Null prefix/suffix not allowed"},
		{`{"a": [{"anything-but": {"prefix": 1}}]}`, "prefix/suffix match pattern must be a string"},
		{`{"a": [{"anything-but": {"suffix": []}}]}`, "prefix/suffix match pattern must be a string"},
		{`{"a": [{"anything-but": {}}]}`, "Anything-But expression name not found"},
		{`{"a": [{"anything-but": 12345678901234567890}]}`, "Cannot compare number"},
		{`{"a": [{"numeric": 5}]}`, "Value of numeric must be an array."},
		{`{"a": [{"numeric": []}]}`, "Invalid member in numeric match: ]"},
		{`{"a": [{"numeric": [1, "<="]}]}`, "Invalid member in numeric match: 1"},
		{`{"a": [{"numeric": ["operator"]}]}`, "Unrecognized numeric range operator: operator"},
		{`{"a": [{"numeric": ["=", "000"]}]}`, "Value of equals must be numeric"},
		{`{"a": [{"numeric": [">="]}]}`, "Value of >= must be numeric"},
		{`{"a": [{"numeric": [">", "20", "<", "30"]}]}`, "Value of > must be numeric"},
		{`{"a": [{"numeric": [">", 20, "<="]}]}`, "Value of <= must be numeric"},
		{`{"a": [{"numeric": [">", 20, 30]}]}`, "Bad value in numeric range: 30"},
		{`{"a": [{"numeric": [">=", 1, ">", 2]}]}`, "Bad numeric range operator: >"},
		{`{"a": [{"numeric": [">", 3, "<", 1]}]}`, "Bottom must be less than top"},
		{`{"a": [{"numeric": [">=", 1, "<=", 1]}]}`, "Bottom must be less than top"},
		{`{"a": [{"numeric": ["<", 100, ">", 10]}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"numeric": [">", 20, "<", 30, "<", 50]}]}`, "Too many terms in numeric range expression"},
		{`{"a": [{"numeric": ["=", 1e400]}]}`, "Cannot compare number"},
		{`{"a": [{"numeric": ["=", 1], "prefix": "x"}]}`, "Too many elements in numeric expression"},
		{`{"$or": [{"a": ["1"]}]}`, "There must have at least 2 Objects in $or relationship."},
		{`{"$or": {"a": ["1"]}}`, "It must be an Array followed with $or."},
		{`{"$or": [{"a": ["1"]}, "b"]}`, "Only JSON object is allowed in array of $or relationship."},
		{`{"$or": [{"a": ["1"]}, {"prefix": ["2"]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"$or": [{"a": ["1"]}, {"b": {"numeric": ["2"]}}]}`, "numeric is Ruler reserved fieldName which cannot be used inside $or."},
		{strings.Repeat(`{"a":`, maxDepth+1) + `["x"]` + strings.Repeat("}", maxDepth+1), "nested too deeply"},
	} {
		_, err := Parse(c.pattern, Lambda)
		var pe *Error
		if assert.True(t, errors.As(err, &pe), "%q: %v", c.pattern, err) {
			assert.Contains(t, pe.Reason, c.reason, c.pattern)
		}
	}
}

// TestErrorOffset: the byte offset after the offending token. (SNS's "column" is not offset+1:
// it recorded `… at [Source: (String)"{"key_a":"value_one"}"; line: 1, column: 11]`, where
// event-ruler's parser stands, which Error.Location gives; test_sns_filter_policy.)
func TestErrorOffset(t *testing.T) {
	_, err := Parse(`{"key_a":"value_one"}`, Lambda)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, int64(20), pe.Offset)
	assert.Equal(t, `invalid event pattern: "key_a" must be an object or an array (at byte 20)`, pe.Error())
}

// TestDialectFeatures: a dialect without a feature refuses its operator, as an unrecognized
// match type or an unsupported anything-but pattern; without "$or" the key is a field name.
func TestDialectFeatures(t *testing.T) {
	for _, c := range []struct {
		off     Feature
		pattern string
		reason  string
	}{
		{EqualsIgnoreCase, `{"a": [{"equals-ignore-case": "x"}]}`, "Unrecognized match type equals-ignore-case"},
		{Prefix, `{"a": [{"prefix": "x"}]}`, "Unrecognized match type prefix"},
		{Suffix, `{"a": [{"suffix": "x"}]}`, "Unrecognized match type suffix"},
		{AnythingBut, `{"a": [{"anything-but": "x"}]}`, "Unsupported anything-but pattern"},
		{AnythingButPrefix, `{"a": [{"anything-but": {"prefix": "x"}}]}`, "Unsupported anything-but pattern: prefix"},
		{AnythingButSuffix, `{"a": [{"anything-but": {"suffix": "x"}}]}`, "Unsupported anything-but pattern: suffix"},
		{Numeric, `{"a": [{"numeric": ["=", 1]}]}`, "Unrecognized match type numeric"},
		{Exists, `{"a": [{"exists": true}]}`, "Unrecognized match type exists"},
	} {
		_, err := Parse(c.pattern, Lambda)
		require.NoError(t, err, "Lambda accepts %s", c.pattern)
		d := Lambda
		d.Features &^= c.off
		_, err = Parse(c.pattern, d)
		var pe *Error
		if assert.ErrorAs(t, err, &pe, c.pattern) {
			assert.Contains(t, pe.Reason, c.reason)
		}
	}
	d := Lambda
	d.Features &^= Or
	_, err := Parse(`{"$or": [{"a": ["1"]}, {"b": ["2"]}]}`, d)
	require.Error(t, err, "without $or its array holds objects, not rules")
	p, err := Parse(`{"$or": ["x"]}`, d)
	require.NoError(t, err)
	ok, _ := p.MatchJSON([]byte(`{"$or": "x"}`))
	assert.True(t, ok, `"$or" is a plain field name`)
}

// TestMatchIgnoresForeignValues: Match takes Decode's types; anything else is not a leaf value.
func TestMatchIgnoresForeignValues(t *testing.T) {
	p, err := Parse(`{"a": [{"exists": true}]}`, Lambda)
	require.NoError(t, err)
	assert.False(t, p.Match(map[string]any{"a": 5}), "an int is not a decoded JSON value")
	assert.False(t, p.Match("not an object"))
	assert.False(t, p.Match(nil))
	_, err = p.MatchJSON([]byte(`{"a": 1} x`))
	assert.Error(t, err)
}

func TestComparable(t *testing.T) {
	for text, want := range map[string]bool{
		"0": true, "-0": true, "0.1": true, "1e2": true, "100.000": true, "1E+2": true, "-1.5e-7": true,
		"9007199254740993": false, "12345678901234567890": false, "1e400": false, "1e-400": false,
		"0.1000000000000000055511151231257827": false, "1e99999999999": false, "0e99999999999": true,
	} {
		_, ok := comparable(text)
		assert.Equal(t, want, ok, text)
	}
}
