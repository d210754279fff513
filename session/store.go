package session

import (
	"context"
	"fmt"
	"sync"
	"time"

	"staffmgr/models/errs"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"staffmgr/models"
)

// Row is a stored session. ID is the SHA-256 of the token: the table never holds a
// token a reader of the database could use. AccountID, IP and CreatedAt are copied out
// of the data so that lists and "end every session of account N" are plain SQL.
type Row struct {
	ID        string
	Data      []byte
	Expiry    time.Time
	AccountID int64
	// RealAccountID is the opener of an su session, which ends with the opener's
	// sessions; nil for an ordinary session.
	RealAccountID *int64
	IP            string `gorm:"column:ip"`
	CreatedAt     time.Time
	LastSeen      time.Time
}

// TableName is the sessions table.
func (Row) TableName() string { return "sessions" }

// Store is the scs session store on gorm. It is shared by every staffmgr process on
// the same database, so a session opened through one process is valid through all.
//
// It keeps the sessions it has read (at most maxKept), each with the versions it was
// read at: while the data and session versions are unchanged, no account was changed
// and no session changed or ended in any process since, but for a later last use and
// expiry, so a session it holds is resumed with a read of the versions alone. Its
// own expiry then comes first: a kept session past it is read again, and the write
// that keeps a session alive (Manager.Touch) comes once a touch interval in each
// process that serves it.
type Store struct {
	db    *gorm.DB
	codec scs.Codec

	mu   sync.Mutex
	kept map[string]*kept // by the token's digest
}

// kept is a session as FindCtx read it.
type kept struct {
	data             []byte
	lastSeen, expiry time.Time
	account          models.Account
	real             *models.Account
	versions         models.Versions // as the query that read it read them
}

// maxKept bounds the sessions a store keeps: 10,000 of a few hundred bytes each.
const maxKept = 10000

// NewStore returns a store on db that reads session data with codec.
func NewStore(db *gorm.DB, codec scs.Codec) *Store {
	return &Store{db: db, codec: codec, kept: map[string]*kept{}}
}

var (
	_ scs.CtxStore         = (*Store)(nil)
	_ scs.IterableCtxStore = (*Store)(nil)
)

// sessionColumns are the columns FindCtx scans after the versions: the session's
// data, last write and expiry, its account's row and its opener's row.
var sessionColumns = "s.data, s.last_seen, s.expiry, " + models.AccountSelect("a") + ", " + models.AccountSelect("r")

// findQuery reads the versions and a live session. It is read only when the store
// does not keep the session or the versions moved: on a busy server most requests
// read the versions alone, a statement that costs the database and the driver far
// less than this one, even where a write made a request read both.
var findQuery = "SELECT v.*, " + sessionColumns + " FROM (" + models.VersionsQuery + ") AS v, sessions AS s" +
	" JOIN accounts AS a ON a.id = s.account_id LEFT JOIN accounts AS r ON r.id = s.real_account_id" +
	" WHERE s.id = ? AND s.expiry > ?"

// FindCtx returns the data of a live session, with the row of the session's account,
// the row of the opener of an su session, when the row was last written and the
// versions, for Manager.Account, Manager.Opener, Manager.Touch and
// Manager.Versions. Every authenticated request on a session starts here: when
// the store keeps the session and the versions have not moved, it reads only them;
// otherwise it reads them and the session in one query.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	digest := models.Digest(token)
	now := models.Now()
	s.mu.Lock()
	k := s.kept[digest]
	s.mu.Unlock()
	if k != nil && !k.expiry.After(now) {
		k = nil
	}
	k, err := s.read(ctx, digest, now, k)
	s.mu.Lock()
	if k == nil || err != nil {
		delete(s.kept, digest)
	} else if s.kept[digest] != k {
		if len(s.kept) >= maxKept {
			for d := range s.kept { // drop one, whichever the map gives first
				delete(s.kept, d)
				break
			}
		}
		s.kept[digest] = k
	}
	s.mu.Unlock()
	if err != nil || k == nil {
		return nil, false, err
	}
	s.resumed(ctx, k)
	return k.data, true, nil
}

