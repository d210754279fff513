package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

const key = "0123456789abcdef-one-time"

func TestRegisterKey(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := MustCreateAccount(t, db, "alice", rights.Admin)

		for _, short := range []string{"", "x", strings.Repeat("k", models.MinKeyLength-1)} {
			err := models.RegisterKey(ctx, db, a.ID, 0, short, time.Hour)
			MustAppError(t, err, errs.Value, "key")
		}
		MustRegisterKey(t, db, a.ID, strings.Repeat("k", models.MinKeyLength), time.Hour)
		MustRegisterKey(t, db, a.ID, key, time.Hour)

		var stored models.AuthKey
		if err := db.Where("key_hash = ?", models.Digest(key)).Take(&stored).Error; err != nil {
			t.Fatalf("the key's digest is not stored: %v", err)
		}
		if stored.AccountID != a.ID {
			t.Errorf("key stored for account %d, want %d", stored.AccountID, a.ID)
		}
		if d := stored.ExpiresAt.Sub(stored.CreatedAt); d < time.Hour-time.Millisecond || d > time.Hour+time.Millisecond {
			t.Errorf("key valid for %v, want 1h", d)
		}
		if dbtest.MustCount(t, db.Model(&models.AuthKey{}).Where("key_hash = ?", key)) != 0 {
			t.Error("the key itself is stored")
		}

		// Registered again, the key starts its time again; it is still one key.
		if err := models.RegisterKey(ctx, db, a.ID, 0, key, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		var keys []models.AuthKey
		if err := db.Where("account_id = ?", a.ID).Find(&keys).Error; err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 {
			t.Errorf("%d keys after registering one again, want 2", len(keys))
		}
		err := models.RegisterKey(ctx, db, a.ID, 0, strings.Repeat("k", models.MaxKeyLength+1), time.Hour)
		MustAppError(t, err, errs.Value, "key")
	})
}

func TestConsumeKey(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.User)

		// Works once.
		MustRegisterKey(t, db, alice.ID, key, time.Hour)
		got, by, err := models.ConsumeKey(ctx, db, "alice", key)
		if err != nil || by != 0 {
			t.Fatalf("ConsumeKey: %v", err)
		}
		if got.ID != alice.ID {
			t.Errorf("ConsumeKey returned account %d, want %d", got.ID, alice.ID)
		}
		_, _, err = models.ConsumeKey(ctx, db, "alice", key)
		MustAppError(t, err, errs.Auth, "badpassword")

		tests := []struct {
			name  string
			owner int64
			ttl   time.Duration
			key   string // the key registered
			login string // who uses it
			use   string // the key used
		}{
			{name: "expired", owner: alice.ID, ttl: -time.Second, key: "expired-key-000001", login: "alice", use: "expired-key-000001"},
			{name: "expires at once", owner: alice.ID, ttl: 0, key: "expired-key-000002", login: "alice", use: "expired-key-000002"},
			{name: "another account's key", owner: bob.ID, ttl: time.Hour, key: "bobs-key-00000001", login: "alice", use: "bobs-key-00000001"},
			{name: "unknown login", owner: alice.ID, ttl: time.Hour, key: "alices-key-000001", login: "nobody", use: "alices-key-000001"},
			{name: "wrong key", owner: alice.ID, ttl: time.Hour, key: "alices-key-000002", login: "alice", use: "alices-key-000003"},
		}
		for _, tt := range tests {
			MustRegisterKey(t, db, tt.owner, tt.key, tt.ttl)
			a, _, err := models.ConsumeKey(ctx, db, tt.login, tt.use)
			if a != nil {
				t.Errorf("%s: ConsumeKey returned account %d", tt.name, a.ID)
			}
			if !errors.Is(err, errs.Auth) || objectOf(err) != "badpassword" {
				t.Errorf("%s: ConsumeKey error %v, want auth badpassword", tt.name, err)
			}
		}

		// The other account's key is still there for its owner.
		if got, _, err := models.ConsumeKey(ctx, db, "bob", "bobs-key-00000001"); err != nil || got.ID != bob.ID {
			t.Errorf("bob's own key: %v, %v", got, err)
		}

		// A disabled account cannot log in with a key, valid or not.
		MustRegisterKey(t, db, bob.ID, "bobs-key-00000002", time.Hour)
		MustDisable(t, db, bob.ID)
		_, _, err = models.ConsumeKey(ctx, db, "bob", "bobs-key-00000002")
		MustAppError(t, err, errs.Auth, "badpassword")

		n, err := models.DeleteExpiredKeys(ctx, db)
		if err != nil || n != 2 {
			t.Errorf("DeleteExpiredKeys = %d, %v; want the 2 expired keys", n, err)
		}
		if left := dbtest.MustCount(t, db.Model(&models.AuthKey{}).Where("expires_at <= ?", models.Now())); left != 0 {
			t.Errorf("%d expired keys left", left)
		}
	})
}

// N concurrent uses of one key, as from several processes: exactly one logs in.
func TestConsumeKeyConcurrent(t *testing.T) {
	t.Parallel()
	const users = 8
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := MustCreateAccount(t, db, "alice", rights.Admin)
		MustRegisterKey(t, db, a.ID, key, time.Hour)

		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results = make([]error, users)
		)
		for i := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, results[i] = models.ConsumeKey(context.Background(), db, "alice", key)
			}()
		}
		close(start)
		wg.Wait()

		ok := 0
		for i, err := range results {
			if err == nil {
				ok++
				continue
			}
			if !errors.Is(err, errs.Auth) {
				t.Errorf("use %d: %v, want success or auth badpassword", i, err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d concurrent uses succeeded, want exactly 1", ok, users)
		}
	})
}
