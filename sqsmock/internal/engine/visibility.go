package engine

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// maxVisibility is the 12-hour ceiling on a message's visibility timeout since its receive.
const maxVisibility = 12 * time.Hour

// sealReceipt writes the core of the receipt handle of message id's receive nonce (receipt.go).
// Caller holds q.mu.
func (q *queue) sealReceipt(core *[receiptCoreLen]byte, id string, nonce uint64) {
	b, _ := uuidBytes(id) // every message id the engine gives is a UUID
	q.e.receipts.seal(&q.scratch, core, q.tag, nonce, b)
}

// handleOf returns the receipt handle of message id's receive nonce. Caller holds q.mu.
func (q *queue) handleOf(id string, nonce uint64) string {
	var core [receiptCoreLen]byte
	q.sealReceipt(&core, id, nonce)
	var buf [receiptMaxLen]byte
	return string(q.e.receipts.appendHandle(buf[:0], &core))
}

// openReceipt reads a receipt handle: the queue tag, message id and receive nonce it was issued
// for; ok is false for anything this engine did not issue. Caller holds q.mu.
func (q *queue) openReceipt(h string) (tag uint64, id [16]byte, nonce uint64, ok bool) {
	var core [receiptCoreLen]byte
	if !q.e.receipts.readCore(h, &core) {
		return 0, id, 0, false
	}
	tag, nonce, id, ok = q.e.receipts.open(&q.scratch, &core)
	if !ok || nonce == 0 {
		return 0, id, 0, false
	}
	return tag, id, nonce, true
}

// issuedReceipt is a receipt handle the queue issued, and what it encodes.
type issuedReceipt struct {
	handle, id string
	nonce      uint64
}

// issue remembers a receipt handle just issued for m, so that findReceipt knows it when it comes
// back without opening it. Caller holds q.mu.
func (q *queue) issue(handle string, m *message) {
	q.issued[q.issuedNext] = issuedReceipt{handle: handle, id: m.id, nonce: m.receipt}
	q.issuedNext = (q.issuedNext + 1) % len(q.issued)
}

// findReceipt resolves a receipt handle to its message and the receive nonce it was issued for.
// When the message is gone, m is nil and id holds the message id's bytes. Caller holds q.mu.
func (q *queue) findReceipt(h string) (m *message, nonce uint64, id [16]byte, err error) {
	for _, r := range q.issued { // what openReceipt would read from it
		if r.handle == h && h != "" {
			if m = q.byID[r.id]; m == nil {
				id, _ = uuidBytes(r.id)
			}
			return m, r.nonce, id, nil
		}
	}
	tag, id, nonce, ok := q.openReceipt(h)
	if !ok {
		return nil, 0, id, sqserr.ReceiptHandleIsInvalid(h)
	}
	if tag != q.tag {
		return nil, 0, id, sqserr.ReceiptHandleOfOtherQueue(h)
	}
	var text [36]byte
	formatUUIDTo(text[:], id)
	return q.byID[string(text[:])], nonce, id, nil
}

// Why a receipt handle SQS issued no longer applies, in SQS's words.
const (
	reasonExpired = "The receipt handle has expired"
	reasonGone    = "Message does not exist or is not available for visibility timeout change"
)

// staleReceipt is the error for receipt handle h, which SQS issued but which no longer applies.
// A single call answers InvalidParameterValue, "Value <h> for parameter ReceiptHandle is invalid.
// Reason: <reason>." (test_fifo_delete_after_visibility_timeout,
// test_change_visibility_on_deleted_message_raises_invalid_parameter_value); a batch entry answers
// ReceiptHandleIsInvalid with the reason alone, without the period: recorded on AWS (us-east-2,
// 2026) for ChangeMessageVisibilityBatch entries of deleted messages by Go CDK's pubsub conformance
// test TestDoubleAck, and reported for DeleteMessageBatch entries with expired FIFO handles
// (github.com/smaskalik/sqsmover issue 54).
func staleReceipt(h, reason string, batch bool) error {
	if batch {
		return sqserr.ReceiptHandleIsInvalidMsg(reason)
	}
	return sqserr.InvalidParameterValueFor(h, "ReceiptHandle", reason+".")
}

// DeleteMessage deletes the message a receipt handle refers to. Deleting a message that is
// already gone succeeds. On a FIFO queue the handle must be the current one of an in-flight
// message, and one that expired (its visibility timeout ended, or a later receive superseded it)
// stays expired after the message is gone (spentExpired).
func (e *Engine) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput) (*sqs.DeleteMessageOutput, error) {
	url := aws.ToString(in.QueueUrl)
	err := e.withReceipt(in.QueueUrl, in.ReceiptHandle, func(q *queue, h string, now time.Time) error {
		return q.deleteReceipt(h, now, callFaults(ctx).Off, e.callOf(ctx), url, "")
	})
	if err != nil {
		return nil, err
	}
	return &sqs.DeleteMessageOutput{}, nil
}

