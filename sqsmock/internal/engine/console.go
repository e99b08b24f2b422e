package engine

import (
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// DeleteByID deletes one message by its id, for the live console: SQS has no such call (a delete
// needs the receipt handle of a receive), so this is DeleteMessage's effect on the message, in
// any state, outside the fault plan. It reports whether the message was there; a queue that does
// not exist is QueueDoesNotExist.
func (e *Engine) DeleteByID(queueURL, messageID string) (bool, error) {
	q, err := e.lookup(&queueURL)
	if err != nil {
		return false, err
	}
	if messageID == "" {
		return false, sqserr.MissingParameter("MessageId")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(e.now())
	m := q.byID[messageID]
	if m == nil {
		return false, nil
	}
	q.remove(m)
	if e.tracing() {
		e.emit(Event{Kind: EventDeleted, Time: e.now(), Queue: q.name, MessageID: m.id, GroupID: m.groupID,
			ReceiveCount: m.receiveCount, Detail: "deleted by id from the live console"})
	}
	if q.fifo {
		q.wake() // the group's next message may now be receivable
	}
	return true, nil
}
