package faultplan

import (
	"errors"
	"net"
	"net/url"
	"syscall"
	"testing"
)

func TestTransportErr(t *testing.T) {
	t.Parallel()
	var ue *url.Error
	err := TransportTimeout.Err("GET", "http://sqs.test/q")
	if !errors.As(err, &ue) || ue.Op != "Get" || ue.URL != "http://sqs.test/q" || !ue.Timeout() {
		t.Errorf("Timeout.Err = %#v, want a *url.Error for Get that times out", err)
	}
	for _, tr := range []Transport{TransportResetBeforeApply, TransportResetAfterApply} {
		err := tr.Err("", "http://sqs.test/q")
		var op *net.OpError
		if !errors.As(err, &ue) || ue.Op != "Post" || !errors.As(err, &op) || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s.Err = %#v, want a *url.Error for Post wrapping a reset *net.OpError", tr, err)
		}
	}
}

func TestShuffle(t *testing.T) {
	t.Parallel()
	s := []int{1, 2, 3, 4, 5, 6, 7, 8}
	Decision{Seed: 1}.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	for i, v := range s {
		if v != i+1 {
			t.Fatalf("without Reorder the order changed: %v", s)
		}
	}
	a, b := append([]int(nil), s...), append([]int(nil), s...)
	d := Decision{Reorder: true, Seed: 7}
	d.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
	d.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("the same seed shuffled differently: %v, %v", a, b)
		}
	}
}
