// Command fanout publishes orders to an SNS topic on sqsmock and reads the two queues it fans out
// to: billing (created and cancelled orders, in SNS's envelope) and shipping (bare orders created
// in the EU, by raw delivery and a filter policy).
//
//	go run ./examples/fanout
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	ctx := context.Background()
	m := sqsmock.New()
	var t Topology
	if err := t.Setup(ctx, m.Client(), m.SNS()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, o := range Orders() {
		if err := Publish(ctx, m.SNS(), t.Topic, o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	billing, _ := Drain(ctx, m.Client(), t.Billing, BillingOrder)
	shipping, _ := Drain(ctx, m.Client(), t.Shipping, ShippingOrder)
	fmt.Printf("billing got %d orders, shipping got %d: %+v\n", len(billing), len(shipping), shipping)
}

// Orders are four orders of different kinds and regions.
func Orders() []Order {
	return []Order{
		{ID: "o-1", Kind: "created", Region: "eu-west-1", Amount: 30},
		{ID: "o-2", Kind: "created", Region: "us-east-1", Amount: 12},
		{ID: "o-3", Kind: "cancelled", Region: "eu-west-1", Amount: 30},
		{ID: "o-4", Kind: "shipped", Region: "eu-central-1", Amount: 8},
	}
}
