// Package e2e is the module of the repository's end-to-end tests, kept out of the root module so
// that a user of sqsmock, faults, harness or lambdaesm gets none of their dependencies (chromedp,
// testcontainers) in go list -m all:
//
//   - sqsmock, traceview, faultyconsumer: browser tests in headless Chromium (chromedp) of the
//     server's console and admin guard, and of the trace viewer's pages;
//   - sqsbench: the README's console screenshot;
//   - image: the container image, built from the Dockerfile with podman;
//   - clients: boto3, the AWS CLI and the JavaScript SDK against the server;
//   - this package: the module graph a user's module gets, and the packages the library builds.
//
// Run them from this directory: go test ./... (under -short they skip); go test ./... -update
// rewrites the generated files (the README's screenshots).
package e2e
