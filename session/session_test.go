package session_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
	"staffmgr/session"
)

func TestLoadUnknownToken(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		for _, token := range []string{"", "no-such-token", models.RandomToken(32)} {
			ctx := MustLoad(t, m, token)
			if m.Valid(ctx) || m.Actor(ctx) != 0 || m.Impersonator(ctx) != 0 {
				t.Errorf("Load(%q): valid %v, actor %d, impersonator %d; want an invalid session", token, m.Valid(ctx), m.Actor(ctx), m.Impersonator(ctx))
			}
			if m.Token(ctx) != "" || m.ID(ctx) != "" || m.CSRF(ctx) != "" {
				t.Errorf("Load(%q): token %q, id %q, csrf %q; want none", token, m.Token(ctx), m.ID(ctx), m.CSRF(ctx))
			}
			// Nobody logged in: nothing is saved.
			m.SetIP(ctx, "192.0.2.1")
			if got, _, err := m.Commit(ctx); err != nil || got != "" {
				t.Errorf("Commit of an anonymous session = %q, %v; want no token", got, err)
			}
		}
		if n := countRows(t, db); n != 0 {
			t.Errorf("%d sessions stored without a login", n)
		}
	})
}

func TestLoginCommitLoad(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)

		before := models.Now()
		ctx := MustLoad(t, m, "")
		if err := m.Login(ctx, alice.ID, "192.0.2.7"); err != nil {
			t.Fatalf("Login: %v", err)
		}
		csrf := m.CSRF(ctx)
		if len(csrf) < 16 {
			t.Errorf("CSRF token after Login = %q, want a random token", csrf)
		}
		token, expiry, err := m.Commit(ctx)
		if err != nil || token == "" {
			t.Fatalf("Commit = %q, %v; want a token", token, err)
		}
		after := models.Now()
		if m.Token(ctx) != token || m.ID(ctx) != models.Digest(token) {
			t.Errorf("Token/ID of the committed context = %q/%q, want %q/%q", m.Token(ctx), m.ID(ctx), token, models.Digest(token))
		}

		// The row is keyed by the token's digest, and holds the token nowhere.
		row := MustRow(t, db, token)
		if row.ID != models.Digest(token) || row.ID == token {
			t.Errorf("row id %q, want the digest %q", row.ID, models.Digest(token))
		}
		if rowExists(t, db, models.Digest(token)) {
			t.Error("a row is keyed by the digest of the digest")
		}
		if dbtest.MustCount(t, db.Model(&session.Row{}).Where("id = ?", token)) != 0 {
			t.Error("a row is keyed by the token itself")
		}
		if bytes.Contains(row.Data, []byte(token)) {
			t.Error("the session data holds the token")
		}
		if row.AccountID != alice.ID || row.IP != "192.0.2.7" {
			t.Errorf("row account %d ip %q, want %d 192.0.2.7", row.AccountID, row.IP, alice.ID)
		}
		if row.CreatedAt.Before(before) || row.CreatedAt.After(after) {
			t.Errorf("created_at %v not within the login [%v, %v]", row.CreatedAt, before, after)
		}
		if row.LastSeen.Before(row.CreatedAt) || row.LastSeen.After(after) {
			t.Errorf("last_seen %v, want between created_at %v and %v", row.LastSeen, row.CreatedAt, after)
		}
		if d := row.Expiry.Sub(expiry); d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("stored expiry %v, Commit said %v", row.Expiry, expiry)
		}
		if d := row.Expiry.Sub(row.CreatedAt); d < cfg.IdleTimeout-time.Second || d > cfg.IdleTimeout+time.Second {
			t.Errorf("expiry %v is %v after login, want the idle timeout %v", row.Expiry, d, cfg.IdleTimeout)
		}

		// The next request finds the account through the token alone.
		for range 2 {
			ctx := MustLoad(t, m, token)
			if !m.Valid(ctx) || m.Actor(ctx) != alice.ID {
				t.Fatalf("Load: valid %v actor %d, want account %d", m.Valid(ctx), m.Actor(ctx), alice.ID)
			}
			if m.Impersonator(ctx) != 0 {
				t.Errorf("Impersonator %d in an ordinary session, want 0", m.Impersonator(ctx))
			}
			if m.Token(ctx) != token || m.ID(ctx) != row.ID {
				t.Errorf("Token/ID %q/%q, want %q/%q", m.Token(ctx), m.ID(ctx), token, row.ID)
			}
			if m.CSRF(ctx) != csrf {
				t.Errorf("CSRF %q after Load, want the login's %q", m.CSRF(ctx), csrf)
			}
			if got := MustCommit(t, m, ctx); got != token {
				t.Errorf("Commit of a loaded session gave token %q, want %q", got, token)
			}
		}
		if n := countRows(t, db); n != 1 {
			t.Errorf("%d rows after loads and commits, want 1", n)
		}

		// A second login has a CSRF token of its own.
		other := MustLogin(t, m, alice.ID, "192.0.2.8")
		if got := m.CSRF(MustLoad(t, m, other)); got == csrf || got == "" {
			t.Errorf("second session's CSRF %q, want a new one", got)
		}

		// Logout.
		ctx = MustLoad(t, m, token)
		if err := m.Destroy(ctx); err != nil {
			t.Fatalf("Destroy: %v", err)
		}
		if rowExists(t, db, token) {
			t.Error("the row survived Destroy")
		}
		if m.Valid(ctx) {
			t.Error("the destroyed context is still valid")
		}
		if got, _, err := m.Commit(ctx); err != nil || got != "" {
			t.Errorf("Commit after Destroy = %q, %v; want no token", got, err)
		}
		if rowExists(t, db, token) || valid(t, m, token) {
			t.Error("the destroyed session came back")
		}
		if !valid(t, m, other) {
			t.Error("Destroy ended another session of the account")
		}
	})
}

