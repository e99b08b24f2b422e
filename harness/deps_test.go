package harness_test

import (
	"os/exec"
	"strings"
	"testing"
)

// heavy are the package path fragments a user must not build just by importing the mock, the
// faults, the harness or the conformance suite: Docker through testcontainers-go, and what it
// brings (moby, the Docker client, OpenTelemetry), and the browser driver chromedp (with its
// protocol package cdproto). Only harness/localstackcontainer may import the first; only _test.go
// files (through internal/browsertest) may import chromedp.
var heavy = []string{"testcontainers", "docker", "moby", "go.opentelemetry.io", "chromedp"}

func goListDeps(t *testing.T, patterns ...string) []string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	args := append([]string{"list", "-deps"}, patterns...)
	out, err := exec.Command(goCmd, args...).CombinedOutput()
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

func TestLibraryPackagesHaveNoDockerDependencies(t *testing.T) {
	const mod = "github.com/sqsharness/sqsharness/"
	pkgs := goListDeps(t, mod+"sqsmock", mod+"faults", mod+"harness", mod+"conformance")
	if len(pkgs) < 20 {
		t.Fatalf("go list -deps listed only %d packages: %v", len(pkgs), pkgs)
	}
	if found := heavyPackages(pkgs); len(found) > 0 {
		t.Errorf("sqsmock, faults, harness and conformance must not depend on %v; they build %d such packages, e.g. %v "+
			"(only harness/localstackcontainer may import testcontainers-go)", heavy, len(found), found[:min(len(found), 5)])
	}
}

// The check above would pass vacuously if the fragments matched nothing: the opt-in package does
// pull them in.
func TestLocalStackContainerPackageIsTheOptIn(t *testing.T) {
	found := heavyPackages(goListDeps(t, "github.com/sqsharness/sqsharness/harness/localstackcontainer"))
	if len(found) == 0 {
		t.Fatal("harness/localstackcontainer no longer depends on testcontainers-go: the fragments checked are stale")
	}
}
