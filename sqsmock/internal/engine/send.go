package engine

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// sendRequest is one message to send, from SendMessage or one SendMessageBatch entry.
type sendRequest struct {
	body      *string
	delay     *int32
	attrs     map[string]types.MessageAttributeValue
	sysAttrs  map[string]types.MessageSystemAttributeValue
	groupID   *string
	dedupID   *string
	trace     string // the request's X-Amzn-Trace-Id header, if any
	batch     bool
	operation string
	url       string       // the queue URL as the request gave it, for fault rules
	faultsOff bool         // the call is exempt from the fault plan
	decided   *FaultAction // the fault plan's action, decided before the call (an SNS delivery's)
	content   content
	call      Call // for the trace
}

// content is what checkContent found for a send's body and message attributes.
type content struct {
	checked  bool  // checkContent ran; if not, prepare runs it
	attrSize int   // the message attributes' size in bytes
	err      error // the first validation error
}

// checkContent validates what a send carries regardless of the queue: a body of allowed
// characters and valid message attributes. The work is proportional to the request's size, so
// callers run it before taking the queue lock.
func checkContent(body *string, attrs map[string]types.MessageAttributeValue) content {
	if body == nil || *body == "" {
		return content{checked: true, err: sqserr.MissingParameter("MessageBody")}
	}
	if c, ok := validChars(*body); !ok {
		return content{checked: true, err: sqserr.InvalidMessageContents("Invalid binary character '#x%X' was found in the message body, the set of allowed characters is %s", c, allowedChars)}
	}
	size, err := validateMessageAttributes(attrs)
	return content{checked: true, attrSize: size, err: err}
}

// sendResult is what a successful send reports.
type sendResult struct {
	id, md5Body, md5Attrs, md5Sys, seqNumber string
}

const allowedChars = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"

// validChars reports the first character SQS does not allow, if any. Bytes that are not UTF-8
// are reported by their value, except a UTF-16 surrogate encoded like a character (the JSON
// decoder keeps an unpaired "\ud800" escape so, as do the three bytes ED A0 80 in a Query
// request), which is reported as the surrogate it encodes: SQS reads a lone surrogate as the
// character #xD800, outside the allowed set.
func validChars(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if sur, ok := surrogateAt(s[i:]); ok {
				return sur, false
			}
			return rune(s[i]), false
		}
		if !(r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)) {
			return r, false
		}
		i += size
	}
	return 0, true
}

// surrogateAt decodes a UTF-16 surrogate (U+D800 to U+DFFF) written as three UTF-8-style bytes at
// the start of s, which UTF-8 forbids.
func surrogateAt(s string) (rune, bool) {
	if len(s) < 3 || s[0] != 0xED || s[1] < 0xA0 || s[1] > 0xBF || s[2] < 0x80 || s[2] > 0xBF {
		return 0, false
	}
	return 0xD000 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), true
}

