package sqsmock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// queuesPage is one answer of GET /_sqsmock/queues.
type queuesPage struct {
	Queues []struct {
		Name, Account, Region string
		Ready                 int
	}
	Total int
	Next  *string
}

func getQueuesPage(t *testing.T, base, query string) (int, queuesPage, string) {
	t.Helper()
	res, err := http.Get(base + "/_sqsmock/queues" + query)
	require.NoError(t, err)
	defer res.Body.Close()
	var p queuesPage
	var raw map[string]any
	body := json.NewDecoder(res.Body)
	require.NoError(t, body.Decode(&raw))
	b, _ := json.Marshal(raw)
	require.NoError(t, json.Unmarshal(b, &p))
	return res.StatusCode, p, string(b)
}

// TestAdminQueuesPaged: GET /_sqsmock/queues answers at most limit queues and a cursor, next,
// that walks every queue of every namespace once, in the order of Mock.Queues (the mock's own
// namespace first, then by account and region, each by name), with the total; filters and pages
// combine.
func TestAdminQueuesPaged(t *testing.T) {
	t.Parallel()
	m := sqsmock.New()
	ctx := context.Background()
	spaces := []struct{ region, key string }{{"us-east-1", ""}, {"eu-west-1", ""}, {"ap-south-1", "111111111111"}, {"us-east-1", "111111111111"}}
	for i, ns := range spaces {
		c := m.Client(as(ns.region, ns.key))
		for j := range 3 + i {
			_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("q%02d", 10-j))})
			require.NoError(t, err)
		}
	}
	_, err := m.Client().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("q10")), MessageBody: aws.String("x")})
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)

	var want []string
	for _, q := range m.Queues() {
		want = append(want, q.Account+"/"+q.Region+"/"+q.Name)
	}
	require.Len(t, want, 3+4+5+6)
	for _, limit := range []int{1, 2, 5, 17, 18, 1000} {
		var got []string
		query := "?limit=" + strconv.Itoa(limit)
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100)
			status, p, body := getQueuesPage(t, srv.URL, query)
			require.Equal(t, http.StatusOK, status, body)
			require.Equal(t, len(want), p.Total, body)
			require.LessOrEqual(t, len(p.Queues), limit)
			for _, q := range p.Queues {
				got = append(got, q.Account+"/"+q.Region+"/"+q.Name)
				if q.Name == "q10" && q.Region == "us-east-1" && q.Account == "000000000000" {
					assert.Equal(t, 1, q.Ready)
				}
			}
			if p.Next == nil {
				break
			}
			require.Len(t, p.Queues, limit, "a page before the last is full")
			query = "?limit=" + strconv.Itoa(limit) + "&after=" + url.QueryEscape(*p.Next)
		}
		assert.Equal(t, want, got, "limit %d", limit)
	}

	// Filters: one account, a name prefix, both with pages.
	_, p, body := getQueuesPage(t, srv.URL, "?account=111111111111&prefix=q1&limit=1")
	assert.Equal(t, 2, p.Total, body) // q10 in ap-south-1 and in us-east-1
	require.Len(t, p.Queues, 1)
	assert.Equal(t, "ap-south-1", p.Queues[0].Region)
	require.NotNil(t, p.Next)
	_, p, body = getQueuesPage(t, srv.URL, "?account=111111111111&prefix=q1&limit=1&after="+url.QueryEscape(*p.Next))
	require.Len(t, p.Queues, 1, body)
	assert.Equal(t, "us-east-1", p.Queues[0].Region)
	assert.Nil(t, p.Next)
	_, p, _ = getQueuesPage(t, srv.URL, "?region=eu-west-1")
	assert.Equal(t, 4, p.Total)
	assert.Len(t, p.Queues, 4)

	// A cursor whose queue was deleted since still places the next page.
	_, p, _ = getQueuesPage(t, srv.URL, "?limit=2")
	_, err = m.Client().DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(m.QueueURL(p.Queues[1].Name))})
	require.NoError(t, err)
	_, p2, _ := getQueuesPage(t, srv.URL, "?limit=1&after="+url.QueryEscape(*p.Next))
	require.Len(t, p2.Queues, 1)
	assert.Equal(t, "q10", p2.Queues[0].Name)

	for _, bad := range []string{"?limit=0", "?limit=1001", "?limit=x", "?after=nope", "?after=1/us-east-1/q", "?after=000000000000//q"} {
		status, _, body := getQueuesPage(t, srv.URL, bad)
		assert.Equal(t, http.StatusBadRequest, status, "%s: %s", bad, body)
	}
}

// TestAdminQueuesDefaultLimit: without limit an answer holds at most 1000 queues, and next.
func TestAdminQueuesDefaultLimit(t *testing.T) {
	t.Parallel()
	m := sqsmock.New()
	c := m.Client()
	for i := range 1001 {
		_, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("q%04d", i))})
		require.NoError(t, err)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	_, p, _ := getQueuesPage(t, srv.URL, "")
	assert.Equal(t, 1001, p.Total)
	require.Len(t, p.Queues, 1000)
	require.NotNil(t, p.Next)
	_, p, _ = getQueuesPage(t, srv.URL, "?after="+url.QueryEscape(*p.Next))
	require.Len(t, p.Queues, 1)
	assert.Equal(t, "q1000", p.Queues[0].Name)
	assert.Nil(t, p.Next)
}
