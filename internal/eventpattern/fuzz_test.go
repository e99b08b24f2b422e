package eventpattern

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzPattern: parsing any text never panics and fails only with an *Error whose offset lies in
// the text; matching any event never panics and is deterministic; and these metamorphic relations
// hold for every valid pattern P and event E:
//
//   - nesting: {"w": P} matches {"w": E} and {"w": [E]} exactly when P matches E;
//   - or: {"$or": [P, N]} matches E exactly when P or N does (N an exists rule on one key);
//   - exists: {"k": [{"exists": true}]} and {"k": [{"exists": false}]} disagree on every event;
//   - anything-but: for a string field k of E, {"k": [s]} and {"k": [{"anything-but": s}]}
//     disagree when E's k is a single string.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{
		{`{"UserID": [null]}`, `{"UserID": null}`},
		{`{"LastName": [""]}`, `{"LastName": ""}`},
		{`{"Name": [{"equals-ignore-case": "alice"}]}`, `{"Name": "ALICE"}`},
		{`{"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}`, `{"Day": "Monday"}`},
		{`{"Weather": [{"anything-but": ["Raining"]}]}`, `{"Weather": ["Raining", "Sun"]}`},
		{`{"Price": [{"numeric": [">", 10, "<=", 20]}]}`, `{"Price": 20}`},
		{`{"Price": [{"numeric": ["=", 100]}]}`, `{"Price": 1e2}`},
		{`{"ProductName": [{"exists": false}]}`, `{"ProductName": {"a": []}}`},
		{`{"Region": [{"prefix": "us-"}, {"suffix": "-1"}]}`, `{"Region": "eu-west-1"}`},
		{`{"Region": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}`, `{"Region": "ap-1"}`},
		{`{"body": {"items": {"sku": ["a"], "qty": [2]}}}`, `{"body": {"items": [{"sku": "a", "qty": 2}]}}`},
		{`{"a": ["1"], "a": {"b": [300]}}`, `{"a": [{"b": 300.0}, "1"]}`},
		{`{"eventSource": []}`, `{}`},
		{`null`, `null`},
		{`simple string`, `simple string`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Parse(pattern, Lambda)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) failed with %T %v, not an *Error", pattern, err, err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(pattern)) {
				t.Fatalf("Parse(%q): offset %d outside the pattern", pattern, pe.Offset)
			}
			return
		}
		ev, err := Decode([]byte(event))
		if err != nil {
			p.Match(event) // not JSON: matched as a plain string must not panic either
			return
		}
		got := p.Match(ev)
		if p.Match(ev) != got {
			t.Fatalf("Match(%q, %q) is not deterministic", pattern, event)
		}

		if nested, err := Parse(`{"w":`+pattern+`}`, Lambda); err == nil {
			if m := nested.Match(map[string]any{"w": ev}); m != got {
				t.Fatalf(`{"w": P} on {"w": E} = %v, P on E = %v; P=%s E=%s`, m, got, pattern, event)
			}
			if m := nested.Match(map[string]any{"w": []any{ev}}); m != got {
				t.Fatalf(`{"w": P} on {"w": [E]} = %v, P on E = %v; P=%s E=%s`, m, got, pattern, event)
			}
		} else if !strings.Contains(err.Error(), "nested too deeply") {
			t.Fatalf("P is valid but {\"w\": P} is not: %v; P=%s", err, pattern)
		}

		key := "k"
		if obj, ok := ev.(map[string]any); ok && len(obj) > 0 {
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			key = keys[0]
		}
		qkey, _ := json.Marshal(key)
		yes := mustParse(t, `{`+string(qkey)+`: [{"exists": true}]}`)
		no := mustParse(t, `{`+string(qkey)+`: [{"exists": false}]}`)
		if yes.Match(ev) == no.Match(ev) {
			t.Fatalf("exists true and false agree (%v) on key %q of %s", yes.Match(ev), key, event)
		}
		if or, err := Parse(`{"$or": [`+pattern+`, {`+string(qkey)+`: [{"exists": true}]}]}`, Lambda); err == nil {
			if m, want := or.Match(ev), got || yes.Match(ev); m != want {
				t.Fatalf("{$or: [P, N]} = %v, want %v; P=%s E=%s", m, want, pattern, event)
			}
		} else if !strings.Contains(err.Error(), "reserved fieldName") && !strings.Contains(err.Error(), "nested too deeply") {
			t.Fatalf("P is valid but {$or: [P, N]} is not: %v; P=%s", err, pattern)
		}

		if obj, ok := ev.(map[string]any); ok {
			if s, ok := obj[key].(string); ok {
				qs, _ := json.Marshal(s)
				eq := mustParse(t, `{`+string(qkey)+`: [`+string(qs)+`]}`)
				but := mustParse(t, `{`+string(qkey)+`: [{"anything-but": `+string(qs)+`}]}`)
				if eq.Match(ev) == but.Match(ev) {
					t.Fatalf("equals and anything-but %s agree (%v) on %s", qs, eq.Match(ev), event)
				}
			}
		}
	})
}

func mustParse(t *testing.T, pattern string) *Pattern {
	t.Helper()
	p, err := Parse(pattern, Lambda)
	if err != nil {
		t.Fatalf("Parse(%s): %v", pattern, err)
	}
	return p
}
