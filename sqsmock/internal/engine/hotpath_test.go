package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hot path reads queue URLs and receipt handles without allocating. These tests hold the
// allocation-free readers to what the plain ones read (the ones they replaced, kept here).

// nameFromURLByParsing is nameFromURL by url.Parse and strings.Split.
func nameFromURLByParsing(e *Engine, s string) (string, bool) {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.Split(s, ":")
		if len(parts) != 6 || parts[2] != "sqs" || parts[4] != e.cfg.AccountID {
			return "", false
		}
		return parts[5], true
	}
	path := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		path = u.Path
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(segs) == 1 && segs[0] != "":
		return segs[0], true
	case len(segs) >= 2:
		account, name := segs[len(segs)-2], segs[len(segs)-1]
		if account != e.cfg.AccountID || name == "" {
			return "", false
		}
		return name, true
	}
	return "", false
}

var queueURLSeeds = []string{
	"https://sqs.us-east-1.amazonaws.com/000000000000/q",
	"http://localhost:4566/000000000000/q",
	"http://127.0.0.1:9324/queue/us-east-1/000000000000/q.fifo",
	"https://sqs.us-east-1.amazonaws.com/000000000000/q/",
	"https://sqs.us-east-1.amazonaws.com//000000000000//q",
	"https://host:/000000000000/q",
	"https://host:12a/000000000000/q",
	"https://h:1:2/000000000000/q",
	"https://[::1]:80/000000000000/q",
	"https://user@host/000000000000/q",
	"https://host/000000000000/q%2Dx",
	"https://host/000000000000/q%zz",
	"https://host/000000000000/q?x=1",
	"https://host/000000000000/q#frag",
	"https://host/000000000000/q x",
	"https://host/111111111111/q",
	"https://host/q",
	"https://host/",
	"https://host",
	"https:///000000000000/q",
	"HTTPS://host/000000000000/q",
	"ftp://host/000000000000/q",
	"1http://host/000000000000/q",
	"https://ho\x7fst/000000000000/q",
	"https://host/000000000000/q\x00",
	"https://høst/000000000000/q",
	"https://host/000000000000/qü",
	"/000000000000/q",
	"000000000000/q",
	"q",
	"",
	"/",
	"arn:aws:sqs:us-east-1:000000000000:q",
	"arn:aws:sqs:us-east-1:111111111111:q",
	"arn:aws:sns:us-east-1:000000000000:q",
	"arn:aws:sqs:us-east-1:000000000000:q:x",
	"arn:aws:sqs:us-east-1:000000000000",
	"arn:",
}

func FuzzNameFromURL(f *testing.F) {
	for _, s := range queueURLSeeds {
		f.Add(s)
	}
	e := New(Config{})
	f.Fuzz(func(t *testing.T, s string) {
		wantName, wantOK := nameFromURLByParsing(e, s)
		name, ok := e.nameFromURL(s)
		if name != wantName || ok != wantOK {
			t.Fatalf("nameFromURL(%q) = %q, %v; url.Parse reads %q, %v", s, name, ok, wantName, wantOK)
		}
	})
}

// parseReceiptBySplitting is parseReceipt by DecodeString, strings.Split and strconv.ParseUint.
func parseReceiptBySplitting(h string) (queueName, messageID string, nonce uint64, ok bool) {
	if !strings.HasPrefix(h, receiptPrefix) {
		return "", "", 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(h[len(receiptPrefix):])
	if err != nil {
		return "", "", 0, false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		return "", "", 0, false
	}
	n, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil || n == 0 {
		return "", "", 0, false
	}
	return parts[0], parts[1], n, true
}

func FuzzParseReceipt(f *testing.F) {
	enc := func(raw string) string { return receiptPrefix + base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	for _, raw := range []string{
		"q\x00id\x001", "q\x00id\x0018446744073709551615", "q\x00id\x0018446744073709551616", "q\x00id\x000",
		"q\x00id\x00", "q\x00id\x00-1", "q\x00id\x00+1", "q\x00id\x001\x00", "q\x00id", "", "\x00\x001",
		"q\x00id\x0000012", "q\x00id\x001x", strings.Repeat("q", 300) + "\x00id\x007",
	} {
		f.Add(enc(raw))
	}
	f.Add("AQEB")
	f.Add("AQEB====")
	f.Add("AQE")
	f.Add("xyz")
	f.Fuzz(func(t *testing.T, h string) {
		wantName, wantID, wantNonce, wantOK := parseReceiptBySplitting(h)
		var buf [192]byte
		name, id, nonce, ok := parseReceipt(h, buf[:])
		if string(name) != wantName || string(id) != wantID || nonce != wantNonce || ok != wantOK {
			t.Fatalf("parseReceipt(%q) = %q, %q, %d, %v; want %q, %q, %d, %v", h, name, id, nonce, ok, wantName, wantID, wantNonce, wantOK)
		}
	})
}

// A receipt handle the queue issued is found by findReceipt as parsing it would find it, also
// once the message is gone and after more receives than findReceipt remembers.
func TestFindReceiptRemembersWhatParsingReads(t *testing.T) {
	e := New(Config{})
	ctx := context.Background()
	out, err := e.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	var handles []string
	for i := range 25 {
		_, err := e.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(strconv.Itoa(i))})
		require.NoError(t, err)
		r, err := e.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: out.QueueUrl, MaxNumberOfMessages: 1 + int32(i%3)})
		require.NoError(t, err)
		for _, m := range r.Messages {
			handles = append(handles, *m.ReceiptHandle)
		}
	}
	q, err := e.lookup(out.QueueUrl)
	require.NoError(t, err)
	_, err = e.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: out.QueueUrl, ReceiptHandle: &handles[len(handles)-1]})
	require.NoError(t, err)
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, h := range handles {
		name, id, nonce, ok := parseReceiptBySplitting(h)
		require.True(t, ok)
		require.Equal(t, "q", name)
		m, n, err := q.findReceipt(h)
		require.NoError(t, err)
		assert.Equal(t, nonce, n, h)
		assert.Same(t, q.byID[id], m, h)
		assert.Equal(t, len(h), q.receiptHandleLen(&message{id: id, receipt: nonce}))
	}
}

func TestFormatSequenceLikeSprintf(t *testing.T) {
	for _, n := range []uint64{0, 1, 99, 1 << 40, 1<<64 - 18_000_000_000_001, 1<<64 - 18_000_000_000_000, 1<<64 - 1} {
		assert.Equal(t, fmt.Sprintf("%020d", 18_000_000_000_000+n), formatSequence(n), "%d", n)
	}
}
