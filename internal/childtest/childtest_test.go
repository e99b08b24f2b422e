package childtest

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

// childEnv tells a test of this file that it runs as the child of Run.
const childEnv = "CHILDTEST_CHILD"

func TestRunReportsAFailingChild(t *testing.T) {
	if os.Getenv(childEnv) == "fail" {
		t.Error("the child fails on purpose")
		return
	}
	out, failed := Run(t, t.Name(), childEnv+"=fail")
	assert.True(t, failed, "the child failed:\n%s", out)
	assert.Contains(t, out, "the child fails on purpose")
	assert.Contains(t, out, "--- FAIL: TestRunReportsAFailingChild")
}

func TestRunReportsAPassingChild(t *testing.T) {
	if os.Getenv(childEnv) == "pass" {
		t.Log("the child passes")
		return
	}
	out, failed := Run(t, t.Name(), childEnv+"=pass")
	assert.False(t, failed, "the child passed:\n%s", out)
	assert.Contains(t, out, "the child passes", "-test.v shows the child's log")
	assert.Contains(t, out, "--- PASS: TestRunReportsAPassingChild")
}

// Run selects exactly one subtest: not its siblings, nor a sibling whose name it prefixes.
func TestRunSelectsOneSubtest(t *testing.T) {
	child := os.Getenv(childEnv) == "subtests"
	for _, name := range []string{"a", "ab", "b"} {
		t.Run(name, func(t *testing.T) {
			if child {
				t.Logf("ran %s", name)
			}
		})
	}
	if child {
		return
	}
	out, failed := Run(t, t.Name()+"/a", childEnv+"=subtests")
	assert.False(t, failed, out)
	assert.Contains(t, out, "ran a")
	assert.NotContains(t, out, "ran ab")
	assert.NotContains(t, out, "ran b")
}

func TestPattern(t *testing.T) {
	assert.Equal(t, "^TestX$", Pattern("TestX"))
	assert.Equal(t, `^TestX$/^case_1\.5$`, Pattern("TestX/case_1.5"))
}