// read returns the live session digest names: have, a session the store keeps,
// when the versions have not moved since it was read, otherwise the session read
// anew, or nil when there is none.
func (s *Store) read(ctx context.Context, digest string, now time.Time, have *kept) (*kept, error) {
	if have != nil {
		v, err := models.ReadVersions(ctx, s.db)
		if err != nil {
			return nil, fmt.Errorf("find session: %w", err)
		}
		if v.Data == have.versions.Data && v.Sessions == have.versions.Sessions {
			if v != have.versions {
				// The same session, with the versions of this request.
				k := *have
				k.versions = v
				return &k, nil
			}
			return have, nil
		}
	}
	rows, err := s.db.WithContext(ctx).Raw(findQuery, digest, now).Rows()
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find session: %w", err)
		}
		return nil, nil
	}
	var k kept
	var real models.Account
	dest := append(k.versions.Fields(), &k.data, &k.lastSeen, &k.expiry)
	dest = append(dest, k.account.Fields()...)
	if err := rows.Scan(append(dest, real.NullableFields()...)...); err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if real.ID != 0 {
		k.real = &real
	}
	return &k, nil
}

// resumed hands the request the rows read with its session, as copies of its own.
func (s *Store) resumed(ctx context.Context, k *kept) {
	st := stateOf(ctx)
	if st == nil {
		return
	}
	acc := k.account
	st.account, st.written, st.versions = &acc, k.lastSeen, k.versions
	if k.real != nil {
		real := *k.real
		st.real = &real
	}
}

// CommitCtx saves a session. A session is inserted only when it was opened by this
// request (Manager.Login); otherwise only an existing row that has not expired is
// updated, so a request still in flight cannot bring back a session that was ended
// or expired meanwhile.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, values, err := s.codec.Decode(b)
	if err != nil {
		return fmt.Errorf("decode session: %w", err)
	}
	account, _ := values[keyAccount].(int64)
	if account == 0 {
		return nil // nobody is logged in: nothing worth keeping
	}
	ip, _ := values[keyIP].(string)
	now := models.Now()
	db := s.db.WithContext(ctx)
	if st := stateOf(ctx); st != nil && st.tx != nil {
		db = st.tx.WithContext(ctx)
	}
	if st := stateOf(ctx); st != nil && st.opened {
		started, _ := values[keyStarted].(int64)
		row := Row{ID: models.Digest(token), Data: b, Expiry: expiry.UTC().Truncate(time.Microsecond), AccountID: account, IP: ip,
			CreatedAt: time.Unix(0, started).UTC(), LastSeen: now}
		if real, _ := values[keyReal].(int64); real != 0 {
			row.RealAccountID = &real
		}
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"data", "expiry", "account_id", "real_account_id", "ip", "last_seen"}),
		}).Create(&row).Error
	} else {
		// A row past its expiry stays so: a request that loaded the session before
		// it expired, or before its expiry was moved back, does not revive it.
		res := db.Model(&Row{}).Where("id = ? AND expiry > ?", models.Digest(token), now).
			Updates(map[string]any{"data": b, "expiry": expiry.UTC().Truncate(time.Microsecond), "ip": ip, "last_seen": now})
		if err = res.Error; err == nil && res.RowsAffected == 0 {
			if st := stateOf(ctx); st != nil {
				st.gone = true // ended meanwhile: it stays ended
			}
		} else if st := stateOf(ctx); err == nil && (st == nil || st.tx == nil) {
			s.wrote(models.Digest(token), b, expiry, now)
		}
	}
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// wrote brings a kept session up to date with a write of its row by this process.
// A write that changed more than the last use and the expiry moved the session
// version, and the next request reads the session again; one that moved only those
// did not, and the session stays kept, now with them.
func (s *Store) wrote(digest string, b []byte, expiry, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := s.kept[digest]; k != nil {
		w := *k
		w.data, w.expiry, w.lastSeen = b, expiry.UTC().Truncate(time.Microsecond), now
		s.kept[digest] = &w
	}
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("id = ?", models.Digest(token)).Delete(&Row{}).Error
}

// AllCtx is required by scs.IterableCtxStore. Tokens are not stored, so it can only
// say that it has none to give: sessions are listed through Active instead.
func (s *Store) AllCtx(ctx context.Context) (map[string][]byte, error) {
	return map[string][]byte{}, nil
}

