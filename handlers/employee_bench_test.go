package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/session"
)

// BenchmarkEmployeeList measures func=employee&out=json over a large staff
// (STAFFMGR_BENCH_EMPLOYEES, 100,000 by default) on both databases: deep pages
// sorted by each indexed column, wildcard filters, and the total on every page.
//
//	go test ./handlers -run '^$' -bench EmployeeList -benchtime 20x
func BenchmarkEmployeeList(b *testing.B) {
	n := 100_000
	if v := os.Getenv("STAFFMGR_BENCH_EMPLOYEES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("STAFFMGR_BENCH_EMPLOYEES=%q: want a number of at least 100", v)
		}
	}
	deep := n / 30 * 9 / 10 // a page 90% of the way down, at 30 rows a page
	queries := []struct{ name, query string }{
		{"first-page-by-id", "sort=id"},
		{"deep-page-by-name-desc", fmt.Sprintf("sort=-name&p_cnt=30&p_num=%d", deep)},
		{"deep-page-by-realname", fmt.Sprintf("sort=realname&p_cnt=30&p_num=%d", deep)},
		{"deep-page-by-email", fmt.Sprintf("p_col=%%2Bemail&p_cnt=30&p_num=%d", deep)},
		{"deep-page-by-department", fmt.Sprintf("sort=department&p_cnt=30&p_num=%d", deep)},
		{"prefix-filter-by-name", "filter=on&name=emp0012*&sort=name"},
		{"prefix-filter-by-email", "filter=on&email=EMP004*&sort=email&p_num=2"},
		{"realname-prefix-deep", fmt.Sprintf("filter=on&realname=employee*&sort=realname&p_num=%d", deep/2)},
		{"infix-filter-by-realname", "filter=on&realname=*number%204242*"},
		{"department-filter", "filter=on&department=tech*&sort=name&p_num=100"},
	}
	for _, kind := range dbtest.Kinds {
		b.Run(kind, func(b *testing.B) {
			db := dbtest.Open(b, kind)
			seedStaff(b, db, n)
			app, token := benchApp(b, db)
			h := app.Echo()
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					url := "/billmgr?func=employee&out=json&auth=" + token + "&" + q.query
					for b.Loop() {
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
						if body := rec.Body.String(); !strings.Contains(body, `"p_elems"`) || strings.Contains(body, `"error"`) {
							b.Fatalf("%s: %s", q.query, body)
						}
					}
				})
			}
		})
	}
}

// benchApp builds the App over db and opens a root session on it.
func benchApp(b *testing.B, db *gorm.DB) (*App, string) {
	sessions := session.New(db, session.Config{IdleTimeout: time.Hour, Lifetime: 10 * time.Hour})
	app, err := New(db, sessions, Config{Passwords: dbtest.FastPasswords, PasswordPolicy: models.DefaultPasswordPolicy},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, "root", 31, Password); err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h := app.Echo()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?func=auth&out=xml&username=root&password="+Password, nil))
	body := rec.Body.String()
	_, rest, ok := strings.Cut(body, `<auth id="`)
	if !ok {
		b.Fatalf("login: %s", body)
	}
	token, _, _ := strings.Cut(rest, `"`)
	return app, token
}

// seedStaff inserts n employees with realistic cards, spread over 20 departments,
// a third of them in two, in batches.
func seedStaff(b *testing.B, db *gorm.DB, n int) {
	ctx := context.Background()
	hash, err := models.HashPassword(ctx, dbtest.FastPasswords, Password)
	if err != nil {
		b.Fatal(err)
	}
	now := models.Now()
	var deps []models.Department
	for i := 1; i <= 18; i++ {
		d := models.Department{Name: fmt.Sprintf("Department %02d", i)}
		if err := models.SaveDepartment(ctx, db, &d); err != nil {
			b.Fatal(err)
		}
		deps = append(deps, d)
	}
	all, err := models.AllDepartments(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	deps = all // the two seeded ones too
	const batch = 1000
	err = db.Transaction(func(tx *gorm.DB) error {
		for start := 0; start < n; start += batch {
			var accounts []models.Account
			for i := start; i < min(start+batch, n); i++ {
				accounts = append(accounts, models.Account{
					Login: fmt.Sprintf("emp%06d", (i*7919)%n), Level: 28, PasswordHash: hash, Enabled: i%50 != 0,
					CreatedAt: now, UpdatedAt: now, AllIPAccess: true,
					Realname: fmt.Sprintf("Employee number %d", (i*104729)%n),
					Email:    fmt.Sprintf("emp%06d@example.com", (i*15485863)%n),
				})
			}
			if err := tx.Create(&accounts).Error; err != nil {
				return err
			}
			var members []models.Membership
			for j, a := range accounts {
				i := start + j
				members = append(members, models.Membership{AccountID: a.ID, DepartmentID: deps[i%len(deps)].ID, Active: true})
				if i%3 == 0 {
					members = append(members, models.Membership{AccountID: a.ID, DepartmentID: deps[(i+7)%len(deps)].ID, Active: true})
				}
			}
			if err := tx.Create(&members).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range deps { // fills department_names of every member
		if err := models.SaveDepartment(ctx, db, &d); err != nil {
			b.Fatal(err)
		}
	}
	// As autovacuum would have by now: fresh statistics, and on PostgreSQL the
	// visibility map that lets index-only scans skip the table.
	stats := "ANALYZE"
	if models.Kind(db) == models.Postgres {
		stats = "VACUUM ANALYZE accounts, department_members, departments"
	}
	if err := db.Exec(stats).Error; err != nil {
		b.Fatal(err)
	}
}
