package snsfilter

import "testing"

// The guide's example message ("Example filter policies") and a typical 3-key policy on it.
var (
	benchPolicy = `{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}], "price_usd": [{"numeric": [">=", 100]}]}`
	benchAttrs  = map[string]Attribute{
		"customer_interests": {Type: "String.Array", Value: `["soccer", "rugby", "hockey"]`},
		"store":              {Type: "String", Value: "example_corp"},
		"event":              {Type: "String", Value: "order_placed"},
		"price_usd":          {Type: "Number", Value: "210.75"},
	}
	benchBody = `{"customer_interests": ["soccer", "rugby", "hockey"], "store": "example_corp", "event": "order_placed", "price_usd": 210.75}`
)

func BenchmarkMatchAttributes(b *testing.B) {
	p, err := Parse(benchPolicy, "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchAttributes(benchAttrs) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkMatchBody(b *testing.B) {
	p, err := Parse(benchPolicy, MessageBody)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchBody(benchBody) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchPolicy, ""); err != nil {
			b.Fatal(err)
		}
	}
}
