package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/internal/childtest"
	"github.com/sqsharness/sqsharness/internal/traceview"
)

// report fails the test once, with everything needed to understand and replay the failure.
func (e *explorer) report(f *found) {
	t := e.t
	if f.tries == 0 {
		e.confirm(f)
	}
	e.writeTracePage(f)
	var b strings.Builder
	switch {
	case len(f.spec.Rules) == 0 && f.original.Rules == nil:
		fmt.Fprintf(&b, "harness.Explore: the test fails without any fault: %s failed, and %d of %d more.\n", f.origin, f.failures, f.tries)
	case len(f.spec.Rules) == 0:
		fmt.Fprintf(&b, "harness.Explore: %s failed; shrinking it removed every fault and it still failed (%d of %d runs): the failure depends on goroutine interleavings, not on a fault.\n",
			f.origin, f.failures, f.tries)
	case f.original.Rules != nil:
		fmt.Fprintf(&b, "harness.Explore: %s failed, %v into the search. Shrunk in %d runs from %s to this plan, which failed %d of %d runs:\n\n",
			f.origin, f.after.Round(time.Millisecond), f.shrinkRuns, ruleCount(len(f.original.Rules)), f.failures, f.tries)
	default:
		fmt.Fprintf(&b, "harness.Explore: %s fails (%d of %d runs):\n\n", f.origin, f.failures+1, f.tries+1)
	}
	if len(f.spec.Rules) > 0 {
		b.WriteString(indent(planYAML(f.spec), "    "))
		if fired := firedSummary(f); fired != "" {
			fmt.Fprintf(&b, "\nIn the failing run it injected: %s.\n", fired)
		}
	}
	if f.res.Crash != "" {
		fmt.Fprintf(&b, "\n%s.\n", upperFirst(f.res.Crash))
		if d := crashDetail(f.res.Output); d != "" {
			b.WriteString(indent(d, "    "))
		}
	}
	if msgs := testMessages(f.res.Output); len(msgs) > 0 {
		b.WriteString("\nWhat the test said in that run:\n")
		b.WriteString(indent(strings.Join(msgs[:min(len(msgs), 80)], "\n"), "  "))
		if len(msgs) > 80 {
			fmt.Fprintf(&b, "    … and %d more lines\n", len(msgs)-80)
		}
	} else if len(f.res.Problems) > 0 {
		b.WriteString("\nWhat the harness found in that run:\n")
		for _, p := range f.res.Problems {
			b.WriteString(indent(p, "    "))
		}
	}
	if race := raceReport(f.res.Output); race != "" {
		b.WriteString("\nThe race detector reported:\n")
		b.WriteString(indent(race, "    "))
	}
	if f.corpusPath != "" && f.corpusPath != "-" {
		if f.original.Rules != nil {
			fmt.Fprintf(&b, "\nSaved to %s: every later go test of %s replays it first; keep it in version control.\n", f.corpusPath, t.Name())
		}
		count := ""
		if f.failures < f.tries {
			count = fmt.Sprintf(" -count=%d", max(2, 3*f.tries/max(f.failures, 1)))
		}
		fmt.Fprintf(&b, "Replay only this plan, in this process (a debugger and prints work):\n    %s=%s go test -run '%s'%s %s\n",
			envExplorePlan, f.corpusPath, childtest.Pattern(t.Name()), count, packageArg())
		if count != "" {
			b.WriteString("    (it does not fail every time: goroutines interleave differently from run to run; -count repeats it)\n")
		}
	}
	if f.tracePath != "" {
		fmt.Fprintf(&b, "Trace of the failing run: %s\n", f.tracePath)
	}
	t.Error(strings.TrimRight(b.String(), "\n"))
}

func ruleCount(n int) string {
	if n == 1 {
		return "1 rule"
	}
	return fmt.Sprintf("%d rules", n)
}

