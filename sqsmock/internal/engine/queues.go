package engine

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

const deletedRecently = 60 * time.Second

func validQueueName(name string, fifo bool) bool {
	base := name
	if fifo {
		if !strings.HasSuffix(name, ".fifo") {
			return false
		}
		base = strings.TrimSuffix(name, ".fifo")
	}
	if len(name) < 1 || len(name) > 80 || base == "" {
		return false
	}
	for _, c := range base {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CreateQueue creates a queue, or returns the existing one when every given attribute matches.
func (e *Engine) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput) (*sqs.CreateQueueOutput, error) {
	if in.QueueName == nil {
		return nil, sqserr.MissingParameter("QueueName")
	}
	name := *in.QueueName
	fifo := false
	if v, ok := in.Attributes["FifoQueue"]; ok {
		b, valid := parseBoolAttr(v)
		if !valid {
			return nil, sqserr.InvalidAttributeValue("FifoQueue", "")
		}
		fifo = b
	}
	if !validQueueName(name, fifo) {
		if fifo {
			return nil, sqserr.InvalidParameterValue("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return nil, sqserr.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	now := e.now()
	if existing := e.queueNamed(name); existing != nil {
		existing.mu.Lock()
		attr, same := existing.compareForCreate(in.Attributes)
		existing.mu.Unlock()
		if !same {
			return nil, sqserr.QueueNameExists(attr)
		}
		return &sqs.CreateQueueOutput{QueueUrl: aws.String(e.queueURL(ctx, name))}, nil
	}
	attrs, err := e.applyAttrs(defaultAttrs(fifo), in.Attributes, fifo, true, e.arn(name))
	if err != nil {
		return nil, err
	}
	q := newQueue(e, name, fifo, attrs, now)
	for k, v := range in.Tags {
		q.tags[k] = v
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.deleted.recent(name, now) {
		return nil, sqserr.QueueDeletedRecently()
	}
	if existing := e.queues[name]; existing != nil { // lost a race with an identical create
		return &sqs.CreateQueueOutput{QueueUrl: aws.String(e.queueURL(ctx, name))}, nil
	}
	if !e.reserveQueue() {
		return nil, sqserr.OverLimit("You have reached the limit of %d queues for this mock.", e.cfg.MaxQueues)
	}
	e.queues[name] = q
	if e.tracing() {
		e.emit(Event{Kind: EventQueueCreated, Time: now, Queue: name, Call: e.callOf(ctx)})
	}
	return &sqs.CreateQueueOutput{QueueUrl: aws.String(e.queueURL(ctx, name))}, nil
}

func (e *Engine) queueNamed(name string) *queue {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.queues[name]
}

// DeleteQueue deletes a queue and its messages; long polls on it return.
func (e *Engine) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput) (*sqs.DeleteQueueOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if e.queues[q.name] != q {
		e.mu.Unlock()
		return nil, sqserr.QueueDoesNotExist()
	}
	delete(e.queues, q.name)
	e.count.Add(-1)
	e.deleted.add(q.name, e.now())
	e.mu.Unlock()
	q.close()
	q.mu.Lock()
	n := q.purge()
	if e.tracing() {
		e.emit(Event{Kind: EventQueueDeleted, Time: e.now(), Queue: q.name, Call: e.callOf(ctx), Count: n})
	}
	q.mu.Unlock()
	return &sqs.DeleteQueueOutput{}, nil
}

// GetQueueUrl returns the URL of a queue by name.
func (e *Engine) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput) (*sqs.GetQueueUrlOutput, error) {
	if in.QueueName == nil {
		return nil, sqserr.MissingParameter("QueueName")
	}
	if in.QueueOwnerAWSAccountId != nil && *in.QueueOwnerAWSAccountId != e.cfg.AccountID {
		return nil, sqserr.QueueDoesNotExist()
	}
	if e.queueNamed(*in.QueueName) == nil {
		return nil, sqserr.QueueDoesNotExist()
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String(e.queueURL(ctx, *in.QueueName))}, nil
}

// ListQueues lists queue URLs by name prefix, paged by MaxResults and NextToken.
func (e *Engine) ListQueues(ctx context.Context, in *sqs.ListQueuesInput) (*sqs.ListQueuesOutput, error) {
	prefix := aws.ToString(in.QueueNamePrefix)
	names := e.QueueNames()
	start := 0
	if in.NextToken != nil {
		raw, err := base64.StdEncoding.DecodeString(*in.NextToken)
		if err != nil || len(raw) == 0 {
			return nil, sqserr.InvalidParameterValue("Invalid NextToken value.")
		}
		start = sort.SearchStrings(names, string(raw)+"\x00")
	}
	limit := 1000
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			return nil, sqserr.InvalidParameterValueFor(*in.MaxResults, "MaxResults", "MaxResults must be an integer between 1 and 1000.")
		}
		limit = int(*in.MaxResults)
	}
	out := &sqs.ListQueuesOutput{}
	for i := start; i < len(names); i++ {
		if !strings.HasPrefix(names[i], prefix) {
			continue
		}
		if len(out.QueueUrls) == limit {
			if in.MaxResults != nil { // more remain: the token is the last name returned
				out.NextToken = aws.String(base64.StdEncoding.EncodeToString([]byte(lastName(out.QueueUrls))))
			}
			break
		}
		out.QueueUrls = append(out.QueueUrls, e.queueURL(ctx, names[i]))
	}
	return out, nil
}

// GetQueueAttributes reports the named attributes ("All" for every one).
func (e *Engine) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput) (*sqs.GetQueueAttributesOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	all := false
	for _, n := range in.AttributeNames {
		if !allQueueAttributeNames[string(n)] {
			return nil, sqserr.UnknownAttribute(string(n))
		}
		all = all || n == types.QueueAttributeNameAll
	}
	q.mu.Lock()
	q.advance(e.now())
	m := q.attrMap()
	q.mu.Unlock()
	out := &sqs.GetQueueAttributesOutput{}
	if len(in.AttributeNames) == 0 {
		return out, nil
	}
	if all {
		out.Attributes = m
		return out, nil
	}
	out.Attributes = map[string]string{}
	for _, n := range in.AttributeNames {
		if v, ok := m[string(n)]; ok {
			out.Attributes[string(n)] = v
		}
	}
	return out, nil
}

