// Command sqsmock serves an in-memory Amazon SQS over HTTP, speaking both SQS wire protocols
// (AWS JSON 1.0 and Query), for any SDK or the AWS CLI, and on the same port SNS (Query) whose
// topics fan out into its queues:
//
//	go run ./cmd/sqsmock                       # http://127.0.0.1:9324
//	aws --endpoint-url http://127.0.0.1:9324 sqs list-queues
//	aws --endpoint-url http://127.0.0.1:9324 sns list-topics
//
// Every flag has an environment variable; the flag wins. It binds to loopback unless -addr says
// otherwise, and shuts down gracefully on SIGINT or SIGTERM (long polls in flight return empty).
// Read, write and idle timeouts and a connection bound keep slow or idle clients from holding
// it; the SQS API refuses browser requests (unless -browser-origins lets a web app's origin in)
// and Host names that are not this server's, the /_sqsmock/ admin endpoints refuse foreign Host
// headers and cross-origin browser requests, and with -admin-token need a bearer token (see -h).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "sqsmock: ") { // the library's own errors say where they come from
			msg = "sqsmock: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	addr, region, account, queuesFile, faultsFile, publicURL, logLevel string
	regionHosts                                                        string
	healthcheck                                                        bool
	maxBody                                                            int64
	maxQueues, maxMessages                                             int
	trace                                                              int
	sig                                                                sigv4Settings
	server                                                             serverSettings
}

// environment gives flags their defaults from environment variables, and remembers the values
// that do not parse: they are errors unless the flag itself is given.
type environment struct {
	getenv func(string) string
	bad    map[string]error // flag name → what was wrong with its variable
}

// str returns the variable, or def when it is unset or empty.
func (e *environment) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// parsed returns the variable parsed by parse, or def when it is unset or empty; a value that
// does not parse is remembered as the flag's error (what says what was expected) and gives def.
func parsed[T any](e *environment, flagName, name string, def T, what string, parse func(string) (T, error)) T {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	x, err := parse(strings.TrimSpace(v))
	if err != nil {
		e.bad[flagName] = fmt.Errorf("%s=%q: %s (for -%s)", name, v, what, flagName)
		return def
	}
	return x
}

// int64 returns the variable as an integer, or def when it is unset or empty.
func (e *environment) int64(flagName, name string, def int64) int64 {
	return parsed(e, flagName, name, def, "not an integer", func(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) })
}

// int returns the variable as an int, or def when it is unset or empty.
func (e *environment) int(flagName, name string, def int) int {
	return parsed(e, flagName, name, def, "not an integer", func(v string) (int, error) {
		n, err := strconv.ParseInt(v, 10, 0)
		return int(n), err
	})
}

// duration returns the variable as a duration ("30s", "2m"), or def when it is unset or empty.
func (e *environment) duration(flagName, name string, def time.Duration) time.Duration {
	return parsed(e, flagName, name, def, "not a duration such as 30s", time.ParseDuration)
}

// bool returns the variable as a boolean (1, t, true, 0, f, false, …), or false when it is unset
// or empty.
func (e *environment) bool(flagName, name string) bool {
	return parsed(e, flagName, name, false, "not true or false", strconv.ParseBool)
}

