package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// longestLongPoll is the longest ReceiveMessage wait SQS allows; the write timeout must exceed it.
const longestLongPoll = 20 * time.Second

// serverSettings are the flags of the HTTP server's limits and of the admin endpoints' guard.
type serverSettings struct {
	readTimeout, writeTimeout, idleTimeout time.Duration
	maxConns                               int
	adminToken, adminHosts, browserOrigins string
}

func (s *serverSettings) register(fs *flag.FlagSet, env *environment) {
	fs.DurationVar(&s.readTimeout, "read-timeout", env.duration("read-timeout", "SQSMOCK_READ_TIMEOUT", 30*time.Second),
		"time a client has to send a whole request, headers and body (env SQSMOCK_READ_TIMEOUT; 0: none); a trickling or short body gets a 400 and the connection is closed")
	fs.DurationVar(&s.writeTimeout, "write-timeout", env.duration("write-timeout", "SQSMOCK_WRITE_TIMEOUT", 60*time.Second),
		"time from a request's headers to the end of its answer (env SQSMOCK_WRITE_TIMEOUT; 0: none); must exceed the 20s longest long poll, plus any fault-plan latency")
	fs.DurationVar(&s.idleTimeout, "idle-timeout", env.duration("idle-timeout", "SQSMOCK_IDLE_TIMEOUT", 120*time.Second),
		"time a keep-alive connection may wait for its next request (env SQSMOCK_IDLE_TIMEOUT; 0: none)")
	fs.IntVar(&s.maxConns, "max-conns", env.int("max-conns", "SQSMOCK_MAX_CONNS", 1024),
		"most connections served at once (env SQSMOCK_MAX_CONNS; 0: unlimited); past it a request gets ServiceUnavailable (503) and its connection is closed, one that sends nothing within 2s is closed, and at the bound a connection silent for 1s gives its place to a new one")
	fs.StringVar(&s.adminToken, "admin-token", env.str("SQSMOCK_ADMIN_TOKEN", ""),
		"require \"Authorization: Bearer <token>\" on the /_sqsmock/ admin endpoints, except /_sqsmock/health (env SQSMOCK_ADMIN_TOKEN, which keeps it out of ps)")
	fs.StringVar(&s.adminHosts, "admin-hosts", env.str("SQSMOCK_ADMIN_HOSTS", ""),
		"comma-separated extra Host names the server answers to, on the admin endpoints and the SQS API, e.g. sqsmock or sqsmock:9324 (env SQSMOCK_ADMIN_HOSTS)")
	fs.StringVar(&s.browserOrigins, "browser-origins", env.str("SQSMOCK_BROWSER_ORIGINS", ""),
		"comma-separated origins of web apps allowed to call the SQS API from a browser through CORS, e.g. http://localhost:5173; * allows every web page (env SQSMOCK_BROWSER_ORIGINS; empty: browsers refused)")
}

func (s *serverSettings) check() error {
	var errs []error
	if s.writeTimeout > 0 && s.writeTimeout <= longestLongPoll {
		errs = append(errs, fmt.Errorf("-write-timeout %v must exceed %v, the longest long poll (0: none)", s.writeTimeout, longestLongPoll))
	}
	for name, d := range map[string]time.Duration{"read-timeout": s.readTimeout, "write-timeout": s.writeTimeout, "idle-timeout": s.idleTimeout} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("-%s %v is negative (0: none)", name, d))
		}
	}
	if s.maxConns < 0 {
		errs = append(errs, fmt.Errorf("-max-conns %d is negative (0: unlimited)", s.maxConns))
	}
	return errors.Join(errs...)
}

// options turns the settings into the server's options; 0 in a flag (none) is negative there.
func (s *serverSettings) options() sqsmock.ServerOptions {
	none := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	maxConns := s.maxConns
	if maxConns == 0 {
		maxConns = -1
	}
	return sqsmock.ServerOptions{ReadTimeout: none(s.readTimeout), WriteTimeout: none(s.writeTimeout),
		IdleTimeout: none(s.idleTimeout), MaxConnections: maxConns, AdminToken: s.adminToken,
		AdminHosts: list(s.adminHosts), BrowserOrigins: list(s.browserOrigins)}
}