// withReceipt runs a call on one receipt handle (DeleteMessage, ChangeMessageVisibility): it finds
// the queue, requires the handle and runs step under the queue's lock.
func (e *Engine) withReceipt(queueURL, handle *string, step func(q *queue, h string, now time.Time) error) error {
	q, err := e.lookup(queueURL)
	if err != nil {
		return err
	}
	if handle == nil {
		return sqserr.MissingParameter("ReceiptHandle")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return step(q, *handle, e.now())
}

// deleteReceipt is DeleteMessage's effect, for the whole call or one batch entry (entryID is ""
// for the call; batch entry ids are never empty). Caller holds q.mu.
func (q *queue) deleteReceipt(h string, now time.Time, off bool, c Call, url, entryID string) error {
	op := "DeleteMessage"
	if entryID != "" {
		op = "DeleteMessageBatch"
	}
	q.advance(now)
	m, nonce, id, err := q.findReceipt(h)
	if err != nil {
		return err
	}
	if m == nil { // deleted (with this handle or a later one), expired, purged or moved
		if q.fifo && q.spentExpired(id, nonce) {
			return staleReceipt(h, reasonExpired, entryID != "")
		}
		return nil
	}
	if q.fifo && (m.state != stateInflight || m.receipt != nonce) {
		return staleReceipt(h, reasonExpired, entryID != "")
	}
	// A later receive (or a duplicate delivery) issued a newer handle: AWS may then report
	// success without deleting, which a stale-handle-delete rule makes happen.
	act := q.e.fault(off, q, url, op, m, entryID, h, m.receipt != nonce)
	tracing := q.e.tracing()
	if tracing {
		q.e.emitFaults(q, c, act, now, m.id, h, entryID)
	}
	if act.Err != nil {
		return act.Err
	}
	if act.LostDelete {
		return nil
	}
	q.remove(m)
	if tracing {
		q.e.emit(Event{Kind: EventDeleted, Time: now, Queue: q.name, Call: c, MessageID: m.id, GroupID: m.groupID,
			ReceiptHandle: h, ReceiveCount: m.receiveCount})
	}
	if q.fifo {
		q.wake() // the group's next message may now be receivable
	}
	return nil
}

// DeleteMessageBatch deletes up to 10 messages; each entry succeeds or fails on its own.
func (e *Engine) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput) (*sqs.DeleteMessageBatchOutput, error) {
	url, call := aws.ToString(in.QueueUrl), e.callOf(ctx)
	var okBuf [10]*string
	ok, failed, err := eachEntry(e, in.QueueUrl, "DeleteMessageBatchRequestEntry", in.Entries,
		func(en types.DeleteMessageBatchRequestEntry) (*string, *string) { return en.Id, en.ReceiptHandle },
		func(q *queue, en types.DeleteMessageBatchRequestEntry, now time.Time) error {
			return q.deleteReceipt(*en.ReceiptHandle, now, callFaults(ctx).Off, call, url, aws.ToString(en.Id))
		}, okBuf[:0])
	if err != nil {
		return nil, err
	}
	out := &sqs.DeleteMessageBatchOutput{Successful: make([]types.DeleteMessageBatchResultEntry, len(ok)), Failed: failed}
	for i, id := range ok {
		out.Successful[i].Id = id
	}
	return out, nil
}

// eachEntry runs a receipt-handle batch: the request-level rules, then each entry under the
// queue's lock (an entry without a receipt handle fails with MissingParameter). It appends the
// ids of the entries whose step succeeded to ok, in order, and returns them and the Failed list
// for the others.
func eachEntry[E any](e *Engine, queueURL *string, entryName string, entries []E, parts func(E) (id, handle *string),
	step func(q *queue, en E, now time.Time) error, ok []*string) ([]*string, []types.BatchResultErrorEntry, error) {
	q, err := e.lookup(queueURL)
	if err != nil {
		return nil, nil, err
	}
	var idBuf [10]*string // a valid batch has at most 10 entries: no allocation
	ids := idBuf[:0]
	for _, en := range entries {
		id, _ := parts(en)
		ids = append(ids, id)
	}
	if err := checkBatch(entryName, ids); err != nil {
		return nil, nil, err
	}
	failed := []types.BatchResultErrorEntry{}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := e.now()
	for i, en := range entries {
		var err error
		if _, handle := parts(en); handle != nil {
			err = step(q, en, now)
		} else {
			err = sqserr.MissingParameter("ReceiptHandle")
		}
		if err != nil {
			failed = append(failed, failedEntry(ids[i], err))
			continue
		}
		ok = append(ok, ids[i])
	}
	return ok, failed, nil
}