// Find implements scs.Store.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s *Store) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes sessions past their expiry and returns how many it removed.
func DeleteExpired(ctx context.Context, db *gorm.DB) (int64, error) {
	res := db.WithContext(ctx).Where("expiry <= ?", models.Now()).Delete(&Row{})
	return res.RowsAffected, res.Error
}

// EndAccount ends every session of an account in one statement: its own, those that
// act as it, and the su sessions it opened. For an account suspended or deleted.
func EndAccount(ctx context.Context, db *gorm.DB, accountID int64) (int64, error) {
	res := db.WithContext(ctx).Where("account_id = ? OR real_account_id = ?", accountID, accountID).Delete(&Row{})
	if res.Error != nil {
		return 0, fmt.Errorf("end sessions of account %d: %w", accountID, res.Error)
	}
	return res.RowsAffected, nil
}

// EndPerson ends the sessions a person holds: their own, and the su sessions they
// opened, but not the su sessions others opened to act as them, which are the
// others'. It spares the session with the public id keep (as ID gives it), such as
// the one a password is being changed in; "" spares none. For a logout or a new
// password.
func EndPerson(ctx context.Context, db *gorm.DB, accountID int64, keep string) (int64, error) {
	res := db.WithContext(ctx).
		Where("(account_id = ? AND real_account_id IS NULL OR real_account_id = ?) AND id <> ?", accountID, accountID, keep).
		Delete(&Row{})
	if res.Error != nil {
		return 0, fmt.Errorf("end sessions of account %d: %w", accountID, res.Error)
	}
	return res.RowsAffected, nil
}

// Exists reports whether a live session has the public id id.
func Exists(ctx context.Context, db *gorm.DB, id string) (bool, error) {
	var n int64
	if err := db.WithContext(ctx).Model(&Row{}).Where("id = ? AND expiry > ?", id, models.Now()).Count(&n).Error; err != nil {
		return false, fmt.Errorf("find session: %w", err)
	}
	return n > 0, nil
}

// EndOpenedBy ends the su sessions an account opened.
func EndOpenedBy(ctx context.Context, db *gorm.DB, accountID int64) (int64, error) {
	res := db.WithContext(ctx).Where("real_account_id = ?", accountID).Delete(&Row{})
	if res.Error != nil {
		return 0, fmt.Errorf("end su sessions opened by account %d: %w", accountID, res.Error)
	}
	return res.RowsAffected, nil
}

// Find returns a live session by its id (the digest shown in session lists) with
// the level of its account.
func Find(ctx context.Context, db *gorm.DB, id string) (*Listed, error) {
	var l Listed
	err := Active(ctx, db).Select(ListedColumns).Where("s.id = ?", id).Take(&l).Error
	if err != nil {
		return nil, models.MapDBError(err, "session", id)
	}
	return &l, nil
}

// End deletes one session by its id.
func End(ctx context.Context, db *gorm.DB, id string) error {
	res := db.WithContext(ctx).Where("id = ?", id).Delete(&Row{})
	if res.Error != nil {
		return fmt.Errorf("end session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.Missing("session", id)
	}
	return nil
}

// Activity is what the live sessions of one account say about it.
type Activity struct {
	AccountID int64
	Sessions  int64
	IPs       int64 `gorm:"column:ips"`
	// Onsite: a session was used since the time ActivityOf was given.
	Onsite bool
}

// ActivityOf returns the activity of the given accounts, by account id, in one
// query; accounts without a live session are absent.
func ActivityOf(ctx context.Context, db *gorm.DB, accounts []int64, since time.Time) (map[int64]Activity, error) {
	out := map[int64]Activity{}
	if len(accounts) == 0 {
		return out, nil
	}
	var rows []Activity
	err := db.WithContext(ctx).Table("sessions").
		Select("account_id, COUNT(*) AS sessions, COUNT(DISTINCT ip) AS ips, "+
			"MAX(CASE WHEN last_seen >= ? THEN 1 ELSE 0 END) = 1 AS onsite", since.UTC()).
		Where("expiry > ? AND account_id IN ?", models.Now(), accounts).
		Group("account_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("session activity: %w", err)
	}
	for _, r := range rows {
		out[r.AccountID] = r
	}
	return out, nil
}
