// Package differential sends the same sequence of SQS operations to a reference backend (real
// AWS, or a peer such as LocalStack, moto or ElasticMQ) and to a candidate (the mock), and
// compares the two replies step by step, in the manner of miniredis's integration tests.
//
// Each side gets its own uniquely named queues, addressed by alias; before replies are compared,
// queue URLs, ARNs and names in them are replaced by placeholders (<url:orders>, <arn:orders>,
// <name:orders>), and the values that differ between any two SQS endpoints by nature — MessageId,
// ReceiptHandle, SequenceNumber, SenderId, timestamps, task handles — by a placeholder naming
// their kind, after their shape was checked. A step is then compared with one of:
//
//   - Exact: the same values;
//   - Unordered: the same values, every list compared as a multiset (a standard queue's messages,
//     ListQueues, batch results);
//   - Loosely: the same fields present with the same kinds and list lengths, values not compared;
//   - Approx: the same values, except that Approximate* counters may differ by a tolerance
//     (with Eventually: until they agree);
//   - Error and ErrorMessage: both fail, with the same error code, HTTP status and fault (sender or
//     receiver), and for ErrorMessage the same message.
//
// A peer's reviewed deviation from AWS (conformance/internal/suite/deviations.yaml) is marked on the step with
// Known: on that peer a difference is reported as a known deviation instead of a failure, and the
// step fails if the peer starts to agree, so that the mark is removed.
//
//	d := differential.New(t, "localstack")
//	d.Queue("orders", nil)
//	d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
//		return c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.URL("orders")), MessageBody: aws.String("hi")})
//	}).Exact()
//
// Time: the mock runs on a manual clock, peers and AWS on real ones; Advance moves both (it
// sleeps for the reference). A long poll of an empty queue on the mock waits for its clock, so
// steps poll short (WaitTimeSeconds 0) unless a message is there.
package differential

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/conformance/internal/suite"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Option configures New.
type Option func(*config)

type config struct {
	refOpts   []func(*harness.Options)
	cand      harness.Backend
	candOpts  []func(*harness.Options)
	devs      *suite.Deviations
	transport func(error)
}

// WithReferenceOptions passes options to harness.New for the reference (e.g. an endpoint).
func WithReferenceOptions(opts ...func(*harness.Options)) Option {
	return func(c *config) { c.refOpts = append(c.refOpts, opts...) }
}

// WithCandidate selects the candidate backend and its harness options (default: the in-process
// mock, "mock"; "server" puts the HTTP codec and the real client in between).
func WithCandidate(b harness.Backend, opts ...func(*harness.Options)) Option {
	return func(c *config) { c.cand, c.candOpts = b, append(c.candOpts, opts...) }
}

// WithDeviations replaces the embedded conformance/internal/suite/deviations.yaml that Known marks are checked
// against.
func WithDeviations(d *suite.Deviations) Option { return func(c *config) { c.devs = d } }

// OnTransportError makes a step whose operation failed below the API — the request or its
// answer was lost on the way (a connection closed or reset, a body cut short), so whether the
// backend applied it is unknown — call handle with that error and skip the rest of the test,
// instead of reporting a difference. Steps then make a single attempt (the SDK's retry would
// apply a lost request twice and turn the glitch into a false difference), and the caller is
// expected to run the scenario again on fresh queues (see the example). API errors,
// whatever their code, are compared as usual.
func OnTransportError(handle func(error)) Option { return func(c *config) { c.transport = handle } }

// D runs one differential scenario: every step on the reference, then on the candidate. It is
// not safe for concurrent use; run scenarios in parallel with one D each.
type D struct {
	t         testing.TB
	ref       *Side
	cand      *Side
	devs      *suite.Deviations
	transport func(error)
	testIDs   map[string]bool
	n         struct{ steps, agree, known, differ int }
}

// New returns a differential run of reference against the candidate (the in-process mock unless
// WithCandidate says otherwise). When the reference cannot be reached the test is skipped with
// instructions to start it, or failed under CI=true, exactly as harness.New does.
func New(t testing.TB, reference harness.Backend, opts ...Option) *D {
	t.Helper()
	cfg := config{cand: "mock"}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.devs == nil {
		devs, err := suite.LoadDeviations()
		require.NoError(t, err, "differential: deviations.yaml")
		cfg.devs = devs
	}
	ref := harness.New(t, append([]func(*harness.Options){func(o *harness.Options) { o.Backend = reference }}, cfg.refOpts...)...)
	candOpts := append([]func(*harness.Options){func(o *harness.Options) { o.Backend = cfg.cand }, func(o *harness.Options) { o.Region = ref.Region() }}, cfg.candOpts...)
	cand := harness.New(t, candOpts...)
	d := &D{t: t, devs: cfg.devs, transport: cfg.transport, testIDs: map[string]bool{}}
	for _, x := range suite.Tests() {
		d.testIDs[x.ID] = true
	}
	d.ref = newSide(d, "reference", ref)
	d.cand = newSide(d, "candidate", cand)
	t.Cleanup(func() {
		d.ref.cleanup()
		d.cand.cleanup()
		t.Logf("differential %s vs %s: %d steps, %d agree, %d known deviations, %d differ",
			ref.Backend(), cand.Backend(), d.n.steps, d.n.agree, d.n.known, d.n.differ)
	})
	return d
}

