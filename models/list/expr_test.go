package list_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// machineSpec is a list of people as a machine API reads it.
func machineSpec() *list.Spec {
	return &list.Spec{
		Columns: []list.Column{
			{Name: "id", Caption: "Id", Kind: list.Number, SQL: "p.id", Sort: true, Unique: true, Filter: list.Exact},
			{Name: "name", Caption: "Name", Kind: list.Text, SQL: "p.name", Sort: true, Filter: list.Exact},
			{Name: "team", Caption: "Team", Kind: list.Text, SQL: "p.team", Sort: true, Filter: list.Exact},
			{Name: "age", Caption: "Age", Kind: list.Number, SQL: "p.age", Filter: list.Exact},
			{Name: "on", Caption: "On", Kind: list.Flag, SQL: "p.active", Filter: list.Exact},
			{Name: "state", Caption: "State", Kind: list.Status, SQL: "p.state", Filter: list.Exact,
				Choices: []list.Option{{Key: "a", Label: "A"}, {Key: "b", Label: "B"}}},
			{Name: "tag", Caption: "Tag", Kind: list.Text, Filter: list.Exact,
				Match: func(op list.Op, v any, postgres bool) (string, []any) {
					sql, args := list.Compare("t.tag", list.Text, op, v, postgres)
					return "p.id IN (SELECT t.person FROM machine_tags AS t WHERE " + sql + ")", args
				}},
			{Name: "note", Caption: "Note", Kind: list.Text, SQL: "p.note"},
		},
		DefaultSort:     "id",
		Key:             "p.id",
		DefaultPageSize: 2,
		MaxPageSize:     100,
	}
}

func TestMachineRefusals(t *testing.T) {
	t.Parallel()
	s := machineSpec()
	eq := func(field string, v any) *list.Cond { return &list.Cond{Field: field, Op: list.Eq, Value: v} }
	for name, tc := range map[string]struct {
		limit, offset int
		sort          []list.SortKey
		cond          *list.Cond
		object        string
	}{
		"limit too big":       {limit: 101, object: "limit"},
		"limit negative":      {limit: -1, object: "limit"},
		"offset negative":     {offset: -1, object: "offset"},
		"unsortable":          {sort: []list.SortKey{{Column: "age"}}, object: "sort"},
		"unknown sort":        {sort: []list.SortKey{{Column: "nope"}}, object: "sort"},
		"sorted twice":        {sort: []list.SortKey{{Column: "name"}, {Column: "name", Desc: true}}, object: "sort"},
		"unfilterable":        {cond: eq("note", "x"), object: "filter"},
		"unknown field":       {cond: eq("nope", "x"), object: "filter"},
		"like on a number":    {cond: &list.Cond{Field: "age", Op: list.Like, Value: "1%"}, object: "filter"},
		"< on a flag":         {cond: &list.Cond{Field: "on", Op: list.Lt, Value: true}, object: "filter"},
		"unknown operator":    {cond: &list.Cond{Field: "age", Op: "~", Value: int64(1)}, object: "filter"},
		"text for a number":   {cond: eq("age", "1"), object: "filter"},
		"number for text":     {cond: eq("name", int64(1)), object: "filter"},
		"not a boolean":       {cond: eq("on", "true"), object: "filter"},
		"unknown status":      {cond: eq("state", "z"), object: "filter"},
		"in without a list":   {cond: &list.Cond{Field: "age", Op: list.In, Value: int64(1)}, object: "filter"},
		"in an empty list":    {cond: &list.Cond{Field: "age", Op: list.In, Value: []any{}}, object: "filter"},
		"in of the wrong":     {cond: &list.Cond{Field: "age", Op: list.In, Value: []any{int64(1), "2"}}, object: "filter"},
		"< on nothing":        {cond: &list.Cond{Field: "age", Op: list.Lt}, object: "filter"},
		"bad condition":       {cond: &list.Cond{Condition: "xor", Filters: []list.Cond{*eq("id", int64(1))}}, object: "filter"},
		"empty group":         {cond: &list.Cond{Condition: "and"}, object: "filter"},
		"a bad nested filter": {cond: &list.Cond{Condition: "or", Filters: []list.Cond{*eq("id", int64(1)), *eq("nope", "")}}, object: "filter"},
		"too deep":            {cond: nested(list.MaxDepth + 1), object: "filter"},
		"too many":            {cond: &list.Cond{Condition: "or", Filters: make([]list.Cond, list.MaxConditions)}, object: "filter"},
	} {
		_, err := s.Machine(tc.limit, tc.offset, tc.sort, tc.cond)
		if e, ok := errs.As(err); !ok || !errors.Is(err, errs.Value) || e.Object != tc.object {
			t.Errorf("%s: %v, want a value error on %s", name, err, tc.object)
		}
	}
	q, err := s.Machine(0, 5, nil, nested(list.MaxDepth))
	if err != nil {
		t.Fatalf("the deepest filter allowed: %v", err)
	}
	if q.PageSize != 2 || q.Offset != 5 || q.Page != 3 || q.Sort != "id" {
		t.Errorf("defaults: %+v", q)
	}
}

// nested is a filter whose groups nest depth deep.
func nested(depth int) *list.Cond {
	c := list.Cond{Field: "id", Op: list.Eq, Value: int64(1)}
	for range depth {
		c = list.Cond{Condition: "and", Filters: []list.Cond{c}}
	}
	return &c
}

