package harness

import (
	"testing"
	"time"
)

// SetDefaultEndpoint makes New try url for b when no endpoint is configured, until t ends, so that
// tests can run the no-endpoint path while a peer listens on its usual port. t must not be
// parallel (call t.Setenv first), since New reads the defaults without a lock.
func SetDefaultEndpoint(t testing.TB, b Backend, url string) {
	old, had := defaultEndpoints[b]
	defaultEndpoints[b] = url
	t.Cleanup(func() {
		if had {
			defaultEndpoints[b] = old
		} else {
			delete(defaultEndpoints, b)
		}
	})
}

// WithRunLimit sets the real time an Explore run may take before it is stopped as hung.
func WithRunLimit(d time.Duration) func(*Options) { return func(o *Options) { o.runLimit = d } }
