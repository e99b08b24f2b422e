// Package sigv4 verifies the AWS Signature Version 4 of SQS requests as AWS does: the request
// time within 15 minutes of the server's wall clock, the access key, the credential scope (the
// endpoint's region, service sqs) and the signature, re-computed with aws-sdk-go-v2's signer
// over the body actually received. Errors are SQS's own (*sqserr.Error).
package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
)

// WallClock sets the server's wall clock for the requests it wraps: the time the verifier
// checks X-Amz-Date against, and the Date header of every response (as of the request's
// arrival), so that an SDK measuring clock skew sees the time the verifier uses.
func WallClock(now func() time.Time) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// net/http writes its own Date only when the handler has set none.
			w.Header().Set("Date", now().UTC().Format(http.TimeFormat))
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), wallClockKey{}, now)))
		})
	}
}

// wallClockKey carries the WallClock function to the verifier in the request context.
type wallClockKey struct{}

// wallClock is the server's time for r: WallClock's, else time.Now.
func wallClock(r *http.Request) time.Time {
	if now, ok := r.Context().Value(wallClockKey{}).(func() time.Time); ok {
		return now()
	}
	return time.Now()
}

// Request times, as SigV4 writes them, and how far they may be from the server's.
const (
	amzDateFormat = "20060102T150405Z"
	maxClockSkew  = 15 * time.Minute
)

// checkRequestTime reports a request time more than 15 minutes from now as AWS does.
func checkRequestTime(at, now time.Time) error {
	now = now.UTC()
	if earliest := now.Add(-maxClockSkew); at.Before(earliest) {
		e := sqserr.SignatureDoesNotMatch()
		e.Message = "Signature expired: " + at.Format(amzDateFormat) + " is now earlier than " +
			earliest.Format(amzDateFormat) + " (" + now.Format(amzDateFormat) + " - 15 min.)"
		return e
	}
	if latest := now.Add(maxClockSkew); at.After(latest) {
		e := sqserr.SignatureDoesNotMatch()
		e.Message = "Signature not yet current: " + at.Format(amzDateFormat) + " is still later than " +
			latest.Format(amzDateFormat) + " (" + now.Format(amzDateFormat) + " + 15 min.)"
		return e
	}
	return nil
}

// Verifier checks SigV4 Authorization headers against known credentials.
type Verifier struct {
	creds   map[string]string
	region  string
	service string // the service a credential must be scoped to: "sqs" unless For says otherwise
	signer  *v4.Signer
}

// For returns a verifier of the same credentials for another service's requests (e.g. "sns",
// which the mock serves on the same endpoint).
func (v *Verifier) For(service string) *Verifier {
	c := *v
	c.service = service
	return &c
}

// New returns a verifier of these credentials (access key -> secret) for an endpoint of region
// (a request whose Host names a region in the style sqs.REGION.… is checked against that one).
func New(creds map[string]string, region string) *Verifier {
	return &Verifier{creds: creds, region: region, service: "sqs", signer: v4.NewSigner()}
}

const sigv4Algorithm = "AWS4-HMAC-SHA256"

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

func parseAuthorization(h string) (authorization, error) {
	var a authorization
	alg, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || alg != sigv4Algorithm {
		return a, sqserr.IncompleteSignature("Authorization header requires the " + sigv4Algorithm + " algorithm (Signature Version 4).")
	}
	var credential, signed string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			a.signature = v
		}
	}
	if credential == "" || signed == "" || a.signature == "" {
		return a, sqserr.IncompleteSignature("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=" + h)
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return a, sqserr.IncompleteSignature("Credential should be scoped correctly: <key>/<date>/<region>/<service>/aws4_request, not '" + credential + "'.")
	}
	a.accessKey, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
	a.signedHeaders = strings.Split(signed, ";")
	return a, nil
}

// Verify authenticates one request whose body has been read.
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	header := r.Header.Get("Authorization")
	if header == "" {
		return sqserr.MissingAuthenticationToken()
	}
	a, err := parseAuthorization(header)
	if err != nil {
		return err
	}
	// The request time: X-Amz-Date, else Date (which AWS accepts too, in the same format). AWS
	// checks it, and the 15 minutes, before the access key and the credential scope.
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		amzDate = r.Header.Get("Date")
	}
	if amzDate == "" {
		return sqserr.IncompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + header)
	}
	at, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return sqserr.IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	if err := checkRequestTime(at, wallClock(r)); err != nil {
		return err
	}
	secret, ok := v.creds[a.accessKey]
	if !ok {
		return sqserr.InvalidClientTokenID()
	}
	region := v.region // the endpoint's: the one its host names (sqs.REGION.…), else the mock's
	if hr := addr.HostRegion(r.Host); hr != "" {
		region = hr
	}
	if a.service != v.service || a.region != region {
		e := sqserr.SignatureDoesNotMatch()
		e.Message = "Credential should be scoped to a valid region and service ('" + region + "', '" + v.service + "'), not ('" + a.region + "', '" + a.service + "')."
		return e
	}

	// Rebuild the request the client signed: its method, path, query and exactly the headers it
	// names in SignedHeaders (content-length goes through ContentLength, as the signer wants it).
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	re := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: http.Header{}}
	for _, name := range a.signedHeaders {
		switch name {
		case "host":
		case "content-length":
			n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			if err != nil {
				n = int64(len(body))
			}
			re.ContentLength = n
		default:
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				return sqserr.SignatureDoesNotMatch()
			}
			re.Header[http.CanonicalHeaderKey(name)] = vals
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: a.accessKey, SecretAccessKey: secret}
	if err := v.signer.SignHTTP(context.Background(), creds, re, hex.EncodeToString(sum[:]), a.service, a.region, at); err != nil {
		return sqserr.SignatureDoesNotMatch()
	}
	want, err := parseAuthorization(re.Header.Get("Authorization"))
	if err != nil || strings.Join(want.signedHeaders, ";") != strings.Join(a.signedHeaders, ";") ||
		want.date != a.date || !hmac.Equal([]byte(want.signature), []byte(a.signature)) {
		return sqserr.SignatureDoesNotMatch()
	}
	return nil
}
