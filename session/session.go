// Package session keeps login sessions: the scs manager on a store of our own in the
// database, the cookie, and typed getters for what a session holds. No other package
// reads or writes session keys directly.
package session

import (
	"context"
	"encoding/gob"
	"fmt"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"

	"staffmgr/models"
)

// CookieName is the cookie that carries the session id in browsers, as in BILLmanager.
const CookieName = "billmgrses5"

// Keys of the values a session holds.
const (
	keyAccount = "account"  // int64: the account the session acts as
	keyReal    = "real"     // int64: the account that opened an impersonation session
	keySuUntil = "su_until" // int64: unix nanoseconds when an impersonation session ends
	keyIP      = "ip"       // string: the address of the last request
	keyStarted = "started"  // int64: unix nanoseconds of the login
	keyCSRF    = "csrf"     // string: the token cookie-authenticated changes must carry
	keyFilter  = "filter:"  // + list name: map[string]string, the list's stored filter
	keyParent  = "parent:"  // + list name: int64, the element the list was last opened for
)

func init() {
	gob.Register(map[string]string{})
}

// Config sets the lifetimes of sessions.
type Config struct {
	// IdleTimeout ends a session this long after its last request.
	IdleTimeout time.Duration
	// Lifetime ends a session this long after login, however active.
	Lifetime time.Duration
}

// Manager opens, loads and saves sessions.
type Manager struct {
	scs *scs.SessionManager
	db  *gorm.DB
	// touch is how long an unchanged session's row may go unwritten (Touch).
	touch time.Duration
}

// maxTouch bounds Manager.touch: the idle timeout and the onsite window count from
// the row's last write, so they are exact to within this.
const maxTouch = time.Minute

// New returns a manager whose sessions live in db.
func New(db *gorm.DB, cfg Config) *Manager {
	sm := scs.New()
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	sm.Codec = codec{}
	sm.Store = NewStore(db, sm.Codec)
	sm.Cookie.Name = CookieName
	return &Manager{scs: sm, db: db, touch: min(maxTouch, cfg.IdleTimeout/10)}
}

// requestState is what one request learned about its session, beyond scs's data.
type requestState struct {
	opened bool     // Login ran: the store may insert the row
	gone   bool     // the stored row was gone when the request committed: it was ended
	tx     *gorm.DB // when set, the store writes the row in this transaction
	// account is the row of the session's account, read with the session.
	account *models.Account
	// real is the row of an su session's opener, read with the session; nil when
	// the session has no opener or the opener's account is gone.
	real *models.Account
	// written is when the stored row was last written (its last_seen).
	written time.Time
	// changed says the request put or removed a value of the session.
	changed bool
	// versions are the versions read with the session.
	versions models.Versions
}

// put stores a value in the loaded session and notes that the session changed.
func (m *Manager) put(ctx context.Context, key string, v any) {
	m.scs.Put(ctx, key, v)
	if st := stateOf(ctx); st != nil {
		st.changed = true
	}
}

type stateKey struct{}

func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// Load reads the session named by token (which may be empty) into a context. An
// unknown or expired token yields an empty session: Valid reports false.
func (m *Manager) Load(ctx context.Context, token string) (context.Context, error) {
	ctx = context.WithValue(ctx, stateKey{}, &requestState{})
	return m.scs.Load(ctx, token)
}

// Valid reports whether the loaded session belongs to a logged-in account.
func (m *Manager) Valid(ctx context.Context) bool { return m.Actor(ctx) != 0 }

// Login turns the loaded session into a fresh one for account, under a new token.
func (m *Manager) Login(ctx context.Context, account int64, ip string) error {
	if err := m.scs.Clear(ctx); err != nil {
		return err
	}
	if err := m.scs.RenewToken(ctx); err != nil {
		return err
	}
	m.scs.Put(ctx, keyAccount, account)
	m.scs.Put(ctx, keyIP, ip)
	m.scs.Put(ctx, keyStarted, models.Now().UnixNano())
	m.scs.Put(ctx, keyCSRF, models.RandomToken(24))
	if st := stateOf(ctx); st != nil {
		st.opened = true
	}
	return nil
}

