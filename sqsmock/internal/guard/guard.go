// Package guard keeps web pages off the mock's HTTP server: Admin guards the admin endpoints
// (Host names of this server only, no cross-origin browser requests, an optional bearer token),
// API guards the SQS API (Host names a DNS rebinding cannot use, no browser requests but from
// the allowed origins, whose CORS preflights it answers).
package guard

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// WriteJSON answers with v as JSON and the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// hostPattern is one allowed admin Host: a lower-cased name or address, and a port ("" = any).
type hostPattern struct{ host, port string }

// Admin protects the admin endpoints from web pages: DNS rebinding (a page on a name the
// attacker controls, resolved to 127.0.0.1, sends that name as Host), cross-site requests (a form
// post needs no CORS preflight) and, with a token, anyone who does not know it.
type Admin struct {
	hosts []hostPattern
	token string
}

// NewAdmin allows hosts (Host header values: "name" for any port, "name:port" for one) and
// the host of baseURL; with a token, every request must carry "Authorization: Bearer <token>".
func NewAdmin(hosts []string, token, baseURL string) *Admin {
	g := &Admin{token: token}
	for _, h := range hosts {
		g.hosts = append(g.hosts, parseHostPattern(h))
	}
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		g.hosts = append(g.hosts, hostPattern{host: normalHost(u.Hostname())})
	}
	return g
}

// parseHostPattern reads "name", "name:port", "[::1]" or "[::1]:port".
func parseHostPattern(s string) hostPattern {
	host, port := splitHost(strings.TrimSpace(s))
	return hostPattern{host: host, port: port}
}

// splitHost splits a Host header value into a normalised host and its port ("" if none).
func splitHost(hostport string) (host, port string) {
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		return normalHost(h), p
	}
	return normalHost(strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")), ""
}

// normalHost lower-cases a host name and drops a final dot ("localhost." is localhost).
func normalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// hostAllowed reports whether the Host header names this server: localhost, a loopback address,
// or an allowed pattern.
func (g *Admin) hostAllowed(hostHeader string) bool {
	host, port := splitHost(hostHeader)
	if host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, p := range g.hosts {
		if p.host == host && (p.port == "" || p.port == port) {
			return true
		}
	}
	return false
}

// crossOrigin reports why r comes from another origin, as a browser says it does: a
// Sec-Fetch-Site other than same-origin or none (typed by the user), or an Origin header that is
// not this server's own. Clients other than browsers send neither.
func crossOrigin(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "Sec-Fetch-Site: " + site
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return "Origin: " + origin
		}
	}
	return ""
}

// tokenOK reports whether r carries the admin token, if one is required.
func (g *Admin) tokenOK(r *http.Request) bool {
	if g.token == "" {
		return true
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(g.token)) == 1
}

// Wrap serves h only to requests that pass the guard; others get a JSON error: 403 for a Host
// that is not this server or a cross-origin browser request, 401 without the right token.
func (g *Admin) Wrap(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r.Host) {
			refuseHost(w, r)
			return
		}
		if why := crossOrigin(r); why != "" {
			WriteJSON(w, http.StatusForbidden, map[string]string{"error": "sqsmock admin: cross-origin browser request refused (" + why + ")"})
			return
		}
		if !g.tokenOK(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sqsmock admin"`)
			WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "sqsmock admin: missing or wrong token; send Authorization: Bearer <token> " +
				"(ServerOptions.AdminToken, -admin-token)"})
			return
		}
		h(w, r)
	})
}

// Page serves the live console's files (static: no state, no token needed) under the Host check
// alone, so a page on a rebound name cannot load them, with headers that keep them from running
// anything but their own scripts or from being framed by another site.
func (g *Admin) Page(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r.Host) {
			refuseHost(w, r)
			return
		}
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// refuseHost answers a request whose Host is not this server.
func refuseHost(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusForbidden, map[string]string{"error": "sqsmock admin: Host " + strconv.Quote(r.Host) +
		" is not this server; allowed: localhost, loopback addresses, the listening address, the public URL's host " +
		"and ServerOptions.AdminHosts (-admin-hosts)"})
}

// CORS of the SQS API for the browser origins allowed.
const (
	// corsMethods are the methods of the two protocols: Query GETs and POSTs, JSON POSTs.
	corsMethods = "GET, POST"
	// corsExposeHeaders are the response headers the AWS SDK for JavaScript reads: the request id,
	// the Query error code of a JSON error (awsQueryCompatible) and Date, for clock skew.
	corsExposeHeaders = "x-amzn-RequestId, x-amzn-query-error, x-amzn-ErrorType, Date"
	// corsMaxAge is how long a browser may keep a preflight's answer, in seconds.
	corsMaxAge = "600"
)