// Reference is the reference side (AWS or a peer).
func (d *D) Reference() *Side { return d.ref }

// Candidate is the candidate side (the mock).
func (d *D) Candidate() *Side { return d.cand }

// Queue creates a standard queue (or a FIFO queue when alias ends in ".fifo") on both sides,
// each with its own unique name, deleted when the test ends. In attribute values, <arn:alias>,
// <url:alias> and <name:alias> stand for that side's queue of the alias (e.g. in a
// RedrivePolicy). Creation must succeed on both sides; to compare CreateQueue itself, call it in
// a step with Side.Name.
func (d *D) Queue(alias string, attrs map[string]string) {
	d.t.Helper()
	for _, s := range []*Side{d.ref, d.cand} {
		a := map[string]string{}
		for k, v := range attrs {
			a[k] = s.Expand(v)
		}
		if strings.HasSuffix(alias, ".fifo") {
			if _, ok := a["FifoQueue"]; !ok {
				a["FifoQueue"] = "true"
			}
		}
		out, err := s.h.Client().CreateQueue(s.h.Ctx(), &sqs.CreateQueueInput{QueueName: aws.String(s.Name(alias)), Attributes: a})
		require.NoError(d.t, err, "CreateQueue %s on %s", alias, s.h.Backend())
		url := aws.ToString(out.QueueUrl)
		d.t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = s.h.Client().DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
		})
		s.urls[alias] = url
		s.created[alias] = true
		if s.base == "" {
			s.base = strings.TrimSuffix(url, queueurl.Name(url))
		}
	}
}

// Advance lets dur pass on both sides: the reference sleeps, the mock's clock jumps.
func (d *D) Advance(dur time.Duration) {
	d.ref.h.Advance(dur)
	d.cand.h.Advance(dur)
}

// Do runs fn on the reference and then on the candidate, each with its own client and queues,
// and returns the step, to be compared with one of its comparison methods. fn returns an
// operation's output and error as they are (return c.SendMessage(ctx, in)); it may also return a
// value of its own making (a struct or map of several outputs).
func (d *D) Do(fn func(ctx context.Context, c sqsmock.API, s *Side) (any, error)) *Step {
	d.t.Helper()
	st := &Step{d: d, fn: fn, index: d.n.steps + 1, ignore: map[string]bool{}}
	d.n.steps++
	st.run()
	return st
}

// Side is one of the two backends of a run, with its queues. Step functions get it to find their
// queues and the outputs of earlier steps.
type Side struct {
	d       *D
	role    string
	h       *harness.H
	prefix  string
	names   map[string]string // alias → queue name
	urls    map[string]string // alias → URL, once known
	arns    map[string]string
	created map[string]bool // created by Queue (deleted by the harness)
	base    string          // URL up to the queue name
	outs    map[*Step]result
	re      *regexp.Regexp // names, rebuilt when one is added
	steps   sqsmock.API    // the client steps use
}

