package sqsmock_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// BenchmarkConsolePoll is one poll of the console's queue page on a queue of 50,000 messages:
// the first page of its messages (100, the page's default) and one message by id. Before
// engine.InspectPage the first copied and sorted all 50,000 messages each time, the second
// copied them to find one.
func BenchmarkConsolePoll(b *testing.B) {
	const depth = 50000
	m := sqsmock.New(sqsmock.NoCallLog, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "bench"}} })
	c := m.Client()
	url := aws.String(m.QueueURL("bench"))
	fill(b, c, url, false, depth)
	out, err := c.ReceiveMessage(b.Context(), &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10})
	if err != nil || len(out.Messages) == 0 {
		b.Fatal(err, out)
	}
	id := aws.ToString(out.Messages[0].MessageId)
	h := m.Handler()
	runtime.GC()
	for _, c := range []struct{ name, path string }{
		{"messages", "/_sqsmock/queues/bench/messages"},
		{"message", "/_sqsmock/queues/bench/messages/" + id},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", c.path, nil)
				req.Host = "127.0.0.1"
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}
