// Package bubble tells whether the calling goroutine runs inside a testing/synctest bubble.
//
// The testing/synctest documentation fixes a bubble's fake clock to start at midnight UTC
// 2000-01-01, and it moves only as far as the test's own timers take it; a real clock reads
// later than 2020. So time.Now tells the two apart without any runtime internals.
package bubble

import "time"

// realTimeFloor lies between any bubble's fake time and any real clock.
var realTimeFloor = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Inside reports whether the calling goroutine is inside a synctest bubble.
func Inside() bool { return time.Now().Before(realTimeFloor) }
