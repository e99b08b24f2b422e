package main

import (
	"bytes"
	"flag"
	"maps"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envVar finds the variable a flag's usage names.
var envVar = regexp.MustCompile(`\(env (SQSMOCK_[A-Z0-9_]+)`)

// TestEveryFlagHasAnEnvironmentVariable: each flag's usage names an SQSMOCK_ variable; setting
// that variable alone changes the parsed settings, and the flag, given too, wins.
func TestEveryFlagHasAnEnvironmentVariable(t *testing.T) {
	var s settings
	fs := flags(&s, &environment{getenv: func(string) string { return "" }, bad: map[string]error{}}, &bytes.Buffer{})
	// Variables a flag needs alongside it to parse at all.
	needs := map[string]map[string]string{
		"SQSMOCK_VERIFY_SIGV4": {"SQSMOCK_ACCESS_KEY": "AKIDENV", "SQSMOCK_SECRET_KEY": "envsecret"},
	}
	parseWith := func(t *testing.T, args []string, env map[string]string) settings {
		t.Helper()
		s, err := parse(args, func(k string) string { return env[k] }, &bytes.Buffer{})
		require.NoError(t, err, "args %v, env %v", args, env)
		return s
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		t.Run(f.Name, func(t *testing.T) {
			m := envVar.FindStringSubmatch(f.Usage)
			require.NotNil(t, m, "the usage of -%s names no SQSMOCK_ variable: %q", f.Name, f.Usage)
			name := m[1]
			envValue, flagValue := "12345", "54321" // a string or a number, unlike every default
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				require.Equal(t, "false", f.DefValue)
				envValue, flagValue = "true", "false"
			}
			if _, ok := f.Value.(flag.Getter).Get().(time.Duration); ok {
				envValue, flagValue = "12345s", "54321s"
			}
			require.NotEqual(t, envValue, f.DefValue)

			base := maps.Clone(needs[name])
			withVar := maps.Clone(base)
			if withVar == nil {
				withVar = map[string]string{}
			}
			withVar[name] = envValue
			assert.NotEqual(t, parseWith(t, nil, base), parseWith(t, nil, withVar), "%s=%s changes nothing", name, envValue)

			args := []string{"-" + f.Name + "=" + flagValue}
			assert.Equal(t, parseWith(t, args, base), parseWith(t, args, withVar), "-%s wins over %s", f.Name, name)
		})
	})
	assert.GreaterOrEqual(t, n, 19, "every flag was visited")
}

func TestBadEnvironmentValues(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string // empty: no error
	}{
		{map[string]string{"SQSMOCK_MAX_BODY": "8MiB"}, nil, `SQSMOCK_MAX_BODY="8MiB": not an integer (for -max-body)`},
		{map[string]string{"SQSMOCK_MAX_QUEUES": "many"}, nil, `SQSMOCK_MAX_QUEUES="many": not an integer (for -max-queues)`},
		{map[string]string{"SQSMOCK_MAX_MESSAGES": "1e6"}, nil, `SQSMOCK_MAX_MESSAGES="1e6": not an integer (for -max-messages)`},
		{map[string]string{"SQSMOCK_TRACE": "lots"}, nil, `SQSMOCK_TRACE="lots": not an integer (for -trace)`},
		{map[string]string{"SQSMOCK_TRACE": "-1"}, nil, `-trace -1: must be 0 (no trace) or more`},
		{map[string]string{"SQSMOCK_VERIFY_SIGV4": "yes"}, nil, `SQSMOCK_VERIFY_SIGV4="yes": not true or false (for -verify-sigv4)`},
		{map[string]string{"SQSMOCK_READ_TIMEOUT": "30"}, nil, `SQSMOCK_READ_TIMEOUT="30": not a duration such as 30s (for -read-timeout)`},
		{map[string]string{"SQSMOCK_MAX_CONNS": "lots"}, nil, `SQSMOCK_MAX_CONNS="lots": not an integer (for -max-conns)`},
		{map[string]string{"SQSMOCK_MAX_BODY": "8MiB", "SQSMOCK_MAX_QUEUES": "x"}, nil, "SQSMOCK_MAX_QUEUES"},
		{map[string]string{"SQSMOCK_MAX_BODY": "8MiB"}, []string{"-max-body", "100"}, ""}, // the flag wins
	}
	for _, tt := range tests {
		s, err := parse(tt.args, func(k string) string { return tt.env[k] }, &bytes.Buffer{})
		if tt.want == "" {
			require.NoError(t, err, "%v %v", tt.env, tt.args)
			assert.Equal(t, int64(100), s.maxBody)
			continue
		}
		assert.ErrorContains(t, err, tt.want, "%v %v", tt.env, tt.args)
	}

	s, err := parse(nil, func(k string) string {
		return map[string]string{"SQSMOCK_MAX_BODY": " 1048576 ", "SQSMOCK_MAX_QUEUES": "10", "SQSMOCK_MAX_MESSAGES": "500"}[k]
	}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, int64(1<<20), s.maxBody)
	assert.Equal(t, 10, s.maxQueues)
	assert.Equal(t, 500, s.maxMessages)
}