// flags defines the command's flags on a new FlagSet, storing into s, with defaults from env.
// Every flag's usage names its environment variable as "(env SQSMOCK_…)".
func flags(s *settings, env *environment, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sqsmock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.addr, "addr", env.str("SQSMOCK_ADDR", "127.0.0.1:9324"), "listen address (env SQSMOCK_ADDR)")
	fs.StringVar(&s.region, "region", env.str("SQSMOCK_REGION", "us-east-1"), "default region: of requests signed for none, and of start-up queues (env SQSMOCK_REGION)")
	fs.StringVar(&s.account, "account", env.str("SQSMOCK_ACCOUNT_ID", "000000000000"), "default 12-digit account id: of requests whose access key id is not 12 digits, and of start-up queues (env SQSMOCK_ACCOUNT_ID)")
	fs.StringVar(&s.queuesFile, "queues", env.str("SQSMOCK_QUEUES", ""), "JSON or YAML file of queues to create at start-up (env SQSMOCK_QUEUES)")
	fs.StringVar(&s.faultsFile, "faults", env.str("SQSMOCK_FAULTS", ""), "JSON or YAML fault plan to apply from start-up (env SQSMOCK_FAULTS); PUT /_sqsmock/faults replaces it")
	fs.StringVar(&s.publicURL, "public-url", env.str("SQSMOCK_PUBLIC_URL", ""), "base URL of queue URLs, if not the request's host (env SQSMOCK_PUBLIC_URL)")
	fs.StringVar(&s.regionHosts, "region-hosts", env.str("SQSMOCK_REGION_HOSTS", ""),
		"give queue URLs the host sqs.<region>.<domain> (port and scheme of the request or -public-url), e.g. localhost.localstack.cloud (env SQSMOCK_REGION_HOSTS; empty: the request's host)")
	fs.StringVar(&s.logLevel, "log-level", env.str("SQSMOCK_LOG_LEVEL", "info"), "debug, info, warn or error (env SQSMOCK_LOG_LEVEL)")
	fs.Int64Var(&s.maxBody, "max-body", env.int64("max-body", "SQSMOCK_MAX_BODY", 0), "request body limit in bytes (env SQSMOCK_MAX_BODY; 0: default)")
	fs.IntVar(&s.maxQueues, "max-queues", env.int("max-queues", "SQSMOCK_MAX_QUEUES", 0), "most queues held (env SQSMOCK_MAX_QUEUES; 0: unlimited)")
	fs.IntVar(&s.maxMessages, "max-messages", env.int("max-messages", "SQSMOCK_MAX_MESSAGES", 0), "most messages held (env SQSMOCK_MAX_MESSAGES; 0: unlimited)")
	fs.IntVar(&s.trace, "trace", env.int("trace", "SQSMOCK_TRACE", 10000),
		"keep the last N events of the trace for GET /_sqsmock/trace and the console (env SQSMOCK_TRACE; 0: no trace); POST /_sqsmock/reset keeps it and marks the reset in it")
	fs.BoolVar(&s.healthcheck, "healthcheck", env.bool("healthcheck", "SQSMOCK_HEALTHCHECK"),
		"do not serve: probe GET /health of the server listening on -addr (on loopback for a wildcard host such as 0.0.0.0) and exit 0 if it answers 200, else 1; the container image's HEALTHCHECK (env SQSMOCK_HEALTHCHECK=true)")
	s.sig.register(fs, env)
	s.server.register(fs, env)
	fs.Usage = usage(fs, stderr)
	return fs
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (settings, error) {
	var s settings
	env := &environment{getenv: getenv, bad: map[string]error{}}
	fs := flags(&s, env, stderr)
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if err := env.bad[f.Name]; err != nil && !given[f.Name] {
			errs = append(errs, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return s, err
	}
	if err := errors.Join(s.sig.check(), s.server.check()); err != nil {
		return s, err
	}
	if s.trace < 0 {
		return s, fmt.Errorf("-trace %d: must be 0 (no trace) or more", s.trace)
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return s, nil
}

// run serves until ctx ends or a signal arrives; ready, if set, is told the server's URL.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(url string)) error {
	s, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	if s.healthcheck {
		return probeHealth(ctx, s.addr)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	mo := sqsmock.Options{Region: s.region, AccountID: s.account, MaxQueues: s.maxQueues, MaxMessages: s.maxMessages,
		TraceSize: s.trace, Endpoint: endpoint(s.publicURL, s.regionHosts), Credentials: s.sig.credentials()}
	if s.queuesFile != "" {
		qs, err := loadQueues(s.queuesFile)
		if err != nil {
			return err
		}
		for _, q := range qs {
			mo.Queues = append(mo.Queues, sqsmock.Queue{Name: q.Name, Attributes: q.Attributes, Tags: q.Tags})
		}
	}
	if s.faultsFile != "" {
		plan, err := faults.Load(s.faultsFile)
		if err != nil {
			return err
		}
		mo.Faults = plan
	}
	so := s.server.options()
	so.Addr = s.addr
	so.MaxBodyBytes = s.maxBody
	so.Middleware = []func(http.Handler) http.Handler{logRequests(log)}
	m, err := newMock(mo)
	if err != nil {
		return err
	}
	srv, err := m.Start(func(o *sqsmock.ServerOptions) { *o = so })
	if err != nil {
		return err
	}
	log.Info("sqsmock listening", "url", srv.URL, "region", s.region, "account", s.account, "queues", len(m.Queues()))
	if ready != nil {
		ready(srv.URL)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// newMock builds the mock, turning a bad start-up queue into an error instead of a panic.
func newMock(mo sqsmock.Options) (m *sqsmock.Mock, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return sqsmock.New(func(o *sqsmock.Options) { *o = mo }), nil
}

// endpoint is the mock's Endpoint for -public-url and -region-hosts: with a region-host domain,
// a template naming the region in the host, with the public URL's scheme and port (else the
// request's); else the public URL ("" for the request's own).
func endpoint(publicURL, regionHosts string) string {
	if regionHosts == "" {
		return publicURL
	}
	domain := strings.Trim(regionHosts, ".")
	scheme, rest, ok := strings.Cut(publicURL, "://")
	if !ok {
		return "http://sqs.{region}." + domain
	}
	host, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") && !strings.Contains(domain, ":") {
		domain += host[i:]
	}
	return scheme + "://sqs.{region}." + domain
}
