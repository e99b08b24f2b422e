package harness

import "time"

// WithStallAfter sets how long a call may wait on the mock's manual clock, in real time, while
// nothing moves it, before the test fails (default 5s).
func WithStallAfter(d time.Duration) func(*Options) { return func(o *Options) { o.stallAfter = d } }
