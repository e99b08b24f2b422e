// Package repo is what the e2e tests share about the repository: where its root is, and e2e's
// one -update flag, which makes the tests that generate committed files (the README's
// screenshots) write them:
//
//	cd e2e && go test ./... -update
//
// Every e2e test package imports this package, so every one of them takes the flag.
package repo

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Module is the root module's path.
const Module = "github.com/sqsharness/sqsharness"

var update = flag.Bool("update", false, "rewrite the files the e2e tests generate (the README's screenshots)")

// Update reports whether go test runs with -update.
func Update() bool { return *update }

// Root returns the repository's root: the nearest directory above the test's working directory
// whose go.mod declares Module.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module "+Module+"\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no directory above the working directory has the go.mod of %s", Module)
		}
		dir = parent
	}
}

// WriteGenerated writes data to the file at rel (slash-separated, relative to Root) when go test
// runs with -update, and logs it; without -update it does nothing. It reports whether it wrote.
func WriteGenerated(t testing.TB, rel string, data []byte) bool {
	t.Helper()
	if !*update {
		return false
	}
	path := filepath.Join(Root(t), filepath.FromSlash(rel))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", rel, len(data))
	return true
}