// Login on a loaded session moves it to a new token and deletes the old one, so that
// a token fixed before login is worthless after it.
func TestLoginRenewsToken(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.User)
		old := MustLogin(t, m, alice.ID, "192.0.2.1")
		before := MustLoad(t, m, old)
		m.SetListState(before, "employee", map[string]string{"name": "x"})
		MustCommit(t, m, before)

		ctx := MustLoad(t, m, old)
		if err := m.Login(ctx, bob.ID, "192.0.2.2"); err != nil {
			t.Fatal(err)
		}
		token := MustCommit(t, m, ctx)
		if token == old {
			t.Fatal("Login kept the token")
		}
		if rowExists(t, db, old) || valid(t, m, old) {
			t.Error("the old token still has a session")
		}
		ctx = MustLoad(t, m, token)
		if m.Actor(ctx) != bob.ID {
			t.Errorf("actor %d, want %d", m.Actor(ctx), bob.ID)
		}
		if f := m.ListState(ctx, "employee"); f != nil {
			t.Errorf("the new session kept the old one's data %v", f)
		}
	})
}

// A request that loaded a session before it was ended must not bring it back when it
// commits at its end.
func TestCommitDoesNotResurrect(t *testing.T) {
	t.Parallel()
	ends := map[string]func(ctx context.Context, db *gorm.DB, m *session.Manager, token string, account int64) error{
		"EndAccount": func(ctx context.Context, db *gorm.DB, _ *session.Manager, _ string, account int64) error {
			_, err := session.EndAccount(ctx, db, account)
			return err
		},
		"End": func(ctx context.Context, db *gorm.DB, _ *session.Manager, token string, _ int64) error {
			return session.End(ctx, db, models.Digest(token))
		},
		"Destroy in another request": func(_ context.Context, _ *gorm.DB, m *session.Manager, token string, _ int64) error {
			ctx, err := m.Load(context.Background(), token)
			if err != nil {
				return err
			}
			return m.Destroy(ctx)
		},
	}
	configs := map[string]session.Config{
		"idle":            cfg,
		"no idle timeout": {Lifetime: time.Hour},
	}
	for endName, end := range ends {
		for cfgName, c := range configs {
			t.Run(endName+"/"+cfgName, func(t *testing.T) {
				t.Parallel()
				dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
					m := session.New(db, c)
					alice := MustCreateAccount(t, db, "alice", rights.Admin)
					token := MustLogin(t, m, alice.ID, "192.0.2.1")

					inFlight := MustLoad(t, m, token)
					if !m.Valid(inFlight) {
						t.Fatal("the session does not load")
					}
					if err := end(context.Background(), db, m, token, alice.ID); err != nil {
						t.Fatalf("end the session: %v", err)
					}
					// The request goes on changing its session, then commits.
					m.SetIP(inFlight, "198.51.100.1")
					m.SetListState(inFlight, "employee", map[string]string{"name": "x"})
					if _, _, err := m.Commit(inFlight); err != nil {
						t.Fatalf("Commit: %v", err)
					}
					if rowExists(t, db, token) {
						t.Fatal("the ended session was written back")
					}
					if valid(t, m, token) {
						t.Fatal("the ended session loads again")
					}
				})
			})
		}
	}
}

