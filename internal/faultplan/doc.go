// Package faultplan is the logic of a fault plan, and the one place that connects a plan to
// sqsmock's engine: rules and their validation per kind and placement, the seeded decisions
// (Plan.Decide per operation, Plan.DecideMessage per message, which the engine calls), the
// client placement (SDK middleware, NewMiddleware) and the plan file form (Parse, Plan.String).
//
// The public package faults is a thin wrapper: faults.Plan is declared as "type Plan
// faultplan.Plan", so sqsmock and the harness reach a user's plan with a plain conversion,
// (*faultplan.Plan)(p), checked by the compiler: no registration, no init() hook, no exported
// accessor. faults.Rule wraps a Rule. Nothing here is part of the module's public API.
package faultplan

// CallID is the ID of the Initialize-step middleware the client placement adds, so that other
// packages of the module can tell whether client options carry a plan.
const CallID = "faults.Call"
