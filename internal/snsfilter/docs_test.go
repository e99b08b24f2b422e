package snsfilter

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples of the SNS developer guide's "Amazon SNS message filtering" chapter
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html), each in both scopes
// where the guide shows both.

// attr is a message with one attribute.
func attr(name string, a Attribute) message {
	return message{attrs: map[string]Attribute{name: a}}
}

// both is the guide's pair of cases: the attribute and the same value in a body.
func both(name string, a Attribute, bodyValue any) []message {
	return []message{attr(name, a), body(obj{name, bodyValue})}
}

// runBoth runs each delivery in the MessageAttributes scope on its attribute messages and in the
// MessageBody scope on its body messages.
func runBoth(t *testing.T, cases []delivery) {
	t.Helper()
	var split []delivery
	for _, c := range cases {
		a, b := c, c
		a.evidence, a.scope, a.pass, a.drop = c.evidence+" (attributes)", MessageAttributes, nil, nil
		b.evidence, b.scope, b.pass, b.drop = c.evidence+" (body)", MessageBody, nil, nil
		for _, m := range c.pass {
			if m.attrs != nil {
				a.pass = append(a.pass, m)
			} else {
				b.pass = append(b.pass, m)
			}
		}
		for _, m := range c.drop {
			if m.attrs != nil {
				a.drop = append(a.drop, m)
			} else {
				b.drop = append(b.drop, m)
			}
		}
		split = append(split, a, b)
	}
	runDeliveries(t, split)
}

