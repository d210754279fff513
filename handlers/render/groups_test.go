package render

import (
	"fmt"
	"reflect"
	"testing"
)

// TestGroups: children are grouped by name in the order names first appear, each
// group's nodes in document order, whether the names are looked up among the groups
// (few children) or in a map (many).
func TestGroups(t *testing.T) {
	for _, n := range []int{0, 1, 5, groupIndexFrom, groupIndexFrom + 1, 200} {
		var children []*Node
		for i := 0; i < n; i++ {
			name := []string{"elem", "a", "b", "elem", "c"}[i%5]
			if i%7 == 6 {
				name = fmt.Sprintf("n%d", i)
			}
			children = append(children, &Node{Name: name, Text: fmt.Sprint(i), Many: i%11 == 3})
		}
		// What grouping means, spelled out the slow way.
		var wantNames []string
		wantNodes := map[string][]*Node{}
		wantMany := map[string]bool{}
		for _, c := range children {
			if _, ok := wantNodes[c.Name]; !ok {
				wantNames = append(wantNames, c.Name)
			}
			wantNodes[c.Name] = append(wantNodes[c.Name], c)
			wantMany[c.Name] = wantMany[c.Name] || c.Many
		}
		var buf [4]group
		got := groups(children, buf[:])
		if len(got) != len(wantNames) {
			t.Fatalf("%d children: %d groups, want %d", n, len(got), len(wantNames))
		}
		for i, g := range got {
			var nodes []*Node
			g.nodes(children, func(j int, c *Node) {
				if j != len(nodes) {
					t.Fatalf("%d children, group %s: node %d given as %d", n, g.name, len(nodes), j)
				}
				nodes = append(nodes, c)
			})
			if g.name != wantNames[i] || g.count != len(nodes) || g.many != wantMany[g.name] ||
				!reflect.DeepEqual(nodes, wantNodes[g.name]) {
				t.Errorf("%d children, group %d: %+v with %d nodes, want %s with %d", n, i, g, len(nodes), wantNames[i], len(wantNodes[wantNames[i]]))
			}
		}
	}
}
