// Command report turns the JSON results of suite.Run on several backends into
// docs/conformance.md: a matrix of behaviours by backend, with every known third-party deviation
// explained.
//
//	go run ./conformance/cmd/report -results "$SQSHARNESS_RESULTS_DIR" -out docs/conformance.md
//
// With -draft, it instead prints deviations.yaml entries for the third-party failures that are not
// listed yet, to be reviewed before they are added.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"

	"github.com/sqsharness/sqsharness/conformance/internal/report"
	"github.com/sqsharness/sqsharness/conformance/internal/suite"
)

func main() {
	results := flag.String("results", os.Getenv("SQSHARNESS_RESULTS_DIR"), "directory of <backend>.json results")
	out := flag.String("out", "docs/conformance.md", "markdown file to write")
	draft := flag.Bool("draft", false, "print draft deviations.yaml entries for unlisted third-party failures")
	flag.Parse()
	if *results == "" {
		log.Fatal("report: -results (or SQSHARNESS_RESULTS_DIR) is required")
	}
	reports, err := report.ReadDir(*results)
	if err != nil {
		log.Fatal(err)
	}
	if len(reports) == 0 {
		log.Fatalf("report: no results in %s", *results)
	}
	devs, err := suite.LoadDeviations()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range reports {
		report.Apply(r, devs)
	}
	if *draft {
		printDraft(reports)
		return
	}
	if err := report.WriteMarkdown(*out, reports, devs); err != nil {
		log.Fatal(err)
	}
	for _, r := range reports {
		c := r.Counts()
		fmt.Printf("%-10s %3d tests: %3d pass, %3d known deviations, %d fail, %d skipped\n", r.Backend, len(r.Results),
			c[suite.Pass], c[suite.KnownDeviation], c[suite.Fail], c[suite.Skip])
	}
	fmt.Println("wrote", *out)
}

var (
	gotSuccess = regexp.MustCompile(`want error (\S+), got success`)
	notEqual   = regexp.MustCompile(`(?s)Not equal: expected: (.*?) actual\s*: (.*?)(?: Diff:|$)`)
)

// summarize turns a failure detail into "what the backend does instead".
func summarize(detail string) string {
	first := strings.SplitN(detail, "\n", 2)[0]
	if m := gotSuccess.FindStringSubmatch(first); m != nil {
		return "accepts the request; AWS rejects it with " + m[1]
	}
	if i := strings.Index(first, "com.amazonaws.sqs#"); i >= 0 {
		code := strings.Fields(first[i:])[0]
		code = strings.Trim(code, `"`)
		return "reports error code " + code + ": its x-amzn-query-error header carries the shape name, not `<legacy code>;Sender`, so the SDK cannot give AWS's code"
	}
	if m := notEqual.FindStringSubmatch(first); m != nil {
		exp, act := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		if len(act) > 240 {
			act = act[:240] + "…"
		}
		if len(exp) > 240 {
			exp = exp[:240] + "…"
		}
		return fmt.Sprintf("answers %s where AWS answers %s", act, exp)
	}
	if len(first) > 300 {
		first = first[:300] + "…"
	}
	return first
}

func printDraft(reports []*suite.Report) {
	tests := map[string]suite.Test{}
	for _, t := range suite.Tests() {
		tests[t.ID] = t
	}
	for _, r := range reports {
		if r.Backend == "mock" || r.Backend == "server" || r.Backend == "aws" {
			continue
		}
		for _, x := range r.Results {
			if x.Status != suite.Fail {
				continue
			}
			fmt.Printf("- backend: %s\n  test: %s\n  instead: %q\n  evidence: %q\n", r.Backend, x.ID, summarize(x.Detail),
				evidence(x, r, tests))
		}
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// evidence drafts a deviation's evidence: the behaviour's own evidence (see conformance/evidence.go)
// and what the backend was seen doing.
func evidence(x suite.Result, r *suite.Report, tests map[string]suite.Test) string {
	e := "AWS documentation: " + x.Doc
	if ev := tests[x.ID].Evidence(); ev.Level == suite.Recorded {
		e = "AWS answer recorded in LocalStack's AWS-validated snapshot " + ev.Source + "; " + e
	}
	return fmt.Sprintf("%s. Observed on %s (%s), %s: %s", e, r.Backend, r.Endpoint, r.Started.Format("2006-01-02"), oneLine(x.Detail, 300))
}
