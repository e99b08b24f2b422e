package sqsmock

import (
	"container/list"
	"errors"
	"log"
	"net"
	"syscall"
	"time"
)

// Silent connections (accepted, no request sent) must not hold Start's server. Without help they
// would: net/http gives a connection the read timeout (30 s) to send its request headers, and a
// connection past the bound is accepted to be told ServiceUnavailable, so 3,000 silent
// connections on a 2,048 file-descriptor limit filled the bound, then the descriptors: accept
// failed with "too many open files" and /health went unanswered for 30 s. Now:
//
//   - a connection past the bound has overBoundWait to send its request, then is closed;
//   - at the bound, a new connection takes the place of the oldest connection within it that has
//     sent nothing for silentGrace (admit), so a healthy client is served however many silent
//     ones came first;
//   - at the descriptor limit, Accept closes the oldest silent connections (past the bound first)
//     that have had silentGrace and retries (shedListener), instead of leaving the clients queued
//     in the kernel behind them.
//
// Idle keep-alive connections are not shed: a client may be about to send on them; the idle
// timeout (WithIdleTimeout) bounds them.
const (
	overBoundWait = 2 * time.Second
	silentGrace   = time.Second
)

// oldestSilent is the first connection of l, if it was accepted silentGrace or more before now.
// Caller holds connsMu.
func oldestSilent(l *list.List, now time.Time) *connInfo {
	if e := l.Front(); e != nil {
		if info := e.Value.(*connInfo); now.Sub(info.accepted) >= silentGrace {
			return info
		}
	}
	return nil
}

// shed closes a silent connection, which no longer counts against the bound. Caller holds connsMu.
func (s *Server) shed(info *connInfo) {
	s.unlistSilent(info)
	if info.counted {
		info.counted = false
		s.admitted--
	}
	_ = info.conn.Close()
}

// unlistSilent takes a connection off the silent lists. Caller holds connsMu.
func (s *Server) unlistSilent(info *connInfo) {
	if info.silent == nil {
		return
	}
	if info.over {
		s.silentOver.Remove(info.silent)
	} else {
		s.silent.Remove(info.silent)
	}
	info.silent = nil
}

// shedBatch is how many silent connections the server closes each time accept finds no file
// descriptor: as many queued connections can then be accepted before the next failure.
const shedBatch = 32

// shedForDescriptors closes up to shedBatch of the oldest silent connections that have had their
// grace, past the bound first, to free file descriptors; it reports how many it closed.
func (s *Server) shedForDescriptors() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	now := time.Now()
	n := 0
	for ; n < shedBatch; n++ {
		info := oldestSilent(&s.silentOver, now)
		if info == nil {
			info = oldestSilent(&s.silent, now)
		}
		if info == nil {
			break
		}
		s.shed(info)
	}
	return n
}

// shedListener is the server's listener: at the file-descriptor limit (EMFILE, ENFILE) it sheds
// silent connections and tries again a millisecond later (their descriptors are released as
// their readers wake); with none to shed it backs off from 5 ms to 250 ms while accept fails,
// until the server shuts down. Other errors go to net/http as they are.
type shedListener struct {
	net.Listener
	s      *Server
	logged time.Time // when the limit was last logged (Serve calls Accept from one goroutine)
}

func (l *shedListener) Accept() (net.Conn, error) {
	var backoff time.Duration
	for {
		c, err := l.Listener.Accept()
		if err == nil || !errors.Is(err, syscall.EMFILE) && !errors.Is(err, syscall.ENFILE) {
			return c, err
		}
		if now := time.Now(); now.Sub(l.logged) >= 10*time.Second {
			l.logged = now
			log.Printf("sqsmock: accepting a connection: %v; closing connections silent for %v and retrying", err, silentGrace)
		}
		wait := time.Millisecond
		if l.s.shedForDescriptors() == 0 {
			backoff = min(max(2*backoff, 5*time.Millisecond), 250*time.Millisecond)
			wait = backoff
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-l.s.base.Done(): // shutting down: the next Accept reports the closed listener
			t.Stop()
		}
	}
}
