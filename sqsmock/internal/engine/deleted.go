package engine

import "time"

// recentlyDeleted is the names of the queues deleted within deletedRecently, for
// QueueDeletedRecently: a map by name and the deletions in the order they happened, so that
// forgetting the old ones costs only what it forgets, not a walk of every name. (Deleting 20,000
// queues walked the whole map on each DeleteQueue, under the engine's lock: 19.9 s, ten times
// what creating them took.) The caller holds the engine's lock for writing.
type recentlyDeleted struct {
	at    map[string]time.Time // by name: when it was last deleted
	order []deletion           // in the order of the deletions; order[head:] are pending
	head  int
}

// deletion is one DeleteQueue: the name and when.
type deletion struct {
	name string
	at   time.Time
}

func newRecentlyDeleted() recentlyDeleted { return recentlyDeleted{at: map[string]time.Time{}} }

// add records that name was deleted at now, and forgets the deletions that are no longer recent.
func (d *recentlyDeleted) add(name string, now time.Time) {
	d.at[name] = now
	d.order = append(d.order, deletion{name, now})
	d.forget(now)
}

// recent reports whether name was deleted within deletedRecently of now; a name deleted earlier
// is forgotten.
func (d *recentlyDeleted) recent(name string, now time.Time) bool {
	at, ok := d.at[name]
	if !ok {
		return false
	}
	if now.Sub(at) < deletedRecently {
		return true
	}
	delete(d.at, name)
	return false
}

// forget drops the deletions, oldest first, that happened deletedRecently or more before now. A
// name deleted again since (recreated after the minute, deleted once more) keeps its later time.
// A clock moved back leaves later entries until the earlier ones are due: the map still answers
// by each name's own time.
func (d *recentlyDeleted) forget(now time.Time) {
	for d.head < len(d.order) {
		del := d.order[d.head]
		if now.Sub(del.at) < deletedRecently {
			break
		}
		if at, ok := d.at[del.name]; ok && at.Equal(del.at) {
			delete(d.at, del.name)
		}
		d.order[d.head] = deletion{}
		d.head++
	}
	// Reuse the slice's front once half of it is forgotten: amortised O(1) per deletion, and the
	// memory held is bounded by the deletions of the last minute.
	if d.head > 0 && d.head >= len(d.order)/2 {
		n := copy(d.order, d.order[d.head:])
		clear(d.order[n:])
		d.order = d.order[:n]
		d.head = 0
	}
}