// validFifoID reports whether a MessageGroupId or MessageDeduplicationId is 1..128 characters of
// alphanumerics and punctuation.
func validFifoID(s string) bool {
	if len(s) < 1 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// validateMessageAttributes checks names, types and values, and returns their size in bytes.
func validateMessageAttributes(attrs map[string]types.MessageAttributeValue) (int, error) {
	if len(attrs) > 10 {
		return 0, sqserr.InvalidParameterValue("Number of message attributes [%d] exceeds the allowed maximum [10].", len(attrs))
	}
	size := 0
	for name, v := range attrs {
		if err := validateAttributeName(name); err != nil {
			return 0, err
		}
		dt := aws.ToString(v.DataType)
		if dt == "" {
			return 0, sqserr.InvalidParameterValue("The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		base, _, _ := strings.Cut(dt, ".")
		if len(dt) > 256 || (base != "String" && base != "Number" && base != "Binary") {
			return 0, sqserr.InvalidParameterValue("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		size += len(name) + len(dt)
		switch base {
		case "Binary":
			if len(v.BinaryValue) == 0 {
				return 0, sqserr.InvalidParameterValue("Message (user) attribute '%s' must contain a non-empty value of type 'Binary'.", name)
			}
			size += len(v.BinaryValue)
		default:
			s := aws.ToString(v.StringValue)
			if s == "" {
				return 0, sqserr.InvalidParameterValue("Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
			}
			if err := validateStringValue(name, base, s); err != nil {
				return 0, err
			}
			size += len(s)
		}
		if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
			return 0, sqserr.InvalidParameterValue("Message (user) attribute '%s': list values are not supported.", name)
		}
	}
	return size, nil
}

// validateStringValue checks the non-empty value of a String or Number attribute.
func validateStringValue(name, base, s string) error {
	if base == "Number" {
		if !validNumber(s) { // a number is ASCII: no character check
			return sqserr.InvalidParameterValue("Can't cast the value of message (user) attribute '%s' to a number.", name)
		}
		return nil
	}
	if r, ok := validChars(s); !ok {
		return sqserr.InvalidParameterValue("Message (user) attribute '%s' contains invalid character #x%X.", name, r)
	}
	return nil
}

func validateAttributeName(name string) error {
	bad := func() error {
		return sqserr.InvalidParameterValue("Message (user) attribute name '%s' is invalid. Attribute names can contain alphanumeric characters, hyphens, underscores and periods; cannot start or end with a period, cannot contain consecutive periods, cannot start with AWS. or Amazon., and can be up to 256 characters long.", name)
	}
	if len(name) < 1 || len(name) > 256 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return bad()
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
		return bad()
	}
	for _, c := range name {
		// "Alphanumeric" is Unicode letters and digits: SQS accepts "attr.1øßä" and rejects "§".
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == '.') {
			return bad()
		}
	}
	return nil
}

// The limits of a Number message attribute, from the developer guide ("Message attribute
// components and data types"): "A number can have up to 38 digits of precision, and it can be
// between 10^-128 and 10^+126. Leading and trailing zeroes are trimmed."
const (
	numberMaxDigits = 38
	numberMinExp    = -128
	numberMaxExp    = 126
	// numberMaxLen bounds a value before it is scanned. No message over 1 MiB (the largest
	// MaximumMessageSize) is ever accepted, so no longer Number value can be either.
	numberMaxLen = 1 << 20
)

// validNumber accepts what SQS accepts for a Number attribute: a decimal numeral (an optional
// sign, digits with at most one decimal point, an optional exponent e or E with an optional sign
// and digits: the syntax of Java's BigDecimal, with ASCII digits only), of at most 38 significant
// digits once leading and trailing zeros are trimmed, and zero or of magnitude between 10^-128
// and 10^126. Everything else (hexadecimal, digit separators, surrounding spaces, Infinity, NaN)
// is not a number. It scans s once, without allocating, and rejects a value longer than
// numberMaxLen without reading it: its cost is bounded whatever the client sends.
func validNumber(s string) bool {
	if len(s) == 0 || len(s) > numberMaxLen {
		return false
	}
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	m, rest, ok := scanMantissa(s)
	if !ok {
		return false
	}
	exp, ok := parseExponent(rest)
	if !ok {
		return false
	}
	if m.first < 0 {
		return true // zero
	}
	// The value is lead.ddd × 10^adj.
	adj := int64(m.intLen-1-m.first) + exp
	switch {
	case adj > numberMaxExp || adj < numberMinExp:
		return false
	case adj == numberMaxExp:
		return m.lead == '1' && m.first == m.last // exactly 10^126
	}
	return true
}

// mantissa describes the digits of a Number before its exponent. They are numbered from 0;
// first and last are the first and last non-zero ones (-1: none, the value is zero), lead the
// first non-zero digit, intLen how many come before the decimal point.
type mantissa struct {
	digits, intLen, first, last int
	lead                        byte
}

// scanMantissa reads digits with at most one decimal point from the start of s, and returns
// what follows. ok is false without a digit, or at the 39th significant digit (without reading
// further: nothing after can make the value valid).
func scanMantissa(s string) (m mantissa, rest string, ok bool) {
	m.intLen, m.first, m.last = -1, -1, -1
	i := 0
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '0': // a run of zeros, in a tight loop: padding costs little
			j := i + 1
			for j < len(s) && s[j] == '0' {
				j++
			}
			m.digits += j - i
			i = j - 1
			continue
		case c >= '1' && c <= '9':
			if m.first < 0 {
				m.first, m.lead = m.digits, c
			}
			m.last = m.digits
			if m.last-m.first+1 > numberMaxDigits {
				return m, "", false
			}
			m.digits++
			continue
		case c == '.' && m.intLen < 0:
			m.intLen = m.digits
			continue
		}
		break
	}
	if m.intLen < 0 {
		m.intLen = m.digits
	}
	return m, s[i:], m.digits > 0
}

// parseExponent reads what follows a Number's mantissa: nothing, or e/E, an optional sign and at
// least one digit. Exponents beyond ±10^12 saturate: the range check rejects them anyway.
func parseExponent(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	if s[0] != 'e' && s[0] != 'E' {
		return 0, false
	}
	s = s[1:]
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < 1e12 {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// prepare validates a send against the queue's settings and builds the message. It reads only
// settings, so it runs under the queue lock with no state change. The body and attributes were
// checked before the lock (r.content).
func (q *queue) prepare(r sendRequest, now time.Time) (*message, error) {
	if !r.content.checked {
		r.content = checkContent(r.body, r.attrs)
	}
	if r.content.err != nil {
		return nil, r.content.err
	}
	body, attrSize := *r.body, r.content.attrSize
	trace := ""
	for name, v := range r.sysAttrs {
		if name != string(types.MessageSystemAttributeNameForSendsAWSTraceHeader) {
			return nil, sqserr.InvalidParameterValue("Message system attribute name '%s' is invalid.", name)
		}
		if aws.ToString(v.DataType) != "String" || aws.ToString(v.StringValue) == "" {
			return nil, sqserr.InvalidParameterValue("Message system attribute '%s' must contain a non-empty value of type 'String'.", name)
		}
		trace = aws.ToString(v.StringValue)
	}
	md5Trace := md5OfTraceHeader(trace)
	if trace == "" {
		// The X-Amzn-Trace-Id header, overridden by the system attribute (test_aws_trace_header_propagation).
		// The client sent no system attributes, so no MD5OfMessageSystemAttributes.
		trace, md5Trace = r.trace, ""
	}
	size := len(body) + attrSize
	if size > q.attrs.maxSize {
		verb := "are invalid"
		if r.batch {
			verb = "cannot be validated"
		}
		return nil, sqserr.InvalidParameterValue("One or more parameters %s. Reason: Message must be shorter than %d bytes.", verb, q.attrs.maxSize)
	}
	delay := q.attrs.delay
	if r.delay != nil {
		d := int(*r.delay)
		if d < 0 || d > 900 {
			return nil, sqserr.InvalidParameterValueFor(d, "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.")
		}
		if q.fifo && d != 0 {
			return nil, sqserr.InvalidParameterValueFor(d, "DelaySeconds", "The request include parameter that is not valid for this queue type.")
		}
		if !q.fifo {
			delay = d
		}
	}
	m := &message{
		body: body, attrs: copyAttributes(r.attrs), md5Attrs: md5OfAttributes(r.attrs), // md5Body: store
		traceHeader: trace, md5SysAttrs: md5Trace,
		sentAt: stampOf(now), ageBase: stampOf(now), size: size, visibleAt: stampOf(now.Add(time.Duration(delay) * time.Second)),
	}
	if r.groupID != nil {
		if !validFifoID(*r.groupID) {
			return nil, sqserr.InvalidParameterValueFor(*r.groupID, "MessageGroupId", "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		m.groupID = *r.groupID
	}
	if r.dedupID != nil {
		if !validFifoID(*r.dedupID) {
			return nil, sqserr.InvalidParameterValueFor(*r.dedupID, "MessageDeduplicationId", "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		if !q.fifo {
			return nil, sqserr.InvalidParameterValueFor(*r.dedupID, "MessageDeduplicationId", "The request includes a parameter that is not valid for this queue type.")
		}
		m.dedupID = *r.dedupID
	}
	if q.fifo {
		if r.groupID == nil {
			if r.batch {
				return nil, sqserr.InvalidParameterValue("The request must contain the parameter MessageGroupId.")
			}
			return nil, sqserr.MissingParameter("MessageGroupId")
		}
		if m.dedupID == "" {
			if !q.attrs.contentDedup {
				return nil, sqserr.InvalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(body))
			m.dedupID = hex.EncodeToString(sum[:])
		}
	}
	return m, nil
}

// store adds a prepared message, applying FIFO deduplication. Everything that can refuse the
// message (the mock's message limit) is checked and reserved before anything changes, so a refused
// send leaves no deduplication id, sequence number or count behind: a retry once there is room is
// stored as a new message. Caller holds q.mu.
func (q *queue) store(m *message, now time.Time) (sendResult, error) {
	if q.fifo {
		m.md5Body = md5Hex(m.body)
	}
	res := sendResult{md5Body: m.md5Body, md5Attrs: m.md5Attrs, md5Sys: m.md5SysAttrs}
	var key, grp dedupKey
	if q.fifo {
		key, grp = q.dedupKeyOf(m.dedupID, m.groupID)
		if d, ok := q.dedup[key]; ok && now.UnixNano() < d.expires {
			res.id, res.seqNumber = formatUUID(d.messageID), formatSequence(d.seq)
			return res, nil
		}
	}
	if !q.e.reserveHeld() {
		return res, sqserr.OverLimit("The mock holds its limit of %d messages.", q.e.cfg.MaxMessages)
	}
	// Committed: nothing below fails.
	if q.fifo {
		var raw [16]byte
		m.id, raw = newUUIDBytes()
		seq := q.e.sequence.Add(1)
		m.seqNumber = formatSequence(seq)
		exp := now.Add(dedupInterval).UnixNano()
		q.dedup[key] = dedupEntry{expires: exp, messageID: raw, seq: seq, group: grp}
		q.dedupLog = append(q.dedupLog, dedupRef{key: key, expires: exp})
	} else {
		m.id, m.md5Body = newIDAndMD5(m.body)
	}
	q.add(m, now)
	res.id, res.md5Body, res.seqNumber = m.id, m.md5Body, m.seqNumber
	return res, nil
}

// nextSequence returns a new FIFO sequence number.
func (e *Engine) nextSequence() string { return formatSequence(e.sequence.Add(1)) }

// formatSequence renders a sequence counter as SQS does: 20 digits, increasing across the engine.
func formatSequence(n uint64) string {
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], 18_000_000_000_000+n, 10)
	if len(digits) >= len(buf) {
		return string(digits)
	}
	var out [20]byte // zero-padded, as fmt's %020d
	pad := copy(out[:], "00000000000000000000"[:len(out)-len(digits)])
	copy(out[pad:], digits)
	return string(out[:])
}

// newIDAndMD5 returns a new message id and the hex MD5 of body, as newUUID and md5Hex do, in one
// allocation.
func newIDAndMD5(body string) (id, md5Body string) {
	var b [36 + 2*md5.Size]byte
	formatUUIDTo(b[:36], newUUIDRaw())
	md5HexTo(b[36:], body)
	s := string(b[:])
	return s[:36], s[36:]
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	s, _ := newUUIDBytes()
	return s
}

// newUUIDBytes returns a random version 4 UUID as text and as its 16 bytes.
func newUUIDBytes() (string, [16]byte) {
	b := newUUIDRaw()
	return formatUUID(b), b
}

// newUUIDRaw returns the 16 bytes of a random version 4 UUID.
func newUUIDRaw() [16]byte {
	var b [16]byte
	a, c := rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(a >> (8 * i))
		b[8+i] = byte(c >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

// formatUUID renders 16 bytes in the 8-4-4-4-12 form.
func formatUUID(b [16]byte) string {
	var out [36]byte
	formatUUIDTo(out[:], b)
	return string(out[:])
}

// formatUUIDTo writes 16 bytes in the 8-4-4-4-12 form to out[:36].
func formatUUIDTo(out []byte, b [16]byte) {
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:])
}

// SendMessage sends one message.
func (e *Engine) SendMessage(ctx context.Context, in *sqs.SendMessageInput) (*sqs.SendMessageOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	req := sendRequest{body: in.MessageBody, attrs: in.MessageAttributes, sysAttrs: in.MessageSystemAttributes,
		groupID: in.MessageGroupId, dedupID: in.MessageDeduplicationId, operation: "SendMessage", url: aws.ToString(in.QueueUrl),
		trace: reqctx.TraceHeader(ctx), faultsOff: callFaults(ctx).Off, decided: callFaults(ctx).Send, call: e.callOf(ctx)}
	if in.DelaySeconds != 0 || reqctx.Explicit(ctx, "DelaySeconds") {
		req.delay = &in.DelaySeconds
	}
	req.content = checkContent(req.body, req.attrs) // before the queue lock
	res, err := q.send(req)
	if err != nil {
		return nil, err
	}
	o := &sent{}
	o.strs = [5]string{res.id, res.md5Body, res.md5Attrs, res.md5Sys, res.seqNumber}
	o.out = sqs.SendMessageOutput{
		MessageId: &o.strs[0], MD5OfMessageBody: &o.strs[1],
		MD5OfMessageAttributes: optionalIn(&o.strs[2]), MD5OfMessageSystemAttributes: optionalIn(&o.strs[3]),
		SequenceNumber: optionalIn(&o.strs[4]),
	}
	return &o.out, nil
}

// sent is SendMessage's output and the strings it points to, in one allocation.
type sent struct {
	out  sqs.SendMessageOutput
	strs [5]string
}

// optionalIn is s, or nil when *s is empty.
func optionalIn(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

// send validates and stores one message, with fault hooks applied.
func (q *queue) send(req sendRequest) (sendResult, error) {
	now := q.e.now()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(now)
	m, err := q.prepare(req, now)
	if err != nil {
		return sendResult{}, err
	}
	act := q.e.fault(req.faultsOff, q, req.url, req.operation, m, "", "", false)
	if req.decided != nil {
		act = *req.decided
	}
	m.visibleAt = m.visibleAt.add(act.ExtraDelay)
	res, err := q.store(m, now)
	if err == nil && q.e.tracing() {
		q.traceSend(req.call, m, res, act, now, "")
	}
	return res, err
}

// traceSend records a stored or deduplicated send and the faults that shaped it. Caller holds q.mu.
func (q *queue) traceSend(c Call, m *message, res sendResult, act FaultAction, now time.Time, entryID string) {
	e := q.e
	e.emitFaults(q, c, act, now, res.id, "", entryID)
	if m.id != res.id { // not stored: a duplicate of res.id
		e.emit(Event{Kind: EventDeduplicated, Time: now, Queue: q.name, Call: c, MessageID: res.id, GroupID: m.groupID,
			Detail: "MessageDeduplicationId " + m.dedupID})
		return
	}
	ev := Event{Kind: EventSent, Time: now, Queue: q.name, Call: c, MessageID: m.id, Body: m.body, GroupID: m.groupID}
	if m.state == stateDelayed {
		ev.VisibleAt = m.visibleAt.time()
	}
	e.emit(ev)
}

// SendMessageBatch sends up to 10 messages; each entry succeeds or fails on its own.
func (e *Engine) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput) (*sqs.SendMessageBatchOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	var idBuf [10]*string // a valid batch has at most 10 entries: no allocation
	ids := append(idBuf[:0], make([]*string, len(in.Entries))...)
	total := 0
	for i, en := range in.Entries {
		ids[i] = en.Id
		total += len(aws.ToString(en.MessageBody))
		for name, v := range en.MessageAttributes {
			total += len(name) + len(aws.ToString(v.DataType)) + len(aws.ToString(v.StringValue)) + len(v.BinaryValue)
		}
	}
	if err := checkBatch("SendMessageBatchRequestEntry", ids); err != nil {
		return nil, err
	}
	if total > 1048576 {
		return nil, sqserr.BatchRequestTooLong(1048576, total)
	}
	var contents [10]content // checked before the queue lock
	for i, en := range in.Entries {
		contents[i] = checkContent(en.MessageBody, en.MessageAttributes)
	}
	out := &sqs.SendMessageBatchOutput{Successful: make([]types.SendMessageBatchResultEntry, 0, len(in.Entries)), Failed: []types.BatchResultErrorEntry{}}
	var strs []string // the strings the successful entries point to
	now := e.now()
	call := e.callOf(ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(now)
	var prepared [10]*message
	for i, en := range in.Entries {
		req := sendRequest{body: en.MessageBody, attrs: en.MessageAttributes, sysAttrs: en.MessageSystemAttributes,
			groupID: en.MessageGroupId, dedupID: en.MessageDeduplicationId, batch: true, operation: "SendMessageBatch",
			trace: reqctx.TraceHeader(ctx), faultsOff: callFaults(ctx).Off, content: contents[i]}
		if en.DelaySeconds != 0 || reqctx.Explicit(ctx, "Entries."+aws.ToString(en.Id)+".DelaySeconds") {
			req.delay = &in.Entries[i].DelaySeconds
		}
		m, err := q.prepare(req, now)
		if err != nil {
			// FIFO entries missing their group or deduplication id fail the whole request.
			if q.fifo && (en.MessageGroupId == nil || (en.MessageDeduplicationId == nil && !q.attrs.contentDedup)) {
				return nil, err
			}
			out.Failed = append(out.Failed, failedEntry(en.Id, err))
			continue
		}
		prepared[i] = m
	}
	for i, m := range prepared[:len(in.Entries)] {
		if m == nil {
			continue
		}
		id := in.Entries[i].Id
		act := e.fault(callFaults(ctx).Off, q, aws.ToString(in.QueueUrl), "SendMessageBatch", m, aws.ToString(id), "", false)
		if act.Err != nil {
			if e.tracing() { // the fault failed the entry: the fault is the event
				e.emitFaults(q, call, act, now, "", "", aws.ToString(id))
			}
			out.Failed = append(out.Failed, failedEntry(id, act.Err))
			continue
		}
		m.visibleAt = m.visibleAt.add(act.ExtraDelay)
		res, err := q.store(m, now)
		if err != nil {
			out.Failed = append(out.Failed, failedEntry(id, err))
			continue
		}
		if e.tracing() {
			q.traceSend(call, m, res, act, now, aws.ToString(id))
		}
		if strs == nil {
			strs = make([]string, 5*len(in.Entries))
		}
		s := strs[5*i : 5*i+5 : 5*i+5]
		s[0], s[1], s[2], s[3], s[4] = res.id, res.md5Body, res.md5Attrs, res.md5Sys, res.seqNumber
		out.Successful = append(out.Successful, types.SendMessageBatchResultEntry{
			Id: id, MessageId: &s[0], MD5OfMessageBody: &s[1],
			MD5OfMessageAttributes: optionalIn(&s[2]), MD5OfMessageSystemAttributes: optionalIn(&s[3]),
			SequenceNumber: optionalIn(&s[4]),
		})
	}
	return out, nil
}

// failedEntry reports a batch entry's error as SQS does in Failed.
func failedEntry(id *string, err error) types.BatchResultErrorEntry {
	e, ok := err.(*sqserr.Error)
	if !ok {
		e = sqserr.InternalError()
	}
	return types.BatchResultErrorEntry{Id: id, Code: aws.String(e.Code), Message: aws.String(e.Message), SenderFault: !e.Server}
}

// checkBatch applies the request-level batch rules: 1..10 entries, valid and distinct ids.
func checkBatch(entryName string, ids []*string) error {
	if len(ids) == 0 {
		return sqserr.EmptyBatchRequest(entryName)
	}
	if len(ids) > 10 {
		return sqserr.TooManyEntriesInBatchRequest(len(ids))
	}
	for i, p := range ids {
		id := aws.ToString(p)
		if !validBatchID(id) {
			return sqserr.InvalidBatchEntryID()
		}
		for _, q := range ids[:i] { // at most 10 ids: a scan costs less than a set
			if aws.ToString(q) == id {
				return sqserr.BatchEntryIdsNotDistinct(id)
			}
		}
	}
	return nil
}

func validBatchID(id string) bool {
	if len(id) < 1 || len(id) > 80 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// copyAttributes deep-copies message attributes, so neither the caller's input nor a receiver's
// output shares memory with the stored message.
func copyAttributes(attrs map[string]types.MessageAttributeValue) map[string]types.MessageAttributeValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]types.MessageAttributeValue, len(attrs))
	for k, v := range attrs {
		c := types.MessageAttributeValue{DataType: v.DataType, StringValue: v.StringValue}
		if v.BinaryValue != nil {
			c.BinaryValue = append([]byte(nil), v.BinaryValue...)
		}
		out[k] = c
	}
	return out
}
