package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statLine is a /proc/PID/stat line with the given fields; the rest are zeros as the kernel
// would print them (52 fields in all).
func statLine(pid int, comm string, ppid int, utime, stime, cutime, cstime int64) string {
	line := fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194560 1234 0 7 0 %d %d %d %d 20 0 9 0 12345 1000000 500",
		pid, comm, ppid, pid, pid, utime, stime, cutime, cstime)
	for range 52 - 25 {
		line += " 0"
	}
	return line
}

func TestParseStatNameWithSpacesAndParentheses(t *testing.T) {
	s, err := parseStat(statLine(4242, "Web (Content) 1) S 9", 17, 1500, 250, 30, 4))
	require.NoError(t, err)
	assert.Equal(t, procStat{pid: 4242, comm: "Web (Content) 1) S 9", ppid: 17, utime: 1500, stime: 250, cutime: 30, cstime: 4}, s)
	assert.Equal(t, int64(1784), s.ticks())

	for _, bad := range []string{"", "4242 no-parens S 1", "x (a) S 1 2", "4242 (a) S 1 2 3", statLine(1, "a", 1, 1, 1, 1, 1)[:40]} {
		_, err := parseStat(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestParseStatOfThisProcess(t *testing.T) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	s, err := parseStat(string(b))
	require.NoError(t, err)
	assert.Equal(t, os.Getpid(), s.pid)
	assert.Equal(t, os.Getppid(), s.ppid)
}

// fakeProc writes /proc/PID/stat files under a temporary directory.
func fakeProc(t *testing.T, lines map[int]string) string {
	root := t.TempDir()
	for pid, line := range lines {
		dir := filepath.Join(root, strconv.Itoa(pid))
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "fd"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "stat"), []byte(line+"\n"), 0o644))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "net"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "uptime"), []byte("1.0 1.0\n"), 0o644)) // not a PID
	return root
}

func TestTreeCPUSumsLiveDescendantsAndReapedChildren(t *testing.T) {
	root := fakeProc(t, map[int]string{
		1:   statLine(1, "init", 0, 5, 5, 0, 0),
		100: statLine(100, "java", 1, 1000, 200, 50, 10),          // the server, 50+10 from reaped children
		101: statLine(101, "worker (1)", 100, 300, 30, 0, 0),      // a child
		102: statLine(102, "sh", 101, 7, 3, 1, 1),                 // a grandchild
		200: statLine(200, "other", 1, 99999, 99999, 99999, 9999), // not in the tree
	})
	s, err := treeCPU(root, 100)
	require.NoError(t, err)
	assert.Equal(t, cpuSample{ticks: 1260 + 330 + 12, procs: 3, comm: "java"}, s)
	assert.Equal(t, 16020*time.Millisecond, ticksToDuration(s.ticks))

	_, err = treeCPU(root, 999)
	assert.ErrorContains(t, err, "no process 999")
}

func TestListenerPIDFromFakeProc(t *testing.T) {
	root := fakeProc(t, map[int]string{
		1:  statLine(1, "init", 0, 0, 0, 0, 0),
		50: statLine(50, "gunicorn", 1, 0, 0, 0, 0),
		51: statLine(51, "gunicorn", 50, 0, 0, 0, 0), // a forked worker sharing the socket
		60: statLine(60, "client", 1, 0, 0, 0, 0),
	})
	header := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	tcp := header +
		"   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0 100 0 0 10 0\n" +
		"   1: 0100007F:D2F0 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 888 1 0 20 4 30 10 -1\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "net", "tcp"), []byte(tcp), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "net", "tcp6"), []byte(header), 0o644))
	for pid, target := range map[int]string{50: "socket:[777]", 51: "socket:[777]", 60: "socket:[888]"} {
		require.NoError(t, os.Symlink(target, filepath.Join(root, strconv.Itoa(pid), "fd", "3")))
	}
	require.NoError(t, os.Symlink("/dev/null", filepath.Join(root, "60", "fd", "0")))

	pid, err := listenerPID(root, 5000)
	require.NoError(t, err)
	assert.Equal(t, 50, pid, "the parent of the forked worker")

	_, err = listenerPID(root, 53999) // 0xD2F0: a connection, not a listener
	assert.ErrorContains(t, err, "nothing listens on TCP port 53999")
}
