package differential

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

type result struct {
	out any
	err error
}

// Step is one operation run on both sides, waiting to be compared. Known, Ignore and Eventually
// qualify the comparison and come before it; Exact, Unordered, Loosely, Approx, Error and
// ErrorMessage compare, report a difference as a test error (or log a known deviation), and
// return whether the two sides agreed.
type Step struct {
	d          *D
	fn         func(ctx context.Context, c sqsmock.API, s *Side) (any, error)
	index      int
	ref, cand  result
	known      []known
	ignore     map[string]bool
	eventually time.Duration
	messages   bool
}

type known struct {
	backend harness.Backend
	test    string
	reason  string
}

func (st *Step) run() {
	st.d.t.Helper()
	for _, s := range []*Side{st.d.ref, st.d.cand} {
		out, err := st.fn(s.h.Ctx(), s.steps, s)
		if st.d.transport != nil && isTransportError(err) {
			st.d.t.Logf("differential: step %d on the %s: transport error, not an answer: %v", st.index, s, err)
			st.d.transport(err)
			st.d.t.SkipNow()
		}
		r := result{out: out, err: err}
		if err != nil {
			r.out = nil
		}
		s.outs[st] = r
		if s == st.d.ref {
			st.ref = r
		} else {
			st.cand = r
		}
	}
}

// Known marks a difference on backend as a known deviation from AWS of the behaviour checked by
// conformance test testID (which must exist); reason says what the backend does instead. The
// report quotes the test's deviations.yaml entry for backend, or says that there is none (a
// deviation seen only by the differential mode). When the reference is that backend, a
// difference is logged as a known deviation (Eventually does not retry it), and agreement fails
// the test: the peer was fixed, remove the mark. On any other backend the step is compared as
// usual.
func (st *Step) Known(backend harness.Backend, testID, reason string) *Step {
	st.known = append(st.known, known{backend, testID, reason})
	return st
}

// Ignore leaves the fields at the given paths out of the comparison (their presence is still
// compared). A path is the chain of field and map key names from the output down, without list
// indices, e.g. "Failed.Message" or "Messages.Attributes.SenderId".
func (st *Step) Ignore(paths ...string) *Step {
	for _, p := range paths {
		st.ignore[p] = true
	}
	return st
}

// Messages compares the Message of failed batch entries (Failed.Message), which are otherwise
// only required to be present on both sides, as error messages are by Error.
func (st *Step) Messages() *Step {
	st.messages = true
	return st
}

// Eventually runs the step again on both sides, every 250ms for up to timeout, while the two
// replies differ: for read-only operations whose answer on the reference settles over time
// (approximate counters, listings).
func (st *Step) Eventually(timeout time.Duration) *Step {
	st.eventually = timeout
	return st
}

type mode int

const (
	exact mode = iota
	unordered
	loose
	approx
)

// Exact requires both sides to succeed with the same normalised output.
func (st *Step) Exact() bool {
	st.d.t.Helper()
	return st.compare("Exact", func() []string { return st.diffOutputs(exact, 0) })
}

// Unordered is Exact with every list compared as a multiset (order ignored).
func (st *Step) Unordered() bool {
	st.d.t.Helper()
	return st.compare("Unordered", func() []string { return st.diffOutputs(unordered, 0) })
}

// Loosely requires both sides to succeed with the same structure: the same fields and map keys
// present, with values of the same kinds and lists of the same lengths; values are not compared.
func (st *Step) Loosely() bool {
	st.d.t.Helper()
	return st.compare("Loosely", func() []string { return st.diffOutputs(loose, 0) })
}

// Approx is Exact except that numeric values under keys starting with "Approximate"
// (ApproximateNumberOfMessages, …) may differ by up to tolerance.
func (st *Step) Approx(tolerance int) bool {
	st.d.t.Helper()
	return st.compare(fmt.Sprintf("Approx(%d)", tolerance), func() []string { return st.diffOutputs(approx, tolerance) })
}

// Error requires both sides to fail with the same error code (smithy.APIError.ErrorCode), HTTP
// status (awshttp.ResponseError) and fault (smithy.ErrorFault: sender or receiver).
func (st *Step) Error() bool {
	st.d.t.Helper()
	return st.compare("Error", func() []string { return st.diffErrors(false) })
}

// ErrorMessage is Error with the error messages compared too (after normalising queue names).
func (st *Step) ErrorMessage() bool {
	st.d.t.Helper()
	return st.compare("ErrorMessage", func() []string { return st.diffErrors(true) })
}

// Outputs returns the raw outputs and errors of both sides.
func (st *Step) Outputs() (ref any, refErr error, cand any, candErr error) {
	return st.ref.out, st.ref.err, st.cand.out, st.cand.err
}

