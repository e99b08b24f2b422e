package snsfilter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cases in this file are answers recorded against AWS by LocalStack's AWS-validated tests
// (tests/aws/services/sns/test_sns_filter_policy.py and test_sns.py, snapshots validated
// 2024-05 to 2026-01). Each names its test and snapshot key as evidence. The policies are
// written as boto3 sent them (json.dumps: ", " and ": "), so the compact text SNS's errors quote
// is SNS's own rewriting.

// dumps writes v as Python's json.dumps does with its default separators.
func dumps(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out strings.Builder
	inString, escaped := false, false
	for _, c := range string(b) {
		out.WriteRune(c)
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out.WriteByte(' ')
		}
	}
	return out.String()
}

// values is n strings value0, value1, ...
func values(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("value%d", i)
	}
	return out
}

// obj is a JSON object with its keys in the order given (json.Marshal of a map would sort them).
type obj []any

func (o obj) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(o); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(o[i])
		v, err := json.Marshal(o[i+1])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// TestRecordedRefusals: every refused policy of the recordings, with SNS's exact message. Via
// Subscribe SNS says "Invalid parameter: Attributes Reason: ..." (AttributesMessage), via
// SetSubscriptionAttributes "Invalid parameter: ..." (Error).
func TestRecordedRefusals(t *testing.T) {
	const sub, set = "Subscribe", "SetSubscriptionAttributes"
	loc := func(policy string, col int) string {
		return fmt.Sprintf("\n at [Source: (String)\"%s\"; line: 1, column: %d]", policy, col)
	}
	or152 := obj{
		"source", []any{"aws.cloudwatch", "aws.events", "aws.test", "aws.test2"},
		"$or", []any{
			obj{"metricName", []any{"CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"}},
			obj{"metricType", []any{"MetricType", "TestType", "TestType2", "TestType3"},
				"$or", []any{obj{"metricId", []any{1234, 4321, 5678, 9012}}, obj{"spaceId", []any{1, 2, 3, 4}}}},
		},
	}
	or160 := obj{
		"$or", []any{
			obj{"metricName", []any{"CPUUtilization", "ReadLatency", "TestValue"}},
			obj{"namespace", []any{"AWS/EC2", "AWS/ES"}},
		},
		"detail", obj{
			"scope", []any{"Service", "Test"},
			"$or", []any{
				obj{"source", []any{"aws.cloudwatch"}},
				obj{"type", []any{"CloudWatch Alarm State Change", "TestValue", "TestValue2"}},
			},
		},
	}
	for _, c := range []struct {
		evidence, api, scope string
		policy               any
		want                 string
	}{
		// test_validate_policy
		{"error-condition-list", sub, "", obj{"key", []any{[]any{"value"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Match value must be String, number, true, false, or null" + loc(`{"key":[["value"]]}`, 10)},
		{"error-condition-operator", sub, "", obj{"key", []any{obj{"wrong-operator", true}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wrong-operator" + loc(`{"key":[{"wrong-operator":true}]}`, 31)},
		{"error-condition-two-operators", sub, "", obj{"key", []any{obj{"suffix", "value", "prefix", "value2"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Only one key allowed in match expression" + loc(`{"key":[{"suffix":"value","prefix":"value2"}]}`, 37)},
		// test_validate_policy_string_operators
		{"error-condition-empty-array", sub, "", obj{"key", []any{}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed" + loc(`{"key":[]}`, 10)},
		{"error-condition-is-numeric", sub, "", obj{"key", []any{obj{"suffix", 100}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string" + loc(`{"key":[{"suffix":100}]}`, 22)},
		{"error-condition-is-none", sub, "", obj{"key", []any{obj{"suffix", nil}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string" + loc(`{"key":[{"suffix":null}]}`, 23)},
		{"error-condition-is-not-list-and-operator", sub, "", obj{"key", obj{"suffix", "value"}},
			"Invalid parameter: Attributes Reason: FilterPolicy: \"suffix\" must be an object or an array" + loc(`{"key":{"suffix":"value"}}`, 19)},
		{"error-condition-empty-list", sub, "", obj{"key", []any{obj{"suffix", []any{}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string" + loc(`{"key":[{"suffix":[]}]}`, 20)},
		{"error-condition-list-wrong-type", sub, "", obj{"key", []any{obj{"suffix", []any{"test", "test2"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string" + loc(`{"key":[{"suffix":["test","test2"]}]}`, 20)},
		{"error-condition-is-not-list-two-ops", sub, "", obj{"key", obj{"suffix", "value", "prefix", "value"}},
			"Invalid parameter: Attributes Reason: FilterPolicy: \"suffix\" must be an object or an array" + loc(`{"key":{"suffix":"value","prefix":"value"}}`, 19)},
		{"error-condition-is-not-list-and-no-operator", sub, "", obj{"key", obj{"not-an-operator", "value"}},
			"Invalid parameter: Attributes Reason: FilterPolicy: \"not-an-operator\" must be an object or an array" + loc(`{"key":{"not-an-operator":"value"}}`, 28)},
		{"error-condition-bad-type", sub, "", obj{"key", []any{obj{"cidr", []any{"bad-filter"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: prefix match pattern must be a string" + loc(`{"key":[{"cidr":["bad-filter"]}]}`, 18)},
		{"error-condition-bad-cidr-str", sub, "", obj{"key", []any{obj{"cidr", "bad-filter"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Malformed CIDR, one '/' required"},
		{"error-condition-bad-cidr-str-slash", sub, "", obj{"key", []any{obj{"cidr", "bad-filter/64"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: bad-filter"},
		{"error-condition-bad-cidr-str-slash-2", sub, "", obj{"key", []any{obj{"cidr", "bad-/64filter"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Malformed CIDR, mask bits must be an integer"},
		{"error-condition-bad-cidr-v4", sub, "", obj{"key", []any{obj{"cidr", "xx.11.xx/8"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: xx.11.xx"},
		{"error-condition-bad-cidr-v6", sub, "", obj{"key", []any{obj{"cidr", "xxxx:db8:1234:1a00::/64"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Nonstandard IP address: xxxx:db8:1234:1a00::"},
		// test_validate_policy_numeric_operator
		{"error-numeric-empty", sub, "", obj{"key", []any{obj{"numeric", []any{}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Invalid member in numeric match: ]" + loc(`{"key":[{"numeric":[]}]}`, 22)},
		{"error-numeric-wrong-operator", sub, "", obj{"key", []any{obj{"numeric", []any{"operator"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized numeric range operator: operator" + loc(`{"key":[{"numeric":["operator"]}]}`, 32)},
		{"error-numeric-operator-order", sub, "", obj{"key", []any{obj{"numeric", []any{1, "<="}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Invalid member in numeric match: 1" + loc(`{"key":[{"numeric":[1,"<="]}]}`, 22)},
		{"error-numeric-type", sub, "", obj{"key", []any{obj{"numeric", []any{"=", "000"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Value of equals must be numeric" + loc(`{"key":[{"numeric":["=","000"]}]}`, 26)},
		{"error-numeric-missing-value", sub, "", obj{"key", []any{obj{"numeric", []any{">="}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Value of >= must be numeric" + loc(`{"key":[{"numeric":[">="]}]}`, 26)},
		{"error-numeric-wrong-range-order", sub, "", obj{"key", []any{obj{"numeric", []any{"<", 100, ">", 10}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Too many elements in numeric expression" + loc(`{"key":[{"numeric":["<",100,">",10]}]}`, 30)},
		{"error-numeric-wrong-range-operators", sub, "", obj{"key", []any{obj{"numeric", []any{">=", 1, ">", 2}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Bad numeric range operator: >" + loc(`{"key":[{"numeric":[">=",1,">",2]}]}`, 31)},
		{"error-numeric-wrong-value-order", sub, "", obj{"key", []any{obj{"numeric", []any{">", 3, "<", 1}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top" + loc(`{"key":[{"numeric":[">",3,"<",1]}]}`, 33)},
		{"error-numeric-missing-range-value", sub, "", obj{"key", []any{obj{"numeric", []any{">", 20, "<="}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Value of <= must be numeric" + loc(`{"key":[{"numeric":[">",20,"<="]}]}`, 33)},
		{"error-numeric-missing-range-operator", sub, "", obj{"key", []any{obj{"numeric", []any{">", 20, 30}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Bad value in numeric range: 30" + loc(`{"key":[{"numeric":[">",20,30]}]}`, 30)},
		{"error-numeric-wrong-second-range-operator", sub, "", obj{"key", []any{obj{"numeric", []any{">", 20, "test"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Bad numeric range operator: test" + loc(`{"key":[{"numeric":[">",20,"test"]}]}`, 34)},
		{"error-numeric-wrong-range-value-1-type", sub, "", obj{"key", []any{obj{"numeric", []any{">", "20", "<", "30"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric" + loc(`{"key":[{"numeric":[">","20","<","30"]}]}`, 26)},
		{"error-numeric-wrong-range-value-2-type", sub, "", obj{"key", []any{obj{"numeric", []any{">", 20, "<", "30"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Value of < must be numeric" + loc(`{"key":[{"numeric":[">",20,"<","30"]}]}`, 33)},
		{"error-numeric-too-many-range", sub, "", obj{"key", []any{obj{"numeric", []any{">", 20, "<", 30, "<", 50}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Too many terms in numeric range expression" + loc(`{"key":[{"numeric":[">",20,"<",30,"<",50]}]}`, 36)},
		// test_validate_policy_exists_operator
		{"error-condition-none", sub, "", obj{"key", []any{obj{"exists", nil}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false." + loc(`{"key":[{"exists":null}]}`, 23)},
		{"error-condition-string", sub, "", obj{"key", []any{obj{"exists", "no"}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false." + loc(`{"key":[{"exists":"no"}]}`, 20)},
		// test_validate_policy_nested_anything_but_operator
		{"error-condition-wrong-operator", sub, "", obj{"key", []any{obj{"anything-but", obj{"wrong-operator", nil}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: wrong-operator" + loc(`{"key":[{"anything-but":{"wrong-operator":null}}]}`, 47)},
		{"error-condition-anything-but-suffix", sub, "", obj{"key", []any{obj{"anything-but", obj{"suffix", "test"}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: suffix" + loc(`{"key":[{"anything-but":{"suffix":"test"}}]}`, 36)},
		{"error-condition-anything-but-exists", sub, "", obj{"key", []any{obj{"anything-but", obj{"exists", false}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: exists" + loc(`{"key":[{"anything-but":{"exists":false}}]}`, 40)},
		{"error-condition-anything-but-prefix-wrong-type", sub, "", obj{"key", []any{obj{"anything-but", obj{"prefix", false}}}},
			"Invalid parameter: Attributes Reason: FilterPolicy: prefix match pattern must be a string" + loc(`{"key":[{"anything-but":{"prefix":false}}]}`, 40)},
		// test_policy_complexity
		{"error-complexity-in-one-condition", sub, "", obj{"key", values(151)},
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"},
		{"error-complexity-in-two-conditions", sub, "", obj{"key1", values(100), "key2", values(51)},
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"},
		{"error-complexity-too-many-fields", sub, "", obj{"key1", []any{"value1"}, "key2", []any{"value2"}, "key3", []any{"value3"},
			"key4", []any{"value4"}, "key5", []any{"value5"}, "key6", []any{"value6"}},
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"},
		// test_policy_complexity_with_or: (4×6) + (4×4×4) + (4×4×4) = 152, and for MessageBody
		// (3×4×2) + (3×4×6) + (2×4×2) + (2×4×6) = 160 (a nested key weighs its depth).
		{"error-complexity-or-flat", sub, MessageAttributes, or152,
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"},
		{"error-complexity-or-nested", sub, MessageBody, or160,
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"},
		// test_sub_filter_policy_nested_property
		{"sub-filter-policy-nested-error", set, "", obj{"object", obj{"key", []any{obj{"prefix", "auto-"}}}},
			"Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"},
		// test_sub_filter_policy_nested_property_constraints: 3×4 × 2×3 × 1×3 = 216
		{"sub-filter-policy-nested-error-too-many-combinations", set, MessageBody, obj{
			"key_a", obj{"key_b", obj{"key_c", []any{"value_one", "value_two", "value_three", "value_four"}}},
			"key_d", obj{"key_e", []any{"value_one", "value_two", "value_three"}},
			"key_f", []any{"value_one", "value_two", "value_three"},
		}, "Invalid parameter: FilterPolicy: Filter policy is too complex"},
		{"sub-filter-policy-max-attr-keys", set, MessageBody, obj{"key_a", []any{"value_one"}, "key_b", []any{"value_two"},
			"key_c", []any{"value_three"}, "key_d", []any{"value_four"}, "key_e", []any{"value_five"}, "key_f", []any{"value_six"}},
			"Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"},
		{"sub-filter-policy-rule-no-list", set, MessageBody, obj{"key_a", "value_one"},
			"Invalid parameter: FilterPolicy: \"key_a\" must be an object or an array" + loc(`{"key_a":"value_one"}`, 11)},
	} {
		t.Run(c.evidence, func(t *testing.T) {
			policy := dumps(c.policy)
			_, err := Parse(policy, c.scope)
			var ip *InvalidParameter
			require.ErrorAs(t, err, &ip, policy)
			got := ip.Error()
			if c.api == sub {
				got = ip.AttributesMessage()
			}
			assert.Equal(t, c.want, got, policy)
			assert.Equal(t, "InvalidParameter", ip.ErrorCode())
			assert.Equal(t, 400, ip.HTTPStatusCode())
		})
	}
}

// TestRecordedSyntaxErrors: SNS's JSON reading fails before event-ruler sees the policy; its
// newer Jackson no longer quotes the source.
func TestRecordedSyntaxErrors(t *testing.T) {
	// test_sns.py TestSNSSubscriptionCrud::test_validate_set_sub_attributes, invalid-json-filter-policy
	_, err := Parse("{invalidjson}", "")
	require.Error(t, err)
	assert.Equal(t, "Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]", err.Error())
	// test_sns.py TestSNSSubscriptionCrudV2::test_subscribe_invalid_filter_policy (Subscribe)
	_, err = Parse("invalid-json", "")
	var ip *InvalidParameter
	require.ErrorAs(t, err, &ip)
	assert.Equal(t, "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 8]", ip.AttributesMessage())
}

// TestRecordedScope: test_set_subscription_filter_policy_scope, sub-attrs-filter-scope-error.
func TestRecordedScope(t *testing.T) {
	_, err := Parse(`{"attr": ["match-this"]}`, "RandomValue")
	require.Error(t, err)
	assert.Equal(t, "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes", err.Error())
}

// TestRecordedAccepted: policies the recordings show accepted.
func TestRecordedAccepted(t *testing.T) {
	for _, c := range []struct {
		evidence, scope string
		policy          any
	}{
		// test_validate_policy_nested_anything_but_operator, its positive part
		{"anything-but prefix", "", obj{"key", []any{obj{"anything-but", obj{"prefix", "test-"}}}}},
		{"anything-but list", "", obj{"key", []any{obj{"anything-but", []any{"test", "test2"}}}}},
		{"anything-but value", "", obj{"key", []any{obj{"anything-but", "test"}}}},
		// test_policy_complexity_with_or, its last policy: (3×6) + (3×4×4) + (3×4×7) = 150
		{"150 combinations with $or", MessageAttributes, obj{
			"source", []any{"aws.cloudwatch", "aws.events", "aws.test"},
			"$or", []any{
				obj{"metricName", []any{"CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "TestVal4"}},
				obj{"metricType", []any{"MetricType", "TestType", "TestType2", "TestType3"},
					"$or", []any{obj{"metricId", []any{1234, 4321, 5678, 9012}}, obj{"spaceId", []any{1, 2, 3, 4, 5, 6, 7}}}},
			},
		}},
		// test_sub_filter_policy_nested_property, sub-attrs-after-setting-nested-policy
		{"nested, in MessageBody", MessageBody, obj{"object", obj{"key", []any{obj{"prefix", "auto-"}}}}},
		// test_set_subscription_filter_policy_scope, sub-attrs-after-setting-policy
		{"flat, in MessageBody", MessageBody, obj{"attr", []any{"match-this"}}},
		// test_sns.py test_subscribe_sqs_queue, subscription-attributes
		{"numeric range", "", obj{"attr1", []any{obj{"numeric", []any{">", 0, "<=", 100}}}}},
	} {
		t.Run(c.evidence, func(t *testing.T) {
			p, err := Parse(dumps(c.policy), c.scope)
			require.NoError(t, err)
			require.NotNil(t, p)
		})
	}
}

// message is a published message: attributes or a body.
type message struct {
	attrs map[string]Attribute
	body  string
}

func num(v string) Attribute  { return Attribute{Type: "Number", Value: v} }
func str(v string) Attribute  { return Attribute{Type: "String", Value: v} }
func strs(v string) Attribute { return Attribute{Type: "String.Array", Value: v} }

func body(v any) message { return message{body: dumps(v)} }

// delivery is a policy and the messages SNS delivered and filtered out.
type delivery struct {
	evidence, scope string
	policy          string
	pass, drop      []message
}

func runDeliveries(t *testing.T, cases []delivery) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.evidence, func(t *testing.T) {
			p, err := Parse(c.policy, c.scope)
			require.NoError(t, err, c.policy)
			match := func(m message) bool {
				if c.scope == MessageBody {
					return p.MatchBody(m.body)
				}
				return p.MatchAttributes(m.attrs)
			}
			for _, m := range c.pass {
				assert.True(t, match(m), "%s should deliver %v%s", c.policy, m.attrs, m.body)
			}
			for _, m := range c.drop {
				assert.False(t, match(m), "%s should filter out %v%s", c.policy, m.attrs, m.body)
			}
		})
	}
}

// TestRecordedDeliveries: what SNS delivered to the subscribed queue, and what it did not.
func TestRecordedDeliveries(t *testing.T) {
	a := func(kv ...any) message {
		m := message{attrs: map[string]Attribute{}}
		for i := 0; i < len(kv); i += 2 {
			m.attrs[kv[i].(string)] = kv[i+1].(Attribute)
		}
		return m
	}
	onBody := obj{"object", obj{"key", []any{obj{"prefix", "auto-"}, "hardcodedvalue"}, "nested_key", []any{obj{"exists", false}}},
		"test", []any{obj{"exists", false}}}
	s3Record := func(name, key string) obj {
		return obj{"eventSource", "aws:s3", "eventTime", "2022-11-21T03:41:29.743Z", "eventName", name,
			"s3", obj{"bucket", obj{"name", "insurance-bucket-demo", "arn", "arn:aws:s3:::insurance-bucket-demo"},
				"object", obj{"key", key, "size", 17}}}
	}
	cw := func(kv ...any) message { return body(obj(kv)) }
	event := func(id string, detail obj) message {
		return body(obj{"id", id, "source", "test-source", "detail-type", "test-detail-type", "account", "123456789012",
			"region", "my-region", "time", "2022-07-13T13:48:01Z", "detail", detail})
	}
	runDeliveries(t, []delivery{
		// TestSNSFilterPolicyAttributes::test_filter_policy, messages-1 and messages-2 (and
		// test_filter_policy_for_batch, through PublishBatch)
		{"test_filter_policy numeric", "", `{"attr1": [{"numeric": [">", 0, "<=", 100]}]}`,
			[]message{a("attr1", num("99"))}, []message{a("attr1", num("111"))}},
		// test_filter_policy, messages-3: no attributes, null or anything-but
		{"test_filter_policy null or anything-but", "", `{"attr1": [null, {"anything-but": "whatever"}]}`,
			nil, []message{a()}},
		// test_exists_filter_policy, messages-1 to messages-4
		{"test_exists_filter_policy true", "", `{"store": [{"exists": true}]}`,
			[]message{a("store", num("99"), "def", num("99"))}, []message{a("attr1", num("111"))}},
		{"test_exists_filter_policy false", "", `{"store": [{"exists": false}]}`,
			[]message{a("def", num("99"))}, []message{a("store", num("99"), "def", num("99"))}},
		// test_exists_filter_policy_attributes_array, messages-1 to messages-3
		{"test_exists_filter_policy_attributes_array", MessageAttributes, `{"store": ["value1"]}`,
			[]message{a("store", str("value1")), a("store", strs(`["value1", "value2"]`))},
			[]message{a("store", strs(`["value2", "value3"]`))}},
		// TestSNSFilterPolicyBody::test_filter_policy_on_message_body[True|False]
		{"test_filter_policy_on_message_body", MessageBody, dumps(onBody),
			[]message{body(obj{"object", obj{"key", "auto-test"}}), body(obj{"object", obj{"key", "hardcodedvalue"}})},
			[]message{
				body(obj{"object", obj{"key", "test-auto"}}),
				body(obj{"object", obj{"key", "auto-test"}, "test", "just-exists"}),
				body(obj{"object", obj{"key", "auto-test", "nested_key", "just-exists"}}),
				body(obj{"object", obj{"test", "auto-test"}}),
				body(obj{"test", "auto-test"}),
				{body: "Regular string message"},
				body("Regular string message"),
			}},
		// test_filter_policy_on_message_body_dot_attribute, recv-nested-msg-*
		{"dot attribute", MessageBody, `{"object.nested": ["string.value"]}`,
			[]message{body(obj{"object", obj{"nested", "string.value"}}), body(obj{"object.nested", "string.value"})},
			[]message{body(obj{"object", obj{"nested", "test-auto"}})}},
		// test_filter_policy_on_message_body_dot_attribute, recv-deep-nested-msg-*
		{"deep dot attribute", MessageBody, `{"object.nested.test": ["string.value"]}`,
			[]message{
				body(obj{"object", obj{"nested", obj{"test", "string.value"}}}),
				body(obj{"object.nested.test", "string.value"}),
				body(obj{"object.nested", obj{"test", "string.value"}}),
				body(obj{"object", obj{"nested.test", "string.value"}}),
			},
			[]message{body(obj{"object", obj{"nested", obj{"test", "string.notvalue"}}})}},
		// test_filter_policy_on_message_body_array_attributes, messages-queue-0 and -1
		{"array attributes, queue1", MessageBody, `{"headers": {"route-to": ["queue1"]}}`,
			[]message{body(obj{"headers", obj{"route-to", []any{"queue1"}}}), body(obj{"headers", obj{"route-to", []any{"queue1", "queue2"}}})},
			[]message{body(obj{"headers", obj{"route-to", []any{"queue3"}}}), body(obj{"headers", obj{"route-to", []any{"queue2"}}})}},
		{"array attributes, queue2", MessageBody, `{"headers": {"route-to": ["queue2"]}}`,
			[]message{body(obj{"headers", obj{"route-to", []any{"queue2"}}}), body(obj{"headers", obj{"route-to", []any{"queue1", "queue2"}}})},
			[]message{body(obj{"headers", obj{"route-to", []any{"queue3"}}}), body(obj{"headers", obj{"route-to", []any{"queue1"}}})}},
		// test_filter_policy_on_message_body_array_of_object_attributes, messages
		{"array of objects", MessageBody, `{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}}`,
			[]message{
				body(obj{"Records", []any{
					obj{"eventSource", "aws:s3", "eventName", "ObjectCreated:Put",
						"s3", obj{"object", []any{[]any{obj{"key", "auto-insurance-2314.xml", "size", 17}}}}},
					obj{"eventSource", "aws:s3", "eventName", "ObjectRemoved:Delete",
						"s3", obj{"object", obj{"key", "home-insurance-2314.xml", "size", 17}}},
				}}),
				body(obj{"Records", []any{s3Record("ObjectCreated:Put", "auto-insurance-2314.xml")}}),
			},
			[]message{
				body(obj{"Records", []any{s3Record("ObjectRemoved:Delete", "auto-insurance-2314.xml")}}),
				body(obj{"Records", []any{s3Record("ObjectCreated:Put", "home-insurance-2314.xml")}}),
			}},
		// test_filter_policy_on_message_body_or_attribute, messages-queue
		{"$or", MessageBody, dumps(obj{
			"$or", []any{obj{"metricName", []any{"CPUUtilization", "ReadLatency"}}, obj{"namespace", []any{"AWS/EC2", "AWS/ES"}}},
			"detail", obj{"scope", []any{"Service"}, "$or", []any{obj{"source", []any{"aws.cloudwatch"}}, obj{"type", []any{"CloudWatch Alarm State Change"}}}},
		}),
			[]message{
				cw("metricName", "CPUUtilization", "detail", obj{"scope", "Service", "source", "aws.cloudwatch"}),
				cw("metricName", "ReadLatency", "detail", obj{"scope", "Service", "source", "aws.cloudwatch"}),
				cw("namespace", "AWS/EC2", "detail", obj{"scope", "Service", "source", "aws.cloudwatch"}),
				cw("namespace", "AWS/ES", "detail", obj{"scope", "Service", "source", "aws.cloudwatch"}),
				cw("metricName", "CPUUtilization", "detail", obj{"scope", "Service", "type", "CloudWatch Alarm State Change"}),
			},
			[]message{
				cw("metricName", "CPUUtilization", "detail", obj{"scope", "aws.cloudwatch", "type", "CloudWatch Alarm State Change"}),
				cw("metricName", "CPUUtilization", "detail", obj{"scope", "Service", "type", "CPUUtilization"}),
				cw("metricName", "CPUUtilization", "detail", obj{"type", "CloudWatch Alarm State Change"}),
				cw("metricName", "CPUUtilization", "detail", obj{"scope", "Service"}),
				cw("metricName", "CPUUtilization", "scope", "Service"),
				cw("metricName", "AWS/EC2", "detail", obj{"scope", "Service", "type", "CloudWatch Alarm State Change"}),
				cw("namespace", "CPUUtilization", "detail", obj{"scope", "Service", "type", "CloudWatch Alarm State Change"}),
			}},
		// test_filter_policy_empty_array_payload, messages-queue
		{"empty array in the payload", MessageBody, `{"detail": {"eventVersion": [""]}}`,
			[]message{body(obj{"version", "0", "id", "3e3c153a-8339-4e30-8c35-687ebef853fe", "detail-type", "EC2 Instance Launch Successful",
				"source", "aws.autoscaling", "account", "123456789012", "time", "2015-11-11T21:31:47Z", "region", "my-region",
				"resources", []any{}, "detail", obj{"eventVersion", "", "responseElements", nil}})},
			nil},
		// test_filter_policy_ip_address_condition, messages-queue: ids 1 and 3 delivered
		{"cidr", MessageBody, `{"detail": {"$or": [{"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}, {"sourceIPAddressV6": [{"cidr": "2001:db8:1234:1a00::/64"}]}]}}`,
			[]message{
				event("1", obj{"sourceIPAddress", "10.0.0.255"}),
				event("3", obj{"sourceIPAddressV6", "2001:0db8:1234:1a00:0000:0000:0000:0000"}),
			},
			[]message{
				event("2", obj{"sourceIPAddress", "10.0.0.256"}),
				event("4", obj{"sourceIPAddressV6", "2001:0db8:123f:1a01:0000:0000:0000:0000"}),
			}},
		// test_filter_policy_large_complex_payload (validated 2025-03): a dotted key inside a
		// nested key, over the path of the 40 KB payload (here only that path).
		{"dotted key in a nested key", MessageBody, `{"detail": {"payload.nested.another-level.deep": {"inside-list": [{"prefix": "q-test"}]}}}`,
			[]message{body(obj{"detail", obj{"payload", obj{"nested", obj{"another-level", obj{"deep", []any{obj{"inside-list", "q-test-value"}}}}},
				"payloadClaimCheck", nil}})},
			[]message{body(obj{"detail", obj{"payload", obj{"nested", obj{"another-level", obj{"deep", []any{obj{"inside-list", "other"}}}}}}})}},
	})

	// test_filter_policy, messages-4: FilterPolicy set to "" removes the filter.
	p, err := Parse("", "")
	require.NoError(t, err)
	assert.Nil(t, p)
	assert.True(t, p.MatchAttributes(nil))
	assert.True(t, p.MatchBody("not even JSON"))
}
