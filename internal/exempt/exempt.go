// Package exempt marks calls that a mock's fault plan must leave alone: a test harness's own
// setup and checks, which must see the queues as they are.
package exempt

import "context"

// Header is the HTTP header that, sent with any value on a request to the mock's HTTP handler,
// exempts the request.
const Header = "X-Sqsmock-Fault-Exempt"

type key struct{}

// With returns a context whose calls to a mock are exempt from its fault plan.
func With(ctx context.Context) context.Context { return context.WithValue(ctx, key{}, true) }

// From reports whether ctx is exempt.
func From(ctx context.Context) bool { v, _ := ctx.Value(key{}).(bool); return v }
