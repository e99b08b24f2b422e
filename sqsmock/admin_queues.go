package sqsmock

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// defaultQueueLimit and maxQueueLimit bound one answer of GET /_sqsmock/queues (ListQueues'
// own 1000).
const defaultQueueLimit, maxQueueLimit = 1000, 1000

// serveQueues answers GET /_sqsmock/queues: the queues of every region and account (or of those
// the query parameters account and region name, whose names start with prefix), at most limit
// of them (default and most 1000): the mock's own namespace first, then the others by account
// and region, each by name. total counts every queue that matches; next, present when more
// follow, is the cursor to pass as after for the next page. At 20,000 queues one unpaged answer
// was 3.4 MB and took 90-175 ms, and the console asked for it every second.
func (m *Mock) serveQueues(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	account, region, prefix := qv.Get("account"), qv.Get("region"), qv.Get("prefix")
	limit := defaultQueueLimit
	if s := qv.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxQueueLimit {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit must be 1 to %d, not %q", maxQueueLimit, s)})
			return
		}
		limit = n
	}
	var after queueCursor
	if s := qv.Get("after"); s != "" {
		var ok bool
		if after, ok = parseQueueCursor(s); !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "after: not a cursor of this endpoint (its next): " + strconv.Quote(s)})
			return
		}
	}
	rows := []queueSummary{}
	total, more := 0, false
	for _, e := range m.allEngines() {
		if account != "" && e.AccountID() != account || region != "" && e.Region() != region {
			continue
		}
		from := ""
		switch c := m.compareToCursor(e, after); {
		case c < 0: // wholly before the cursor: counted only
			_, n, _ := e.CountsPage(prefix, "", 0)
			total += n
			continue
		case c == 0:
			from = after.name
		}
		page, n, rest := e.CountsPage(prefix, from, limit-len(rows))
		total += n
		more = more || rest > len(page)
		for _, q := range page {
			rows = append(rows, queueSummary{Name: q.Name, Account: e.AccountID(), Region: e.Region(), ARN: q.ARN, FIFO: q.FIFO,
				Ready: q.Ready, InFlight: q.InFlight, Delayed: q.Delayed})
		}
	}
	answer := map[string]any{"queues": rows, "total": total}
	if more && len(rows) > 0 {
		last := rows[len(rows)-1]
		answer["next"] = queueCursor{account: last.Account, region: last.Region, name: last.Name}.String()
	}
	writeJSON(w, http.StatusOK, answer)
}

// queueCursor is the last queue of a page of GET /_sqsmock/queues: the next page starts after it.
type queueCursor struct{ account, region, name string }

// String is the cursor as next carries it: account/region/name (no part holds a slash).
func (c queueCursor) String() string { return c.account + "/" + c.region + "/" + c.name }

func parseQueueCursor(s string) (queueCursor, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || !isAccountID(parts[0]) || parts[1] == "" || parts[2] == "" {
		return queueCursor{}, false
	}
	return queueCursor{account: parts[0], region: parts[1], name: parts[2]}, true
}

// compareToCursor places engine e's namespace against the cursor's in the order of the listing
// (the mock's own namespace first, then by account and region): -1 before, 0 the same, +1 after.
// The zero cursor (the first page) is before every namespace.
func (m *Mock) compareToCursor(e *engine.Engine, c queueCursor) int {
	if c.account == "" {
		return 1
	}
	rank := func(account, region string) int {
		if account == m.home.account && region == m.home.region {
			return 0
		}
		return 1
	}
	return cmp.Or(cmp.Compare(rank(e.AccountID(), e.Region()), rank(c.account, c.region)),
		cmp.Compare(e.AccountID(), c.account), cmp.Compare(e.Region(), c.region))
}