// firedSummary says which rules fired how often, and where, in the failing run.
func firedSummary(f *found) string {
	var parts []string
	for _, r := range f.spec.Rules {
		n := f.res.Fired[r.Name]
		if n == 0 {
			continue
		}
		s := fmt.Sprintf("%s %d×", r.Name, n)
		if ops := f.res.FiredOps[r.Name]; len(ops) > 0 {
			s += " on " + strings.Join(ops, ", ")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// logLine matches what t.Log and t.Error print under go test -v: an indented file:line prefix.
var logLine = regexp.MustCompile(`^\s+[^\s:]+\.go:\d+: `)

// testMessages picks the test's own messages (t.Log, t.Error, testify) out of a run's go test -v
// output, with their continuation lines.
func testMessages(out []string) []string {
	var msgs []string
	in := false
	for _, line := range out {
		switch {
		case logLine.MatchString(line):
			in = true
			msgs = append(msgs, strings.TrimRight(line, " "))
		case in && strings.HasPrefix(line, "        ") && !strings.HasPrefix(strings.TrimSpace(line), "---"):
			msgs = append(msgs, strings.TrimRight(line, " "))
		default:
			in = false
		}
	}
	return msgs
}

// raceReport is the first data race the race detector printed, if any.
func raceReport(out []string) string {
	start := slices.Index(out, "WARNING: DATA RACE")
	if start < 0 {
		return ""
	}
	end := start + 1
	for end < len(out) && !strings.HasPrefix(out[end], "==================") && end-start < 80 {
		end++
	}
	return strings.Join(out[start:end], "\n")
}

// crashDetail is what explains a crash or a hang in a worker's output: the panic or fatal error
// with the goroutine that raised it, or the goroutines that were running when a hung run was
// stopped.
func crashDetail(out []string) string {
	for i, line := range out {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			var b strings.Builder
			b.WriteString(line + "\n")
			if g := slices.IndexFunc(out[i:], func(l string) bool { return strings.HasPrefix(l, "goroutine ") }); g >= 0 {
				b.WriteString(goroutineBlock(out, i+g))
			}
			return b.String()
		}
	}
	if i := slices.Index(out, stacksMarker); i >= 0 {
		out = out[i:]
	}
	if slices.Contains(out, stacksMarker) || slices.Contains(out, "SIGQUIT: quit") {
		var b strings.Builder
		shown := 0
		for i := 0; i < len(out) && shown < 3; i++ {
			if strings.HasPrefix(out[i], "goroutine ") && (strings.Contains(out[i], "[running") || strings.Contains(out[i], "[runnable")) {
				if block := goroutineBlock(out, i); !strings.Contains(block, "harness.onStackRequest") { // not the one printing the stacks
					b.WriteString(block)
					shown++
				}
			}
		}
		if shown > 0 {
			return "The goroutines that were running when it was stopped (a loop that never waits — polling without a wait time, retrying without a backoff — keeps a bubble's fake time from moving):\n" + b.String()
		}
	}
	return tail(out, 30)
}

// libraryFrames are the packages whose frames a stack in a report leaves out, after the first:
// what runs inside them is rarely the bug.
var libraryFrames = []string{"runtime.", "internal/", "testing.", "net/", "sync.", "reflect.", "context.",
	"github.com/aws/", "github.com/sqsharness/sqsharness/sqsmock", "github.com/sqsharness/sqsharness/faults",
	"github.com/sqsharness/sqsharness/harness.", "github.com/sqsharness/sqsharness/internal/"}

var frameSuffix = regexp.MustCompile(`( \+0x[0-9a-f]+)?( fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?$`)

// goroutineBlock is the goroutine whose header is out[i], with its first frame and then only the
// frames of the code under test.
func goroutineBlock(out []string, i int) string {
	header := out[i]
	if j := strings.Index(header, " gp=0x"); j >= 0 { // goroutine 25 gp=… m=nil [runnable, …]:
		if k := strings.Index(header, " ["); k > j {
			header = header[:j] + header[k:]
		}
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	frames, skipped := 0, 0
	for j := i + 1; j+1 < len(out) && out[j] != "" && frames < 16; j += 2 {
		fn, file := out[j], strings.TrimSpace(frameSuffix.ReplaceAllString(out[j+1], ""))
		if strings.HasPrefix(fn, "created by ") {
			b.WriteString(fn + "\n\t" + file + "\n")
			break
		}
		lib := slices.ContainsFunc(libraryFrames, func(p string) bool { return strings.HasPrefix(fn, p) })
		if lib && j > i+1 && !strings.Contains(file, "_test.go") {
			skipped++
			continue
		}
		if skipped > 0 {
			fmt.Fprintf(&b, "\t… %d library frames\n", skipped)
			skipped = 0
		}
		b.WriteString(frameSuffix.ReplaceAllString(fn, "") + "\n\t" + file + "\n")
		frames++
	}
	return b.String()
}

// packageArg is the package of the test as a go test argument from the module's root: "./"
// and the package's directory relative to the go.mod above it, or "." when there is none.
func packageArg() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if fileExists(filepath.Join(dir, "go.mod")) {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func traceDirEnv() string { return os.Getenv(envTraceDir) }

// tempTrace is a fresh file name for a worker to write a run's trace to.
func (e *explorer) tempTrace() string {
	if e.traceTmp == "" {
		e.traceTmp = e.t.TempDir()
	}
	e.traceN++
	return filepath.Join(e.traceTmp, fmt.Sprintf("trace-%d.json", e.traceN))
}

// writeTracePage writes the failing run's trace page to SQSHARNESS_TRACE_DIR.
func (e *explorer) writeTracePage(f *found) {
	dir := traceDirEnv()
	if dir == "" || f.tracePath == "" {
		return
	}
	data, err := os.ReadFile(f.tracePath)
	var tf traceFile
	if err == nil {
		err = json.Unmarshal(data, &tf)
	}
	if err != nil {
		e.t.Logf("harness: Explore: reading the failing run's trace: %v", err)
		f.tracePath = ""
		return
	}
	p := traceview.Page{Title: e.t.Name() + " (harness.Explore, " + f.origin + ")", Events: tf.Events, Dropped: tf.Dropped,
		Source: "sqsmock, in process, under the plan below"}
	p.Failures = append(testMessages(f.res.Output), f.res.Problems...)
	path := filepath.Join(dir, traceview.FileName(e.t.Name()))
	if err := traceview.WriteFile(path, p); err != nil {
		e.t.Logf("harness: Explore: writing the trace page: %v", err)
		f.tracePath = ""
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f.tracePath = path
}
