// Package reqop lets an HTTP middleware around the mock's handler learn which SQS operation a
// request called, wherever the request named it (the X-Amz-Target header, the URL's query string,
// or a Query form body the middleware has not read): the middleware puts a Slot in the request's
// context and the wire handler fills it in. cmd/sqsmock's request log uses it.
package reqop

import "context"

type slotKey struct{}

// Slot receives the operation of one request.
type Slot struct {
	// Op is the operation's name as the request gave it ("SendMessage"), or "" when the handler
	// never got to read it (a request refused before, a body that did not arrive).
	Op string
}

// With returns ctx carrying a new Slot, and the Slot.
func With(ctx context.Context) (context.Context, *Slot) {
	s := &Slot{}
	return context.WithValue(ctx, slotKey{}, s), s
}

// Set records op in ctx's Slot, if it has one. The handler calls it in the request's goroutine,
// before it returns, so the middleware reads it after ServeHTTP without locking.
func Set(ctx context.Context, op string) {
	if s, ok := ctx.Value(slotKey{}).(*Slot); ok {
		s.Op = op
	}
}
