package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsharness/sqsharness/e2e/internal/repo"
)

// forbidden are the modules a user's module must not get by importing the library: the browser
// driver (chromedp, its protocol cdproto) and Docker (testcontainers-go, the Docker client, moby).
var forbidden = []string{"chromedp", "cdproto", "testcontainers", "docker", "moby"}

// userMain imports the library packages a user imports (blank imports: the check is about the
// module graph, not the API).
const userMain = `package main

import (
	_ "github.com/sqsharness/sqsharness/faults"
	_ "github.com/sqsharness/sqsharness/harness"
	_ "github.com/sqsharness/sqsharness/lambdaesm"
	_ "github.com/sqsharness/sqsharness/sqsmock"
)

func main() {}
`

// TestFreshUserModuleGetsNoBrowserOrDocker makes a fresh module, example.com/user, whose program
// imports sqsmock, faults, harness and lambdaesm from this repository (a replace directive), runs
// go mod tidy and go build in it, and fails when go list -m all or its go.sum names any of
// forbidden. It fetches modules as the environment's GOPROXY says (the module cache has them
// after the root module's build); the environment's GOFLAGS are kept, with -mod=mod.
func TestFreshUserModuleGetsNoBrowserOrDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a fresh module with go mod tidy (-short)")
	}
	goCmd, err := exec.LookPath("go") // go test puts its GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to build a user's module: %v", err)
	}
	goEnv := func(name string) string {
		out, err := exec.Command(goCmd, "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(goEnv("GOFLAGS")+" -mod=mod"))
	dir := t.TempDir()
	goMod := "module example.com/user\n\ngo 1.26\n\nrequire " + repo.Module + " v0.0.0\n\nreplace " + repo.Module + " => " + repo.Root(t) + "\n"
	for name, text := range map[string]string{"go.mod": goMod, "main.go": userMain} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return string(out)
	}
	run("mod", "tidy")
	run("build", "./...")
	modules := strings.Split(strings.TrimSpace(run("list", "-m", "all")), "\n")
	t.Logf("go list -m all: %d modules", len(modules))
	if len(modules) < 5 {
		t.Fatalf("go list -m all listed only %d modules: %v", len(modules), modules)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forbidden {
		for _, m := range modules {
			if strings.Contains(m, f) {
				t.Errorf("go list -m all of a module importing sqsmock, faults, harness and lambdaesm has %s", m)
			}
		}
		if strings.Contains(string(sum), f) {
			t.Errorf("go.sum of a module importing sqsmock, faults, harness and lambdaesm names %s", f)
		}
	}
}