// corsHeaderAllowed reports whether a browser may send the request header name (lower-case) to
// an allowed origin: those the AWS SDK for JavaScript v3 sends (content-type, authorization,
// x-amz-target, x-amz-date, x-amz-user-agent, x-amz-security-token, x-amzn-query-mode,
// amz-sdk-invocation-id, amz-sdk-request, x-amzn-trace-id, …).
func corsHeaderAllowed(name string) bool {
	if name == "content-type" || name == "authorization" {
		return true
	}
	for _, prefix := range []string{"x-amz-", "x-amzn-", "amz-sdk-"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok && rest != "" {
			return true
		}
	}
	return false
}

// API keeps web pages off the SQS API, as Admin keeps them off the admin endpoints:
// SDKs and the AWS CLI send neither Origin nor Sec-Fetch-* headers, and name the server in Host.
type API struct {
	admin        *Admin          // the Host names the admin endpoints answer to
	regionDomain string          // the domain of per-region host names, without a port
	origins      map[string]bool // the allowed browser origins, normalised
	anyOrigin    bool            // "*" among the origins
}

// NewAPI allows the Host names of admin, those under regionDomain (the domain of per-region
// host names, "" for none) and browsers on origins ("*": any); an origin that is not
// scheme://host[:port] is an error.
func NewAPI(admin *Admin, regionDomain string, origins []string) (*API, error) {
	g := &API{admin: admin, origins: map[string]bool{}}
	if regionDomain != "" {
		g.regionDomain, _ = splitHost(regionDomain)
	}
	for _, o := range origins {
		if strings.TrimSpace(o) == "*" {
			g.anyOrigin = true
			continue
		}
		n, ok := normalOrigin(o)
		if !ok {
			return nil, fmt.Errorf("sqsmock: browser origin %q: want scheme://host[:port] as a browser sends it in its Origin header "+
				"(e.g. http://localhost:5173), or *", o)
		}
		g.origins[n] = true
	}
	return g, nil
}

// normalOrigin is an origin as browsers write it: lower-case scheme and host, no default port, no
// path; ok is false for anything else (including "null", the origin of sandboxed and file pages).
func normalOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, true
}

// originAllowed reports whether a request's Origin header names an allowed origin.
func (g *API) originAllowed(origin string) bool {
	if g.anyOrigin {
		return true
	}
	n, ok := normalOrigin(origin)
	return ok && g.origins[n]
}

// hostAllowed reports whether r's Host header may name this server on the SQS API: a name a DNS
// rebinding attack cannot use. Those of the admin endpoints (localhost, loopback addresses, the
// listening address, the public URL's host, the admin hosts), and
//   - any IP address: no name, nothing to rebind;
//   - names under .localhost, which browsers resolve to loopback themselves (RFC 6761);
//   - AWS's own SQS endpoint names (sqs.us-east-1.amazonaws.com), whose DNS nobody else answers;
//   - the domain of per-region host names and the names under it;
//   - on a connection that came over the network (its local address is not loopback: a
//     container, -addr 0.0.0.0), names public DNS never answers, so that only a machine on the
//     same network could make a browser resolve them, and it can reach the server directly
//     anyway: a name without a dot (sqsmock, docker) or under .internal, .local, .test or
//     .home.arpa (host.docker.internal, sqsmock.default.svc.cluster.local).
//
// Any other name is one the page's own site could resolve to this machine.
func (g *API) hostAllowed(r *http.Request) bool {
	if g.admin.hostAllowed(r.Host) {
		return true
	}
	host, _ := splitHost(r.Host)
	switch {
	case host == "":
		return false
	case net.ParseIP(host) != nil, strings.HasSuffix(host, ".localhost"), awsEndpointHost(host):
		return true
	case g.regionDomain != "" && (host == g.regionDomain || strings.HasSuffix(host, "."+g.regionDomain)):
		return true
	}
	return overNetwork(r.Context()) && privateName(host)
}

