// Package render turns the results of handlers and their errors into the documents
// of the BILLmanager protocol: XML, json, sjson, JSONdata, text and the HTML page.
// A document is a tree of Nodes, the XML element tree that every format maps.
package render

// Node is one element of a document: a name, ordered attributes, text and children.
// An element with none of them is a flag (<enabled/>).
type Node struct {
	Name     string
	Attrs    []Attr
	Text     string
	Children []*Node
	// Many marks an element whose name may repeat among its siblings (a list row, an
	// option, a multi-value field): sjson always writes such names as arrays.
	Many bool
}

// Attr is one attribute of a Node.
type Attr struct {
	Name, Value string
}

// El returns an element with the children that are not nil.
func El(name string, children ...*Node) *Node {
	return (&Node{Name: name}).Add(children...)
}

// Text returns an element holding text.
func Text(name, text string) *Node { return &Node{Name: name, Text: text} }

// Flag returns an empty element.
func Flag(name string) *Node { return &Node{Name: name} }

// With adds an attribute and returns n.
func (n *Node) With(name, value string) *Node {
	n.Attrs = append(n.Attrs, Attr{name, value})
	return n
}

// Add appends the children that are not nil and returns n.
func (n *Node) Add(children ...*Node) *Node {
	for _, c := range children {
		if c != nil {
			n.Children = append(n.Children, c)
		}
	}
	return n
}

// Repeated marks n as an element whose name may repeat and returns n.
func (n *Node) Repeated() *Node {
	n.Many = true
	return n
}

// Attr returns the value of an attribute, or "".
func (n *Node) Attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Child returns the first child with the given name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// all returns the children with the given name, in order.
func (n *Node) all(name string) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// childText is the text of the first child with the given name, "" when none.
func (n *Node) childText(name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

func (n *Node) empty() bool {
	return len(n.Attrs) == 0 && n.Text == "" && len(n.Children) == 0
}

// alwaysArray are the names that are arrays in json as well as sjson, whatever their
// count: clients index doc.elem[0] even when a list has one row.
var alwaysArray = map[string]bool{"elem": true}

// group is the children of one name, in the order the name first appears: count
// of them, the first at index first.
type group struct {
	name         string
	first, count int
	many         bool
}

// groupIndexFrom is the number of children from which groups looks names up in a
// map rather than among the groups found so far.
const groupIndexFrom = 32

// groups groups children by name, in buf when it is big enough. Every element of
// every document written passes here, so it allocates nothing for an element
// without children, and no more than the slice of groups for a few names.
func groups(children []*Node, buf []group) []group {
	if len(children) == 0 {
		return nil
	}
	out := buf[:0]
	var index map[string]int
	if len(children) > groupIndexFrom {
		index = make(map[string]int)
	}
	for i, c := range children {
		j := -1
		if index != nil {
			if k, ok := index[c.Name]; ok {
				j = k
			}
		} else {
			for k := range out {
				if out[k].name == c.Name {
					j = k
					break
				}
			}
		}
		if j < 0 {
			out = append(out, group{name: c.Name, first: i})
			j = len(out) - 1
			if index != nil {
				index[c.Name] = j
			}
		}
		out[j].count++
		out[j].many = out[j].many || c.Many
	}
	return out
}

// nodes calls fn with each node of the group, in order, and its place in the group.
func (g *group) nodes(children []*Node, fn func(i int, c *Node)) {
	if g.count == 1 {
		fn(0, children[g.first])
		return
	}
	i := 0
	for _, c := range children[g.first:] {
		if c.Name == g.name {
			fn(i, c)
			i++
		}
	}
}
