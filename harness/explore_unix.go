//go:build unix

package harness

import (
	"os/exec"
	"syscall"
)

// quit asks a worker for its goroutines' stacks (SIGQUIT) and reports whether it could.
func quit(cmd *exec.Cmd) bool {
	return cmd.Process != nil && cmd.Process.Signal(syscall.SIGQUIT) == nil
}
