package zoo_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/childtest"
	"github.com/sqsharness/sqsharness/internal/zoo"
)

// The acceptance test of harness.Explore: with no options it passes every correct consumer of
// the zoo and finds the bug of every buggy one.

// TestExploreCorrect: default Explore never fails a correct consumer.
func TestExploreCorrect(t *testing.T) {
	for _, c := range zoo.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			harness.Explore(t, c.Scenario(false))
		})
	}
}

const buggyCorpus = "SQSHARNESS_ZOO_EXPLORE_CORPUS"

// TestExploreBuggy runs default Explore on the buggy variants; each must fail. It is run by
// TestExploreFindsEveryBug, one case per child process.
func TestExploreBuggy(t *testing.T) {
	dir := os.Getenv(buggyCorpus)
	if dir == "" {
		t.Skip("run by TestExploreFindsEveryBug in a child process")
	}
	for _, c := range zoo.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			harness.Explore(t, c.Scenario(true), func(o *harness.Options) { o.Corpus = filepath.Join(dir, c.Name) })
		})
	}
}

var (
	foundIn = regexp.MustCompile(`harness\.Explore: run (\d+) of (\d+) \(base seed \d+\) failed, (\S+) into the search\. Shrunk in (\d+) runs from \d+ rules? to this plan, which failed (\d+) of (\d+) runs`)
	rulesIn = regexp.MustCompile(`(?m)^\s+kind: (\S+)`)
)

// TestExploreFindsEveryBug: default Explore finds every buggy consumer's bug, shrinks its plan,
// and saves it; the log says how soon and what the plan is.
func TestExploreFindsEveryBug(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	for _, c := range zoo.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			start := time.Now()
			out, failed := childtest.Run(t, "TestExploreBuggy/"+c.Name, buggyCorpus+"="+dir)
			took := time.Since(start)
			require.True(t, failed, "Explore finds the %s bug (%s):\n%s", c.Name, c.Class, out)
			m := foundIn.FindStringSubmatch(out)
			require.NotNil(t, m, "the report says which run failed and how it shrank:\n%s", out)
			kinds := rulesIn.FindAllStringSubmatch(out, -1)
			var plan []string
			for _, k := range kinds {
				plan = append(plan, k[1])
			}
			t.Logf("%s (%s): found in run %s of %s after %s, shrunk in %s runs to %v, which failed %s of %s; %v in all",
				c.Name, c.Class, m[1], m[2], m[3], m[4], plan, m[5], m[6], took.Round(time.Millisecond))
			files, err := os.ReadDir(filepath.Join(dir, c.Name))
			require.NoError(t, err)
			assert.Len(t, files, 1, "the minimal plan is saved")
			if t.Failed() || testing.Verbose() {
				t.Logf("report:\n%s", out)
			}
		})
	}
}
