package harness

import (
	"os/exec"
	"syscall"
)

// setWorkerAttrs has the kernel end a worker when the test process dies (a go test -timeout
// panic, a kill), so a worker stuck in a run does not outlive it.
func setWorkerAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
