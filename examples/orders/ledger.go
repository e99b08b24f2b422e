package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// Order is the body of an order message.
type Order struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Amount   int    `json:"amount"`
}

// Ledger charges orders at most once per order ID, as a table with a unique key would.
type Ledger struct {
	mu         sync.Mutex
	charged    map[string]int      // order ID → amount
	byCustomer map[string][]string // customer → order IDs in the order they were charged
	duplicates int                 // charges refused because the order was charged already
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{charged: map[string]int{}, byCustomer: map[string][]string{}}
}

// Charge records o once; a second charge of the same order is refused and reported.
func (l *Ledger) Charge(o Order) (first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.charged[o.ID]; ok {
		l.duplicates++
		return false
	}
	l.charged[o.ID] = o.Amount
	l.byCustomer[o.Customer] = append(l.byCustomer[o.Customer], o.ID)
	return true
}

// Charged reports whether the order was charged.
func (l *Ledger) Charged(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.charged[id]
	return ok
}

// Count is how many orders were charged.
func (l *Ledger) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.charged)
}

// History is the customer's order IDs in the order they were charged.
func (l *Ledger) History(customer string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.byCustomer[customer]...)
}

// Duplicates is how many charges were refused as repeats.
func (l *Ledger) Duplicates() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.duplicates
}

// Service handles order messages: it decodes the order, does the work, and charges it once.
type Service struct {
	Ledger *Ledger
	// Work is the order's processing (calling a payment provider, say); nil does nothing.
	Work func(ctx context.Context, o Order) error
}

// Handle is the Consumer's Handle. A body that is not an order fails every time, so SQS moves it
// to the dead-letter queue; an order already charged is acknowledged without charging it again.
func (s *Service) Handle(ctx context.Context, body string) error {
	var o Order
	if err := json.Unmarshal([]byte(body), &o); err != nil || o.ID == "" {
		return fmt.Errorf("not an order: %q", body)
	}
	if s.Ledger.Charged(o.ID) {
		return nil // a duplicate delivery: done already
	}
	if s.Work != nil {
		if err := s.Work(ctx, o); err != nil {
			return err
		}
	}
	s.Ledger.Charge(o)
	return nil
}

// OrderBody is the message body of o.
func OrderBody(o Order) string {
	b, _ := json.Marshal(o)
	return string(b)
}
