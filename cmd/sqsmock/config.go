package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sqsharness/sqsharness/internal/reqop"
)

// queueFile is one queue to create at start-up.
type queueFile struct {
	Name       string            `yaml:"name"`
	Attributes map[string]scalar `yaml:"attributes"`
	Tags       map[string]scalar `yaml:"tags"`
}

// scalar accepts a YAML string, number or boolean as a string, since SQS attributes are strings.
type scalar string

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a string, number or boolean", n.Line)
	}
	*s = scalar(n.Value)
	return nil
}

// queueSpec is a queue from the file, with plain string maps.
type queueSpec struct {
	Name             string
	Attributes, Tags map[string]string
}

// loadQueues reads a JSON or YAML file holding either a list of queues or {queues: [...]}.
func loadQueues(path string) ([]queueSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var wrapped struct {
		Queues []queueFile `yaml:"queues"`
	}
	var list []queueFile
	if err := yaml.Unmarshal(data, &list); err != nil {
		if err2 := yaml.Unmarshal(data, &wrapped); err2 != nil {
			return nil, fmt.Errorf("%s: %w", path, err2)
		}
		list = wrapped.Queues
	}
	out := make([]queueSpec, 0, len(list))
	for i, q := range list {
		if q.Name == "" {
			return nil, fmt.Errorf("%s: queue %d has no name", path, i+1)
		}
		out = append(out, queueSpec{Name: q.Name, Attributes: stringMap(q.Attributes), Tags: stringMap(q.Tags)})
	}
	return out, nil
}

func stringMap(m map[string]scalar) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// statusClientClosedRequest is the status the server gives a request whose client went away
// before its answer (a long poll the client cancelled, a body cut short by the client hanging
// up); the client never sees it.
const statusClientClosedRequest = 499

// logRequests logs each request at debug level: operation, status and duration. The operation
// is the one the mock's handler read, wherever the request named it (X-Amz-Target, the URL, or
// the form body of a Query POST, where SDKs put Action). A request whose client went away (a
// long poll it gave up on, a body it stopped sending when it hung up) is logged as "client
// closed request" with status 499, so 4xx are answers a client got and 5xx the server's own
// errors (and injected ones).
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !log.Enabled(r.Context(), slog.LevelDebug) {
				next.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			ctx, slot := reqop.With(r.Context())
			next.ServeHTTP(rec, r.WithContext(ctx))
			op := slot.Op
			if op == "" { // refused before the handler read it
				op = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
			}
			if op == "" {
				op = r.URL.Query().Get("Action")
			}
			msg := "request"
			if rec.status == statusClientClosedRequest {
				msg = "client closed request"
			}
			log.Debug(msg, "method", r.Method, "path", r.URL.Path, "op", op, "status", rec.status, "duration", time.Since(start))
		})
	}
}
