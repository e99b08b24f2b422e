// Package httpserver is the mock's HTTP front door on a socket: net/http's server with the
// read, write and idle timeouts, a bound on connections (past it a connection's first request
// gets ServiceUnavailable and it is closed), and the shedding of silent connections, so that no
// client can hold the server. It serves any handler; it knows nothing of SQS but the error it
// answers past the bound.
package httpserver

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/guard"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// Config is how the server bounds its clients; zero values mean no bound.
type Config struct {
	// ReadTimeout bounds the reading of a whole request, headers and body.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections that wait longer for their next request.
	IdleTimeout time.Duration
	// MaxConns bounds the connections served at once.
	MaxConns int
}

// Server serves a handler on a listener until Shutdown or Close.
type Server struct {
	srv  *http.Server
	stop context.CancelCauseFunc
	done chan struct{}

	maxConns int // 0: no bound
	base     context.Context
	connsMu  sync.Mutex
	conns    map[net.Conn]*connInfo // open connections
	admitted int                    // open connections within maxConns
	// silent and silentOver are the connections that have not sent a request yet, within the
	// bound and past it, oldest first: those shed first.
	silent, silentOver list.List
}

// Serve serves h on ln in a goroutine of its own.
func Serve(ln net.Listener, h http.Handler, c Config) *Server {
	base, stop := context.WithCancelCause(context.Background())
	s := &Server{stop: stop, done: make(chan struct{}), base: base, conns: map[net.Conn]*connInfo{}, maxConns: c.MaxConns}
	s.srv = &http.Server{
		Handler:           s.serveConn(h),
		ReadHeaderTimeout: c.ReadTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnContext:       s.admit,
		ConnState:         s.trackConn,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(&shedListener{Listener: ln, s: s})
	}()
	return s
}

// Count reports how many open connections are in state (http.StateNew: accepted, no request
// sent yet; http.StateActive: serving a request).
func (s *Server) Count(state http.ConnState) int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	n := 0
	for _, info := range s.conns {
		if info.state == state {
			n++
		}
	}
	return n
}

// connInfo is what the server knows of one open connection. over is set before the connection
// is served and never changes; the other fields are guarded by connsMu.
type connInfo struct {
	over     bool // accepted past maxConns: its first request is refused and it is closed
	conn     net.Conn
	state    http.ConnState
	accepted time.Time
	counted  bool          // counted in admitted (within the bound, not shed)
	silent   *list.Element // in silent (or silentOver, if over) while StateNew
	timer    *time.Timer   // past the bound: closes the connection after overBoundWait
}

// connKey carries a request's *connInfo in its context.
type connKey struct{}

// admit registers a connection just accepted, before it is served. At the bound it takes the
// place of the oldest connection that has sent nothing for silentGrace, closing that one; else
// it is past the bound: its first request will be refused, and it is closed after overBoundWait
// if it sends none. Its context carries what admit decided.
func (s *Server) admit(ctx context.Context, c net.Conn) context.Context {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	now := time.Now()
	info := &connInfo{conn: c, state: http.StateNew, accepted: now}
	if s.maxConns > 0 && s.admitted >= s.maxConns {
		if old := oldestSilent(&s.silent, now); old != nil {
			s.shed(old)
		} else {
			info.over = true
			info.timer = time.AfterFunc(overBoundWait, func() { _ = c.Close() })
		}
	}
	if info.over {
		info.silent = s.silentOver.PushBack(info)
	} else {
		s.admitted++
		info.counted = true
		info.silent = s.silent.PushBack(info)
	}
	s.conns[c] = info
	return context.WithValue(ctx, connKey{}, info)
}

// trackConn follows the connections' states: Shutdown closes those that have not sent a request
// yet (net/http's graceful shutdown counts them as active for 5 seconds) and stops waiting for
// the bodies of active ones.
func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	info, ok := s.conns[c]
	if !ok {
		return
	}
	info.state = state
	if state != http.StateNew {
		s.unlistSilent(info)
	}
	if state == http.StateClosed || state == http.StateHijacked {
		if info.counted {
			info.counted = false
			s.admitted--
		}
		if info.timer != nil {
			info.timer.Stop()
		}
		delete(s.conns, c)
	}
}

// overBound reports whether r came on a connection accepted past maxConns.
func overBound(r *http.Request) bool {
	info, _ := r.Context().Value(connKey{}).(*connInfo)
	return info != nil && info.over
}

// refuse answers a request on a connection past maxConns, and closes the connection.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	msg := fmt.Sprintf("sqsmock: more than %d connections open (ServerOptions.MaxConnections, -max-conns); retry later", s.maxConns)
	if r.URL.Path == "/health" || strings.HasPrefix(r.URL.Path, "/_sqsmock/") {
		guard.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": msg})
		return
	}
	e := sqserr.ServiceUnavailable()
	e.Message = msg
	wire.WriteError(w, r, e)
}

// serveConn is the server's outermost handler: it refuses requests on connections past the
// bound. (The read timeout needs no help here: net/http lifts the read deadline once a request's
// body is in, so it never cuts a long poll short.)
func (s *Server) serveConn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if overBound(r) {
			s.refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Shutdown stops accepting requests, makes in-flight long polls return (empty, as on a queue
// with no messages), and waits for requests to finish or ctx to end. It does not wait for
// clients still sending: connections that have not sent a whole request header are closed, and
// a request whose body is still arriving fails at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop(reqctx.ErrDraining)
	s.srv.SetKeepAlivesEnabled(false)
	s.connsMu.Lock()
	for c, info := range s.conns {
		switch info.state {
		case http.StateNew:
			_ = c.Close()
		case http.StateActive:
			_ = c.SetReadDeadline(time.Now()) // a body still arriving fails; long polls were stopped above
		}
	}
	s.connsMu.Unlock()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Close shuts the server down, waiting at most 5 seconds for requests to finish.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	}
	return err
}

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
// timeout (ServerOptions.IdleTimeout) bounds them.
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
