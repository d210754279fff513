// Package list is the list engine: what a list declares (Spec, Column), how a
// request for one is normalised (Parse), and how a page of it is read, with SQL
// (Query.Fetch) or in memory (Query.Memory). It knows nothing of the server: it
// reads parameters through Values and gets what the caller's account and session
// keep as plain values (State), so that the same engine serves every list and a
// panel or an API reference can be drawn from the specs.
package list

import (
	"fmt"

	"gorm.io/gorm"
)

// Kind is what a column holds, for those who draw a list from its spec.
type Kind int

// The kinds of column.
const (
	// Text is free text.
	Text Kind = iota + 1
	// Number is a whole number, an id or a count.
	Number
	// Date is a time as documents spell it.
	Date
	// Flag is an empty element, present when on and absent when off.
	Flag
	// Status is one value of a fixed set (the column's Choices when it filters).
	Status
)

var kindNames = map[Kind]string{Text: "text", Number: "number", Date: "date", Flag: "flag", Status: "status"}

// String is the kind's name: text, number, date, flag or status.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// FilterKind says how a list column may be filtered.
type FilterKind int

// The ways a column may be filtered.
const (
	NoFilter FilterKind = iota
	// Wildcard compares without regard to case; * matches any run of characters,
	// while % and _ are plain characters.
	Wildcard
	// Exact compares the value as it is.
	Exact
	// Choice takes one of the column's Choices.
	Choice
)

var filterNames = map[FilterKind]string{NoFilter: "", Wildcard: "wildcard", Exact: "exact", Choice: "choice"}

// String is the filter's name: wildcard, exact or choice; "" for none.
func (k FilterKind) String() string {
	if s, ok := filterNames[k]; ok {
		return s
	}
	return fmt.Sprintf("FilterKind(%d)", int(k))
}

// Option is one value a Choice filter takes, with its caption.
type Option struct {
	Key, Label string
}

// Column is one column of a list as the protocol names it, or one filter of it
// that is no column of the answer (FilterOnly).
type Column struct {
	Name    string // the name in requests and rows
	Caption string
	Kind    Kind
	SQL     string // its SQL expression; empty for a column computed outside the query
	Sort    bool
	// Unique says no two rows share the value, so sorting by it needs no tie-breaker
	// and an index on the column alone serves the order.
	Unique bool
	// Optional says a row leaves the column out when its value is empty. A Flag is
	// always left out when off.
	Optional bool
	// FilterOnly says the name is a filter parameter that rows do not answer.
	FilterOnly bool
	Filter     FilterKind
	Choices    []Option
	// Where applies a filter value that no single expression holds (a Choice column
	// with a computed meaning). When nil, the filter compares SQL.
	Where func(db *gorm.DB, value string) *gorm.DB
	// Live says the filter depends on more than the rows the data version covers
	// (the clock, the session store): a request filtered by it is never answered
	// from Ranked keys.
	Live bool
	// Check refuses a filter value the column cannot use (a value error), before it
	// is applied or stored.
	Check func(value string) error
	// Match is the SQL of a machine filter's condition that no single expression
	// holds (membership of a group, one of several numbers); when nil, the
	// condition compares SQL (Compare). The value was checked for the column's kind;
	// postgres says which database the SQL is for.
	Match func(op Op, value any, postgres bool) (sql string, args []any)
}

// Spec declares what a list can do: every column it answers, the only columns that
// may sort or filter, the default order and the page size bounds. Nothing outside
// it reaches SQL.
type Spec struct {
	Columns     []Column
	DefaultSort string
	DefaultDesc bool
	// Key is a unique SQL expression that breaks ties, so that pages never overlap,
	// and by which a page is found before its rows are read.
	Key             string
	DefaultPageSize int // 30 when zero
	MaxPageSize     int // 1000 when zero
	// Memory marks a list computed in memory (Query.Memory) rather than read with SQL.
	Memory bool
}

// Column returns the column or filter called name, or nil.
func (s *Spec) Column(name string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i]
		}
	}
	return nil
}

// Answered returns the columns rows answer, in order: all but the filter-only ones.
func (s *Spec) Answered() []Column {
	var out []Column
	for _, c := range s.Columns {
		if !c.FilterOnly {
			out = append(out, c)
		}
	}
	return out
}

// PageSizes returns the default and the largest page size.
func (s *Spec) PageSizes() (def, max int) {
	def, max = s.DefaultPageSize, s.MaxPageSize
	if def == 0 {
		def = 30
	}
	if max == 0 {
		max = 1000
	}
	return def, max
}

// Validate refuses a spec the engine cannot run or that leaves a column undeclared:
// every column has a caption and a kind, sorts and filters with SQL (unless the
// list is in memory or a filter applies itself), and the default sort is a column.
func (s *Spec) Validate() error {
	seen := map[string]bool{}
	for _, c := range s.Columns {
		switch {
		case c.Name == "":
			return fmt.Errorf("a column has no name")
		case seen[c.Name]:
			return fmt.Errorf("column %s is declared twice", c.Name)
		case c.Caption == "":
			return fmt.Errorf("column %s has no caption", c.Name)
		case kindNames[c.Kind] == "":
			return fmt.Errorf("column %s has no kind", c.Name)
		case c.SQL == "" && !s.Memory && (c.Sort || c.Filter != NoFilter && c.Where == nil && c.Match == nil):
			return fmt.Errorf("column %s sorts or filters without SQL", c.Name)
		case c.FilterOnly && (c.Filter == NoFilter || c.Sort):
			return fmt.Errorf("column %s is only a filter, so it filters and does not sort", c.Name)
		case c.Filter == Choice && len(c.Choices) == 0:
			return fmt.Errorf("column %s is a choice without choices", c.Name)
		}
		seen[c.Name] = true
	}
	if c := s.Column(s.DefaultSort); c == nil || c.FilterOnly {
		return fmt.Errorf("default sort %q is no column", s.DefaultSort)
	}
	return nil
}
