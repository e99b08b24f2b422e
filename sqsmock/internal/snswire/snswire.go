// Package snswire is the HTTP wire codec of the mock's SNS: it serves Amazon SNS's AWS Query
// protocol (API version 2010-03-31) and only translates. Each request's form parameters are
// decoded into the aws-sdk-go-v2 input type of its operation and handed to a backend with the
// method set of *sns.Client; the output or error is encoded back as the XML SNS answers with.
// No SNS behaviour lives here: what a parameter means, and every error about its value, is the
// backend's.
//
// Parameter names, list and map flattening and XML element names come from the SDK's own
// service schema (package service/sns/schemas); response members are in SNS's order (see
// memberOrder).
package snswire

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// Version is the SNS API version of the Query protocol: the Version parameter of every request.
// AddPermission and RemovePermission are SQS actions too; Version tells the two services apart.
const Version = "2010-03-31"

// MaxBodyBytes limits a request body. SNS messages are at most 256 KiB (a batch likewise), and
// their URL encoding at most triples them; larger bodies are refused before they are decoded.
const MaxBodyBytes = 8 << 20

// API is the SNS backend the handler calls: exactly these methods of aws-sdk-go-v2's *sns.Client
// (so *sns.Client and the mock's in-process client both satisfy it).
type API interface {
	CreateTopic(ctx context.Context, in *sns.CreateTopicInput, optFns ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, optFns ...func(*sns.Options)) (*sns.DeleteTopicOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	Subscribe(ctx context.Context, in *sns.SubscribeInput, optFns ...func(*sns.Options)) (*sns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, optFns ...func(*sns.Options)) (*sns.UnsubscribeOutput, error)
	GetSubscriptionAttributes(ctx context.Context, in *sns.GetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error)
	SetSubscriptionAttributes(ctx context.Context, in *sns.SetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error)
	ListSubscriptions(ctx context.Context, in *sns.ListSubscriptionsInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
	PublishBatch(ctx context.Context, in *sns.PublishBatchInput, optFns ...func(*sns.Options)) (*sns.PublishBatchOutput, error)
	TagResource(ctx context.Context, in *sns.TagResourceInput, optFns ...func(*sns.Options)) (*sns.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *sns.UntagResourceInput, optFns ...func(*sns.Options)) (*sns.UntagResourceOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
}

var _ API = (*sns.Client)(nil)

// handler serves the Query protocol for one backend.
type handler struct {
	backend   API
	requestID func() string
}

// NewHandler returns an http.Handler serving SNS's Query protocol (form-encoded POST body, or the
// query string of a GET) on any path for backend. requestID makes request ids; nil means random
// UUIDs.
func NewHandler(backend API, requestID func() string) http.Handler {
	if requestID == nil {
		requestID = newUUID
	}
	return &handler{backend: backend, requestID: requestID}
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.requestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	body, err := readBody(w, r)
	if errors.Is(err, errClientGone) {
		w.WriteHeader(statusClientClosedRequest) // nobody reads the answer
		return
	}
	if err != nil {
		WriteError(w, reqID, err)
		return
	}
	params, err := queryParams(r, body)
	if err != nil {
		WriteError(w, reqID, err)
		return
	}
	action := params.vals["Action"]
	o, err := lookup(action, params.vals["Version"])
	if err != nil {
		WriteError(w, reqID, err)
		return
	}
	in, err := decodeInput(o, params)
	if err != nil {
		WriteError(w, reqID, err)
		return
	}
	ctx := reqctx.WithBaseURL(r.Context(), baseURL(r))
	ctx = reqctx.WithTraceHeader(ctx, r.Header.Get("X-Amzn-Trace-Id"))
	var optFns []func(*sns.Options)
	if region := signedRegion(r, params.vals); region != "" {
		optFns = append(optFns, func(o *sns.Options) { o.Region = region })
	}
	out, err := o.call(ctx, h.backend, in, optFns)
	if err != nil {
		if r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
			w.WriteHeader(statusClientClosedRequest) // nobody reads the answer
			return
		}
		WriteError(w, reqID, err)
		return
	}
	writeResult(w, action, reqID, out)
}

// statusClientClosedRequest is the status of a request whose client went away (nginx's 499).
const statusClientClosedRequest = 499

// errClientGone is a body that could not be read: the connection failed or stalled.
var errClientGone = errors.New("snswire: could not read the request body")

// readBody reads the body of a request that has one, within MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return nil, tooLarge()
		}
		return nil, fmt.Errorf("%w: %w", errClientGone, err)
	}
	return b, nil
}

// queryParams merges the parameters of the URL's query string and of a form body (which win):
// the body counts when its Content-Type is application/x-www-form-urlencoded or absent.
func queryParams(r *http.Request, body []byte) (*form, error) {
	vals := map[string]string{}
	if len(body) > 0 {
		if mt := mediaType(r.Header.Get("Content-Type")); mt == "" || mt == "application/x-www-form-urlencoded" {
			if err := parseForm(vals, string(body)); err != nil {
				return nil, err
			}
		}
	}
	if err := parseForm(vals, r.URL.RawQuery); err != nil {
		return nil, err
	}
	return newForm(vals), nil
}

// mediaType is the lower-cased media type of a Content-Type header, without parameters.
func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// baseURL is scheme://host of the request, for the backend's URLs (e.g. UnsubscribeURL).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// signedRegion is the region of a SigV4-signed request's credential scope
// (Credential=AKID/DATE/REGION/sns/aws4_request, in the Authorization header or a presigned
// X-Amz-Credential parameter), or "" when it is not signed.
func signedRegion(r *http.Request, params map[string]string) string {
	cred := params["X-Amz-Credential"]
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "AWS4-") {
		_, rest, ok := strings.Cut(auth, "Credential=")
		if ok {
			cred, _, _ = strings.Cut(rest, ",")
		}
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return ""
	}
	return parts[2]
}

// newUUID returns a random RFC 4122 version 4 UUID, the shape of SNS request ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
