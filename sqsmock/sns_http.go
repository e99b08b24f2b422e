package sqsmock

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	snssvc "github.com/sqsharness/sqsharness/sqsmock/internal/sns"
	"github.com/sqsharness/sqsharness/sqsmock/internal/snswire"
)

// withSNS serves SNS's Query protocol on the same endpoint as SQS: a request is SNS's when its
// signature is scoped to sns, or, unsigned, when its Action is one of SNS's. verify, when not
// nil, checks SNS requests' signatures as sqs requests' are checked.
func (m *Mock) withSNS(sqsHandler http.Handler, verify func(*http.Request, []byte) error) http.Handler {
	snsHandler := snswire.NewHandler(snsFront{m}, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isSNS, body, err := snsRequest(r)
		if err != nil || !isSNS {
			sqsHandler.ServeHTTP(w, r)
			return
		}
		if verify != nil {
			if err := verify(r, body); err != nil {
				writeSNSAuthError(w, err)
				return
			}
		}
		snsHandler.ServeHTTP(w, r)
	})
}

// snsRequest reports whether r is an SNS request, with its body (restored for the next reader).
func snsRequest(r *http.Request) (bool, []byte, error) {
	if r.Header.Get("X-Amz-Target") != "" {
		return false, nil, nil // SQS's JSON protocol; SNS has none
	}
	auth := r.Header.Get("Authorization")
	scoped := ""
	switch {
	case strings.Contains(auth, "/sns/aws4_request"):
		scoped = "sns"
	case strings.Contains(auth, "/sqs/aws4_request"):
		return false, nil, nil
	}
	var body []byte
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		b, err := io.ReadAll(io.LimitReader(r.Body, snswire.MaxBodyBytes+1))
		// The next reader sees the body as it came: what was read, then the rest or the
		// error (a client gone mid-body stays a client gone, 499, for the SQS handler).
		rest := r.Body
		if err != nil {
			rest = io.NopCloser(errReader{err})
		}
		r.Body = readCloser{io.MultiReader(bytes.NewReader(b), rest), r.Body}
		if err != nil {
			return false, nil, err
		}
		body = b
	}
	if scoped == "sns" {
		return true, body, nil
	}
	params := r.URL.Query()
	if params.Get("Action") == "" && len(body) <= snswire.MaxBodyBytes {
		if form, err := url.ParseQuery(string(body)); err == nil {
			params = form
		}
	}
	switch action := params.Get("Action"); action {
	case "AddPermission", "RemovePermission": // both services': SNS's API version tells
		return params.Get("Version") == snswire.Version, body, nil
	default:
		return snswire.IsAction(action), body, nil
	}
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// writeSNSAuthError answers a request whose signature failed, in SNS's XML error shape.
func writeSNSAuthError(w http.ResponseWriter, err error) {
	code, msg, status := "InvalidClientTokenId", err.Error(), http.StatusForbidden
	var se *sqserr.Error
	if errors.As(err, &se) {
		code, msg, status = se.Code, se.Message, se.Status
	}
	snswire.WriteError(w, "00000000-0000-4000-8000-000000000000",
		snsResponseError(&snssvc.Error{Status: status, API: &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}}))
}

// snsFront is the SNS backend of the HTTP front door: each request acts as its caller (the
// account and region of its signature, as for SQS requests).
type snsFront struct{ m *Mock }

// who is the caller of the request ctx carries.
func (f snsFront) who(ctx context.Context) snssvc.Caller {
	who := snssvc.Caller{Account: f.m.home.account, Region: f.m.home.region}
	if info := requestInfoFrom(ctx); info != nil {
		who = snssvc.Caller{Account: info.who.account, Region: info.who.region}
	}
	return who
}

// serveSNS runs one operation for the HTTP door under the fault plan: errors as the in-process
// client reports them, which carry the status the codec writes; a transport fault drops the
// connection.
func serveSNS[I, O any](ctx context.Context, f snsFront, op string, in *I, call func(*snssvc.Service, context.Context, snssvc.Caller, *I) (*O, error)) (*O, error) {
	out, o, err := applySNS(ctx, f.m, f.who(ctx), op, in, call)
	if o.transport != "" {
		noteTransportFault(ctx, o.transport)
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	}
	if err != nil {
		return nil, snsResponseError(err)
	}
	return out, nil
}

func (f snsFront) CreateTopic(ctx context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	return serveSNS(ctx, f, "CreateTopic", in, (*snssvc.Service).CreateTopic)
}

func (f snsFront) DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, _ ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	return serveSNS(ctx, f, "DeleteTopic", in, (*snssvc.Service).DeleteTopic)
}

func (f snsFront) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	return serveSNS(ctx, f, "GetTopicAttributes", in, (*snssvc.Service).GetTopicAttributes)
}

func (f snsFront) SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	return serveSNS(ctx, f, "SetTopicAttributes", in, (*snssvc.Service).SetTopicAttributes)
}

func (f snsFront) ListTopics(ctx context.Context, in *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	return serveSNS(ctx, f, "ListTopics", in, (*snssvc.Service).ListTopics)
}

func (f snsFront) Subscribe(ctx context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	return serveSNS(ctx, f, "Subscribe", in, (*snssvc.Service).Subscribe)
}

func (f snsFront) Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, _ ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	return serveSNS(ctx, f, "Unsubscribe", in, (*snssvc.Service).Unsubscribe)
}

func (f snsFront) GetSubscriptionAttributes(ctx context.Context, in *sns.GetSubscriptionAttributesInput, _ ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error) {
	return serveSNS(ctx, f, "GetSubscriptionAttributes", in, (*snssvc.Service).GetSubscriptionAttributes)
}

func (f snsFront) SetSubscriptionAttributes(ctx context.Context, in *sns.SetSubscriptionAttributesInput, _ ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error) {
	return serveSNS(ctx, f, "SetSubscriptionAttributes", in, (*snssvc.Service).SetSubscriptionAttributes)
}

func (f snsFront) ListSubscriptions(ctx context.Context, in *sns.ListSubscriptionsInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error) {
	return serveSNS(ctx, f, "ListSubscriptions", in, (*snssvc.Service).ListSubscriptions)
}

func (f snsFront) ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	return serveSNS(ctx, f, "ListSubscriptionsByTopic", in, (*snssvc.Service).ListSubscriptionsByTopic)
}

func (f snsFront) Publish(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return serveSNS(ctx, f, "Publish", in, (*snssvc.Service).Publish)
}

func (f snsFront) PublishBatch(ctx context.Context, in *sns.PublishBatchInput, _ ...func(*sns.Options)) (*sns.PublishBatchOutput, error) {
	return serveSNS(ctx, f, "PublishBatch", in, (*snssvc.Service).PublishBatch)
}

func (f snsFront) TagResource(ctx context.Context, in *sns.TagResourceInput, _ ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	return serveSNS(ctx, f, "TagResource", in, (*snssvc.Service).TagResource)
}

func (f snsFront) UntagResource(ctx context.Context, in *sns.UntagResourceInput, _ ...func(*sns.Options)) (*sns.UntagResourceOutput, error) {
	return serveSNS(ctx, f, "UntagResource", in, (*snssvc.Service).UntagResource)
}

func (f snsFront) ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, _ ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	return serveSNS(ctx, f, "ListTagsForResource", in, (*snssvc.Service).ListTagsForResource)
}
