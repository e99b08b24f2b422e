// Package childtest runs one test of the current test binary in a child process, so a test can
// assert that another test fails (and how) without failing itself.
package childtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// Run re-executes the current test binary (os.Args[0]) with -test.run anchored to exactly test,
// a test name or a subtest path such as "TestX/case_1", and -test.v, in the parent's environment
// plus env ("NAME=value"). It returns the child's combined output and whether the child failed.
// It fails t when the child could not be started, ran no test, or was stopped by t's deadline.
func Run(t *testing.T, test string, env ...string) (output string, failed bool) {
	t.Helper()
	ctx := t.Context()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+Pattern(test), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	output = string(out)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("childtest: %s did not finish: %v\n%s", test, ctx.Err(), output)
	case err != nil && !errors.As(err, &exit):
		t.Fatalf("childtest: running %s: %v", test, err)
	case strings.Contains(output, "no tests to run"):
		t.Fatalf("childtest: the child ran no test for %q (pattern %s)\n%s", test, Pattern(test), output)
	}
	return output, err != nil
}

// Pattern is the -test.run pattern that selects exactly test and no other: each element of the
// subtest path quoted and anchored.
func Pattern(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
