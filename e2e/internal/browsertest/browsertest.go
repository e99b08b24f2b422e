// Package browsertest starts headless Chromium for the module's browser tests (the trace viewer's
// pages, the server's live console) through github.com/chromedp/chromedp, and saves screenshots
// under the test's output directory.
//
// The browser is Debian's chromium package (/usr/bin/chromium), which scripts/test.sh installs;
// $SQSHARNESS_CHROMIUM names another binary. Without one a test skips and says how to get it, or
// fails under CI=true. Under -short browser tests skip: they start another program.
//
// It lives in the e2e module, so chromedp is never in a user's module graph.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	_ "github.com/sqsharness/sqsharness/e2e/internal/repo" // every browser test takes e2e's -update flag
	"github.com/sqsharness/sqsharness/internal/peerenv"
	"github.com/sqsharness/sqsharness/internal/shorttest"
)

// EnvChromium names the Chromium (or Chrome) binary to use instead of /usr/bin/chromium.
const EnvChromium = "SQSHARNESS_CHROMIUM"

// defaultChromium is where Debian's chromium package puts the browser.
const defaultChromium = "/usr/bin/chromium"

// howToGet is what a test without a browser says.
const howToGet = "install Debian's chromium (apt-get install chromium) or run scripts/test.sh; " +
	"$" + EnvChromium + " names another binary"

// Width and Height are the browser window's size, so screenshots are the same on every machine.
const (
	Width  = 1400
	Height = 900
)

// Find returns the Chromium binary: $SQSHARNESS_CHROMIUM when set, else /usr/bin/chromium, else
// chromium on $PATH.
func Find() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", err
		}
		return p, nil
	}
	if _, err := exec.LookPath(defaultChromium); err == nil {
		return defaultChromium, nil
	}
	return exec.LookPath("chromium")
}

// New starts a headless Chromium for t and returns a chromedp context for one tab in it; t's
// cleanup closes the browser. The flags are those this network needs (no background networking,
// component updates, sync or QUIC; no sandbox, since tests run as root) and a fresh profile,
// then extra ones (e.g. HostResolverRules). Without a browser New skips t (fails it under
// CI=true); under -short it skips.
func New(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	shorttest.Skip(t, "browser tests start headless Chromium")
	bin, err := Find()
	if err != nil {
		if peerenv.InCI() {
			t.Fatalf("no Chromium for the browser tests (%v): %s", err, howToGet)
		}
		t.Skipf("no Chromium for the browser tests (%v): %s", err, howToGet)
	}
	profile, err := os.MkdirTemp("", "sqsharness-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	output := &lockedWriter{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(Width, Height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.CombinedOutput(output),
	}
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		// Chromium's helpers can still write in the profile for a moment after it exits.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The first run starts the browser, which lives as long as the context of that run: no timeout
	// on it (chromedp gives up by itself when the browser does not answer).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v\nits output:\n%s", bin, err, tail(output.String(), 2000))
	}
	return ctx
}

// HostResolverRules makes the browser resolve each of names to 127.0.0.1, so that a test can
// serve pages of several sites (or of a name an attacker would control) from loopback servers.
func HostResolverRules(names ...string) chromedp.ExecAllocatorOption {
	rules := make([]string, len(names))
	for i, n := range names {
		rules[i] = "MAP " + n + " 127.0.0.1"
	}
	return chromedp.Flag("host-resolver-rules", strings.Join(rules, ", "))
}

// lockedWriter serialises the browser's output, which chromedp copies from another goroutine.
type lockedWriter struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Dir is the directory a test's screenshots go to: t.ArtifactDir(), which is kept under the
// output directory when go test runs with -artifacts (else removed after the test), or
// $SQSHARNESS_ARTIFACTS/<test name> when that variable is set, so a run by hand keeps them.
func Dir(t testing.TB) string {
	t.Helper()
	if root := os.Getenv("SQSHARNESS_ARTIFACTS"); root != "" {
		dir := filepath.Join(root, FileName(t.Name()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.ArtifactDir()
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName turns a test name (with / for subtests, spaces, …) into one file name.
func FileName(name string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(name, "_"), "_")
}

// Screenshot saves the whole page (beyond the window's height) in ctx as Dir(t)/name.png, logs
// the path and returns it.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	return save(t, name, png)
}

// ScreenshotOf saves the first element matching the CSS selector sel as Dir(t)/name.png, logs
// the path and returns it.
func ScreenshotOf(t testing.TB, ctx context.Context, sel, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s of %s: %v", name, sel, err)
	}
	return save(t, name, png)
}

func save(t testing.TB, name string, png []byte) string {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot %s: not a PNG (%d bytes)", name, len(png))
	}
	path := filepath.Join(Dir(t), FileName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// Open navigates ctx's tab to url and waits until the CSS selector ready matches a visible
// element (a page's script marks itself loaded, say body[data-ready]): at most 30 s, so a page
// whose script failed fails the test instead of hanging it.
func Open(t testing.TB, ctx context.Context, url, ready string) {
	t.Helper()
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(ready))); err != nil {
		t.Fatalf("opening %s (waiting for %s): %v", url, ready, err)
	}
}
