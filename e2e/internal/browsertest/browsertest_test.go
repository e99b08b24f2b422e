package browsertest_test

import (
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sqsharness/sqsharness/e2e/internal/browsertest"
)

// TestBrowserOpensAPageAndSavesAScreenshot: the browser renders a page served on loopback, runs
// its script, takes clicks, and the screenshot is a PNG of the window's width.
func TestBrowserOpensAPageAndSavesAScreenshot(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>loading</title>
<style>body{font:16px sans-serif;background:#f4f6fb} #out{color:#b00}</style>
<h1 id="hello">hello from a test</h1>
<button id="b" onclick="document.getElementById('out').textContent='clicked '+(++n)">click</button>
<p id="out"></p><script>var n=0; document.title='ready';</script>`)
	}))
	defer srv.Close()

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.Click(chromedp.ID("b")), chromedp.Click(chromedp.ID("b"))); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "ready" {
		t.Fatalf("title %q, %v: the page's script did not run", title, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("out")))
	if err != nil || out != "clicked 2" {
		t.Fatalf("after two clicks the page says %q (%v)", out, err)
	}

	for _, path := range []string{browsertest.Screenshot(t, ctx, "page"), browsertest.ScreenshotOf(t, ctx, "#hello", "heading")} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if filepath.Base(path) == "page.png" && img.Bounds().Dx() != browsertest.Width {
			t.Errorf("%s is %d pixels wide, want the window's %d", path, img.Bounds().Dx(), browsertest.Width)
		}
		if img.Bounds().Dx() == 0 || img.Bounds().Dy() == 0 {
			t.Errorf("%s is empty", path)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"TestX/seed 1":     "TestX_seed_1",
		"TestÜber/a/b c":   "Test_ber_a_b_c",
		"TestPlain":        "TestPlain",
		"TestY/#00/../etc": "TestY_00_.._etc",
	} {
		if got := browsertest.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// HostResolverRules serves a loopback server's page under another site's name, with that name
// as the page's origin and the request's Host.
func TestHostResolverRules(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>%s</title>`, r.Host)
	}))
	defer srv.Close()
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")

	ctx := browsertest.New(t, browsertest.HostResolverRules("site-a.example", "site-b.example"))
	for _, name := range []string{"site-a.example", "site-b.example"} {
		if err := chromedp.Do(ctx, chromedp.Navigate("http://"+name+":"+port+"/")); err != nil {
			t.Fatal(err)
		}
		origin, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.origin + " " + document.title`))
		if want := "http://" + name + ":" + port + " " + name + ":" + port; err != nil || origin != want {
			t.Errorf("the page says %q (%v), want %q", origin, err, want)
		}
	}
}
