// Package engine is the semantic core of the mock: queues, messages, visibility, FIFO groups,
// deduplication, dead-letter redrive and message move tasks. It takes and returns the SDK's own
// input and output types and reports errors as *sqserr.Error; the front doors (in-process client,
// HTTP) only translate.
//
// Time is read only through Config.Now; deadlines are evaluated lazily on each operation, and
// timers (Config.NewTimer) are used only by long polls and move tasks, so idle queues cost nothing.
package engine

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sqsharness/sqsharness/internal/memo"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// Timer is a one-shot timer from the engine's clock.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// Config sets up an Engine.
type Config struct {
	Region    string
	AccountID string
	// BaseURL is the scheme and host of queue URLs when the request carries none
	// (reqctx.WithBaseURL), e.g. "https://sqs.us-east-1.amazonaws.com".
	BaseURL string
	// Now reads the clock; NewTimer makes a timer on the same clock.
	Now      func() time.Time
	NewTimer func(d time.Duration) Timer
	// Faults, when set and FaultsActive reports true (or is nil), is consulted at each fault point.
	Faults       Hook
	FaultsActive func() bool
	// Trace, when set, receives every event of the engine's trace (trace.go).
	Trace TraceHook
	// MaxQueues and MaxMessages bound what the engine holds (0: unlimited).
	MaxQueues   int
	MaxMessages int
	// Queues and Held, when set, count the queues and the messages held against MaxQueues and
	// MaxMessages; engines given the same counters share the bounds (one mock, many regions and
	// accounts). Nil: the engine counts alone.
	Queues, Held *atomic.Int64
}

// Engine is an in-memory SQS for one account in one region. It is safe for concurrent use.
type Engine struct {
	cfg Config

	mu       sync.RWMutex
	queues   map[string]*queue     // by name
	deleted  recentlyDeleted       // recently deleted names, for QueueDeletedRecently
	tasks    map[string]*moveTask  // message move tasks by id
	sequence atomic.Uint64         // FIFO sequence numbers, engine-wide like SQS's 20-digit numbers
	held     *atomic.Int64         // messages held, for MaxMessages (Config.Held)
	count    *atomic.Int64         // queues held, for MaxQueues (Config.Queues)
	names    memo.Cache[queueName] // nameFromURL for the URLs requests use most
	policies atomic.Bool           // a queue of the engine had a Policy once (HasPolicies)
	receipts *receiptCodec         // seals and opens receipt handles
}

// queueName is what nameFromURL reads.
type queueName struct {
	name string
	ok   bool
}

// New makes an engine.
func New(cfg Config) *Engine {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "000000000000"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://sqs." + cfg.Region + ".amazonaws.com"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = func(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }
	}
	if cfg.Held == nil {
		cfg.Held = new(atomic.Int64)
	}
	if cfg.Queues == nil {
		cfg.Queues = new(atomic.Int64)
	}
	return &Engine{
		cfg:      cfg,
		queues:   map[string]*queue{},
		deleted:  newRecentlyDeleted(),
		tasks:    map[string]*moveTask{},
		held:     cfg.Held,
		count:    cfg.Queues,
		receipts: newReceiptCodec(),
	}
}

