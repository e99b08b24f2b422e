package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"time"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// serverCPU is the CPU time the server process tree spent during the measured phase of a run.
type serverCPU struct {
	PID        int     `json:"pid"`
	Command    string  `json:"command"`
	Procs      int     `json:"procs"` // processes in its tree at the end
	CPUSeconds float64 `json:"cpu_s"`
	// UsPerRequest is CPUSeconds over the requests the server answered, in microseconds.
	UsPerRequest float64 `json:"cpu_us_per_request"`
	// IdleS is the length of the quiet windows just before and just after the measured phase;
	// IdleCPUPct and IdleAfterCPUPct are the server's CPU in them, in percent of one core: work
	// for other clients of a shared server, or its background work.
	IdleS           float64 `json:"idle_s"`
	IdleCPUPct      float64 `json:"idle_cpu_pct"`
	IdleAfterCPUPct float64 `json:"idle_after_cpu_pct"`
}

// meter samples the server's CPU time before and after the measured phase.
type meter struct {
	procRoot string
	pid      int
	before   cpuSample
	idle     serverCPU
	ctx      context.Context
	idleFor  time.Duration
}

// startMeter returns nil when no server PID is given. Otherwise it first watches the server for
// the quiet window c.idle (nothing sent), then takes the starting sample.
func startMeter(ctx context.Context, c config) (*meter, error) {
	if c.serverPID == 0 {
		return nil, nil
	}
	m := &meter{procRoot: "/proc", pid: c.serverPID, ctx: ctx, idleFor: c.idle}
	var err error
	if m.idle.IdleCPUPct, err = m.watchIdle(); err != nil {
		return nil, fmt.Errorf("-server-pid: %w", err)
	}
	m.idle.IdleS = round3(c.idle.Seconds())
	if m.before, err = treeCPU(m.procRoot, m.pid); err != nil {
		return nil, fmt.Errorf("-server-pid: %w", err)
	}
	return m, nil
}

// watchIdle returns the server's CPU over the quiet window, in percent of one core.
func (m *meter) watchIdle() (float64, error) {
	if m.idleFor <= 0 {
		return 0, nil
	}
	a, err := treeCPU(m.procRoot, m.pid)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	select {
	case <-m.ctx.Done():
		return 0, m.ctx.Err()
	case <-time.After(m.idleFor):
	}
	b, err := treeCPU(m.procRoot, m.pid)
	if err != nil {
		return 0, err
	}
	return math.Round(ticksToDuration(b.ticks-a.ticks).Seconds()/time.Since(t0).Seconds()*1000) / 10, nil
}

// stop takes the closing sample, divides by the requests the server answered, then watches the
// server for a second quiet window.
func (m *meter) stop(answered int64) (*serverCPU, error) {
	if m == nil {
		return nil, nil
	}
	after, err := treeCPU(m.procRoot, m.pid)
	if err != nil {
		return nil, fmt.Errorf("server process %d: %w", m.pid, err)
	}
	s := m.idle
	s.PID, s.Command, s.Procs = m.pid, after.comm, after.procs
	cpu := ticksToDuration(after.ticks - m.before.ticks)
	s.CPUSeconds = round3(cpu.Seconds())
	if answered > 0 {
		s.UsPerRequest = math.Round(float64(cpu.Microseconds())/float64(answered)*10) / 10
	}
	if s.IdleAfterCPUPct, err = m.watchIdle(); err != nil && m.ctx.Err() == nil {
		return nil, fmt.Errorf("server process %d: %w", m.pid, err)
	}
	return &s, nil
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// wasAnswered tells whether a request reached the server and got an HTTP response: it succeeded,
// or failed with an error response (a timeout or a refused connection has none).
func wasAnswered(err error) bool {
	if err == nil {
		return true
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re)
}

// resolveServerPID turns -server-pid into a PID: a number, or "auto" for the process listening
// on the endpoint's port on this machine.
func resolveServerPID(arg, endpoint string) (int, error) {
	switch arg {
	case "":
		return 0, nil
	case "auto":
		if err := checkEndpoint(endpoint, false); err != nil {
			return 0, fmt.Errorf("-server-pid auto needs a server on this machine: %w", err)
		}
		u, err := url.Parse(endpoint)
		if err != nil {
			return 0, err
		}
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			return 0, fmt.Errorf("-server-pid auto: no port in %s", endpoint)
		}
		pid, err := listenerPID("/proc", n)
		if err != nil {
			return 0, fmt.Errorf("-server-pid auto: %w", err)
		}
		return pid, nil
	}
	pid, err := strconv.Atoi(arg)
	if err != nil || pid < 1 {
		return 0, fmt.Errorf("-server-pid must be a PID or auto, not %q", arg)
	}
	return pid, nil
}
