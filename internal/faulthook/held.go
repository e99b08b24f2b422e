package faulthook

// Held returns how many messages the client placements (SDK middleware) of plan, a *faults.Plan,
// hold back for a later receive from queueURL: duplicate and delayed deliveries no receive has
// returned yet. The harness waits for them before it calls a consumer's run settled. Package
// faults sets it when it is initialised.
var Held func(plan any, queueURL string) int