// TestCommitDoesNotReviveExpired: a request that loaded its session before the
// session's expiry was moved into the past does not move it forward again when it
// saves the session.
func TestCommitDoesNotReviveExpired(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")
		inFlight := MustLoad(t, m, token)
		MustExpire(t, db, token)
		if _, _, err := m.Commit(inFlight); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		if !m.Ended(inFlight) {
			t.Error("the request does not learn that its session is over")
		}
		if row := MustRow(t, db, token); row.Expiry.After(models.Now()) {
			t.Errorf("the expired session was saved with the expiry %v", row.Expiry)
		}
		if valid(t, m, token) {
			t.Error("the expired session loads again")
		}
	})
}

// TestIdleTimeout: a session ends after its idle time, also in the process that
// keeps it, with nothing written meanwhile.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, session.Config{IdleTimeout: time.Second, Lifetime: time.Hour})
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")
		row := MustRow(t, db, token)
		if d := row.Expiry.Sub(row.CreatedAt); d <= 0 || d > 1100*time.Millisecond {
			t.Errorf("expiry %v after login, want the 1s idle timeout", d)
		}
		if !valid(t, m, token) {
			t.Fatal("the session is not valid at once")
		}
		time.Sleep(time.Until(MustRow(t, db, token).Expiry) + 50*time.Millisecond)
		if valid(t, m, token) {
			t.Error("the session is valid after its idle timeout")
		}
		if !rowExists(t, db, token) {
			t.Error("the expired row is gone before DeleteExpired")
		}
	})
}

// The expiry column decides, whatever the data says: a row past it is not found.
func TestExpiredRowNotFound(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")
		MustExpire(t, db, token)
		ctx := MustLoad(t, m, token)
		if m.Valid(ctx) {
			t.Fatal("a session past its expiry column loads")
		}
		if _, err := session.Find(context.Background(), db, models.Digest(token)); err == nil {
			t.Error("Find returns a session past its expiry")
		}
	})
}

// storedExpiry loads, commits and returns the stored expiry, as one request would.
func storedExpiry(t *testing.T, db *gorm.DB, m *session.Manager, token string) time.Time {
	t.Helper()
	ctx := MustLoad(t, m, token)
	if !m.Valid(ctx) {
		t.Fatal("the session does not load")
	}
	MustCommit(t, m, ctx)
	return MustRow(t, db, token).Expiry
}

