package wire

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The codec's cost per request, without the network and with a backend that does nothing.

func benchCase(op string) opCase {
	for _, c := range allCases() {
		if c.op == op {
			return c
		}
	}
	panic(op)
}

func BenchmarkJSON(b *testing.B) {
	for _, op := range []string{"SendMessage", "ReceiveMessage", "SendMessageBatch"} {
		b.Run(op, func(b *testing.B) {
			c := benchCase(op)
			rec := newRecorder()
			rec.outputs[op] = c.out
			h := NewHandler(rec, Options{RequestID: func() string { return "r" }})
			body := string(jsonBodyOf(c.in))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", strings.NewReader(body))
				req.Header.Set("Content-Type", jsonContentType)
				req.Header.Set("X-Amz-Target", targetPrefix+op)
				rr := httptest.NewRecorder()
				h.ServeHTTP(rr, req)
				if rr.Code != http.StatusOK {
					b.Fatal(rr.Body.String())
				}
				rec.calls = rec.calls[:0]
			}
		})
	}
}

func BenchmarkQuery(b *testing.B) {
	params := queryParamsFor()
	for _, op := range []string{"SendMessage", "ReceiveMessage", "SendMessageBatch"} {
		b.Run(op, func(b *testing.B) {
			c := benchCase(op)
			rec := newRecorder()
			rec.outputs[op] = c.out
			h := NewHandler(rec, Options{RequestID: func() string { return "r" }})
			p := params[op]
			p.Set("Action", op)
			body := p.Encode()
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", strings.NewReader(body))
				req.Header.Set("Content-Type", formType)
				rr := httptest.NewRecorder()
				h.ServeHTTP(rr, req)
				if rr.Code != http.StatusOK {
					b.Fatal(rr.Body.String())
				}
				rec.calls = rec.calls[:0]
			}
		})
	}
}
