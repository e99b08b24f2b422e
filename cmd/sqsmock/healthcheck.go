package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthTimeout bounds one -healthcheck probe: under the image's HEALTHCHECK --timeout (3s), so a
// slow server is reported by the probe itself.
const healthTimeout = 2 * time.Second

// healthURL is the GET /health URL of a server listening on addr. A wildcard or empty host
// (0.0.0.0, ::) is probed on loopback, as a container's HEALTHCHECK runs beside its server.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("-healthcheck: -addr %q: %w", addr, err)
	}
	if port == "" || port == "0" {
		return "", fmt.Errorf("-healthcheck: -addr %q names no port to probe", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/health", nil
}

// probeHealth asks the server listening on addr for GET /health: nil if it answers 200 OK.
// It never goes through a proxy from the environment.
func probeHealth(ctx context.Context, addr string) error {
	url, err := healthURL(addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("-healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("-healthcheck: GET %s: %s", url, resp.Status)
	}
	return nil
}