// awsEndpointHost reports whether host is a name of SQS's own endpoints: sqs.REGION.amazonaws.com,
// sqs-fips.REGION.amazonaws.com, REGION.queue.amazonaws.com, queue.amazonaws.com, sqs.REGION.api.aws
// and their .amazonaws.com.cn forms.
func awsEndpointHost(host string) bool {
	var rest string
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn", ".api.aws"} {
		if r, ok := strings.CutSuffix(host, suffix); ok {
			rest = r
			break
		}
	}
	first, second, ok := strings.Cut(rest, ".")
	switch {
	case rest == "":
		return false
	case !ok:
		return rest == "queue" || rest == "sqs"
	case strings.Contains(second, "."):
		return false
	case first == "sqs" || first == "sqs-fips":
		return addr.IsRegion(second)
	}
	return second == "queue" && addr.IsRegion(first)
}

// privateName reports whether public DNS never answers for host: a name without a dot, or one
// under a special-use domain.
func privateName(host string) bool {
	if !strings.Contains(host, ".") {
		return true
	}
	for _, suffix := range []string{".internal", ".local", ".test", ".home.arpa"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// overNetwork reports whether the request's connection came to a local address other than
// loopback (net/http records it in the request's context).
func overNetwork(ctx context.Context) bool {
	addr, _ := ctx.Value(http.LocalAddrContextKey).(*net.TCPAddr)
	return addr != nil && !addr.IP.IsLoopback()
}

// browserMark says why a request without an Origin header comes from a browser in a way SDKs
// never do: a Sec-Fetch-Site other than same-origin or none (another site's page, including a
// form post or a link) or a navigation (Sec-Fetch-Mode: navigate: a link, a form, a typed URL).
// A same-origin fetch without Origin (a GET from the server's own pages) is not refused here:
// on the API it would come from a page on a rebound name, which hostAllowed refuses.
func browserMark(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "Sec-Fetch-Site: " + site
	}
	if mode := r.Header.Get("Sec-Fetch-Mode"); mode == "navigate" || mode == "nested-navigate" {
		return "Sec-Fetch-Mode: " + mode
	}
	return ""
}

// Wrap serves the SQS API to requests that pass the guard: a Host that names this server (else
// AccessDenied, 403, in the request's protocol, which SDKs show), and no browser's marks (else
// 403 with a plain-text reason) unless their Origin is an allowed one, whose
// preflights it answers itself and whose requests get CORS headers.
func (g *API) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r) {
			g.refuseHost(w, r)
			return
		}
		origin := r.Header.Get("Origin")
		if origin == "" {
			if why := browserMark(r); why != "" {
				refuseBrowser(w, why, "")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if !g.originAllowed(origin) {
			refuseBrowser(w, "Origin: "+origin, origin)
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflight(w, r, origin)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		next.ServeHTTP(w, r)
	})
}

// preflight answers a CORS preflight from an allowed origin: the methods of both protocols and
// those of the requested headers the SDK may send; the browser refuses anything else itself.
func preflight(w http.ResponseWriter, r *http.Request, origin string) {
	var allowed []string
	for _, field := range r.Header.Values("Access-Control-Request-Headers") {
		for name := range strings.SplitSeq(field, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); corsHeaderAllowed(name) {
				allowed = append(allowed, name)
			}
		}
	}
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", corsMethods)
	if len(allowed) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(allowed, ", "))
	}
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
		// Chromium asks before a public page reaches a local server (Private Network Access).
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
}

// refuseBrowser answers a browser's request with 403 and a plain-text reason, without CORS
// headers: the page that sent it learns nothing, the person reading the answer learns why.
func refuseBrowser(w http.ResponseWriter, why, origin string) {
	how := "-browser-origins ORIGIN"
	if n, ok := normalOrigin(origin); ok {
		how = "-browser-origins " + n
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "sqsmock: browser request refused (%s).\n"+
		"The SQS API answers SDKs and the AWS CLI, which send no Origin and no Sec-Fetch-Site; a web page may "+
		"use it only from an origin allowed with %s (SQSMOCK_BROWSER_ORIGINS, sqsmock.ServerOptions.BrowserOrigins).\n", why, how)
}

// refuseHost answers a request whose Host is not a name of this server with AccessDenied (403) in
// its protocol, so that an SDK reached under a name the server does not know shows what to do.
func (g *API) refuseHost(w http.ResponseWriter, r *http.Request) {
	host, _ := splitHost(r.Host)
	if host == "" {
		host = "NAME"
	}
	e := sqserr.AccessDenied("sqsmock: Host " + strconv.Quote(r.Host) + " is not a name of this server (a web page's " +
		"DNS rebinding would send it); to reach the server under it, start it with -admin-hosts " + host +
		" (SQSMOCK_ADMIN_HOSTS, sqsmock.ServerOptions.AdminHosts)")
	wire.WriteError(w, r, e)
}
