package models_test

import (
	"net/url"
	"strings"
	"testing"

	"staffmgr/models"
)

func TestParseDSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dsn      string
		wantKind string
		wantPath string // for SQLite: the file before the options
		wantErr  string // a part of the error, when one is expected
	}{
		{name: "postgres URL", dsn: "postgres://u@h:5432/db?sslmode=disable", wantKind: models.Postgres},
		{name: "postgresql URL", dsn: "postgresql://u:p@h/db", wantKind: models.Postgres},
		{name: "upper-case scheme", dsn: "POSTGRES://u@h/db", wantKind: models.Postgres},
		{name: "in-memory sqlite", dsn: "sqlite::memory:", wantErr: "in-memory"},
		{name: "sqlite file URI", dsn: "file:s.db", wantErr: "in-memory"},
		{name: "sqlite prefix", dsn: "sqlite:/var/lib/staffmgr/s.db", wantKind: models.SQLite, wantPath: "/var/lib/staffmgr/s.db"},
		{name: "sqlite relative", dsn: "sqlite:data/s.db", wantKind: models.SQLite, wantPath: "data/s.db"},
		{name: "bare path", dsn: "/tmp/staffmgr.db", wantKind: models.SQLite, wantPath: "/tmp/staffmgr.db"},
		{name: "bare relative path", dsn: "staffmgr.db", wantKind: models.SQLite, wantPath: "staffmgr.db"},
		{name: "empty", dsn: "", wantErr: "empty"},
		{name: "sqlite without a file", dsn: "sqlite:", wantErr: "names no file"},
		{name: "sqlite with options", dsn: "sqlite:/tmp/s.db?_pragma=foreign_keys(0)", wantErr: "SQLite options"},
		{name: "bare path with options", dsn: "/tmp/s.db?mode=ro", wantErr: "SQLite options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, driverDSN, err := models.ParseDSN(tt.dsn)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseDSN(%q) = %q, %q, want an error", tt.dsn, kind, driverDSN)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDSN(%q) error %q, want it to mention %q", tt.dsn, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDSN(%q): %v", tt.dsn, err)
			}
			if kind != tt.wantKind {
				t.Errorf("ParseDSN(%q) kind = %q, want %q", tt.dsn, kind, tt.wantKind)
			}
			if kind == models.Postgres {
				if driverDSN != tt.dsn {
					t.Errorf("ParseDSN(%q) driver DSN = %q, want it unchanged", tt.dsn, driverDSN)
				}
				return
			}
			path, rawQuery, ok := strings.Cut(driverDSN, "?")
			if !ok || path != tt.wantPath {
				t.Fatalf("ParseDSN(%q) driver DSN = %q, want %q followed by options", tt.dsn, driverDSN, tt.wantPath)
			}
			q, err := url.ParseQuery(rawQuery)
			if err != nil {
				t.Fatalf("options %q: %v", rawQuery, err)
			}
			if got := q.Get("_txlock"); got != "immediate" {
				t.Errorf("_txlock = %q, want immediate", got)
			}
			pragmas := strings.Join(q["_pragma"], " ")
			for _, want := range []string{"busy_timeout(", "journal_mode(WAL)", "foreign_keys(1)"} {
				if !strings.Contains(pragmas, want) {
					t.Errorf("pragmas %q lack %s", pragmas, want)
				}
			}
		})
	}
}
