//go:build unix

package harness

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// quit asks a worker for its goroutines' stacks and its end (SIGQUIT) and reports whether it could.
func quit(cmd *exec.Cmd) bool {
	return cmd.Process != nil && cmd.Process.Signal(syscall.SIGQUIT) == nil
}

// askStacks asks a worker to print every goroutine's stack (SIGUSR1, see onStackRequest) and
// reports whether it could.
func askStacks(cmd *exec.Cmd) bool {
	return cmd.Process != nil && cmd.Process.Signal(syscall.SIGUSR1) == nil
}

// onStackRequest calls f whenever the process is asked for its stacks.
func onStackRequest(f func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		for range ch {
			f()
		}
	}()
}
