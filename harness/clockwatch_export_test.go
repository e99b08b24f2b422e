package harness

import "time"

// WithStallAfter sets how long a call may wait on the mock's manual clock, in real time, while
// nothing moves it, before the test fails (default 5s).
func WithStallAfter(d time.Duration) Option { return func(c *config) { c.stallAfter = d } }