// Commit saves a logged-in session and returns its token and expiry. A session that
// was destroyed or never logged in is not saved and yields an empty token.
func (m *Manager) Commit(ctx context.Context) (string, time.Time, error) {
	if m.scs.Status(ctx) == scs.Destroyed || !m.Valid(ctx) {
		return "", time.Time{}, nil
	}
	return m.scs.Commit(ctx)
}

// Touch saves the loaded session like Commit when it changed, and otherwise only
// when its row was last written touch ago or more (a minute, or a tenth of the idle
// timeout when that is shorter): a request that reads writes nothing, and the
// session's idle timeout runs from at most that long before its last request. Use
// it only after a request that wrote nothing else: one that ended its own session
// in the database learns that from Commit (Ended).
func (m *Manager) Touch(ctx context.Context) (string, time.Time, error) {
	st := stateOf(ctx)
	if m.scs.Status(ctx) != scs.Destroyed && st != nil && !st.opened && !st.changed && !st.written.IsZero() &&
		time.Since(st.written) < m.touch && m.Valid(ctx) {
		return m.scs.Token(ctx), time.Time{}, nil
	}
	return m.Commit(ctx)
}

// Settle is for a request that changed data in tx, before tx commits: when Touch
// would not write the session row (nothing in it changed and it was written
// recently), it reads in tx whether the row is still there, so that a request that
// ended its own session learns it (Ended) without writing the row after tx, and
// reports true: the request may then save its session with Touch. Otherwise it
// reads nothing and reports false: Commit saves the session as before.
func (m *Manager) Settle(ctx context.Context, tx *gorm.DB) (bool, error) {
	st := stateOf(ctx)
	if m.scs.Status(ctx) == scs.Destroyed || st == nil || st.opened || st.changed || st.written.IsZero() ||
		time.Since(st.written) >= m.touch || !m.Valid(ctx) {
		return false, nil
	}
	var n int64
	if err := tx.WithContext(ctx).Model(&Row{}).Where("id = ?", models.Digest(m.scs.Token(ctx))).Count(&n).Error; err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	st.gone = n == 0
	return true, nil
}

// Account returns the row of the loaded session's account, read with the session,
// or nil when none was read.
func (m *Manager) Account(ctx context.Context) *models.Account {
	st := stateOf(ctx)
	if st == nil || st.account == nil || st.account.ID != m.Actor(ctx) {
		return nil
	}
	return st.account
}

// Opener returns the row of the loaded su session's opener, read with the session,
// or nil when none was read (not an su session, or the opener's account is gone).
func (m *Manager) Opener(ctx context.Context) *models.Account {
	st := stateOf(ctx)
	if st == nil || st.real == nil || st.real.ID != m.Impersonator(ctx) {
		return nil
	}
	return st.real
}

// Versions returns the versions read with the loaded session; ok is false when no
// session was read.
func (m *Manager) Versions(ctx context.Context) (v models.Versions, ok bool) {
	st := stateOf(ctx)
	if st == nil || st.account == nil {
		return models.Versions{}, false
	}
	return st.versions, true
}

// Opened reports whether the request logged in: its answer carries the new session.
func (m *Manager) Opened(ctx context.Context) bool {
	st := stateOf(ctx)
	return st != nil && st.opened
}

// Ended reports, after Commit, whether the request's session is over: destroyed,
// or ended in the store by the request (session.delete of one's own session).
func (m *Manager) Ended(ctx context.Context) bool {
	if m.scs.Status(ctx) == scs.Destroyed {
		return true
	}
	st := stateOf(ctx)
	return st != nil && st.gone
}

// Destroy ends the loaded session.
func (m *Manager) Destroy(ctx context.Context) error { return m.scs.Destroy(ctx) }

// Token returns the loaded session's token, the id clients pass as auth.
func (m *Manager) Token(ctx context.Context) string { return m.scs.Token(ctx) }