// ChangeMessageVisibility sets the remaining visibility timeout of a received message.
func (e *Engine) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput) (*sqs.ChangeMessageVisibilityOutput, error) {
	url := aws.ToString(in.QueueUrl)
	err := e.withReceipt(in.QueueUrl, in.ReceiptHandle, func(q *queue, h string, now time.Time) error {
		return q.changeReceipt(h, in.VisibilityTimeout, now, callFaults(ctx).Off, e.callOf(ctx), url, "")
	})
	if err != nil {
		return nil, err
	}
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

// changeReceipt is ChangeMessageVisibility's effect, for the whole call or one batch entry
// (entryID is "" for the call; batch entry ids are never empty). Caller holds q.mu.
func (q *queue) changeReceipt(h string, timeout int32, now time.Time, off bool, c Call, url, entryID string) error {
	op := "ChangeMessageVisibility"
	if entryID != "" {
		op = "ChangeMessageVisibilityBatch"
	}
	if timeout < 0 || timeout > 43200 {
		return sqserr.InvalidParameterValueFor(timeout, "VisibilityTimeout", "VisibilityTimeout must be an integer between 0 and 43200.")
	}
	q.advance(now)
	m, nonce, _, err := q.findReceipt(h)
	if err != nil {
		return err
	}
	batch := entryID != ""
	if m == nil { // deleted, expired, purged or moved: not MessageNotInflight
		return staleReceipt(h, reasonGone, batch)
	}
	if m.state == stateDelayed || m.receipt == 0 {
		return sqserr.MessageNotInflight()
	}
	if q.fifo && (m.state != stateInflight || m.receipt != nonce) {
		return staleReceipt(h, reasonExpired, batch)
	}
	d := time.Duration(timeout) * time.Second
	if m.state == stateInflight && time.Duration(stampOf(now.Add(d))-m.receivedAt) > maxVisibility {
		return sqserr.InvalidParameterValueFor(timeout, "VisibilityTimeout", "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
	}
	act := q.e.fault(off, q, url, op, m, entryID, h, false)
	tracing := q.e.tracing()
	if tracing {
		q.e.emitFaults(q, c, act, now, m.id, h, entryID)
	}
	if act.Err != nil {
		return act.Err
	}
	if d > 0 {
		d += act.ExtraDelay
	}
	if m.state == stateReady {
		m.receivedAt = stampOf(now)
	}
	m.visChanged = true
	wasInflight := m.state == stateInflight
	q.changeVisibility(m, now, now.Add(d))
	if tracing {
		q.e.emit(Event{Kind: EventVisibility, Time: now, Queue: q.name, Call: c, MessageID: m.id, GroupID: m.groupID,
			ReceiptHandle: h, ReceiveCount: m.receiveCount, VisibleAt: now.Add(d)})
		if d <= 0 && wasInflight { // visible again at once
			q.e.emit(Event{Kind: EventVisible, Time: now, Queue: q.name, Call: c, MessageID: m.id, GroupID: m.groupID,
				ReceiveCount: m.receiveCount, Detail: "visibility timeout set to 0"})
		}
	}
	return nil
}

// ChangeMessageVisibilityBatch changes up to 10 visibility timeouts; each entry on its own.
func (e *Engine) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	url, call := aws.ToString(in.QueueUrl), e.callOf(ctx)
	var okBuf [10]*string
	ok, failed, err := eachEntry(e, in.QueueUrl, "ChangeMessageVisibilityBatchRequestEntry", in.Entries,
		func(en types.ChangeMessageVisibilityBatchRequestEntry) (*string, *string) {
			return en.Id, en.ReceiptHandle
		},
		func(q *queue, en types.ChangeMessageVisibilityBatchRequestEntry, now time.Time) error {
			return q.changeReceipt(*en.ReceiptHandle, en.VisibilityTimeout, now, callFaults(ctx).Off, call, url, aws.ToString(en.Id))
		}, okBuf[:0])
	if err != nil {
		return nil, err
	}
	out := &sqs.ChangeMessageVisibilityBatchOutput{Successful: make([]types.ChangeMessageVisibilityBatchResultEntry, len(ok)), Failed: failed}
	for i, id := range ok {
		out.Successful[i].Id = id
	}
	return out, nil
}
