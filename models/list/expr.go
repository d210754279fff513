package list

import (
	"fmt"
	"math"
	"strings"

	"gorm.io/gorm"

	"staffmgr/models/errs"
)

// Op is an operator of a machine API's filter condition.
type Op string

// The operators of a condition.
const (
	Eq      Op = "="
	Ne      Op = "!="
	Lt      Op = "<"
	Le      Op = "<="
	Gt      Op = ">"
	Ge      Op = ">="
	In      Op = "in"
	NotIn   Op = "not_in"
	Like    Op = "like"
	NotLike Op = "not_like"
)

// Ops are the operators, in the order documentation lists them.
var Ops = []Op{Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Like, NotLike}

// opsOf are the operators a column of each kind takes.
var opsOf = map[Kind][]Op{
	Number: {Eq, Ne, Lt, Le, Gt, Ge, In, NotIn},
	Date:   {Eq, Ne, Lt, Le, Gt, Ge, In, NotIn},
	Text:   {Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Like, NotLike},
	Status: {Eq, Ne, In, NotIn},
	Flag:   {Eq, Ne},
}

// MaxConditions bounds the conditions of one filter, nested ones included, and
// MaxDepth how deep groups nest.
const (
	MaxConditions = 100
	MaxDepth      = 5
	// MaxInValues bounds the values of one in or not_in.
	MaxInValues = 1000
)

// Cond is a machine API's filter: one condition on a column (Field, Op, Value), or
// a group of filters joined by Condition, "and" or "or". A Value is a string, an
// int64, a float64, a bool or nil (no value: = and != ask IS NULL and IS NOT NULL),
// or for in and not_in a []any of those.
type Cond struct {
	Field     string
	Op        Op
	Value     any
	Condition string
	Filters   []Cond
}

// SortKey is one key of a machine API's sort order.
type SortKey struct {
	Column string
	Desc   bool
}

// Machine is a list request of a machine API: limit rows from offset, sorted by the
// keys in order (the spec's default order when there are none), filtered by cond
// (nil for none). Columns sort when they are Sort and take a condition when they
// Filter, with the operators of their kind. Anything else is a value error whose
// object is "limit", "offset", "sort" or "filter" and whose value names the culprit.
func (s *Spec) Machine(limit, offset int, sort []SortKey, cond *Cond) (*Query, error) {
	def, max := s.PageSizes()
	if limit == 0 {
		limit = def
	}
	if limit < 1 || limit > max {
		return nil, errs.Invalid("limit", fmt.Sprint(limit), "limit must be a whole number from 1 to %d", max)
	}
	if offset < 0 || offset > math.MaxInt32 {
		return nil, errs.Invalid("offset", fmt.Sprint(offset), "offset must be a whole number from 0 to %d", math.MaxInt32)
	}
	q := &Query{Page: offset/limit + 1, PageSize: limit, Offset: offset, Sort: s.DefaultSort, Desc: s.DefaultDesc, spec: s}
	seen := map[string]bool{}
	for i, k := range sort {
		c := s.Column(k.Column)
		if c == nil || !c.Sort {
			return nil, errs.Invalid("sort", k.Column, "The list cannot be sorted by %q", k.Column)
		}
		if seen[k.Column] {
			return nil, errs.Invalid("sort", k.Column, "%q is named twice in sort", k.Column)
		}
		seen[k.Column] = true
		if i == 0 {
			q.Sort, q.Desc = k.Column, k.Desc
		} else {
			q.then = append(q.then, k)
		}
	}
	if cond != nil {
		n := 0
		if err := s.checkCond(cond, 0, &n); err != nil {
			return nil, err
		}
		q.cond = cond
	}
	return q, nil
}

// checkCond refuses a filter the spec cannot run.
func (s *Spec) checkCond(c *Cond, depth int, n *int) error {
	if *n++; *n > MaxConditions {
		return errs.Invalid("filter", "", "A filter has at most %d conditions", MaxConditions)
	}
	if c.Filters != nil || c.Condition != "" {
		if depth >= MaxDepth {
			return errs.Invalid("filter", "", "Filters nest at most %d deep", MaxDepth)
		}
		if c.Condition != "and" && c.Condition != "or" {
			return errs.Invalid("filter", c.Condition, "condition is and or or")
		}
		if len(c.Filters) == 0 {
			return errs.Invalid("filter", c.Condition, "A group of filters needs at least one filter")
		}
		for i := range c.Filters {
			if err := s.checkCond(&c.Filters[i], depth+1, n); err != nil {
				return err
			}
		}
		return nil
	}
	col := s.Column(c.Field)
	if col == nil || col.Filter == NoFilter {
		return errs.Invalid("filter", c.Field, "The list cannot be filtered by %q", c.Field)
	}
	if !hasOp(opsOf[col.Kind], c.Op) {
		return errs.Invalid("filter", string(c.Op), "%q takes the operators %s", c.Field, joinOps(opsOf[col.Kind]))
	}
	values := []any{c.Value}
	if c.Op == In || c.Op == NotIn {
		list, ok := c.Value.([]any)
		if !ok || len(list) == 0 || len(list) > MaxInValues {
			return errs.Invalid("filter", c.Field, "%s on %q takes a list of 1 to %d values", c.Op, c.Field, MaxInValues)
		}
		values = list
	}
	for _, v := range values {
		if err := col.checkValue(c.Op, v); err != nil {
			return err
		}
	}
	return nil
}