// reserveQueue counts one more queue unless MaxQueues is reached.
func (e *Engine) reserveQueue() bool {
	for {
		n := e.count.Load()
		if e.cfg.MaxQueues > 0 && n >= int64(e.cfg.MaxQueues) {
			return false
		}
		if e.count.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }

// Region and AccountID report the engine's identity.
func (e *Engine) Region() string    { return e.cfg.Region }
func (e *Engine) AccountID() string { return e.cfg.AccountID }

func (e *Engine) now() time.Time { return e.cfg.Now() }

// ARN is the ARN a queue of that name has (or would have) in this engine's region and account.
func (e *Engine) ARN(name string) string { return e.arn(name) }

// arn builds a queue ARN.
func (e *Engine) arn(name string) string {
	return "arn:aws:sqs:" + e.cfg.Region + ":" + e.cfg.AccountID + ":" + name
}

// BaseURL is the scheme and host of queue URLs for requests that carry none.
func (e *Engine) BaseURL() string { return strings.TrimRight(e.cfg.BaseURL, "/") }

// queueURL builds the queue URL for the base URL of the request (or the configured one).
func (e *Engine) queueURL(ctx context.Context, name string) string {
	base, ok := reqctx.BaseURL(ctx)
	if !ok {
		base = e.cfg.BaseURL
	}
	return strings.TrimRight(base, "/") + "/" + e.cfg.AccountID + "/" + name
}

// lookup finds a queue by URL (any host; path /<account>/<name> or /queue/<region>/<account>/<name>),
// by bare name, or by ARN.
func (e *Engine) lookup(queueURL *string) (*queue, error) {
	if queueURL == nil || *queueURL == "" {
		return nil, sqserr.MissingParameter("QueueUrl")
	}
	n := e.names.Get(*queueURL, func(s string) queueName {
		name, ok := e.nameFromURL(s)
		return queueName{name, ok}
	})
	if !n.ok {
		return nil, sqserr.QueueDoesNotExist()
	}
	name := n.name
	e.mu.RLock()
	q := e.queues[name]
	e.mu.RUnlock()
	if q == nil {
		return nil, sqserr.QueueDoesNotExist()
	}
	return q, nil
}

// nameFromURL extracts the queue name, checking the account where the URL names one.
func (e *Engine) nameFromURL(s string) (string, bool) {
	if strings.HasPrefix(s, "arn:") {
		// Six fields: arn:PARTITION:sqs:REGION:ACCOUNT:NAME.
		if strings.Count(s, ":") != 5 {
			return "", false
		}
		_, rest, _ := strings.Cut(s, ":")
		_, rest, _ = strings.Cut(rest, ":")
		service, rest, _ := strings.Cut(rest, ":")
		_, rest, _ = strings.Cut(rest, ":")
		account, name, _ := strings.Cut(rest, ":")
		if service != "sqs" || account != e.cfg.AccountID {
			return "", false
		}
		return name, true
	}
	path := s
	if strings.Contains(s, "://") {
		p, ok := plainURLPath(s)
		if !ok {
			u, err := url.Parse(s)
			if err != nil {
				return "", false
			}
			p = u.Path
		}
		path = p
	}
	path = strings.Trim(path, "/")
	last := strings.LastIndexByte(path, '/')
	if last < 0 { // one segment
		return path, path != ""
	}
	name, dir := path[last+1:], path[:last]
	account := dir[strings.LastIndexByte(dir, '/')+1:]
	if account != e.cfg.AccountID || name == "" {
		return "", false
	}
	return name, true
}

// plainURLPath is the path of an http or https URL whose every byte url.Parse would keep as it
// is: a host of letters, digits, '.', '-' and '_' with an optional port of digits, and a path
// of printable ASCII without '%', '?' or '#'. It reads the path as url.Parse does, without
// allocating; ok is false for any other URL, which url.Parse must read.
func plainURLPath(s string) (path string, ok bool) {
	rest, found := strings.CutPrefix(s, "https://")
	if !found {
		if rest, found = strings.CutPrefix(s, "http://"); !found {
			return "", false
		}
	}
	host := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	port := false
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case c >= '0' && c <= '9':
		case !port && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '_'):
		case !port && c == ':':
			port = true
		default:
			return "", false
		}
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c <= ' ' || c >= 0x7f || c == '%' || c == '?' || c == '#' {
			return "", false
		}
	}
	return path, true
}

// queueByARN finds a queue by its ARN.
func (e *Engine) queueByARN(arn string) *queue {
	if !strings.HasPrefix(arn, "arn:") {
		return nil
	}
	name, ok := e.nameFromURL(arn)
	if !ok {
		return nil
	}
	if parts := strings.Split(arn, ":"); parts[3] != e.cfg.Region {
		return nil
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.queues[name]
}

// QueueNames lists queue names in order, for inspection.
func (e *Engine) QueueNames() []string {
	e.mu.RLock()
	names := make([]string, 0, len(e.queues))
	for n := range e.queues {
		names = append(names, n)
	}
	e.mu.RUnlock()
	sort.Strings(names)
	return names
}

// Reset deletes every queue and task, as if the engine were new.
func (e *Engine) Reset() {
	e.mu.Lock()
	qs := e.queues
	tasks := e.tasks
	e.queues = map[string]*queue{}
	e.deleted = newRecentlyDeleted()
	e.tasks = map[string]*moveTask{}
	e.count.Add(-int64(len(qs)))
	e.mu.Unlock()
	for _, t := range tasks {
		t.stop()
	}
	for _, q := range qs {
		q.close()
		q.mu.Lock()
		e.addHeld(-int64(q.total()))
		q.mu.Unlock()
	}
}