func (st *Step) compare(how string, diff func() []string) bool {
	d := st.d
	d.t.Helper()
	refB := d.ref.Backend()
	var mark *known
	for i, k := range st.known {
		if k.backend == refB {
			mark = &st.known[i]
			break
		}
	}
	diffs := diff()
	if len(diffs) > 0 && st.eventually > 0 && mark == nil {
		deadline := time.Now().Add(st.eventually)
		for len(diffs) > 0 && time.Now().Before(deadline) {
			time.Sleep(250 * time.Millisecond)
			st.run()
			diffs = diff()
		}
	}
	if mark != nil {
		listing := "not listed in deviations.yaml for " + string(refB) + ": seen only by the differential mode"
		if dev, ok := d.devs.Lookup(string(mark.backend), mark.test); ok {
			listing = "deviations.yaml: " + dev.Instead
		} else if !d.testIDs[mark.test] {
			d.t.Errorf("differential: step %d is marked Known(%s, %q), but the conformance suite has no test %s", st.index, mark.backend, mark.test, mark.test)
		}
		if len(diffs) == 0 {
			d.n.differ++
			d.t.Errorf("differential: step %d (%s) agrees on %s, but is marked as its known deviation %s (%s): remove the mark",
				st.index, how, refB, mark.test, mark.reason)
			return true
		}
		d.n.known++
		d.t.Logf("differential: step %d (%s): known deviation of %s, %s: %s (%s)\n%s",
			st.index, how, refB, mark.test, mark.reason, listing, st.report(diffs))
		return false
	}
	if len(diffs) == 0 {
		d.n.agree++
		return true
	}
	d.n.differ++
	d.t.Errorf("differential: step %d (%s): %s and %s differ\n%s", st.index, how, d.ref, d.cand, st.report(diffs))
	return false
}

func (st *Step) report(diffs []string) string {
	if len(diffs) > 20 {
		diffs = append(diffs[:20], fmt.Sprintf("… and %d more", len(diffs)-20))
	}
	var b strings.Builder
	for _, x := range diffs {
		b.WriteString("  " + x + "\n")
	}
	fmt.Fprintf(&b, "  reference: %s\n  candidate: %s", st.describe(st.d.ref, st.ref), st.describe(st.d.cand, st.cand))
	return b.String()
}

func (st *Step) describe(s *Side, r result) string {
	if r.err != nil {
		e := errorOf(r.err, s.normaliser())
		return fmt.Sprintf("error %s (HTTP %d, %s fault): %s", e.code, e.status, e.fault, e.message)
	}
	v := normalise(r.out, s.normaliser(), st.ignored())
	return truncate(canonicalJSON(v), 1500)
}

func (st *Step) diffOutputs(m mode, tol int) []string {
	var out []string
	if st.ref.err != nil {
		out = append(out, "reference failed: "+st.ref.err.Error())
	}
	if st.cand.err != nil {
		out = append(out, "candidate failed: "+st.cand.err.Error())
	}
	if len(out) > 0 {
		return out
	}
	a := normalise(st.ref.out, st.d.ref.normaliser(), st.ignored())
	b := normalise(st.cand.out, st.d.cand.normaliser(), st.ignored())
	return diffTrees("", a, b, m, tol)
}

// ignored is the set of ignored paths: Ignore's, and Failed.Message unless Messages was called.
func (st *Step) ignored() map[string]bool {
	if st.messages {
		return st.ignore
	}
	m := map[string]bool{"Failed.Message": true}
	for k := range st.ignore {
		m[k] = true
	}
	return m
}

type errInfo struct {
	code, fault, message string
	status               int
}

func errorOf(err error, norm func(string) string) errInfo {
	e := errInfo{code: "(not an API error)", fault: "unknown", message: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		e.code, e.fault, e.message = ae.ErrorCode(), ae.ErrorFault().String(), ae.ErrorMessage()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.status = re.HTTPStatusCode()
	}
	e.message = norm(e.message)
	return e
}

func (st *Step) diffErrors(withMessage bool) []string {
	var out []string
	if st.ref.err == nil {
		out = append(out, "reference succeeded, want an error")
	}
	if st.cand.err == nil {
		out = append(out, "candidate succeeded, want an error")
	}
	if len(out) > 0 {
		return out
	}
	a, b := errorOf(st.ref.err, st.d.ref.normaliser()), errorOf(st.cand.err, st.d.cand.normaliser())
	if a.status == 0 && b.status == 0 {
		// Neither reached a service (e.g. the SDK's own validation): nothing was compared.
		return []string{"neither side answered over HTTP: reference " + a.message + "; candidate " + b.message}
	}
	if a.code != b.code {
		out = append(out, fmt.Sprintf("error code: reference %q, candidate %q", a.code, b.code))
	}
	if a.status != b.status {
		out = append(out, fmt.Sprintf("HTTP status: reference %d, candidate %d", a.status, b.status))
	}
	if a.fault != b.fault {
		out = append(out, fmt.Sprintf("fault: reference %s, candidate %s", a.fault, b.fault))
	}
	if withMessage && a.message != b.message {
		out = append(out, fmt.Sprintf("message: reference %q, candidate %q", a.message, b.message))
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
