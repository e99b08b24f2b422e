package bubble

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestInside(t *testing.T) {
	if Inside() {
		t.Fatal("Inside() outside a bubble")
	}
	synctest.Test(t, func(t *testing.T) {
		if !Inside() {
			t.Fatal("Inside() = false in a bubble")
		}
		time.Sleep(5 * 365 * 24 * time.Hour) // years of fake time are still inside
		if !Inside() {
			t.Fatal("Inside() = false in a bubble after five years of fake time")
		}
		done := make(chan bool)
		go func() { done <- Inside() }() // goroutines started in the bubble are in it
		if !<-done {
			t.Fatal("Inside() = false in a goroutine of the bubble")
		}
	})
}
