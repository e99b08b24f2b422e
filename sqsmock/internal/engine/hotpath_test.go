package engine

import (
	"context"
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

// A receipt handle the queue issued is found by findReceipt as opening it would find it, also
// once the message is gone and after more receives than findReceipt remembers.
func TestFindReceiptRemembersWhatOpeningReads(t *testing.T) {
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
		tag, idBytes, nonce, ok := q.openReceipt(h)
		require.True(t, ok, h)
		require.Equal(t, q.tag, tag)
		id := formatUUID(idBytes)
		m, n, _, err := q.findReceipt(h)
		require.NoError(t, err)
		assert.Equal(t, nonce, n, h)
		assert.Same(t, q.byID[id], m, h)
		assert.Equal(t, h, q.handleOf(id, nonce), "sealing is deterministic")
	}
}

// Opening accepts exactly what sealing produces: any input either fails to open or is the handle
// sealed from what it opens to.
func FuzzOpenReceipt(f *testing.F) {
	c := newReceiptCodec()
	var s receiptScratch
	handle := func(tag, nonce uint64, id [16]byte) string {
		var core [receiptCoreLen]byte
		c.seal(&s, &core, tag, nonce, id)
		return string(c.appendHandle(nil, &core))
	}
	for i := range 8 {
		h := handle(uint64(i)*0x9e3779b97f4a7c15, uint64(i+1), [16]byte{byte(i), 1, 2, 3})
		f.Add(h)
		f.Add(h[:len(h)-4])
		f.Add(h + "AAAA")
		f.Add(h[:10] + "x" + h[11:])
	}
	f.Add("")
	f.Add("AQEB")
	f.Add("AQEB" + strings.Repeat("A", 320))
	f.Fuzz(func(t *testing.T, h string) {
		var core [receiptCoreLen]byte
		if !c.readCore(h, &core) {
			return
		}
		tag, nonce, id, ok := c.open(&s, &core)
		if !ok {
			return
		}
		if again := handle(tag, nonce, id); again != h {
			t.Fatalf("%q opens to (%x, %d, %x), which seals to %q", h, tag, nonce, id, again)
		}
	})
}

// Changing any one character of a handle makes it one the engine did not issue.
func TestReceiptHandleRejectsEveryChangedCharacter(t *testing.T) {
	c := newReceiptCodec()
	var s receiptScratch
	var core [receiptCoreLen]byte
	c.seal(&s, &core, 7, 42, [16]byte{1, 2, 3})
	h := string(c.appendHandle(nil, &core))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(h) {
		for _, r := range []byte{alphabet[(strings.IndexByte(alphabet, h[i])+1)%64], alphabet[(strings.IndexByte(alphabet, h[i])+37)%64]} {
			changed := h[:i] + string(r) + h[i+1:]
			var got [receiptCoreLen]byte
			if c.readCore(changed, &got) {
				_, _, _, ok := c.open(&s, &got)
				require.False(t, ok, "character %d changed to %q: still opens", i, r)
			}
		}
	}
}

func TestUUIDBytesReadsFormatUUID(t *testing.T) {
	for range 100 {
		raw := newUUIDRaw()
		b, ok := uuidBytes(formatUUID(raw))
		require.True(t, ok)
		require.Equal(t, raw, b)
	}
	for _, bad := range []string{"", "x", "0123456789abcdef0123456789abcdef0123", "01234567-89ab-cdef-0123-456789abcdeg", "01234567+89ab-cdef-0123-456789abcdef"} {
		_, ok := uuidBytes(bad)
		assert.False(t, ok, bad)
	}
	b, ok := uuidBytes("01234567-89AB-cdef-0123-456789abcdef")
	require.True(t, ok)
	assert.Equal(t, [16]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}, b)
}

func TestFormatSequenceLikeSprintf(t *testing.T) {
	for _, n := range []uint64{0, 1, 99, 1 << 40, 1<<64 - 18_000_000_000_001, 1<<64 - 18_000_000_000_000, 1<<64 - 1} {
		assert.Equal(t, fmt.Sprintf("%020d", 18_000_000_000_000+n), formatSequence(n), "%d", n)
	}
}
