package models

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// The few column types the two databases spell differently; migrations use these
// placeholders and are otherwise plain SQL that both accept. $C follows an indexed
// expression that prefix filters compare in byte order (SQLite's default already);
// $INSTR(s, t) is the position of t in s, 0 when there is none.
var dialectTypes = map[string]*strings.Replacer{
	Postgres: strings.NewReplacer("$ID", "BIGSERIAL PRIMARY KEY", "$TIME", "TIMESTAMPTZ", "$BLOB", "BYTEA", "$C", ` COLLATE "C"`, "$INSTR", "STRPOS"),
	SQLite:   strings.NewReplacer("$ID", "INTEGER PRIMARY KEY AUTOINCREMENT", "$TIME", "DATETIME", "$BLOB", "BLOB", "$C", "", "$INSTR", "INSTR"),
}

// migrationLock is the PostgreSQL advisory lock key that serialises migrations of
// several processes starting at once.
const migrationLock = 0x57AFF001

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a version number and _", name)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: version, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Migrate applies every migration not yet recorded in schema_migrations, each in its
// own transaction, and returns the names of those it applied.
func Migrate(ctx context.Context, db *gorm.DB) ([]string, error) {
	migrations, err := Migrations()
	if err != nil {
		return nil, err
	}
	kind := Kind(db)
	replacer, ok := dialectTypes[kind]
	if !ok {
		return nil, fmt.Errorf("migrate: unsupported database %q", kind)
	}
	var applied []string
	for _, m := range migrations {
		ran := false
		err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if kind == Postgres {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLock).Error; err != nil {
					return err
				}
			}
			if err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				name       VARCHAR(200) NOT NULL,
				applied_at ` + replacer.Replace("$TIME") + ` NOT NULL)`).Error; err != nil {
				return err
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.Version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(replacer.Replace(forDialect(m.SQL, kind))) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			ran = true
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, Now()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if ran {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

// embedded is Migrations read once, for the checks that run often.
var embedded = sync.OnceValues(Migrations)

// PendingMigrations returns the names of the embedded migrations that the database
// has not recorded, in order: none when its schema is current. It only reads.
func PendingMigrations(ctx context.Context, db *gorm.DB) ([]string, error) {
	all, err := embedded()
	if err != nil {
		return nil, err
	}
	var versions []int
	if err := db.WithContext(ctx).Table("schema_migrations").Pluck("version", &versions).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	var pending []string
	for _, m := range all {
		if !applied[m.Version] {
			pending = append(pending, m.Name)
		}
	}
	return pending, nil
}

// forDialect is the part of a migration's SQL that runs on the database kind: the
// lines before the first "-- dialect: NAME" line run on every database, and the lines
// after such a line only on the one it names (postgres or sqlite). Triggers and
// functions, which the two spell differently, need it.
func forDialect(sql, kind string) string {
	var out strings.Builder
	keep := true
	for _, line := range strings.SplitAfter(sql, "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "-- dialect:"); ok {
			keep = strings.TrimSpace(name) == kind
			continue
		}
		if keep {
			out.WriteString(line)
		}
	}
	return out.String()
}

// splitStatements splits a migration at semicolons that end a line, dropping
// comment-only and blank lines.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
