package list_test

import (
	"errors"
	"reflect"
	"testing"

	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// values are request parameters for Parse.
type values map[string]string

func (v values) Get(name string) string { return v[name] }

func testSpec() *list.Spec {
	return &list.Spec{
		Columns: []list.Column{
			{Name: "id", Caption: "Id", Kind: list.Number, SQL: "x.id", Sort: true},
			{Name: "name", Caption: "Name", Kind: list.Text, SQL: "x.name", Sort: true, Filter: list.Wildcard},
			{Name: "on", Caption: "On", Kind: list.Flag},
			{Name: "state", Caption: "State", Kind: list.Status, FilterOnly: true, Filter: list.Choice,
				Choices: []list.Option{{Key: "a", Label: "A"}}},
		},
		DefaultSort: "id",
		Key:         "x.id",
		MaxPageSize: 50,
	}
}

func TestValidate(t *testing.T) {
	if err := testSpec().Validate(); err == nil {
		t.Fatal("a choice filter without SQL or Where passed")
	}
	ok := testSpec()
	ok.Columns[3].SQL = "x.state"
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid spec: %v", err)
	}
	for name, spoil := range map[string]func(s *list.Spec){
		"no caption":         func(s *list.Spec) { s.Columns[2].Caption = "" },
		"no kind":            func(s *list.Spec) { s.Columns[2].Kind = 0 },
		"twice":              func(s *list.Spec) { s.Columns[2].Name = "name" },
		"sort without SQL":   func(s *list.Spec) { s.Columns[1].SQL = "" },
		"filter-only sorts":  func(s *list.Spec) { s.Columns[3].Sort = true },
		"choice, no choices": func(s *list.Spec) { s.Columns[3].Choices = nil },
		"default sort":       func(s *list.Spec) { s.DefaultSort = "state" },
	} {
		s := testSpec()
		s.Columns[3].SQL = "x.state"
		spoil(s)
		if s.Validate() == nil {
			t.Errorf("%s: Validate passed", name)
		}
	}
	if got := list.Flag.String(); got != "flag" {
		t.Errorf("Flag is %q", got)
	}
}

func TestParse(t *testing.T) {
	spec := testSpec()
	stored := map[string]string{"name": "iv*"}
	for _, tc := range []struct {
		name   string
		params values
		state  list.State
		want   list.Query
		keep   bool
	}{
		{"defaults", values{}, list.State{}, list.Query{Page: 1, PageSize: 30, Sort: "id"}, false},
		{"stored page size and filter", values{}, list.State{PageSize: 20, Filter: stored},
			list.Query{Page: 1, PageSize: 20, Sort: "id", Filter: stored}, false},
		{"a new page size is kept", values{"p_cnt": "10", "p_num": "3"}, list.State{PageSize: 20},
			list.Query{Page: 3, PageSize: 10, Offset: 20, Sort: "id"}, true},
		{"the same page size is not", values{"p_cnt": "20", "startidx": "45"}, list.State{PageSize: 20},
			list.Query{Page: 3, PageSize: 20, Offset: 45, Sort: "id"}, false},
		{"pagesize sizes one page and is never kept", values{"pagesize": "5", "startidx": "10"}, list.State{PageSize: 20},
			list.Query{Page: 3, PageSize: 5, Offset: 10, Sort: "id"}, false},
		{"p_cnt wins over pagesize", values{"p_cnt": "10", "pagesize": "5"}, list.State{},
			list.Query{Page: 1, PageSize: 10, Sort: "id"}, true},
		{"inline filter wins", values{"sort": "-name"}, list.State{Filter: stored, Inline: true},
			list.Query{Page: 1, PageSize: 30, Sort: "name", Desc: true, Filter: map[string]string{}}, false},
		{"p_col", values{"p_col": " name", "state": "a"}, list.State{},
			list.Query{Page: 1, PageSize: 30, Sort: "name", Filter: map[string]string{"state": "a"}}, false},
	} {
		q, err := spec.Parse(tc.params, tc.state)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := list.Query{Page: q.Page, PageSize: q.PageSize, Offset: q.Offset, Sort: q.Sort, Desc: q.Desc, Filter: q.Filter}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
		if _, keep := q.NewPageSize(); keep != tc.keep {
			t.Errorf("%s: keep the page size %v, want %v", tc.name, keep, tc.keep)
		}
	}
	for param, v := range map[string]string{"p_cnt": "51", "pagesize": "0", "p_num": "0", "sort": "on", "p_col": "-state", "state": "b"} {
		_, err := spec.Parse(values{param: v}, list.State{})
		if e, ok := errs.As(err); !ok || !errors.Is(err, errs.Value) || e.Object != param {
			t.Errorf("%s=%s: %v, want a value error on %s", param, v, err, param)
		}
	}
}

func TestMemory(t *testing.T) {
	spec := &list.Spec{Columns: []list.Column{
		{Name: "name", Caption: "Name", Kind: list.Text, Sort: true, Filter: list.Wildcard},
	}, DefaultSort: "name", Memory: true}
	q, err := spec.Parse(values{"name": "A*", "p_cnt": "1", "p_num": "2", "sort": "-name"}, list.State{})
	if err != nil {
		t.Fatal(err)
	}
	rows := []map[string]string{{"name": "ab"}, {"name": "b"}, {"name": "Aa"}, {"name": "ac"}}
	page, total := q.Memory(rows)
	if total != 3 || len(page) != 1 || page[0]["name"] != "ab" {
		t.Errorf("page %v of %d, want [ab] of 3", page, total)
	}
}