func TestLifetime(t *testing.T) {
	t.Parallel()
	const (
		idle = time.Hour
		gap  = 300 * time.Millisecond
	)
	tests := []struct {
		name string
		cfg  session.Config
		// refreshed: each request pushes the expiry on; otherwise it stays at the cap.
		refreshed bool
	}{
		{name: "idle shorter than lifetime", cfg: session.Config{IdleTimeout: idle, Lifetime: 10 * idle}, refreshed: true},
		{name: "idle longer than lifetime", cfg: session.Config{IdleTimeout: idle, Lifetime: idle / 2}},
		{name: "no idle timeout", cfg: session.Config{Lifetime: idle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				m := session.New(db, tt.cfg)
				alice := MustCreateAccount(t, db, "alice", rights.Admin)
				token := MustLogin(t, m, alice.ID, "192.0.2.1")
				row := MustRow(t, db, token)
				limit := row.CreatedAt.Add(tt.cfg.Lifetime)
				prev := row.Expiry
				for range 3 {
					time.Sleep(20 * time.Millisecond)
					e := storedExpiry(t, db, m, token)
					if e.After(limit) {
						t.Errorf("expiry %v is after login + lifetime %v", e, limit)
					}
					if tt.refreshed && !e.After(prev) {
						t.Errorf("expiry %v did not move on from %v", e, prev)
					}
					if !tt.refreshed && e.Sub(prev).Abs() > time.Microsecond {
						t.Errorf("expiry moved from %v to %v, want it fixed at login + lifetime", prev, e)
					}
					prev = e
				}
				if !tt.refreshed {
					if d := limit.Sub(prev); d < 0 || d > time.Second {
						t.Errorf("expiry %v is %v before login + lifetime, want it there", prev, d)
					}
				}
			})
		})
	}

	// An active session whose idle refresh would run past the lifetime is capped at it.
	t.Run("refresh capped", func(t *testing.T) {
		t.Parallel()
		dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
			c := session.Config{IdleTimeout: idle, Lifetime: idle + gap}
			m := session.New(db, c)
			alice := MustCreateAccount(t, db, "alice", rights.Admin)
			token := MustLogin(t, m, alice.ID, "192.0.2.1")
			row := MustRow(t, db, token)
			limit := row.CreatedAt.Add(c.Lifetime)
			if !row.Expiry.Before(limit) {
				t.Fatalf("first expiry %v, want the idle one before %v", row.Expiry, limit)
			}
			time.Sleep(gap + 100*time.Millisecond) // now + idle is past the lifetime
			capped := storedExpiry(t, db, m, token)
			if capped.After(limit) || limit.Sub(capped) > 50*time.Millisecond {
				t.Errorf("expiry %v after the refresh, want the cap %v", capped, limit)
			}
			if !capped.After(row.Expiry) {
				t.Errorf("expiry %v did not move on from %v", capped, row.Expiry)
			}
			if e := storedExpiry(t, db, m, token); e.Sub(capped).Abs() > time.Microsecond {
				t.Errorf("expiry moved from %v to %v past the cap", capped, e)
			}
		})
	})
}

func TestEndAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.User)
		a1 := MustLogin(t, m, alice.ID, "192.0.2.1")
		a2 := MustLogin(t, m, alice.ID, "192.0.2.2")
		b1 := MustLogin(t, m, bob.ID, "192.0.2.3")

		n, err := session.EndAccount(ctx, db, alice.ID)
		if err != nil || n != 2 {
			t.Fatalf("EndAccount = %d, %v; want 2", n, err)
		}
		for _, token := range []string{a1, a2} {
			if valid(t, m, token) || rowExists(t, db, token) {
				t.Error("a session of the ended account is left")
			}
		}
		if !valid(t, m, b1) {
			t.Error("EndAccount ended another account's session")
		}
		if n, err := session.EndAccount(ctx, db, alice.ID); err != nil || n != 0 {
			t.Errorf("second EndAccount = %d, %v; want 0", n, err)
		}

		// Deleting an account ends its sessions too (the foreign key cascades).
		if err := db.Delete(&models.Account{}, bob.ID).Error; err != nil {
			t.Fatal(err)
		}
		if rowExists(t, db, b1) {
			t.Error("a deleted account's session is left")
		}
	})
}

