package eventpattern

import "iter"

// Node is a read-only view of one object of a compiled pattern, for a caller that checks the
// pattern's shape (SNS counts its keys and combinations).
type Node struct{ o *object }

// Root is the pattern's top-level object.
func (p *Pattern) Root() Node { return Node{p.root} }

// Fields yields the object's fields by key, in the order the keys first appear.
func (n Node) Fields() iter.Seq2[string, Member] {
	return func(yield func(string, Member) bool) {
		for _, k := range n.o.keys {
			if !yield(k, Member{n.o.fields[k]}) {
				return
			}
		}
	}
}

// Or is the object's "$or" groups, each the list of its alternatives.
func (n Node) Or() [][]Node {
	out := make([][]Node, len(n.o.ors))
	for i, group := range n.o.ors {
		for _, alt := range group {
			out[i] = append(out[i], Node{alt})
		}
	}
	return out
}

// Member is a read-only view of one field of a pattern object.
type Member struct{ f *field }

// Rules is the number of rules in the field's list, 0 when it has none.
func (m Member) Rules() int { return len(m.f.rules) }

// Node is the field's object, when it has one.
func (m Member) Node() (Node, bool) { return Node{m.f.sub}, m.f.sub != nil }
