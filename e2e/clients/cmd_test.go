package clients_test

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/e2e/internal/repo"
)

// startCmdSqsmock builds cmd/sqsmock (the program `go run ./cmd/sqsmock` runs) and starts it on
// 127.0.0.1 with a free port; it is stopped with SIGTERM when the test ends.
func startCmdSqsmock(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sqsmock")
	// go test puts the bin directory of the toolchain running this test first on PATH.
	build := exec.Command("go", "build", "-o", bin, "./cmd/sqsmock")
	build.Dir = repo.Root(t) // in the root module, as a user's go run ./cmd/sqsmock builds it
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sqsmock: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	urls := make(chan string, 1)
	go func() {
		defer close(done)
		re := regexp.MustCompile(`sqsmock listening" url=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		_ = cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	select {
	case u := <-urls:
		return u
	case <-done:
		t.Fatal("cmd/sqsmock exited before listening")
	case <-ctx.Done():
		t.Fatal("cmd/sqsmock did not report its URL within 30 s")
	}
	return ""
}

// TestClientsAgainstCmdSqsmock runs the boto3 and JavaScript programs against the built server
// program itself rather than sqsmock.NewServer.
func TestClientsAgainstCmdSqsmock(t *testing.T) {
	skipShort(t)
	t.Parallel()
	needBoto3(t)
	dir := nodeModules(t)
	url := startCmdSqsmock(t)
	runProgram(t, 3*time.Minute, clientEnv(url), python(), "python/test_boto3.py")
	runProgram(t, 3*time.Minute, clientEnv(url, "SQSMOCK_NODE_CLIENT_DIR="+dir),
		"node", "--test", "--test-reporter=dot", "node/sqsmock.test.mjs")
}
