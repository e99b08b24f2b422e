// Package faultsmw names the SDK middleware of a fault plan's client placement, so that other
// packages of the module can tell whether client options carry a plan.
package faultsmw

// CallID is the ID of the Initialize-step middleware that faults.WithPlan adds.
const CallID = "faults.Call"