func TestDeleteExpired(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		live := MustLogin(t, m, alice.ID, "192.0.2.1")
		expired1 := MustLogin(t, m, alice.ID, "192.0.2.2")
		expired2 := MustLogin(t, m, alice.ID, "192.0.2.3")
		MustExpire(t, db, expired1)
		MustExpire(t, db, expired2)

		n, err := session.DeleteExpired(context.Background(), db)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
		}
		if rowExists(t, db, expired1) || rowExists(t, db, expired2) {
			t.Error("an expired row is left")
		}
		if !valid(t, m, live) {
			t.Error("DeleteExpired removed a live session")
		}
		if n, err := session.DeleteExpired(context.Background(), db); err != nil || n != 0 {
			t.Errorf("second DeleteExpired = %d, %v; want 0", n, err)
		}
	})
}

func TestFindActiveEnd(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.User)
		a := MustLogin(t, m, alice.ID, "192.0.2.1")
		b := MustLogin(t, m, bob.ID, "192.0.2.2")
		gone := MustLogin(t, m, bob.ID, "192.0.2.3")
		MustExpire(t, db, gone)

		id := models.Digest(a)
		if got := m.ID(MustLoad(t, m, a)); got != id {
			t.Errorf("Manager.ID = %q, want %q", got, id)
		}
		l, err := session.Find(ctx, db, id)
		if err != nil {
			t.Fatalf("Find: %v", err)
		}
		row := MustRow(t, db, a)
		want := session.Listed{ID: id, AccountID: alice.ID, Login: "alice", Level: int(rights.Admin), IP: "192.0.2.1",
			CreatedAt: row.CreatedAt, LastSeen: row.LastSeen}
		if l.ID != want.ID || l.AccountID != want.AccountID || l.Login != want.Login || l.Level != want.Level || l.IP != want.IP ||
			!l.CreatedAt.Equal(want.CreatedAt) || !l.LastSeen.Equal(want.LastSeen) {
			t.Errorf("Find = %+v, want %+v", *l, want)
		}

		for _, missing := range []string{a, models.Digest(gone), "nope"} {
			_, err := session.Find(ctx, db, missing)
			if !errors.Is(err, errs.Missed) || objectOf(err) != "session" {
				t.Errorf("Find(%q) error %v, want missed session", missing, err)
			}
		}

		var listed []session.Listed
		if err := session.Active(ctx, db).Select(session.ListedColumns).Order("s.ip").Find(&listed).Error; err != nil {
			t.Fatalf("Active: %v", err)
		}
		if len(listed) != 2 || listed[0].Login != "alice" || listed[1].Login != "bob" || listed[1].ID != models.Digest(b) {
			t.Errorf("Active lists %+v, want alice's and bob's live sessions", listed)
		}

		if err := session.End(ctx, db, id); err != nil {
			t.Fatalf("End: %v", err)
		}
		if valid(t, m, a) {
			t.Error("the ended session still loads")
		}
		err = session.End(ctx, db, id)
		if !errors.Is(err, errs.Missed) {
			t.Errorf("second End error %v, want missed", err)
		}
		if !valid(t, m, b) {
			t.Error("End ended another session")
		}
	})
}

func TestListState(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")

		ctx := MustLoad(t, m, token)
		if f := m.ListState(ctx, "employee"); f != nil {
			t.Errorf("ListState before any is set = %v, want nil", f)
		}
		employee := map[string]string{"name": "ann", "level": "28"}
		department := map[string]string{"name": "sales"}
		m.SetListState(ctx, "employee", employee)
		m.SetListState(ctx, "department", department)
		MustCommit(t, m, ctx)

		ctx = MustLoad(t, m, token)
		if got := m.ListState(ctx, "employee"); !reflect.DeepEqual(got, employee) {
			t.Errorf("employee filter after a new Load = %v, want %v", got, employee)
		}
		if got := m.ListState(ctx, "department"); !reflect.DeepEqual(got, department) {
			t.Errorf("department filter after a new Load = %v, want %v", got, department)
		}
		if f := m.ListState(ctx, "ticket"); f != nil {
			t.Errorf("filter of a list never set = %v", f)
		}
		m.SetListState(ctx, "employee", nil)
		MustCommit(t, m, ctx)

		ctx = MustLoad(t, m, token)
		if f := m.ListState(ctx, "employee"); f != nil {
			t.Errorf("cleared filter after a new Load = %v, want nil", f)
		}
		if got := m.ListState(ctx, "department"); !reflect.DeepEqual(got, department) {
			t.Errorf("department filter lost: %v", got)
		}
		if m.Actor(ctx) != alice.ID {
			t.Errorf("actor %d after filter changes", m.Actor(ctx))
		}
	})
}

