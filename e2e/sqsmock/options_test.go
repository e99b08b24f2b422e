package sqsmock_test

import (
	"net/http"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Short NewServer options for these tests.

func withQueue(name string, attributes map[string]string) func(*sqsmock.ServerOptions) {
	return withMock(func(o *sqsmock.Options) {
		o.Queues = append(o.Queues, sqsmock.Queue{Name: name, Attributes: attributes})
	})
}

func withDeadLetterQueue(source, dlq string, maxReceiveCount int) func(*sqsmock.ServerOptions) {
	return withMock(func(o *sqsmock.Options) {
		o.Queues = append(o.Queues, sqsmock.Queue{Name: source, DeadLetterQueue: dlq, MaxReceiveCount: maxReceiveCount})
	})
}

func withTrace(size int) func(*sqsmock.ServerOptions) {
	return withMock(func(o *sqsmock.Options) { o.TraceSize = size })
}

func withClock(c sqsmock.Clock) func(*sqsmock.ServerOptions) {
	return withMock(func(o *sqsmock.Options) { o.Clock = c })
}

func withHTTPMiddleware(mw func(http.Handler) http.Handler) func(*sqsmock.ServerOptions) {
	return func(o *sqsmock.ServerOptions) { o.Middleware = append(o.Middleware, mw) }
}

func withBrowserOrigins(origins ...string) func(*sqsmock.ServerOptions) {
	return func(o *sqsmock.ServerOptions) { o.BrowserOrigins = append(o.BrowserOrigins, origins...) }
}

func withAdminToken(token string) func(*sqsmock.ServerOptions) {
	return func(o *sqsmock.ServerOptions) { o.AdminToken = token }
}

func withMock(f func(*sqsmock.Options)) func(*sqsmock.ServerOptions) {
	return func(o *sqsmock.ServerOptions) { o.Mock = append(o.Mock, f) }
}