// ID returns the loaded session's public id, as session lists show it.
func (m *Manager) ID(ctx context.Context) string {
	if t := m.scs.Token(ctx); t != "" {
		return models.Digest(t)
	}
	return ""
}

// Actor returns the account the session acts as, or 0.
func (m *Manager) Actor(ctx context.Context) int64 { return m.scs.GetInt64(ctx, keyAccount) }

// Impersonator returns the account that opened an impersonation session, or 0 when
// the session is an ordinary one.
func (m *Manager) Impersonator(ctx context.Context) int64 { return m.scs.GetInt64(ctx, keyReal) }

// ImpersonationOver reports whether the loaded session is an impersonation past its end.
func (m *Manager) ImpersonationOver(ctx context.Context) bool {
	until := m.scs.GetInt64(ctx, keySuUntil)
	return until != 0 && time.Now().UnixNano() >= until
}

// OpenAs opens a session of its own, apart from the one ctx carries, that acts as
// account on behalf of real until the given time, stores it and returns its token.
// ctx must not carry a loaded session: pass the request's context from before Load.
// The row is written with tx, so that it stays only if the request's transaction
// commits.
func (m *Manager) OpenAs(ctx context.Context, tx *gorm.DB, account, real int64, ip string, until time.Time) (string, error) {
	ctx, err := m.Load(ctx, "")
	if err != nil {
		return "", err
	}
	stateOf(ctx).tx = tx
	if err := m.Login(ctx, account, ip); err != nil {
		return "", err
	}
	m.put(ctx, keyReal, real)
	m.put(ctx, keySuUntil, until.UnixNano())
	token, _, err := m.Commit(ctx)
	return token, err
}

// SetIP records the address of the current request.
func (m *Manager) SetIP(ctx context.Context, ip string) {
	if m.scs.GetString(ctx, keyIP) != ip {
		m.put(ctx, keyIP, ip)
	}
}

// CSRF returns the token that cookie-authenticated changes must carry.
func (m *Manager) CSRF(ctx context.Context) string { return m.scs.GetString(ctx, keyCSRF) }

// ListState returns the stored filter of a list (nil when none).
func (m *Manager) ListState(ctx context.Context, list string) map[string]string {
	f, _ := m.scs.Get(ctx, keyFilter+list).(map[string]string)
	return f
}

// SetListState stores a list's filter; an empty one removes it.
func (m *Manager) SetListState(ctx context.Context, list string, filter map[string]string) {
	if len(filter) == 0 {
		m.scs.Remove(ctx, keyFilter+list)
		if st := stateOf(ctx); st != nil {
			st.changed = true
		}
		return
	}
	m.put(ctx, keyFilter+list, filter)
}

// Parent returns the element (a nested list's plid) the session last opened the
// list for, or 0.
func (m *Manager) Parent(ctx context.Context, list string) int64 {
	return m.scs.GetInt64(ctx, keyParent+list)
}

// SetParent remembers the element the session opened the list for.
func (m *Manager) SetParent(ctx context.Context, list string, id int64) {
	if m.Parent(ctx, list) != id {
		m.put(ctx, keyParent+list, id)
	}
}

// WriteCookie sets the session cookie for a browser.
func WriteCookie(w http.ResponseWriter, token string, secure bool) {
	setCookie(w, CookieName, token, 0, secure, http.SameSiteLaxMode)
}

// ClearCookie removes the session cookie from a browser.
func ClearCookie(w http.ResponseWriter, secure bool) {
	setCookie(w, CookieName, "", -1, secure, http.SameSiteLaxMode)
}

// setCookie sets one of the panel's cookies, which scripts in a page never read:
// for the browser's session (maxAge 0), or removed (maxAge -1).
func setCookie(w http.ResponseWriter, name, value string, maxAge int, secure bool, sameSite http.SameSite) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: sameSite,
	})
}

// CookieToken returns the session token a browser sent, if any. BILLmanager plugins
// may send "id:…"; only the id counts.
func CookieToken(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	v := c.Value
	for i := 0; i < len(v); i++ {
		if v[i] == ':' {
			return v[:i]
		}
	}
	return v
}