func TestParent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")

		ctx := MustLoad(t, m, token)
		if id := m.Parent(ctx, "rights2.user"); id != 0 {
			t.Errorf("Parent before any is set = %d, want 0", id)
		}
		m.SetParent(ctx, "rights2.user", 7)
		MustCommit(t, m, ctx)

		ctx = MustLoad(t, m, token)
		if id := m.Parent(ctx, "rights2.user"); id != 7 {
			t.Errorf("Parent after a new Load = %d, want 7", id)
		}
		if id := m.Parent(ctx, "rights2.group"); id != 0 {
			t.Errorf("Parent of another list = %d, want 0", id)
		}
		if other := MustLoad(t, m, MustLogin(t, m, alice.ID, "192.0.2.1")); m.Parent(other, "rights2.user") != 0 {
			t.Error("another session of the account shares the parent")
		}
	})
}

func TestSetIP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		m := session.New(db, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m, alice.ID, "192.0.2.1")
		first := MustRow(t, db, token)
		time.Sleep(5 * time.Millisecond)

		ctx := MustLoad(t, m, token)
		m.SetIP(ctx, "2001:db8::1")
		MustCommit(t, m, ctx)
		row := MustRow(t, db, token)
		if row.IP != "2001:db8::1" {
			t.Errorf("stored ip %q, want 2001:db8::1", row.IP)
		}
		if !row.LastSeen.After(first.LastSeen) {
			t.Errorf("last_seen %v did not move on from %v", row.LastSeen, first.LastSeen)
		}
		if !row.CreatedAt.Equal(first.CreatedAt) || row.AccountID != alice.ID {
			t.Errorf("a later request changed created_at or account: %+v, was %+v", row, first)
		}
	})
}

// Two processes on one PostgreSQL database share their sessions.
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	dsn := dbtest.NewDSN(t, models.Postgres)
	open := func() *gorm.DB {
		db, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(db) })
		return db
	}
	db1, db2 := open(), open()
	if _, err := models.Migrate(context.Background(), db1); err != nil {
		t.Fatal(err)
	}
	m1, m2 := session.New(db1, cfg), session.New(db2, cfg)
	alice := MustCreateAccount(t, db1, "alice", rights.Admin)

	token := MustLogin(t, m1, alice.ID, "192.0.2.1")
	ctx := MustLoad(t, m2, token)
	if !m2.Valid(ctx) || m2.Actor(ctx) != alice.ID {
		t.Fatalf("the other process sees actor %d, want %d", m2.Actor(ctx), alice.ID)
	}
	m2.SetListState(ctx, "employee", map[string]string{"name": "x"})
	MustCommit(t, m2, ctx)
	if got := m1.ListState(MustLoad(t, m1, token), "employee"); got["name"] != "x" {
		t.Errorf("a change saved by the other process is not seen: %v", got)
	}

	if err := m2.Destroy(MustLoad(t, m2, token)); err != nil {
		t.Fatal(err)
	}
	if valid(t, m1, token) {
		t.Error("a logout through one process leaves the session valid in the other")
	}
}

func TestCookieToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cookie string // "" sends none
		want   string
	}{
		{name: "no cookie", want: ""},
		{name: "plain", cookie: "abc123", want: "abc123"},
		{name: "with suffix", cookie: "abc123:plugin", want: "abc123"},
		{name: "several colons", cookie: "abc:def:ghi", want: "abc"},
		{name: "only a suffix", cookie: ":x", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/billmgr", nil)
			r.AddCookie(&http.Cookie{Name: "other", Value: "zzz"})
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: session.CookieName, Value: tt.cookie})
			}
			if got := session.CookieToken(r); got != tt.want {
				t.Errorf("CookieToken(%q) = %q, want %q", tt.cookie, got, tt.want)
			}
		})
	}
}