// checkValue refuses a value of the wrong type for the column.
func (col *Column) checkValue(op Op, v any) error {
	if v == nil {
		if op == Eq || op == Ne {
			return nil
		}
		return errs.Invalid("filter", col.Name, "%s on %q needs a value", op, col.Name)
	}
	ok := false
	switch col.Kind {
	case Number:
		switch x := v.(type) {
		case int64:
			ok = true
		case float64:
			ok = !math.IsInf(x, 0) && !math.IsNaN(x)
		}
	case Flag:
		_, ok = v.(bool)
	default:
		var s string
		if s, ok = v.(string); ok && len(s) > MaxFilterValue {
			return errs.Invalid("filter", col.Name, "A filter value is at most %d characters", MaxFilterValue)
		}
		if ok && col.Kind == Status && len(col.Choices) > 0 && !hasChoice(col.Choices, s) {
			return errs.Invalid("filter", s, "Unknown value %q for %q", s, col.Name)
		}
	}
	if !ok {
		return errs.Invalid("filter", col.Name, "%q compares with a %s", col.Name, valueKind[col.Kind])
	}
	return nil
}

var valueKind = map[Kind]string{Number: "number", Flag: "boolean", Text: "string", Status: "string", Date: "string"}

func hasOp(ops []Op, op Op) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

func joinOps(ops []Op) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// applyCond adds the query's machine filter to db.
func (q *Query) applyCond(db *gorm.DB) *gorm.DB {
	if q.cond == nil {
		return db
	}
	sql, args := q.spec.condSQL(q.cond, db.Dialector.Name() == "postgres")
	return db.Where(sql, args...)
}

// condSQL is a checked filter as SQL with its arguments.
func (s *Spec) condSQL(c *Cond, postgres bool) (string, []any) {
	if c.Filters != nil {
		parts := make([]string, len(c.Filters))
		var args []any
		for i := range c.Filters {
			p, a := s.condSQL(&c.Filters[i], postgres)
			parts[i] = "(" + p + ")"
			args = append(args, a...)
		}
		return strings.Join(parts, " "+strings.ToUpper(c.Condition)+" "), args
	}
	col := s.Column(c.Field)
	if col.Match != nil {
		return col.Match(c.Op, c.Value, postgres)
	}
	return Compare(col.SQL, col.Kind, c.Op, c.Value, postgres)
}

// Compare is the SQL of expr op value for a column of the kind: = and != on nil
// ask IS NULL and IS NOT NULL; text compares in byte order, except like and
// not_like, which compare without regard to case (ASCII letters only on SQLite),
// with % matching any run of characters, _ any one, and \ escaping either.
func Compare(expr string, kind Kind, op Op, value any, postgres bool) (string, []any) {
	if value == nil {
		if op == Ne {
			return expr + " IS NOT NULL", nil
		}
		return expr + " IS NULL", nil
	}
	if postgres && (kind == Text || kind == Status) {
		expr += ` COLLATE "C"`
	}
	switch op {
	case In, NotIn:
		list := value.([]any)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(list)), ", ")
		if op == In {
			return expr + " IN (" + marks + ")", list
		}
		return "(" + expr + " IS NULL OR " + expr + " NOT IN (" + marks + "))", list
	case Like, NotLike:
		sql := "LOWER(" + expr + `) LIKE ? ESCAPE '\'`
		pattern := strings.ToLower(value.(string))
		if !postgres {
			pattern = asciiLower(value.(string))
		}
		if op == NotLike {
			return "(" + expr + " IS NULL OR NOT " + sql + ")", []any{pattern}
		}
		return sql, []any{pattern}
	case Ne:
		return "(" + expr + " IS NULL OR " + expr + " <> ?)", []any{value}
	}
	return expr + " " + string(op) + " ?", []any{value}
}