// list splits a comma-separated flag, dropping blanks.
func list(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// usage is the -h text: what the server serves, how the admin endpoints are guarded, then the flags.
func usage(fs *flag.FlagSet, w io.Writer) func() {
	return func() {
		fmt.Fprint(w, `Usage: sqsmock [flags]

Serves an in-memory Amazon SQS over HTTP, in both SQS protocols (AWS JSON 1.0 and Query), for
any SDK or the AWS CLI. It also serves GET /health and GET /_sqsmock/health (always open), and
the admin endpoints GET /_sqsmock/queues, POST /_sqsmock/reset and GET, PUT, DELETE
/_sqsmock/faults.

Web pages are kept off the server: any page a browser on this machine opens, on any site,
could otherwise store, read, purge and delete messages.

The SQS API (both protocols, at / and at queue URLs) refuses browser requests with 403 and a
plain-text reason: an Origin header, a Sec-Fetch-Site other than same-origin or none (a form
post, fetch or image from another site), or a navigation (Sec-Fetch-Mode: navigate). SDKs and
the AWS CLI send none of these. A web app that uses the AWS SDK for JavaScript in the browser
is let in by its origin, -browser-origins http://localhost:5173: its CORS preflights are
answered, its requests get Access-Control-Allow-Origin; * allows every page.

The SQS API answers only under a Host header that names this server (a page on a name the
attacker controls, rebound to 127.0.0.1, sends that name: DNS rebinding), else AccessDenied
(403) in the request's protocol: the admin endpoints' names below, any IP address, names under
.localhost, AWS's own SQS names (sqs.us-east-1.amazonaws.com), names under the -region-hosts
domain, and, on a connection that came over the network (a container, -addr 0.0.0.0), names
public DNS never answers: without a dot (sqsmock) or under .internal, .local, .test, .home.arpa.
Add others with -admin-hosts.

The admin endpoints answer only under a Host header that names this server: localhost, a
loopback address or the listening address (any port), the -public-url host, or an -admin-hosts
name; other Hosts get 403 (DNS rebinding). They refuse cross-origin browser requests (403): an
Origin other than the server's own, or a Sec-Fetch-Site other than same-origin or none. With
-admin-token every admin request needs "Authorization: Bearer <token>" (401 otherwise).
-verify-sigv4 guards the SQS API only, never the admin endpoints.

The trace (-trace) survives POST /_sqsmock/reset: a reset deletes every queue and message but
adds a mock.reset event to the trace instead of clearing it, since the trace is a record of what
happened, not state (a reader polling GET /_sqsmock/trace?since=N, such as the console, goes on
without missing events, and what led up to a reset stays visible). Restart the server to start
an empty trace.

One server holds many regions and accounts, as LocalStack does: a request is in the region its
SigV4 credential scope names (Credential=KEY/DATE/REGION/sqs/aws4_request, or X-Amz-Credential)
and in the account of its access key id when that is 12 digits (111111111111), else in -region
and -account; an unsigned request is in the region its queue URL's host names
(sqs.REGION.localhost.localstack.cloud), else -region. Queues, ARNs, queue URLs, ListQueues,
dead-letter queues and move tasks are per region and account; a queue of another account is
reached by its URL only where its policy (AddPermission, or a Policy evaluated as IAM does, where
an explicit Deny wins, also in the owner's account) allows the caller, else AccessDenied (403), as
in SQS; a session token that is an IAM or STS ARN names the caller's principal. -region-hosts localhost.localstack.cloud gives queue URLs their
region in their host. With -verify-sigv4 a request must be signed for the region its Host names
(sqs.REGION.…), else for -region. GET /_sqsmock/queues lists every region and account
(?region=…&account=… filter it, ?prefix=… by name), at most 1000 queues an answer (?limit=N):
"next", when more follow, is the ?after=… of the next page.

Every flag has an environment variable, named in its help; the flag wins.

Flags:
`)
		fs.PrintDefaults()
	}
}
