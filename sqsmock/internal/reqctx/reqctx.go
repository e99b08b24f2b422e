// Package reqctx carries per-request facts from the front doors to the engine.
package reqctx

import "context"

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
