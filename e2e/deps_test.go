package e2e_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsharness/sqsharness/e2e/internal/repo"
)

// heavy are the package path fragments a user must not build just by importing the mock, the
// faults, the harness or the conformance suite: Docker through testcontainers-go, and what it
// brings (moby, the Docker client, OpenTelemetry), and the browser driver chromedp (with its
// protocol package cdproto). Only the module harness/localstackcontainer may import the first;
// only this module (through internal/browsertest) may import chromedp.
var heavy = []string{"testcontainers", "docker", "moby", "go.opentelemetry.io", "chromedp"}

// goListDeps lists the packages patterns build, with go list -deps run in dir (a module's root).
func goListDeps(t *testing.T, dir string, patterns ...string) []string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	args := append([]string{"list", "-deps"}, patterns...)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}

func heavyPackages(pkgs []string) []string {
	var found []string
	for _, p := range pkgs {
		for _, h := range heavy {
			if strings.Contains(p, h) {
				found = append(found, p)
				break
			}
		}
	}
	return found
}

// TestRootModuleHasNoDockerDependencies: no package of the root module, nor its tests, builds
// any of heavy (the library packages, cmd/sqsmock, the examples and every test).
func TestRootModuleHasNoDockerDependencies(t *testing.T) {
	pkgs := goListDeps(t, repo.Root(t), "-test", "./...")
	if len(pkgs) < 20 {
		t.Fatalf("go list -deps listed only %d packages: %v", len(pkgs), pkgs)
	}
	if found := heavyPackages(pkgs); len(found) > 0 {
		t.Errorf("the root module's packages and tests must not depend on %v; they build %d such packages, e.g. %v "+
			"(only the modules harness/localstackcontainer and e2e may)", heavy, len(found), found[:min(len(found), 5)])
	}
}

// The check above would pass vacuously if the fragments matched nothing: the opt-in package (its
// own module) does pull them in.
func TestLocalStackContainerPackageIsTheOptIn(t *testing.T) {
	dir := filepath.Join(repo.Root(t), "harness", "localstackcontainer")
	found := heavyPackages(goListDeps(t, dir, repo.Module+"/harness/localstackcontainer"))
	if len(found) == 0 {
		t.Fatal("harness/localstackcontainer no longer depends on testcontainers-go: the fragments checked are stale")
	}
}