// SetQueueAttributes changes attributes; all are validated before any is applied.
func (e *Engine) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput) (*sqs.SetQueueAttributesOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if in.Attributes == nil {
		return nil, sqserr.MissingParameter("Attributes")
	}
	// The new attributes are worked out without the queue's lock (a redrive policy may name the
	// queue itself, whose lock resolving it takes) and applied only if no other change came in
	// between; otherwise they are worked out again, so no concurrent change is lost.
	for {
		q.mu.Lock()
		cur, version := q.attrs, q.attrsVersion
		q.mu.Unlock()
		next, err := e.applyAttrs(cur, in.Attributes, q.fifo, false, q.arn)
		if err != nil {
			return nil, err
		}
		q.mu.Lock()
		if q.attrsVersion != version {
			q.mu.Unlock()
			continue
		}
		now := e.now()
		q.advance(now)
		redelay := q.fifo && q.attrs.delay != next.delay
		if q.fifo && next.dedupScope != q.attrs.dedupScope {
			q.scheduleScope(next.dedupScope, now)
		}
		q.setAttrs(next, now)
		if e.tracing() {
			e.emit(Event{Kind: EventQueueAttributes, Time: now, Queue: q.name, Call: e.callOf(ctx), Detail: attrNames(in.Attributes)})
		}
		if redelay {
			q.redelay(now)
		}
		q.mu.Unlock()
		return &sqs.SetQueueAttributesOutput{}, nil
	}
}

// PurgeQueue deletes every message; a second purge within 60 seconds fails.
func (e *Engine) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput) (*sqs.PurgeQueueOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	now := e.now()
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.purgeAt.IsZero() && now.Sub(q.purgeAt) < 60*time.Second {
		return nil, sqserr.PurgeQueueInProgress(q.name)
	}
	q.purgeAt = now
	n := q.purge()
	if e.tracing() {
		e.emit(Event{Kind: EventQueuePurged, Time: now, Queue: q.name, Call: e.callOf(ctx), Count: n})
	}
	return &sqs.PurgeQueueOutput{}, nil
}

