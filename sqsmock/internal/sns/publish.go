package sns

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/internal/jsonstr"
	"github.com/sqsharness/sqsharness/internal/snsfilter"
)

// maxMessage is SNS's limit on a message with its attributes: 256 KiB.
const maxMessage = 262144

// dedupWindow is how long a FIFO topic remembers a deduplication id.
const dedupWindow = 5 * time.Minute

// message is one validated publish, entry of a batch or not.
type message struct {
	op, entry                              string // Publish or PublishBatch; the entry's id
	body, subject, structure, group, dedup string
	attrs                                  map[string]types.MessageAttributeValue
	trace                                  string
}

// Publish publishes a message to a topic and delivers it to every subscription whose filter
// policy it matches, before it returns.
func (s *Service) Publish(ctx context.Context, who Caller, in *sns.PublishInput) (*sns.PublishOutput, error) {
	target := aws.ToString(in.TopicArn)
	parameter := "TopicArn"
	switch {
	case in.PhoneNumber != nil:
		return nil, invalidParameter("Invalid parameter: PhoneNumber Reason: sqsmock's SNS does not send SMS")
	case target == "" && in.TargetArn != nil:
		target, parameter = aws.ToString(in.TargetArn), "TargetArn"
	}
	m := message{op: "Publish", body: aws.ToString(in.Message), subject: aws.ToString(in.Subject), structure: aws.ToString(in.MessageStructure),
		group: aws.ToString(in.MessageGroupId), dedup: aws.ToString(in.MessageDeduplicationId), attrs: in.MessageAttributes}
	if in.Subject != nil && !validSubject(m.subject) {
		return nil, invalidParameter("Invalid parameter: Subject")
	}
	if err := checkMessage(&m, "messageAttributes"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	t, err := s.lookupTopic(who, parameter, target, "Publish")
	if err != nil {
		s.mu.Unlock()
		if parameter == "TargetArn" && isNotFound(err) {
			return nil, invalidParameter("Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified")
		}
		return nil, err
	}
	if err := t.checkFIFO(&m); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	id, seq, deliveries, dup := s.accept(t, m)
	unlock := t.holdOrder()
	s.mu.Unlock()
	if !dup {
		s.deliver(ctx, deliveries)
	}
	unlock()
	out := &sns.PublishOutput{MessageId: aws.String(id)}
	if seq != "" {
		out.SequenceNumber = aws.String(seq)
	}
	return out, nil
}

// PublishBatch publishes up to 10 messages; an entry that fails does not stop the others.
func (s *Service) PublishBatch(ctx context.Context, who Caller, in *sns.PublishBatchInput) (*sns.PublishBatchOutput, error) {
	entries := in.PublishBatchRequestEntries
	switch {
	case len(entries) == 0:
		return nil, &Error{400, &types.EmptyBatchRequestException{Message: aws.String("The batch request doesn't contain any entries.")}}
	case len(entries) > 10:
		return nil, &Error{400, &types.TooManyEntriesInBatchRequestException{Message: aws.String("The batch request contains more entries than permissible.")}}
	}
	seen, total := map[string]bool{}, 0
	for _, e := range entries {
		id := aws.ToString(e.Id)
		if seen[id] {
			return nil, &Error{400, &types.BatchEntryIdsNotDistinctException{Message: aws.String("Two or more batch entries in the request have the same Id.")}}
		}
		seen[id] = true
		total += len(aws.ToString(e.Message)) + attributesSize(e.MessageAttributes)
	}
	if total > maxMessage {
		return nil, &Error{400, &types.BatchRequestTooLongException{Message: aws.String("The length of all the messages put together is more than the limit.")}}
	}
	for i, e := range entries {
		m := message{attrs: e.MessageAttributes}
		if err := checkAttributes(&m, fmt.Sprintf("publishBatchRequestEntries.%d.member.messageAttributes", i+1)); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "Publish")
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	for _, e := range entries { // FIFO parameters fail the whole batch, as recorded
		m := message{group: aws.ToString(e.MessageGroupId), dedup: aws.ToString(e.MessageDeduplicationId), body: aws.ToString(e.Message)}
		if err := t.checkFIFO(&m); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	out := &sns.PublishBatchOutput{Successful: []types.PublishBatchResultEntry{}, Failed: []types.BatchResultErrorEntry{}}
	var all []Delivery
	for _, e := range entries {
		m := message{op: "PublishBatch", entry: aws.ToString(e.Id), body: aws.ToString(e.Message), subject: aws.ToString(e.Subject),
			structure: aws.ToString(e.MessageStructure), group: aws.ToString(e.MessageGroupId), dedup: aws.ToString(e.MessageDeduplicationId),
			attrs: e.MessageAttributes}
		err := checkMessage(&m, "")
		if err == nil && e.Subject != nil && !validSubject(m.subject) {
			err = invalidParameter("Invalid parameter: Subject")
		}
		if err == nil {
			err = t.checkFIFO(&m)
		}
		if err != nil {
			api := err.(*Error).API
			if strings.Contains(api.ErrorMessage(), "Message Structure") {
				s.mu.Unlock()
				return nil, err // recorded: a bad MessageStructure fails the whole batch
			}
			out.Failed = append(out.Failed, types.BatchResultErrorEntry{Id: e.Id, Code: aws.String(api.ErrorCode()),
				Message: aws.String(api.ErrorMessage()), SenderFault: true})
			continue
		}
		if fe := s.sink.FailEntry(ctx, t.arn, Entry{ID: m.entry, Message: m.body, Attributes: m.attrs}); fe != nil {
			out.Failed = append(out.Failed, types.BatchResultErrorEntry{Id: e.Id, Code: aws.String(fe.API.ErrorCode()),
				Message: aws.String(fe.API.ErrorMessage()), SenderFault: fe.API.ErrorFault() != smithy.FaultServer})
			continue
		}
		id, seq, deliveries, dup := s.accept(t, m)
		if !dup {
			all = append(all, deliveries...)
		}
		r := types.PublishBatchResultEntry{Id: e.Id, MessageId: aws.String(id)}
		if seq != "" {
			r.SequenceNumber = aws.String(seq)
		}
		out.Successful = append(out.Successful, r)
	}
	unlock := t.holdOrder()
	s.mu.Unlock()
	s.deliver(ctx, all)
	unlock()
	return out, nil
}

// validSubject: 1 to 100 printable ASCII characters, no line break.
func validSubject(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// checkMessage validates a message's body, structure and attributes; field names where the
// attributes are in the request, for a missing data type's ValidationError ("" in a batch,
// which checks the attributes first).
func checkMessage(m *message, field string) error {
	if m.body == "" {
		return invalidParameter("Invalid parameter: Empty message")
	}
	if field != "" {
		if err := checkAttributes(m, field); err != nil {
			return err
		}
	}
	if len(m.body)+attributesSize(m.attrs) > maxMessage {
		return invalidParameter("Invalid parameter: Message too long")
	}
	if !utf8.ValidString(m.body) {
		return invalidParameter("Invalid parameter: Message")
	}
	switch m.structure {
	case "":
	case "json":
		var per map[string]any
		if err := json.Unmarshal([]byte(m.body), &per); err != nil {
			return invalidParameter("Invalid parameter: Message Structure - JSON message body failed to parse")
		}
		d, ok := per["default"].(string)
		if !ok {
			return invalidParameter("Invalid parameter: Message Structure - No default entry in JSON message body")
		}
		if sq, ok := per["sqs"].(string); ok { // the protocol's own message, else the default
			d = sq
		}
		m.body = d
	default:
		return invalidParameter("Invalid parameter: MessageStructure")
	}
	return nil
}

// attributesSize is the attributes' share of the message size: names, types and values.
func attributesSize(attrs map[string]types.MessageAttributeValue) int {
	n := 0
	for k, v := range attrs {
		n += len(k) + len(aws.ToString(v.DataType)) + len(aws.ToString(v.StringValue)) + len(v.BinaryValue)
	}
	return n
}

// checkAttributes validates message attributes as SNS does (recorded messages).
func checkAttributes(m *message, field string) error {
	for name, v := range m.attrs {
		if v.DataType == nil {
			return validationError(fmt.Sprintf("1 validation error detected: Value null at '%s.%s.member.dataType' failed to satisfy constraint: Member must not be null", field, name))
		}
		if err := checkAttributeName(name); err != nil {
			return err
		}
		dt := aws.ToString(v.DataType)
		base, _, _ := strings.Cut(dt, ".")
		switch base {
		case "String", "Number":
			if v.BinaryValue != nil && v.StringValue == nil {
				return parameterValueInvalid("The message attribute '%s' with type '%s' must use field 'String'.", name, base)
			}
			if aws.ToString(v.StringValue) == "" {
				return parameterValueInvalid("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, base)
			}
			if base == "Number" && !isNumber(aws.ToString(v.StringValue)) {
				return parameterValueInvalid("Could not cast message attribute '%s' value to number.", name)
			}
			if dt == "String.Array" && !json.Valid([]byte(aws.ToString(v.StringValue))) {
				return parameterValueInvalid("The message attribute '%s' has an invalid value for message attribute type String.Array.", name)
			}
		case "Binary":
			if v.StringValue != nil && v.BinaryValue == nil {
				return parameterValueInvalid("The message attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
			if len(v.BinaryValue) == 0 {
				return parameterValueInvalid("The message attribute '%s' must contain non-empty message attribute value for message attribute type 'Binary'.", name)
			}
		default:
			return parameterValueInvalid("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
	}
	return nil
}

// checkAttributeName validates an attribute's name (recorded messages).
func checkAttributeName(name string) error {
	if len(name) >= 256 {
		return parameterValueInvalid("Length of message attribute name must be less than 256 bytes.")
	}
	for _, r := range name {
		ok := r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !ok {
			return parameterValueInvalid("Invalid non-alphanumeric character '#x%X' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", r)
		}
	}
	switch {
	case strings.HasPrefix(name, "."):
		return parameterValueInvalid("Invalid message attribute name starting with character '.' was found.")
	case strings.HasSuffix(name, "."):
		return parameterValueInvalid("Invalid message attribute name ending with character '.' was found.")
	case strings.Contains(name, ".."):
		return parameterValueInvalid("Message attribute name can not have successive '.' character.")
	}
	return nil
}

func isNumber(s string) bool {
	var f float64
	_, err := fmt.Sscan(s, &f)
	return err == nil && !strings.ContainsAny(s, " \t")
}

// checkFIFO applies the topic type's rules for the group and deduplication ids (recorded
// messages), filling in a content-based deduplication id. Callers hold s.mu.
func (t *topic) checkFIFO(m *message) error {
	if !t.fifo {
		if m.dedup != "" {
			return invalidParameter("Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		return nil
	}
	if m.group == "" {
		return invalidParameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
	}
	if m.dedup == "" {
		if !strings.EqualFold(t.attrs["ContentBasedDeduplication"], "true") {
			return invalidParameter("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		sum := sha256.Sum256([]byte(m.body))
		m.dedup = hex.EncodeToString(sum[:])
	}
	return nil
}

// accept gives the message its id (and a FIFO topic's sequence number), or finds it a duplicate
// of one published within the deduplication window, and returns the deliveries it makes.
// Callers hold s.mu.
func (s *Service) accept(t *topic, m message) (id, seq string, deliveries []Delivery, dup bool) {
	now := s.now()
	if t.fifo {
		t.forget(now)
		if e, ok := t.dedup[m.dedup]; ok {
			return e.messageID, e.seq, nil, true
		}
	}
	id = s.newID()
	if t.fifo {
		seq = s.nextSequence()
		t.dedup[m.dedup] = dedupEntry{at: now.UnixNano(), messageID: id, seq: seq}
		t.dedupOrder = append(t.dedupOrder, m.dedup)
	}
	deliveries = make([]Delivery, 0, len(t.subs))
	for _, sa := range t.subs {
		sub := s.subs[sa]
		d := Delivery{TopicARN: t.arn, SubscriptionARN: sub.arn, QueueARN: sub.endpoint, GroupID: m.group, TraceHeader: m.trace, DLQ: sub.dlq,
			Operation: m.op, EntryID: m.entry, MessageID: id, FIFO: t.fifo, Message: m.body, MessageAttributes: m.attrs}
		if t.fifo {
			d.DedupID = m.dedup
		}
		if !sub.matches(m) {
			if s.observe != nil {
				s.observe(Outcome{Delivery: d, Filtered: true})
			}
			continue
		}
		if sub.raw {
			d.Body, d.Attributes = m.body, sqsAttributes(m.attrs)
		} else {
			d.Body = envelope(t, sub, m, id, seq, now)
		}
		deliveries = append(deliveries, d)
	}
	return id, seq, deliveries, false
}

// forget drops the deduplication ids older than the window.
func (t *topic) forget(now time.Time) {
	cut := now.Add(-dedupWindow).UnixNano()
	i := 0
	for ; i < len(t.dedupOrder); i++ {
		e, ok := t.dedup[t.dedupOrder[i]]
		if ok && e.at > cut {
			break
		}
		delete(t.dedup, t.dedupOrder[i])
	}
	t.dedupOrder = t.dedupOrder[i:]
}

// matches reports whether the subscription's filter policy lets the message through.
func (sub *subscription) matches(m message) bool {
	if sub.filter == nil {
		return true
	}
	if sub.scope == snsfilter.MessageBody {
		return sub.filter.MatchBody(m.body)
	}
	attrs := make(map[string]snsfilter.Attribute, len(m.attrs))
	for k, v := range m.attrs {
		val := aws.ToString(v.StringValue)
		if v.BinaryValue != nil {
			val = string(v.BinaryValue)
		}
		attrs[k] = snsfilter.Attribute{Type: aws.ToString(v.DataType), Value: val}
	}
	return sub.filter.MatchAttributes(attrs)
}

// sqsAttributes are a raw delivery's SQS message attributes: the SNS attributes, as they are.
func sqsAttributes(attrs map[string]types.MessageAttributeValue) map[string]Attribute {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]Attribute, len(attrs))
	for k, v := range attrs {
		out[k] = Attribute{DataType: aws.ToString(v.DataType), String: aws.ToString(v.StringValue), Binary: v.BinaryValue}
	}
	return out
}

// holdOrder, called with s.mu held, makes a FIFO topic's deliveries wait for the previous
// publish's (which took its sequence numbers first); it returns the release. A standard topic
// promises no order and delivers at once.
func (t *topic) holdOrder() (release func()) {
	if !t.fifo {
		return func() {}
	}
	t.delivering.Lock()
	return t.delivering.Unlock
}

// deliver hands each delivery to the sink, and a failed one to its subscription's dead-letter
// queue when it has one. It does not take s.mu (a FIFO topic's delivering lock is taken under
// it). SNS's retries of a queue that cannot take the message are not modelled: it fails at once.
func (s *Service) deliver(ctx context.Context, deliveries []Delivery) {
	for _, d := range deliveries {
		err := s.sink.Deliver(ctx, d)
		o := Outcome{Delivery: d, Err: err}
		if err != nil && d.DLQ != "" {
			o.DLQ = d.DLQ
			dd := d
			dd.QueueARN = d.DLQ
			o.DLQErr = s.sink.Deliver(ctx, dd)
		}
		if s.observe != nil {
			s.observe(o)
		}
	}
}

// envelope is the JSON document SNS delivers when raw delivery is off, its keys in AWS's order
// (recorded): a FIFO topic's has a SequenceNumber and no signature.
func envelope(t *topic, sub *subscription, m message, id, seq string, now time.Time) string {
	region := strings.Split(t.arn, ":")[3]
	var b bytes.Buffer
	b.WriteString(`{"Type":"Notification","MessageId":`)
	jsonstr.Append(&b, id, false)
	if seq != "" {
		b.WriteString(`,"SequenceNumber":`)
		jsonstr.Append(&b, seq, false)
	}
	b.WriteString(`,"TopicArn":`)
	jsonstr.Append(&b, t.arn, false)
	if m.subject != "" {
		b.WriteString(`,"Subject":`)
		jsonstr.Append(&b, m.subject, false)
	}
	b.WriteString(`,"Message":`)
	jsonstr.Append(&b, m.body, false)
	b.WriteString(`,"Timestamp":`)
	jsonstr.Append(&b, now.UTC().Format("2006-01-02T15:04:05.000Z"), false)
	if !t.fifo {
		version := t.attrs["SignatureVersion"]
		if version == "" {
			version = "1"
		}
		b.WriteString(`,"SignatureVersion":`)
		jsonstr.Append(&b, version, false)
		sum := sha256.Sum256([]byte(id + m.body + t.arn))
		sig := base64.StdEncoding.EncodeToString(append(append(sum[:], sum[:]...), make([]byte, 256-64)...))
		b.WriteString(`,"Signature":`)
		jsonstr.Append(&b, sig, false)
		b.WriteString(`,"SigningCertURL":`)
		jsonstr.Append(&b, "https://sns."+region+".amazonaws.com/SimpleNotificationService-sqsmock.pem", false)
	}
	b.WriteString(`,"UnsubscribeURL":`)
	jsonstr.Append(&b, "https://sns."+region+".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+sub.arn, false)
	if len(m.attrs) > 0 {
		b.WriteString(`,"MessageAttributes":{`)
		first := true
		for _, k := range sortedKeys(m.attrs) {
			v := m.attrs[k]
			if !first {
				b.WriteByte(',')
			}
			first = false
			jsonstr.Append(&b, k, false)
			b.WriteString(`:{"Type":`)
			jsonstr.Append(&b, aws.ToString(v.DataType), false)
			b.WriteString(`,"Value":`)
			if v.BinaryValue != nil {
				jsonstr.Append(&b, base64.StdEncoding.EncodeToString(v.BinaryValue), false)
			} else {
				jsonstr.Append(&b, aws.ToString(v.StringValue), false)
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