func newSide(d *D, role string, h *harness.H) *Side {
	var b [4]byte
	_, _ = rand.Read(b[:])
	s := &Side{d: d, role: role, h: h, prefix: "sqshd-" + hex.EncodeToString(b[:]) + "-",
		names: map[string]string{}, urls: map[string]string{}, arns: map[string]string{},
		created: map[string]bool{}, outs: map[*Step]result{}, steps: h.Client()}
	if c, ok := s.steps.(*sqs.Client); ok && d.transport != nil {
		s.steps = sqs.New(c.Options(), func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	}
	return s
}

// isTransportError reports whether err says the request or its answer was lost below the API: no
// API error in its chain, and not the test's own context ending.
func isTransportError(err error) bool {
	var ae smithy.APIError
	var ce *smithy.CanceledError
	if err == nil || errors.As(err, &ae) || errors.As(err, &ce) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var oe *smithy.OperationError
	return errors.As(err, &oe) // an SDK call that failed without an answer
}

// Backend is the side's backend.
func (s *Side) Backend() harness.Backend { return s.h.Backend() }

// Harness is the side's harness handle (its client, clock and helpers).
func (s *Side) Harness() *harness.H { return s.h }

// Prefix is the prefix shared by every queue name of this side (for ListQueues).
func (s *Side) Prefix() string { return s.prefix }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Name is this side's queue name for alias: the side's prefix and the alias, with ".fifo" kept
// when alias ends in it. A queue created by a step under this name is deleted when the test ends.
func (s *Side) Name(alias string) string {
	if n, ok := s.names[alias]; ok {
		return n
	}
	fifo := strings.HasSuffix(alias, ".fifo")
	base := unsafeName.ReplaceAllString(strings.TrimSuffix(alias, ".fifo"), "-")
	max := 80 - len(s.prefix)
	if fifo {
		max -= len(".fifo")
	}
	if len(base) > max {
		base = base[:max]
	}
	n := s.prefix + base
	if fifo {
		n += ".fifo"
	}
	s.names[alias] = n
	s.re = nil
	return n
}

// URL is this side's queue URL for alias: the one CreateQueue returned, else GetQueueUrl's, else
// (a queue that does not exist) the URL it would have.
func (s *Side) URL(alias string) string {
	if u, ok := s.urls[alias]; ok {
		return u
	}
	name := s.Name(alias)
	out, err := s.h.Client().GetQueueUrl(s.h.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err == nil {
		s.urls[alias] = aws.ToString(out.QueueUrl)
		return s.urls[alias]
	}
	if s.base == "" {
		s.d.t.Fatalf("differential: %s: no URL for %q yet (create a queue with Queue first)", s.role, alias)
	}
	return s.base + name
}

// ARN is this side's queue ARN for alias (QueueArn of the queue, or the ARN it would have).
func (s *Side) ARN(alias string) string {
	if a, ok := s.arns[alias]; ok {
		return a
	}
	out, err := s.h.Client().GetQueueAttributes(s.h.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(s.URL(alias)),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err == nil && out.Attributes["QueueArn"] != "" {
		s.arns[alias] = out.Attributes["QueueArn"]
		return s.arns[alias]
	}
	for _, a := range s.arns {
		return strings.TrimSuffix(a, queueurl.Name(a)) + s.Name(alias)
	}
	s.d.t.Fatalf("differential: %s: no ARN for %q (%v)", s.role, alias, err)
	return ""
}

var placeholder = regexp.MustCompile(`<(url|arn|name):([^<>\s]+)>`)

// Expand replaces <url:alias>, <arn:alias> and <name:alias> in v with this side's values.
func (s *Side) Expand(v string) string {
	return placeholder.ReplaceAllStringFunc(v, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		switch p[1] {
		case "url":
			return s.URL(p[2])
		case "arn":
			return s.ARN(p[2])
		default:
			return s.Name(p[2])
		}
	})
}

// Output is what step's function returned on side s (nil when it failed there), as T: a later
// step uses it to carry state such as receipt handles, e.g.
// differential.Output[*sqs.ReceiveMessageOutput](s, recv).Messages[0].ReceiptHandle.
func Output[T any](s *Side, step *Step) T {
	var zero T
	r, ok := s.outs[step]
	if !ok || r.err != nil || r.out == nil {
		s.d.t.Fatalf("differential: step %d has no output on the %s (%v)", step.index, s.role, r.err)
		return zero
	}
	v, ok := r.out.(T)
	if !ok {
		s.d.t.Fatalf("differential: step %d's output on the %s is %T, not %T", step.index, s.role, r.out, zero)
	}
	return v
}

// cleanup deletes the queues that steps created under names of this side.
func (s *Side) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	aliases := make([]string, 0, len(s.names))
	for a := range s.names {
		if !s.created[a] {
			aliases = append(aliases, a)
		}
	}
	sort.Strings(aliases)
	for _, a := range aliases {
		out, err := s.h.Client().GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(s.names[a])})
		if err == nil {
			_, _ = s.h.Client().DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: out.QueueUrl})
		}
	}
}

// normaliser replaces this side's queue URLs, ARNs and names with placeholders.
func (s *Side) normaliser() func(string) string {
	if s.re == nil && len(s.names) > 0 {
		type an struct{ alias, name string }
		var list []an
		for a, n := range s.names {
			list = append(list, an{a, n})
		}
		sort.Slice(list, func(i, j int) bool { return len(list[i].name) > len(list[j].name) })
		alts := make([]string, len(list))
		for i, x := range list {
			alts[i] = regexp.QuoteMeta(x.name)
		}
		s.re = regexp.MustCompile(`(https?://[^\s"',]*?/|arn:[a-z-]+:sqs:[a-z0-9-]*:[0-9]*:)?(` + strings.Join(alts, "|") + `)`)
	}
	byName := map[string]string{}
	for a, n := range s.names {
		byName[n] = a
	}
	re := s.re
	return func(v string) string {
		if re == nil {
			return v
		}
		return re.ReplaceAllStringFunc(v, func(m string) string {
			p := re.FindStringSubmatch(m)
			alias := byName[p[2]]
			switch {
			case strings.HasPrefix(p[1], "arn:"):
				return "<arn:" + alias + ">"
			case p[1] != "":
				return "<url:" + alias + ">"
			default:
				return "<name:" + alias + ">"
			}
		})
	}
}

func (s *Side) String() string { return fmt.Sprintf("%s (%s)", s.role, s.h.Backend()) }
