package harness

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Effect is a side effect of your consumer (a charge, an email) that must happen exactly once per
// key however often SQS delivers the message that asks for it. Declare it with ExactlyOnce and
// call Do where your code has the effect (or Begin and the function it returns around it); a key
// done twice, never, undeclared or by two workers at once fails the test.
type Effect struct {
	h    *H
	what string
	keys []string

	mu       sync.Mutex
	done     map[string][]time.Time // key → when it was done (a Begin counts at its start)
	active   map[string]map[int]time.Time
	nextID   int
	overlaps []overlap
	changes  int             // Do and Begin calls so far
	checked  int             // changes when last checked; -1: never
	reported map[string]bool // sentences already reported
}

// overlap is a Begin (or Do) of a key while an earlier Begin of it had not ended.
type overlap struct {
	key       string
	at, since time.Time
}

// ExactlyOnce declares an effect your consumer must have exactly once for each of keys (none:
// at most once for each key it is done for). what names it in the sentences, e.g. "charge".
func (h *H) ExactlyOnce(what string, keys ...string) *Effect {
	e := &Effect{h: h, what: what, keys: slices.Clone(keys), done: map[string][]time.Time{}, active: map[string]map[int]time.Time{},
		checked: -1, reported: map[string]bool{}}
	h.checks.mu.Lock()
	h.checks.effects = append(h.checks.effects, e)
	register := !h.checks.atEnd
	h.checks.atEnd = true
	h.checks.mu.Unlock()
	if register {
		h.t.Cleanup(h.checkEffectsAtEnd)
	}
	return e
}

// Do records that the effect happened for key.
func (e *Effect) Do(key string) {
	now := e.h.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record(key, now)
}

// Begin records that the effect started for key (it counts as one Do) and returns the function
// that records its end. A Begin or Do of a key while another Begin of it has not ended is
// reported as the key processed by two workers at once.
func (e *Effect) Begin(key string) (end func()) {
	now := e.h.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record(key, now)
	id := e.nextID
	e.nextID++
	if e.active[key] == nil {
		e.active[key] = map[int]time.Time{}
	}
	e.active[key][id] = now
	var once sync.Once
	return func() {
		once.Do(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			delete(e.active[key], id)
		})
	}
}

// record notes one Do of key at now. Caller holds e.mu.
func (e *Effect) record(key string, now time.Time) {
	e.done[key] = append(e.done[key], now)
	e.changes++
	if len(e.active[key]) > 0 {
		since := now
		for _, t := range e.active[key] {
			if t.Before(since) {
				since = t
			}
		}
		e.overlaps = append(e.overlaps, overlap{key: key, at: now, since: since})
	}
}

// check returns the sentences of the effect's violations, each naming the message that carried
// the key when r (the run) has it, and notes the effect checked.
func (e *Effect) check(r *consumerRun) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.checked = e.changes
	var out []string
	declared := map[string]bool{}
	for _, k := range e.keys {
		if declared[k] {
			continue // a key declared twice is reported once
		}
		declared[k] = true
		switch n := len(e.done[k]); {
		case n == 0:
			out = append(out, fmt.Sprintf("effect %q for key %q never happened%s", e.what, k, r.carrier(k)))
		case n > 1:
			out = append(out, fmt.Sprintf("effect %q for key %q happened %s (at %s), not exactly once%s", e.what, k, times(n), clockList(e.done[k]), r.carrier(k)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.done)) {
		switch {
		case declared[k]:
		case len(e.keys) > 0:
			out = append(out, fmt.Sprintf("effect %q happened for key %q %s (at %s), but it is not one of the %s declared%s",
				e.what, k, times(len(e.done[k])), clockList(e.done[k]), plural(len(e.keys), "key"), r.carrier(k)))
		case len(e.done[k]) > 1:
			out = append(out, fmt.Sprintf("effect %q for key %q happened %s (at %s), not exactly once%s", e.what, k, times(len(e.done[k])), clockList(e.done[k]), r.carrier(k)))
		}
	}
	overlaps := slices.Clone(e.overlaps)
	slices.SortStableFunc(overlaps, func(a, b overlap) int { return cmp.Or(a.at.Compare(b.at), strings.Compare(a.key, b.key)) })
	for _, o := range overlaps {
		out = append(out, fmt.Sprintf("effect %q for key %q was processed by two workers at once: one began at %s while the one begun at %s had not ended%s",
			e.what, o.key, clockTime(o.at), clockTime(o.since), r.carrier(o.key)))
	}
	return out
}

// carrier is the end of a sentence about an effect's key: the message that carried it — the
// expected body that contains the key (as a quoted string, else as a word, else anywhere) — what
// the consumer did with it, and the faults that touched it.
func (r *consumerRun) carrier(key string) string {
	if r == nil || key == "" {
		return ""
	}
	bodies := slices.Clone(r.expect)
	for b := range r.deliveries {
		if _, ok := r.index[b]; !ok {
			bodies = append(bodies, b)
		}
	}
	var found []string
	for _, match := range []func(b string) bool{
		func(b string) bool { return b == key },
		func(b string) bool { return strings.Contains(b, `"`+key+`"`) },
		func(b string) bool { return containsWord(b, key) },
		func(b string) bool { return strings.Contains(b, key) },
	} {
		for _, b := range bodies {
			if match(b) && !slices.Contains(found, b) {
				found = append(found, b)
			}
		}
		if len(found) > 0 {
			break
		}
	}
	if len(found) == 0 {
		return "; no expected body contains the key"
	}
	s := "; it was carried by " + r.name(found[0]) + ", " + r.history(found[0])
	if len(found) > 1 {
		verb := "contain"
		if len(found) == 2 {
			verb = "contains"
		}
		s += fmt.Sprintf(" (%s %s the key too)", plural(len(found)-1, "other body", "other bodies"), verb)
	}
	return s + r.faultsClause(found[0])
}

// containsWord reports whether key occurs in s with no letter, digit, '-' or '_' right before
// or after it.
func containsWord(s, key string) bool {
	word := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	for i := 0; ; {
		j := strings.Index(s[i:], key)
		if j < 0 || key == "" {
			return false
		}
		at := i + j
		end := at + len(key)
		if (at == 0 || !word(s[at-1])) && (end == len(s) || !word(s[end])) {
			return true
		}
		i = at + 1
	}
}

// checkEffects checks every effect declared on the handle against a run and reports each
// violation once.
func (h *H) checkEffects(r *consumerRun) {
	h.t.Helper()
	h.checks.mu.Lock()
	effects := slices.Clone(h.checks.effects)
	h.checks.mu.Unlock()
	for _, e := range effects {
		h.reportEffect(e, r)
	}
}

// checkEffectsAtEnd checks, when the test ends, the effects no CheckConsumer checked and those
// that changed since.
func (h *H) checkEffectsAtEnd() {
	h.t.Helper()
	h.checks.mu.Lock()
	effects, r := slices.Clone(h.checks.effects), h.checks.lastRun
	h.checks.mu.Unlock()
	for _, e := range effects {
		e.mu.Lock()
		stale := e.checked != e.changes || e.checked < 0
		e.mu.Unlock()
		if stale {
			h.reportEffect(e, r)
		}
	}
}

func (h *H) reportEffect(e *Effect, r *consumerRun) {
	h.t.Helper()
	l := h.upTo(10)
	for _, s := range e.check(r) {
		e.mu.Lock()
		seen := e.reported[s]
		e.reported[s] = true
		e.mu.Unlock()
		if !seen {
			l.problem("%s", s)
		}
	}
	l.done(fmt.Sprintf("violations of effect %q", e.what))
}
