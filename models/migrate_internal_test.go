package models

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sql  string
		want []string
	}{
		{name: "empty", sql: "", want: nil},
		{name: "only comments and blank lines", sql: "-- a\n\n   -- b\n\t\n", want: nil},
		{name: "one statement", sql: "CREATE TABLE a (x INTEGER);", want: []string{"CREATE TABLE a (x INTEGER);"}},
		{
			name: "comments and blank lines between statements",
			sql:  "-- first\nCREATE TABLE a (\n    x INTEGER -- not a comment line\n);\n\n-- second\n  -- indented comment\nCREATE INDEX a_x ON a (x);\n",
			want: []string{
				"CREATE TABLE a (\n    x INTEGER -- not a comment line\n);",
				"CREATE INDEX a_x ON a (x);",
			},
		},
		{
			name: "comment lines inside a statement are dropped",
			sql:  "CREATE TABLE a (\n    -- the key\n    x INTEGER\n);",
			want: []string{"CREATE TABLE a (\n    x INTEGER\n);"},
		},
		{name: "last statement without a semicolon", sql: "SELECT 1;\nSELECT 2", want: []string{"SELECT 1;", "SELECT 2"}},
		{name: "CRLF line ends", sql: "SELECT 1;\r\n\r\nSELECT 2;\r\n", want: []string{"SELECT 1;", "SELECT 2;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := splitStatements(tt.sql); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitStatements(%q) =\n%q\nwant\n%q", tt.sql, got, tt.want)
			}
		})
	}
}

// Every embedded migration must split into statements that each end with a semicolon:
// a missing one would glue two statements together.
func TestMigrationsSplitCleanly(t *testing.T) {
	t.Parallel()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Version != 1 || ms[0].Name != "0001_init" {
		t.Fatalf("Migrations() = %+v, want 0001_init first", ms)
	}
	for _, m := range ms {
		for kind, r := range dialectTypes {
			for _, stmt := range splitStatements(r.Replace(forDialect(m.SQL, kind))) {
				// A trigger's or function's body is one statement with statements inside.
				outer := stmt
				if begin, end := strings.Index(stmt, "BEGIN "), strings.LastIndex(stmt, " END"); begin >= 0 && end > begin {
					outer = stmt[:begin] + stmt[end:]
				}
				if !strings.HasSuffix(stmt, ";") || strings.Count(outer, ";") != 1 {
					t.Errorf("%s on %s: statement %q is not exactly one statement", m.Name, kind, stmt)
				}
				if strings.Contains(stmt, "$") {
					t.Errorf("%s on %s: placeholder left in %q", m.Name, kind, stmt)
				}
			}
		}
	}
}
