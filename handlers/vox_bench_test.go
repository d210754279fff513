package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// BenchmarkVoxGetUsers measures GetUsers over many users (STAFFMGR_BENCH_EMPLOYEES,
// 20,000 by default) on both databases, authenticated by api_key and by a JWT:
//
//	go test ./handlers -run '^$' -bench VoxGetUsers -benchtime 20x
func BenchmarkVoxGetUsers(b *testing.B) {
	n := 20_000
	if v := os.Getenv("STAFFMGR_BENCH_EMPLOYEES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("STAFFMGR_BENCH_EMPLOYEES=%q: want a number of at least 100", v)
		}
	}
	queries := []struct{ name, query string }{
		{"first-page", "application_name=call"},
		{"deep-page-by-display-name", "application_name=call&order_by=user_display_name&count=50&offset=" + strconv.Itoa(n*9/10)},
		{"name-part", "application_name=call&user_name=0042"},
		{"with-queues-and-skills", "application_name=call&count=100&with_queues=true&with_skills=true"},
	}
	for _, kind := range dbtest.Kinds {
		b.Run(kind, func(b *testing.B) {
			ctx := context.Background()
			db := dbtest.Open(b, kind)
			seedStaff(b, db, n)
			app, _ := benchApp(b, db)
			h := app.Echo()
			r := &models.Record{Name: "callcenter"}
			if err := models.Applications.Save(ctx, db, r); err != nil {
				b.Fatal(err)
			}
			if err := db.Exec("INSERT INTO vox_users (account_id, application_id, created_at, updated_at) "+
				"SELECT id, ?, created_at, updated_at FROM accounts WHERE level = 28", r.ID).Error; err != nil {
				b.Fatal(err)
			}
			if kind == models.Postgres {
				// The statistics autovacuum would gather on a live database.
				if err := db.Exec("ANALYZE").Error; err != nil {
					b.Fatal(err)
				}
			}
			root, err := models.FindAccountByLogin(ctx, db, "root")
			if err != nil {
				b.Fatal(err)
			}
			_, apiKey, err := models.CreateVoxAPIKey(ctx, db, "bench", "admin", root.ID, 0)
			if err != nil {
				b.Fatal(err)
			}
			k, private, err := models.CreateVoxKey(ctx, db, "bench", "admin", root.ID, 0)
			if err != nil {
				b.Fatal(err)
			}
			creds := &voxCreds{AccountID: root.ID, KeyID: strconv.FormatInt(k.ID, 10), PrivateKey: private}
			token := creds.token(nil, map[string]any{"iss": root.ID, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
			for _, q := range queries {
				for _, auth := range []string{"api_key", "jwt"} {
					b.Run(q.name+"/"+auth, func(b *testing.B) {
						url := "/platform_api/GetUsers?" + q.query
						if auth == "api_key" {
							url += "&account_id=" + strconv.FormatInt(root.ID, 10) + "&api_key=" + apiKey
						}
						for b.Loop() {
							req := httptest.NewRequest(http.MethodGet, url, nil)
							if auth == "jwt" {
								req.Header.Set("Authorization", "Bearer "+token)
							}
							rec := httptest.NewRecorder()
							h.ServeHTTP(rec, req)
							if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"total_count"`) {
								b.Fatalf("%d %s", rec.Code, rec.Body)
							}
						}
					})
				}
			}
		})
	}
}
