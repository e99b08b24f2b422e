// Command sqsmock serves an in-memory Amazon SQS over HTTP, speaking both SQS wire protocols
// (AWS JSON 1.0 and Query), for any SDK or the AWS CLI:
//
//	go run ./cmd/sqsmock                       # http://127.0.0.1:9324
//	aws --endpoint-url http://127.0.0.1:9324 sqs list-queues
//
// Every flag has an environment variable; the flag wins. It binds to loopback unless -addr says
// otherwise, and shuts down gracefully on SIGINT or SIGTERM (long polls in flight return empty).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "sqsmock:", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	addr, region, account, queuesFile, faultsFile, publicURL, logLevel string
	maxBody                                                            int64
	maxQueues, maxMessages                                             int
	sig                                                                sigv4Settings
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (settings, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var s settings
	fs := flag.NewFlagSet("sqsmock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.addr, "addr", env("SQSMOCK_ADDR", "127.0.0.1:9324"), "listen address (env SQSMOCK_ADDR)")
	fs.StringVar(&s.region, "region", env("SQSMOCK_REGION", "us-east-1"), "region in queue ARNs (env SQSMOCK_REGION)")
	fs.StringVar(&s.account, "account", env("SQSMOCK_ACCOUNT_ID", "000000000000"), "12-digit account id (env SQSMOCK_ACCOUNT_ID)")
	fs.StringVar(&s.queuesFile, "queues", env("SQSMOCK_QUEUES", ""), "JSON or YAML file of queues to create at start-up (env SQSMOCK_QUEUES)")
	fs.StringVar(&s.faultsFile, "faults", env("SQSMOCK_FAULTS", ""), "JSON or YAML fault plan to apply from start-up (env SQSMOCK_FAULTS); PUT /_sqsmock/faults replaces it")
	fs.StringVar(&s.publicURL, "public-url", env("SQSMOCK_PUBLIC_URL", ""), "base URL of queue URLs, if not the request's host (env SQSMOCK_PUBLIC_URL)")
	fs.StringVar(&s.logLevel, "log-level", env("SQSMOCK_LOG_LEVEL", "info"), "debug, info, warn or error (env SQSMOCK_LOG_LEVEL)")
	fs.Int64Var(&s.maxBody, "max-body", 0, "request body limit in bytes (0: default)")
	fs.IntVar(&s.maxQueues, "max-queues", 0, "most queues held (0: unlimited)")
	fs.IntVar(&s.maxMessages, "max-messages", 0, "most messages held (0: unlimited)")
	s.sig.register(fs, env)
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if err := s.sig.check(); err != nil {
		return s, err
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
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts := []sqsmock.Option{sqsmock.WithRegion(s.region), sqsmock.WithAccountID(s.account),
		sqsmock.WithLimits(s.maxQueues, s.maxMessages), sqsmock.WithCallLog(0)}
	if s.queuesFile != "" {
		qs, err := loadQueues(s.queuesFile)
		if err != nil {
			return err
		}
		for _, q := range qs {
			opts = append(opts, sqsmock.WithTaggedQueue(q.Name, q.Attributes, q.Tags))
		}
	}
	if s.faultsFile != "" {
		plan, err := faults.Load(s.faultsFile)
		if err != nil {
			return err
		}
		opts = append(opts, sqsmock.WithFaults(plan))
	}
	hopts := []sqsmock.HandlerOption{sqsmock.WithHTTPMiddleware(logRequests(log))}
	if s.maxBody != 0 {
		hopts = append(hopts, sqsmock.WithMaxBodyBytes(s.maxBody))
	}
	if s.publicURL != "" {
		hopts = append(hopts, sqsmock.WithPublicURL(s.publicURL))
	}
	hopts = append(hopts, s.sig.options()...)
	m, err := newMock(opts)
	if err != nil {
		return err
	}
	srv, err := m.Start(s.addr, hopts...)
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
func newMock(opts []sqsmock.Option) (m *sqsmock.Mock, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return sqsmock.New(opts...), nil
}
