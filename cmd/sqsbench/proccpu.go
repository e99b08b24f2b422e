package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clkTck is USER_HZ, the unit of the times in /proc/PID/stat: 100 on every Linux architecture
// sqsbench runs on (getconf CLK_TCK).
const clkTck = 100

// procStat is the part of one /proc/PID/stat line that sqsbench reads.
type procStat struct {
	pid, ppid int
	comm      string
	// utime and stime are the process's own CPU time (all its threads); cutime and cstime are
	// those of its children that exited and were waited for. All in clock ticks.
	utime, stime, cutime, cstime int64
}

// ticks is the CPU time of the process and of its reaped children.
func (s procStat) ticks() int64 { return s.utime + s.stime + s.cutime + s.cstime }

// parseStat parses a /proc/PID/stat line. The command name (field 2) is in parentheses and may
// itself hold spaces and parentheses, so the fields after it are counted from the last ')'.
func parseStat(line string) (procStat, error) {
	var s procStat
	open, closing := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 1 || closing < open {
		return s, fmt.Errorf("malformed stat line %q", line)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return s, fmt.Errorf("malformed pid in stat line %q", line)
	}
	s.pid, s.comm = pid, line[open+1:closing]
	// rest[0] is field 3 (state), so field n is rest[n-3].
	rest := strings.Fields(line[closing+1:])
	if len(rest) < 15 {
		return s, fmt.Errorf("short stat line for pid %d: %d fields", pid, len(rest)+2)
	}
	nums := make([]int64, 5)
	for i, field := range []int{4, 14, 15, 16, 17} {
		if nums[i], err = strconv.ParseInt(rest[field-3], 10, 64); err != nil {
			return s, fmt.Errorf("stat field %d of pid %d: %w", field, pid, err)
		}
	}
	s.ppid = int(nums[0])
	s.utime, s.stime, s.cutime, s.cstime = nums[1], nums[2], nums[3], nums[4]
	return s, nil
}

// readStats reads /proc/*/stat under procRoot. Processes that exit while it reads are skipped.
func readStats(procRoot string) ([]procStat, error) {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, err
	}
	var stats []procStat
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "stat"))
		if err != nil {
			continue // exited
		}
		s, err := parseStat(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, err
		}
		stats = append(stats, s)
	}
	return stats, nil
}

// cpuSample is the CPU time of a process tree at one moment.
type cpuSample struct {
	ticks int64  // of the root and its live descendants, each with its reaped children
	procs int    // processes in the tree
	comm  string // the root's command name
}

// treeCPU sums the CPU time of pid and its live descendants (found by their ppid), each with the
// time of its children that exited and were reaped (cutime, cstime), so that time does not
// vanish when a child exits. It fails if pid does not exist.
func treeCPU(procRoot string, pid int) (cpuSample, error) {
	stats, err := readStats(procRoot)
	if err != nil {
		return cpuSample{}, err
	}
	byPID := make(map[int]procStat, len(stats))
	children := map[int][]int{}
	for _, s := range stats {
		byPID[s.pid] = s
		children[s.ppid] = append(children[s.ppid], s.pid)
	}
	root, ok := byPID[pid]
	if !ok {
		return cpuSample{}, fmt.Errorf("no process %d", pid)
	}
	sample := cpuSample{comm: root.comm}
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		sample.ticks += byPID[queue[0]].ticks()
		sample.procs++
		queue = append(queue, children[queue[0]]...)
	}
	return sample, nil
}

// ticksToDuration converts clock ticks to time.
func ticksToDuration(ticks int64) time.Duration { return time.Duration(ticks) * time.Second / clkTck }

// listenerPID finds the process listening on a TCP port of this machine: the inode of the
// listening socket in /proc/net/tcp or tcp6, then the process holding it in /proc/*/fd. When
// several processes share the socket (a forking server), it returns one whose parent is not
// among them, so that treeCPU covers the rest.
func listenerPID(procRoot string, port int) (int, error) {
	inodes := map[string]bool{}
	for _, f := range []string{"net/tcp", "net/tcp6"} {
		found, err := listeningInodes(filepath.Join(procRoot, f), port)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, err
		}
		for _, in := range found {
			inodes["socket:["+in+"]"] = true
		}
	}
	if len(inodes) == 0 {
		return 0, fmt.Errorf("nothing listens on TCP port %d", port)
	}
	holders := map[int]bool{}
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join(procRoot, e.Name(), "fd")) // unreadable or exited: skip
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join(procRoot, e.Name(), "fd", fd.Name())); err == nil && inodes[target] {
				holders[pid] = true
				break
			}
		}
	}
	return topmost(procRoot, holders, port)
}

// topmost picks, among the processes holding the socket, one whose parent does not hold it.
func topmost(procRoot string, holders map[int]bool, port int) (int, error) {
	best := 0
	for pid := range holders {
		b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "stat"))
		if err != nil {
			continue
		}
		s, err := parseStat(strings.TrimSpace(string(b)))
		if err == nil && !holders[s.ppid] && (best == 0 || pid < best) {
			best = pid
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("no readable process holds the socket listening on port %d (another user's?)", port)
	}
	return best, nil
}

// listeningInodes returns the socket inodes of a /proc/net/tcp{,6} file in state LISTEN (0A)
// on the port, whatever the local address.
func listeningInodes(path string, port int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	var inodes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) {
			continue
		}
		inodes = append(inodes, fields[9])
	}
	return inodes, sc.Err()
}
