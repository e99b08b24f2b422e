package snsfilter

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// fuzzTypes are the data types a fuzzed attribute line may name by its first byte.
var fuzzTypes = []string{"String", "Number", "String.Array", "Binary", "String.custom", "Number.Array", "Number.float", "Odd"}

// fuzzAttributes reads attributes from lines "name|t|value", t's first byte choosing the type.
func fuzzAttributes(msg string) map[string]Attribute {
	attrs := map[string]Attribute{}
	for _, line := range strings.Split(msg, "\n") {
		name, rest, _ := strings.Cut(line, "|")
		typ, value, _ := strings.Cut(rest, "|")
		k := 0
		if typ != "" {
			k = int(typ[0])
		}
		attrs[name] = Attribute{Type: fuzzTypes[k%len(fuzzTypes)], Value: value}
	}
	return attrs
}

// FuzzParse: Parse never panics and refuses only with an *InvalidParameter worded as SNS words
// it; a parsed policy's Match methods never panic on any attributes or body and are
// deterministic; and SNS's rewriting of a policy is JSON and a fixed point: the compact text
// parses to a policy that decides every message alike, and rewrites to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []struct {
		policy string
		scope  uint8
		msg    string
	}{
		{`{"attr1": [{"numeric": [">", 0, "<=", 100]}]}`, 0, "attr1|N|99"},
		{`{"attr1": [null, {"anything-but": "whatever"}]}`, 1, ""},
		{`{"store": [{"exists": false}]}`, 0, "def|N|99\nstore|B|x"},
		{`{"store": ["value1"]}`, 0, "store|S|[\"value1\", \"value2\"]"},
		{`{"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]}, "test": [{"exists": false}]}`, 2, `{"object": {"key": "auto-test"}}`},
		{`{"object.nested.test": ["string.value"]}`, 2, `{"object": {"nested.test": "string.value"}}`},
		{`{"detail": {"$or": [{"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}, {"sourceIPAddressV6": [{"cidr": "2001:db8:1234:1a00::/64"}]}]}}`, 2, `{"detail": {"sourceIPAddress": "10.0.0.255"}}`},
		{`{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}}`, 2, `{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-x"}]]}}]}`},
		{`{"key": [{"anything-but": [true]}]}`, 0, ""},
		{`{"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}`, 0, ""},
		{`{"price": [{"anything-but": [100, 500]}], "n": [1e2, -0, 6e9]}`, 1, "price|A|[100, 50]\nn|N|100.0"},
		{`{invalidjson}`, 0, ""},
		{`invalid-json`, 0, ""},
		{"", 3, ""},
		{`{"a": ["b"]} trailing`, 2, `{"a": "b"} trailing`},
	} {
		f.Add(s.policy, s.scope, s.msg)
	}
	scopes := []string{"", MessageAttributes, MessageBody, "Bogus"}
	f.Fuzz(func(t *testing.T, policy string, scope uint8, msg string) {
		sc := scopes[int(scope)%len(scopes)]
		p, err := Parse(policy, sc)
		if err != nil {
			var ip *InvalidParameter
			if !errors.As(err, &ip) {
				t.Fatalf("Parse(%q) failed with %T %v", policy, err, err)
			}
			if !strings.HasPrefix(ip.Error(), "Invalid parameter: ") || !strings.HasPrefix(ip.AttributesMessage(), "Invalid parameter: Attributes Reason: ") {
				t.Fatalf("Parse(%q): %q is not worded as SNS's", policy, ip.Error())
			}
			return
		}
		if p == nil {
			if strings.TrimLeft(policy, " \t\r\n") != "" {
				t.Fatalf("Parse(%q) gave no policy", policy)
			}
			return
		}
		attrs := fuzzAttributes(msg)
		ma, mb := p.MatchAttributes(attrs), p.MatchBody(msg)
		if p.MatchAttributes(attrs) != ma || p.MatchBody(msg) != mb {
			t.Fatalf("Match of %q is not deterministic on %q", policy, msg)
		}
		tree, jerr := readTree(policy)
		if jerr != nil {
			t.Fatalf("Parse accepted %q that readTree refuses: %s", policy, jerr.msg)
		}
		var b strings.Builder
		tree.compact(&b)
		text := b.String()
		if !json.Valid([]byte(text)) {
			t.Fatalf("the rewriting %q of %q is not JSON", text, policy)
		}
		q, err := Parse(text, sc)
		if err != nil {
			t.Fatalf("the rewriting %q of %q is refused: %v", text, policy, err)
		}
		if q.MatchAttributes(attrs) != ma || q.MatchBody(msg) != mb {
			t.Fatalf("the rewriting %q of %q decides %q otherwise", text, policy, msg)
		}
		again, _ := readTree(text)
		var b2 strings.Builder
		again.compact(&b2)
		if b2.String() != text {
			t.Fatalf("rewriting is not a fixed point: %q, then %q", text, b2.String())
		}
	})
}
