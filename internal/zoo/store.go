package zoo

import (
	"sync"
	"time"
)

// The stores below stand in for the databases and services the consumers change. Each records
// every effect, so a scenario can tell an effect done once from one done twice.

// Ledger is a payments table: charges by order id.
type Ledger struct {
	mu      sync.Mutex
	charged map[string]int // order id → charges
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{charged: map[string]int{}} }

// ChargeOnce charges the order unless it was charged already, in one transaction (a unique key
// on the order id), and reports whether it charged.
func (l *Ledger) ChargeOnce(order string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.charged[order] > 0 {
		return false
	}
	l.charged[order]++
	return true
}

// Charges is how many times the order was charged.
func (l *Ledger) Charges(order string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.charged[order]
}

// Outbox is an email provider's outbox: emails sent by key (e.g. "welcome/u-07").
type Outbox struct {
	mu   sync.Mutex
	sent map[string]int
}

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{sent: map[string]int{}} }

// Send sends an email: every call is one more email in the recipient's inbox.
func (o *Outbox) Send(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent[key]++
}

// SendOnce sends the email unless one with the same key was sent, the check and the send in one
// step (the provider's idempotency key), and reports whether it sent.
func (o *Outbox) SendOnce(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sent[key] > 0 {
		return false
	}
	o.sent[key]++
	return true
}

// Sent is how many emails with the key were sent.
func (o *Outbox) Sent(key string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sent[key]
}

// Inventory is a warehouse's stock reservations by order.
type Inventory struct {
	mu       sync.Mutex
	reserved map[string]int
}

// NewInventory returns an empty inventory.
func NewInventory() *Inventory { return &Inventory{reserved: map[string]int{}} }

// Reserve reserves the order's items: every call takes them off the shelf once more.
func (i *Inventory) Reserve(order string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.reserved[order]++
}

// Reservations is how many times the order's items were reserved.
func (i *Inventory) Reservations(order string) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.reserved[order]
}

// Keys is a shared set of keys, as a Redis set shared by every worker would be.
type Keys struct {
	mu   sync.Mutex
	keys map[string]bool
}

// NewKeys returns an empty set.
func NewKeys() *Keys { return &Keys{keys: map[string]bool{}} }

// Has reports whether key is in the set.
func (k *Keys) Has(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[key]
}

// Add adds key.
func (k *Keys) Add(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[key] = true
}

// AddIfAbsent adds key unless it is there, in one step (SETNX), and reports whether it added it.
func (k *Keys) AddIfAbsent(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys[key] {
		return false
	}
	k.keys[key] = true
	return true
}

// Warehouse is a data warehouse table: rows by record id.
type Warehouse struct {
	mu   sync.Mutex
	rows map[string]int
}

// NewWarehouse returns an empty warehouse.
func NewWarehouse() *Warehouse { return &Warehouse{rows: map[string]int{}} }

// Insert inserts the record unless a row with its id exists (INSERT ... ON CONFLICT DO
// NOTHING), and reports whether it inserted.
func (w *Warehouse) Insert(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rows[id] > 0 {
		return false
	}
	w.rows[id]++
	return true
}

// Rows is how many rows the record has.
func (w *Warehouse) Rows(id string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rows[id]
}

// Studio is a render farm's job table: a lease per video, so that one worker of any instance
// renders it, and the renders started.
type Studio struct {
	mu      sync.Mutex
	leases  map[string]*lease
	renders map[string]int // video → renders started
}

type lease struct {
	owner string
	until time.Time
	done  bool
}

// NewStudio returns an empty studio.
func NewStudio() *Studio { return &Studio{leases: map[string]*lease{}, renders: map[string]int{}} }

// Acquire leases the video to owner for ttl and counts a render started. It fails when the video
// is rendered already (done) or another owner's lease has not expired.
func (s *Studio) Acquire(video, owner string, ttl time.Duration) (ok, done bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	l := s.leases[video]
	switch {
	case l != nil && l.done:
		return false, true
	case l != nil && l.owner != owner && now.Before(l.until):
		return false, false
	}
	s.leases[video] = &lease{owner: owner, until: now.Add(ttl)}
	s.renders[video]++
	return true, false
}

// Renew extends owner's lease by ttl from now, and reports whether owner still held it.
func (s *Studio) Renew(video, owner string, ttl time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.leases[video]
	if l == nil || l.owner != owner || l.done {
		return false
	}
	l.until = time.Now().Add(ttl)
	return true
}

// Publish marks the video rendered if owner holds its lease (an expired lease nobody took over
// still counts), and reports whether it did.
func (s *Studio) Publish(video, owner string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.leases[video]
	if l == nil || l.owner != owner || l.done {
		return false
	}
	l.done = true
	return true
}

// Rendered reports whether the video was published.
func (s *Studio) Rendered(video string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.leases[video]
	return l != nil && l.done
}

// Renders is how many renders of the video were started.
func (s *Studio) Renders(video string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renders[video]
}

// Stock is a warehouse's stock levels by SKU.
type Stock struct {
	mu     sync.Mutex
	levels map[string]int
}

// NewStock returns a stock of nothing.
func NewStock() *Stock { return &Stock{levels: map[string]int{}} }

// Adjust changes the SKU's level by delta: every call changes it once more.
func (s *Stock) Adjust(sku string, delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.levels[sku] += delta
}

// Level is the SKU's stock level.
func (s *Stock) Level(sku string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.levels[sku]
}