// ListDeadLetterSourceQueues lists the queues whose RedrivePolicy names this queue.
func (e *Engine) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	dlq, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	limit := 1000
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			return nil, sqserr.InvalidParameterValueFor(*in.MaxResults, "MaxResults", "MaxResults must be an integer between 1 and 1000.")
		}
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != nil {
		raw, err := base64.StdEncoding.DecodeString(*in.NextToken)
		if err != nil || len(raw) == 0 {
			return nil, sqserr.InvalidParameterValue("Invalid NextToken value.")
		}
		after = string(raw)
	}
	out := &sqs.ListDeadLetterSourceQueuesOutput{QueueUrls: []string{}}
	for _, name := range e.QueueNames() {
		if name <= after {
			continue
		}
		q := e.queueNamed(name)
		if q == nil {
			continue
		}
		q.mu.Lock()
		target := q.attrs.dlqArn
		q.mu.Unlock()
		if target != dlq.arn {
			continue
		}
		if len(out.QueueUrls) == limit {
			if in.MaxResults != nil {
				out.NextToken = aws.String(base64.StdEncoding.EncodeToString([]byte(lastName(out.QueueUrls))))
			}
			break
		}
		out.QueueUrls = append(out.QueueUrls, e.queueURL(ctx, name))
	}
	return out, nil
}

// lastName is the name of the last queue in urls, where a page of ListQueues ends.
func lastName(urls []string) string { return queueurl.Name(urls[len(urls)-1]) }

// validateTags checks tag counts and lengths as SQS does. Lengths are in Unicode characters
// (Developer Guide, "Quotas related to queues": 128 for a key, 256 for a value), not bytes.
func validateTags(tags map[string]string) error {
	if len(tags) > 50 {
		return sqserr.InvalidParameterValue("Too many tags added for queue. Maximum number of tags per queue is 50.")
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			return sqserr.InvalidParameterValue("Tag keys must be between 1 and 128 characters in length.")
		}
		if utf8.RuneCountInString(v) > 256 {
			return sqserr.InvalidParameterValue("Tag values must be between 0 and 256 characters in length.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return sqserr.InvalidParameterValue("Tag keys cannot start with the reserved prefix aws:.")
		}
	}
	return nil
}

// TagQueue adds or replaces tags.
func (e *Engine) TagQueue(ctx context.Context, in *sqs.TagQueueInput) (*sqs.TagQueueOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, sqserr.MissingParameter("Tags")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	merged := len(q.tags)
	for k := range in.Tags {
		if _, ok := q.tags[k]; !ok {
			merged++
		}
	}
	if merged > 50 {
		return nil, sqserr.InvalidParameterValue("Too many tags added for queue %s.", q.name)
	}
	for k, v := range in.Tags {
		q.tags[k] = v
	}
	if e.tracing() {
		e.emit(Event{Kind: EventQueueTagged, Time: e.now(), Queue: q.name, Call: e.callOf(ctx), Detail: attrNames(in.Tags)})
	}
	return &sqs.TagQueueOutput{}, nil
}

// UntagQueue removes tags by key; unknown keys are ignored.
func (e *Engine) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput) (*sqs.UntagQueueOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, sqserr.MissingParameter("TagKeys")
	}
	q.mu.Lock()
	for _, k := range in.TagKeys {
		delete(q.tags, k)
	}
	if e.tracing() {
		keys := slices.Clone(in.TagKeys)
		slices.Sort(keys)
		e.emit(Event{Kind: EventQueueUntagged, Time: e.now(), Queue: q.name, Call: e.callOf(ctx),
			Detail: strings.Join(slices.Compact(keys), ",")})
	}
	q.mu.Unlock()
	return &sqs.UntagQueueOutput{}, nil
}

// ListQueueTags reports a queue's tags.
func (e *Engine) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput) (*sqs.ListQueueTagsOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.ListQueueTagsOutput{}
	if len(q.tags) > 0 {
		out.Tags = make(map[string]string, len(q.tags))
		for k, v := range q.tags {
			out.Tags[k] = v
		}
	}
	return out, nil
}

// attrNames lists the names of the attributes (or the keys of the tags) given, sorted, for the trace.
func attrNames(attrs map[string]string) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
