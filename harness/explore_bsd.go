//go:build unix && !linux

package harness

import "os/exec"

// setWorkerAttrs: a worker here notices its parent's end when its stdin closes.
func setWorkerAttrs(*exec.Cmd) {}
