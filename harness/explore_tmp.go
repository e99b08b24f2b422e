package harness

import "github.com/sqsharness/sqsharness/internal/traceview"

// TEMPORARY until i16-check lands.
func (h *H) problems() []string { return nil }

func setFailures(p *traceview.Page, f []string) {}