func concat(lists ...[]message) []message {
	var out []message
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestGuideExamples: "Example filter policies", "String value matching", "Numeric value
// matching", "Key matching" and "AND/OR logic".
func TestGuideExamples(t *testing.T) {
	interests := func(v string) []message { return both("customer_interests", str(v), v) }
	runBoth(t, []delivery{
		// String value matching
		{"exact", "", `{"customer_interests": ["rugby", "tennis"]}`,
			concat(interests("rugby"), interests("tennis")), interests("baseball")},
		{"prefix", "", `{"customer_interests": [{"prefix": "bas"}]}`,
			concat(interests("baseball"), interests("basketball")), interests("rugby")},
		{"suffix", "", `{"customer_interests": [{"suffix": "ball"}]}`,
			concat(interests("baseball"), interests("basketball")), interests("rugby")},
		{"equals-ignore-case", "", `{"customer_interests": [{"equals-ignore-case": "tennis"}]}`,
			concat(interests("TENNIS"), interests("Tennis")), interests("baseball")},
		{"anything-but", "", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`,
			concat(interests("baseball"), interests("football"),
				[]message{attr("customer_interests", strs(`["rugby", "baseball"]`)), body(obj{"customer_interests", []any{"rugby", "baseball"}})}),
			concat(interests("rugby"), []message{body(obj{"customer_interests", []any{"rugby"}})})},
		{"anything-but prefix", "", `{"event": [{"anything-but": {"prefix": "order-"}}]}`,
			concat(both("event", str("data-entry"), "data-entry"), both("event", str("order_number"), "order_number")),
			both("event", str("order-cancelled"), "order-cancelled")},
		{"IP address", "", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`,
			concat(both("source_ip", str("10.0.0.0"), "10.0.0.0"), both("source_ip", str("10.0.0.255"), "10.0.0.255")),
			both("source_ip", str("10.1.1.0"), "10.1.1.0")},
		// Numeric value matching
		{"numeric exact", "", `{"price_usd": [{"numeric": ["=", 301.5]}]}`,
			[]message{attr("price_usd", num("301.5")), attr("price_usd", num("3.015e2")),
				{body: `{"price_usd": 301.5}`}, {body: `{"price_usd": 3.015e2}`}},
			both("price_usd", num("301.6"), 301.6)},
		{"numeric anything-but", "", `{"price": [{"anything-but": [100, 500]}]}`,
			concat(both("price", num("101"), 101), both("price", num("100.1"), 100.1),
				[]message{attr("price", Attribute{Type: "Number.Array", Value: "[100, 50]"}), body(obj{"price", []any{100, 50}})}),
			both("price", num("100"), 100)},
		{"numeric less than", "", `{"price_usd": [{"numeric": ["<", 0]}]}`,
			both("price_usd", num("-1"), -1), both("price_usd", num("0"), 0)},
		{"numeric range", "", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`,
			concat(both("price_usd", num("150"), 150), both("price_usd", num("0.5"), 0.5)),
			concat(both("price_usd", num("0"), 0), both("price_usd", num("150.5"), 150.5))},
		// Key matching
		{"exists", "", `{"store": [{"exists": true}]}`,
			[]message{
				{attrs: map[string]Attribute{"store": str("fans"), "customer_interests": strs(`["baseball", "basketball"]`)}},
				body(obj{"store", "fans", "customer_interests", []any{"baseball", "basketball"}}),
			},
			[]message{attr("customer_interests", strs(`["baseball", "basketball"]`)), body(obj{"customer_interests", []any{"baseball", "basketball"}})}},
		{"does not exist", "", `{"store": [{"exists": false}]}`,
			[]message{attr("customer_interests", strs(`["baseball", "basketball"]`)), body(obj{"customer_interests", []any{"baseball", "basketball"}})},
			[]message{
				{attrs: map[string]Attribute{"store": str("fans"), "customer_interests": strs(`["baseball", "basketball"]`)}},
				body(obj{"store", "fans", "customer_interests", []any{"baseball", "basketball"}}),
			}},
		// AND/OR logic
		{"AND", "", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`,
			[]message{{attrs: map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("101")}},
				body(obj{"customer_interests", "rugby", "price_usd", 101})},
			[]message{{attrs: map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("100")}},
				attr("customer_interests", str("rugby")), body(obj{"customer_interests", "rugby", "price_usd", 100})}},
		{"OR", "", `{"customer_interests": ["rugby", "football", "baseball"]}`,
			concat(interests("rugby"), interests("football"), interests("baseball")), interests("tennis")},
		{"OR operator", "", `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
			[]message{
				{attrs: map[string]Attribute{"source": str("aws.cloudwatch"), "metricName": str("CPUUtilization")}},
				{attrs: map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/EC2")}},
				body(obj{"source", "aws.cloudwatch", "metricName", "CPUUtilization"}),
				body(obj{"source", "aws.cloudwatch", "namespace", "AWS/EC2"}),
			},
			[]message{
				{attrs: map[string]Attribute{"source": str("aws.events"), "metricName": str("CPUUtilization")}},
				{attrs: map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/ES")}},
				body(obj{"source", "aws.cloudwatch"}),
			}},
	})
}

// TestGuideExampleMessage: "Example filter policies": a policy that accepts the guide's example
// message and one that rejects it (its "encrypted" attribute is missing, among others).
func TestGuideExampleMessage(t *testing.T) {
	m := message{attrs: map[string]Attribute{
		"customer_interests": strs(`["soccer", "rugby", "hockey"]`),
		"store":              str("example_corp"),
		"event":              str("order_placed"),
		"price_usd":          num("210.75"),
	}}
	runDeliveries(t, []delivery{
		{"accepts", "", `{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}], "customer_interests": ["rugby", "football", "baseball"], "price_usd": [{"numeric": [">=", 100]}]}`,
			[]message{m}, nil},
		{"rejects", "", `{"store": ["example_corp"], "event": ["order_cancelled"], "encrypted": [false], "customer_interests": ["basketball", "baseball"]}`,
			nil, []message{m}},
	})
}

// TestGuideConstraints: "Filter policy constraints": the guide's examples are within the limits,
// and so is what a user measured against SNS (USA-RedDragon/nexrad-aws-notifier, 2026: a
// MessageBody policy on Records.s3.object.key, depth 4, "36 values accepted, 40 refused as
// "Filter policy is too complex"": 4×36 = 144, 4×40 = 160).
func TestGuideConstraints(t *testing.T) {
	for _, c := range []struct {
		name, scope, policy string
		err                 string
	}{
		{"3 × 1 × 2 = 6", "", `{"key_a": ["value_one", "value_two", "value_three"], "key_b": ["value_one"], "key_c": ["value_one", "value_two"]}`, ""},
		{"3×4 × 2×3 = 72", MessageBody, `{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}}, "key_d": {"key_e": ["value_one", "value_two", "value_three"]}}`, ""},
		{"5 keys", "", `{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1]}`, ""},
		{"nested keys count once", MessageBody, `{"a": {"b": [1], "c": [1], "d": [1], "e": [1], "f": [1], "g": [1]}}`, ""},
		{"keys count per $or alternative", "", `{"a": [1], "b": [1], "c": [1], "$or": [{"d": [1], "e": [1]}, {"f": [1], "g": [1]}]}`, ""},
		{"6 keys in an alternative", "", `{"a": [1], "b": [1], "c": [1], "$or": [{"d": [1], "e": [1], "f": [1]}, {"g": [1]}]}`, "Filter policy can not have more than 5 keys"},
		{"150 values", "", fmt.Sprintf(`{"k": %s}`, dumps(values(150))), ""},
		{"nexrad: 36 prefixes at depth 4", MessageBody, nexradPolicy(36), ""},
		{"nexrad: 37 prefixes at depth 4 (148)", MessageBody, nexradPolicy(37), ""},
		{"nexrad: 38 prefixes at depth 4 (152)", MessageBody, nexradPolicy(38), "Filter policy is too complex"},
		{"nexrad: 40 prefixes at depth 4", MessageBody, nexradPolicy(40), "Filter policy is too complex"},
		{"many $or alternatives", "", manyOr(160), "Filter policy is too complex"},
		{"256 KB", "", `{"k": ["` + strings.Repeat("x", 256*1024-11) + `"]}`, ""},
		{"over 256 KB", "", `{"k": ["` + strings.Repeat("x", 256*1024-10) + `"]}`, "Filter policy is too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.policy, c.scope)
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, "Invalid parameter: FilterPolicy: "+c.err)
			}
		})
	}
}

func nexradPolicy(n int) string {
	var prefixes []any
	for i := range n {
		prefixes = append(prefixes, obj{"prefix", fmt.Sprintf("2026/09/07/K%03d/", i)})
	}
	return dumps(obj{"Records", obj{"s3", obj{"object", obj{"key", prefixes}}}})
}

// manyOr is n "$or" alternatives nested two at a time.
func manyOr(n int) string {
	var alts []any
	for i := range n {
		alts = append(alts, obj{"k", []any{i}})
	}
	return dumps(obj{"$or", alts})
}

// TestReservedInOr: the guide says an "$or" whose objects use reserved keywords is a plain
// attribute name; either way SNS refuses this policy (event-ruler's reason is given).
func TestReservedInOr(t *testing.T) {
	_, err := Parse(`{"$or": [ {"numeric" : 123}, {"prefix": "abc"} ]}`, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "numeric is Ruler reserved fieldName which cannot be used inside $or.")
}
