// Package reqctx carries per-request facts from the front doors to the engine.
package reqctx

import (
	"context"
	"errors"
)

type baseURLKey struct{}

// WithBaseURL records the scheme and host the request came in on (e.g. "http://127.0.0.1:9324"),
// so queue URLs returned by the engine point back at the server that served the request.
func WithBaseURL(ctx context.Context, baseURL string) context.Context {
	return context.WithValue(ctx, baseURLKey{}, baseURL)
}

// BaseURL returns the base URL set by WithBaseURL, if any.
func BaseURL(ctx context.Context) (string, bool) {
	s, ok := ctx.Value(baseURLKey{}).(string)
	return s, ok && s != ""
}

type traceKey struct{}

// WithTraceHeader records the request's X-Amzn-Trace-Id HTTP header: SQS gives it to every
// message of a SendMessage or SendMessageBatch as the AWSTraceHeader system attribute, unless
// the message sets that attribute itself.
func WithTraceHeader(ctx context.Context, header string) context.Context {
	if header == "" {
		return ctx
	}
	return context.WithValue(ctx, traceKey{}, header)
}

// TraceHeader returns the header set by WithTraceHeader, or "".
func TraceHeader(ctx context.Context) string {
	s, _ := ctx.Value(traceKey{}).(string)
	return s
}

type explicitKey struct{}

// WithExplicit records request members that were present on the wire with a zero value
// (e.g. "WaitTimeSeconds", "VisibilityTimeout", "DelaySeconds", or "Entries.<id>.DelaySeconds").
// The SDK's Go types cannot tell 0 from absent; other clients can send an explicit 0, which SQS
// honours (a short poll on a long-poll queue, an immediately visible message).
func WithExplicit(ctx context.Context, members ...string) context.Context {
	if len(members) == 0 {
		return ctx
	}
	set := map[string]bool{}
	if prev, ok := ctx.Value(explicitKey{}).(map[string]bool); ok {
		for k := range prev {
			set[k] = true
		}
	}
	for _, m := range members {
		set[m] = true
	}
	return context.WithValue(ctx, explicitKey{}, set)
}

// Explicit reports whether member was present on the wire (see WithExplicit).
func Explicit(ctx context.Context, member string) bool {
	set, _ := ctx.Value(explicitKey{}).(map[string]bool)
	return set[member]
}

// ErrDraining is the cancellation cause a server gives its requests when it shuts down:
// long polls then return what they have (nothing) instead of an error, as SQS does.
var ErrDraining = errors.New("sqsmock: server shutting down")
