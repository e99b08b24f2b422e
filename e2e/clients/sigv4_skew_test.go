package clients_test

import (
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// TestAWSCLISigV4ClockSkew runs the AWS CLI v1 (botocore) on a clock 20 minutes behind and then
// ahead of a server that verifies signatures: it gets SQS's SignatureDoesNotMatch with AWS's
// message, as from AWS (botocore does not correct clock skew).
func TestAWSCLISigV4ClockSkew(t *testing.T) {
	skipShort(t)
	t.Parallel()
	for _, tc := range []struct {
		name       string
		serverSkew time.Duration
		message    *regexp.Regexp
	}{
		{"client behind", 20 * time.Minute,
			regexp.MustCompile(`\(SignatureDoesNotMatch\) when calling the ListQueues operation: Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)`)},
		{"client ahead", -20 * time.Minute,
			regexp.MustCompile(`\(SignatureDoesNotMatch\) when calling the ListQueues operation: Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int64
			count := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); next.ServeHTTP(w, r) })
			}
			srv, err := sqsmock.New(func(o *sqsmock.Options) {
				o.Credentials = []aws.Credentials{{AccessKeyID: sigKey, SecretAccessKey: sigSecret}}
			}).Start(func(o *sqsmock.ServerOptions) {
				o.WallClock = func() time.Time { return time.Now().Add(tc.serverSkew) }
				o.Middleware = append(o.Middleware, count)
			})
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			c := newAWSCLI(t, srv.URL)
			c.env = append(c.env, "AWS_ACCESS_KEY_ID="+sigKey, "AWS_SECRET_ACCESS_KEY="+sigSecret)
			errOut := c.fails("SignatureDoesNotMatch", "list-queues")
			assert.Regexp(t, tc.message, errOut)
			assert.EqualValues(t, 1, requests.Load(), "not retried")
		})
	}
}
