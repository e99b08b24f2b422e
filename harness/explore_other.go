//go:build !unix

package harness

import "os/exec"

// quit cannot ask for a worker's stacks here.
func quit(*exec.Cmd) bool { return false }

func askStacks(*exec.Cmd) bool { return false }

func onStackRequest(func()) {}

func setWorkerAttrs(*exec.Cmd) {}