// TestMachineQueries runs filters, orders and pages on both databases.
func TestMachineQueries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, stmt := range []string{
			"CREATE TABLE machine_people (id INTEGER PRIMARY KEY, name VARCHAR(50), team VARCHAR(50), age INTEGER, active BOOLEAN NOT NULL, state VARCHAR(5), note VARCHAR(50))",
			"CREATE TABLE machine_tags (person INTEGER NOT NULL, tag VARCHAR(50) NOT NULL)",
			`INSERT INTO machine_people VALUES (1, 'Anna', 'b', 30, TRUE, 'a', ''), (2, 'Boris', 'a', 25, FALSE, 'b', ''),
				(3, 'Clara_x', 'a', NULL, TRUE, 'a', ''), (4, 'dan%', 'b', 41, TRUE, 'b', ''), (5, 'Ärne', NULL, 30, FALSE, 'a', '')`,
			"INSERT INTO machine_tags VALUES (1, 'x'), (1, 'y'), (3, 'y'), (4, 'z')",
		} {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatal(err)
			}
		}
		eq := func(field string, op list.Op, v any) list.Cond { return list.Cond{Field: field, Op: op, Value: v} }
		ids := func(limit, offset int, sort []list.SortKey, cond *list.Cond) ([]int64, int64) {
			t.Helper()
			q, err := machineSpec().Machine(limit, offset, sort, cond)
			if err != nil {
				t.Fatal(err)
			}
			var rows []struct{ ID int64 }
			total, err := q.Fetch(db.Table("machine_people AS p"), "p.id", &rows)
			if err != nil {
				t.Fatal(err)
			}
			out := []int64{}
			for _, r := range rows {
				out = append(out, r.ID)
			}
			return out, total
		}
		for name, tc := range map[string]struct {
			cond list.Cond
			want []int64
		}{
			"=":                    {eq("age", list.Eq, int64(30)), []int64{1, 5}},
			"!= keeps nulls":       {eq("age", list.Ne, int64(30)), []int64{2, 3, 4}},
			"<":                    {eq("age", list.Lt, int64(30)), []int64{2}},
			"<=":                   {eq("age", list.Le, int64(30)), []int64{1, 2, 5}},
			">":                    {eq("age", list.Gt, float64(29.5)), []int64{1, 4, 5}},
			">=":                   {eq("age", list.Ge, int64(41)), []int64{4}},
			"in":                   {eq("id", list.In, []any{int64(2), int64(4), int64(9)}), []int64{2, 4}},
			"not_in keeps nulls":   {eq("team", list.NotIn, []any{"a"}), []int64{1, 4, 5}},
			"is null":              {eq("age", list.Eq, nil), []int64{3}},
			"is not null":          {eq("team", list.Ne, nil), []int64{1, 2, 3, 4}},
			"= is exact":           {eq("name", list.Eq, "anna"), []int64{}},
			"like ignores case":    {eq("name", list.Like, "a%"), []int64{1}},
			"like _":               {eq("name", list.Like, "_oris"), []int64{2}},
			"like escapes":         {eq("name", list.Like, `%\_x`), []int64{3}},
			"like escapes %":       {eq("name", list.Like, `dan\%`), []int64{4}},
			"not_like":             {eq("name", list.NotLike, "%a%"), []int64{2, 5}},
			"text <":               {eq("name", list.Lt, "b"), []int64{1, 2, 3}},
			"flag":                 {eq("on", list.Eq, false), []int64{2, 5}},
			"status in":            {eq("state", list.In, []any{"b"}), []int64{2, 4}},
			"match":                {eq("tag", list.Eq, "y"), []int64{1, 3}},
			"match not_in":         {eq("tag", list.In, []any{"x", "z"}), []int64{1, 4}},
			"and":                  {list.Cond{Condition: "and", Filters: []list.Cond{eq("team", list.Eq, "a"), eq("on", list.Eq, true)}}, []int64{3}},
			"or":                   {list.Cond{Condition: "or", Filters: []list.Cond{eq("team", list.Eq, "a"), eq("age", list.Gt, int64(40))}}, []int64{2, 3, 4}},
			"or inside and":        {list.Cond{Condition: "and", Filters: []list.Cond{eq("on", list.Eq, true), {Condition: "or", Filters: []list.Cond{eq("id", list.Eq, int64(1)), eq("tag", list.Eq, "z")}}}}, []int64{1, 4}},
			"and inside or groups": {list.Cond{Condition: "or", Filters: []list.Cond{{Condition: "and", Filters: []list.Cond{eq("id", list.Ge, int64(4))}}, eq("id", list.Eq, int64(1))}}, []int64{1, 4, 5}},
		} {
			got, total := ids(100, 0, nil, &tc.cond)
			if !reflect.DeepEqual(got, tc.want) || total != int64(len(tc.want)) {
				t.Errorf("%s: %v (total %d), want %v", name, got, total, tc.want)
			}
		}

		// Several sort keys, the key breaking the last ties; a page past the end.
		got, total := ids(3, 1, []list.SortKey{{Column: "team", Desc: true}, {Column: "name"}}, nil)
		var nullsFirst bool
		if err := db.Raw("SELECT COUNT(*) > 0 FROM (SELECT team FROM machine_people ORDER BY team DESC LIMIT 1) AS x WHERE team IS NULL").Scan(&nullsFirst).Error; err != nil {
			t.Fatal(err)
		}
		want := []int64{4, 2, 3} // after Anna of team b
		if nullsFirst {
			want = []int64{1, 4, 2} // after Ärne, whose team is NULL
		}
		if !reflect.DeepEqual(got, want) || total != 5 {
			t.Errorf("sorted page: %v of %d, want %v of 5", got, total, want)
		}
		if got, total := ids(2, 10, nil, nil); len(got) != 0 || total != 5 {
			t.Errorf("past the end: %v of %d", got, total)
		}
		if got, _ := ids(0, 0, nil, nil); fmt.Sprint(got) != "[1 2]" {
			t.Errorf("the default page: %v", got)
		}
	})
}