func TestWriteAndClearCookie(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	session.WriteCookie(w, "tok", true)
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != session.CookieName || c[0].Value != "tok" || !c[0].HttpOnly || !c[0].Secure || c[0].Path != "/" {
		t.Errorf("WriteCookie set %+v", c)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(c[0])
	if got := session.CookieToken(r); got != "tok" {
		t.Errorf("CookieToken of the written cookie = %q", got)
	}

	w = httptest.NewRecorder()
	session.ClearCookie(w, false)
	c = w.Result().Cookies()
	if len(c) != 1 || c[0].Name != session.CookieName || c[0].Value != "" || c[0].MaxAge >= 0 || c[0].Secure {
		t.Errorf("ClearCookie set %+v", c)
	}
}

// TestKeptSessionAcrossProcesses: a session one process has read and keeps is seen
// as another process leaves it, at the next request: its data changed, its account
// changed, its expiry moved, the session ended; and resuming a kept session that
// nothing changed is one statement.
func TestKeptSessionAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		m1, m2 := session.New(db, cfg), session.New(other, cfg)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		token := MustLogin(t, m1, alice.ID, "192.0.2.1")
		statements := countStatements(t, db)
		load := func() (context.Context, int64) {
			t.Helper()
			statements.Store(0)
			ctx := MustLoad(t, m1, token)
			return ctx, statements.Load()
		}
		load() // m1 keeps it now
		if ctx, n := load(); !m1.Valid(ctx) || n != 1 {
			t.Fatalf("a kept, unchanged session: valid %v in %d statements, want valid in 1", m1.Valid(ctx), n)
		}

		// A write elsewhere that only keeps the session alive leaves it kept here.
		MustCommit(t, m2, MustLoad(t, m2, token))
		if ctx, n := load(); !m1.Valid(ctx) || n != 1 {
			t.Errorf("after a touch elsewhere: valid %v in %d statements, want valid in 1", m1.Valid(ctx), n)
		}

		ctx := MustLoad(t, m2, token)
		m2.SetListState(ctx, "employee", map[string]string{"name": "x"})
		MustCommit(t, m2, ctx)
		ctx, n := load()
		if got := m1.ListState(ctx, "employee"); got["name"] != "x" {
			t.Errorf("a filter saved by the other process is not seen: %v", got)
		}
		if n != 2 {
			t.Errorf("a kept session changed elsewhere was read in %d statements, want 2 (the versions, then the session)", n)
		}

		if err := other.Exec("UPDATE accounts SET realname = 'Alice Changed', enabled = ? WHERE id = ?", false, alice.ID).Error; err != nil {
			t.Fatal(err)
		}
		if ctx, _ := load(); m1.Account(ctx) == nil || m1.Account(ctx).Realname != "Alice Changed" || m1.Account(ctx).Enabled {
			t.Errorf("an account changed by the other process is read as %+v", m1.Account(ctx))
		}

		if err := other.Exec("UPDATE sessions SET expiry = ? WHERE id = ?", models.Now().Add(-time.Second), models.Digest(token)).Error; err != nil {
			t.Fatal(err)
		}
		if ctx, _ := load(); m1.Valid(ctx) {
			t.Error("a session the other process moved past its expiry is still valid")
		}

		token = MustLogin(t, m1, alice.ID, "192.0.2.1")
		load()
		if err := other.Exec("DELETE FROM sessions WHERE id = ?", models.Digest(token)).Error; err != nil {
			t.Fatal(err)
		}
		if ctx, _ := load(); m1.Valid(ctx) {
			t.Error("a session the other process deleted is still valid")
		}
	})
}

// countStatements counts the statements db sends from now on.
func countStatements(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("test:count", count),
		cb.Row().After("gorm:row").Register("test:count", count),
		cb.Raw().After("gorm:raw").Register("test:count", count),
		cb.Create().After("gorm:create").Register("test:count", count),
		cb.Update().After("gorm:update").Register("test:count", count),
		cb.Delete().After("gorm:delete").Register("test:count", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}
