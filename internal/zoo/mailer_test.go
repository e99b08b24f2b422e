package zoo

import (
	"testing"

	"github.com/sqsharness/sqsharness/faults"
)

// The Mailer's bug, sending without deduplication, is exposed by any second delivery of an
// email: a duplicate delivery, a lost delete, or a producer's send applied twice.
var (
	mailerDuplicate  = []faults.Rule{faults.DuplicateDelivery(0).Times(1)}
	mailerLostDelete = []faults.Rule{faults.LostDelete().Times(1)}
	mailerResend     = []faults.Rule{faults.ResetAfterApply().On("SendMessageBatch").Times(1)}
)

func TestMailerCorrect(t *testing.T) {
	survives(t, MailerScenario(false), map[string][]faults.Rule{
		"duplicate": mailerDuplicate, "lost delete": mailerLostDelete, "retried send": mailerResend})
}

// Plan: one duplicate delivery (duplicate-delivery, times 1). Fails 20/20.
func TestMailerBugDuplicate(t *testing.T) {
	fails(t, `email welcome/u-\d+ sent 2 times`, MailerScenario(true), mailerDuplicate...)
}

// Plan: one lost delete (lost-delete, times 1). Fails 20/20.
func TestMailerBugLostDelete(t *testing.T) {
	fails(t, `email welcome/u-\d+ sent 2 times`, MailerScenario(true), mailerLostDelete...)
}

// Plan: the producer's first SendMessageBatch is applied, then its connection reset, and the
// SDK sends it again (reset-after-apply on SendMessageBatch, times 1): ten emails published
// twice. Fails 20/20.
func TestMailerBugRetriedSend(t *testing.T) {
	fails(t, `email welcome/u-\d+ sent 2 times`, MailerScenario(true), mailerResend...)
}
