package queueurl

import "testing"

func TestName(t *testing.T) {
	t.Parallel()
	expect(t, "Name", Name, map[string]string{
		"https://sqs.us-east-1.amazonaws.com/123456789012/orders":          "orders",
		"http://127.0.0.1:9324/000000000000/orders.fifo":                   "orders.fifo",
		"http://localhost:4566/queue/us-east-1/000000000000/orders":        "orders",
		"http://127.0.0.1:9324/000000000000/orders/":                       "orders",
		"http://127.0.0.1:9324/000000000000/orders//":                      "orders",
		"http://127.0.0.1:9324/000000000000/orders?Action=ReceiveMessage":  "orders",
		"http://127.0.0.1:9324/000000000000/orders/?Action=ReceiveMessage": "orders",
		"http://127.0.0.1:9324/000000000000/orders#top":                    "orders",
		"/000000000000/orders":                                             "orders",
		"arn:aws:sqs:us-east-1:123456789012:orders":                        "orders",
		"arn:aws-cn:sqs:cn-north-1:123456789012:orders.fifo":               "orders.fifo",
		"orders":  "orders",
		"orders/": "orders",
		"":        "",
		"/":       "",
	})
}

func TestAccount(t *testing.T) {
	t.Parallel()
	expect(t, "Account", Account, map[string]string{
		"arn:aws:sqs:us-east-1:123456789012:orders":               "123456789012",
		"arn:aws-us-gov:sqs:us-gov-west-1:000000000000:q.fifo":    "000000000000",
		"arn:aws:sqs:us-east-1:123456789012":                      "",
		"arn:aws:sqs:us-east-1:123456789012:orders:extra":         "",
		"https://sqs.us-east-1.amazonaws.com/123456789012/orders": "",
		"a:b:c:d:e:f": "",
		"":            "",
	})
}

func TestRegion(t *testing.T) {
	t.Parallel()
	expect(t, "Region", Region, map[string]string{
		"arn:aws:sqs:us-east-1:123456789012:orders":               "us-east-1",
		"arn:aws-us-gov:sqs:us-gov-west-1:000000000000:q.fifo":    "us-gov-west-1",
		"arn:aws:sqs:us-east-1:123456789012":                      "",
		"https://sqs.us-east-1.amazonaws.com/123456789012/orders": "",
		"": "",
	})
}

// expect checks f (named name) on each input of cases against its expected result.
func expect(t *testing.T, name string, f func(string) string, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		if got := f(in); got != want {
			t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
		}
	}
}
