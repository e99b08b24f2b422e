package sqsmock

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// WithAdminHosts adds Host header values under which the admin endpoints (/_sqsmock/queues,
// /_sqsmock/reset, /_sqsmock/faults) and the SQS API answer, e.g. "sqsmock" for a container
// reached by that name from another. A name with a port ("sqsmock:9324") allows that port only; a
// bare name allows any. Always allowed: localhost, loopback addresses (127.0.0.0/8, [::1]) and
// the address Start listens on, on any port (a port mapping changes the port, never the name),
// and the host of WithPublicURL; the SQS API allows more names by itself. See Handler for why.
func WithAdminHosts(hosts ...string) Option {
	return serverOption(func(c *handlerConfig) { c.adminHosts = append(c.adminHosts, hosts...) })
}

// WithAdminToken makes every request to the admin endpoints (/_sqsmock/queues, /_sqsmock/reset,
// /_sqsmock/faults) carry the header "Authorization: Bearer <token>"; without it, or with another
// token, they get HTTP 401. GET /health and GET /_sqsmock/health stay open. An empty token
// requires none (the default). The SQS API is not affected: use WithCredentials for it.
func WithAdminToken(token string) Option {
	return serverOption(func(c *handlerConfig) { c.adminToken = token })
}

// hostPattern is one allowed admin Host: a lower-cased name or address, and a port ("" = any).
type hostPattern struct{ host, port string }

// adminGuard protects the admin endpoints from web pages: DNS rebinding (a page on a name the
// attacker controls, resolved to 127.0.0.1, sends that name as Host), cross-site requests (a form
// post needs no CORS preflight) and, with a token, anyone who does not know it.
type adminGuard struct {
	hosts []hostPattern
	token string
}

// newAdminGuard allows the configured hosts and the public URL's host.
func newAdminGuard(c *handlerConfig) *adminGuard {
	g := &adminGuard{token: c.adminToken}
	for _, h := range c.adminHosts {
		g.hosts = append(g.hosts, parseHostPattern(h))
	}
	if u, err := url.Parse(c.wire.BaseURL); err == nil && u.Hostname() != "" {
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
func (g *adminGuard) hostAllowed(hostHeader string) bool {
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
func (g *adminGuard) tokenOK(r *http.Request) bool {
	if g.token == "" {
		return true
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(g.token)) == 1
}

// wrap serves h only to requests that pass the guard; others get a JSON error: 403 for a Host
// that is not this server or a cross-origin browser request, 401 without the right token.
func (g *adminGuard) wrap(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r.Host) {
			refuseHost(w, r)
			return
		}
		if why := crossOrigin(r); why != "" {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "sqsmock admin: cross-origin browser request refused (" + why + ")"})
			return
		}
		if !g.tokenOK(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sqsmock admin"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sqsmock admin: missing or wrong token; send Authorization: Bearer <token> " +
				"(WithAdminToken, -admin-token)"})
			return
		}
		h(w, r)
	})
}

// page serves the live console's files (static: no state, no token needed) under the Host check
// alone, so a page on a rebound name cannot load them, with headers that keep them from running
// anything but their own scripts or from being framed by another site.
func (g *adminGuard) page(h http.Handler) http.Handler {
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
	writeJSON(w, http.StatusForbidden, map[string]string{"error": "sqsmock admin: Host " + strconv.Quote(r.Host) +
		" is not this server; allowed: localhost, loopback addresses, the listening address, the public URL's host " +
		"and WithAdminHosts (-admin-hosts)"})
}
