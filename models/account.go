package models

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/rights"
)

// Account is anyone who logs in: root, an employee (admin level) or a client (user level).
type Account struct {
	ID           int64
	Login        string
	Level        rights.Level
	PasswordHash string `gorm:"column:password_hash"`
	Enabled      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// The employee card (admin level and above).
	Realname           string
	Position           string
	Email              string
	Phone              string
	Mobile             string // where employee.sms sends by default
	DefaultAccessAllow bool   // full access: every admin-level func
	AllIPAccess        bool   `gorm:"column:all_ip_access"`
	IPAccess           string `gorm:"column:ip_access"` // addresses and networks, comma-separated
	DepartmentNames    string // active departments, sorted and comma-separated
	// The name in parts, which Realname joins (JoinName), and the position record
	// Position names, when it names one.
	FirstName  string
	LastName   string
	Patronymic string
	PositionID *int64
}

// RootLogin is the login of the account created on first start.
const RootLogin = "root"

// NoPassword is the password hash of an account that has no password yet (an
// employee created through the Data API without an operator password): no password
// logs in to it.
const NoPassword = "!"

// FindAccount returns the account with the given id.
func FindAccount(ctx context.Context, db *gorm.DB, id int64) (*Account, error) {
	var a Account
	if err := db.WithContext(ctx).First(&a, id).Error; err != nil {
		return nil, MapDBError(err, "account", fmt.Sprint(id))
	}
	return &a, nil
}

// FindAccounts returns the accounts with the given ids that exist, by id, in one
// query; an id with no account has no entry.
func FindAccounts(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]*Account, error) {
	out := make(map[int64]*Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []*Account
	if err := db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("accounts %v: %w", ids, err)
	}
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}

// LockAccount is FindAccount that also locks the account's row until the transaction
// ends, so that what is decided about the account (an su session opened on its behalf)
// is not overtaken by a change of its password, its suspension or its logout, which
// write or lock the same row.
func LockAccount(ctx context.Context, db *gorm.DB, id int64) (*Account, error) {
	var a Account
	if err := db.WithContext(ctx).Clauses(forUpdate).First(&a, id).Error; err != nil {
		return nil, MapDBError(err, "account", fmt.Sprint(id))
	}
	return &a, nil
}

// FindAccountByLogin returns the account with the given login.
func FindAccountByLogin(ctx context.Context, db *gorm.DB, login string) (*Account, error) {
	var a Account
	if err := db.WithContext(ctx).Where("login = ?", login).First(&a).Error; err != nil {
		return nil, MapDBError(err, "account", login)
	}
	return &a, nil
}

// CreateAccount stores a new enabled account with the given password.
func CreateAccount(ctx context.Context, db *gorm.DB, p PasswordParams, login string, level rights.Level, password string) (*Account, error) {
	if !level.Valid() {
		return nil, errs.Invalid("level", fmt.Sprint(int(level)), "no account can have level %d", int(level))
	}
	hash, err := HashPassword(ctx, p, password)
	if err != nil {
		return nil, err
	}
	a := &Account{Login: login, Level: level, PasswordHash: hash, Enabled: true, AllIPAccess: true}
	if err := db.WithContext(ctx).Create(a).Error; err != nil {
		return nil, MapDBError(err, "name", login)
	}
	return a, nil
}

// SetPassword replaces an account's password.
func SetPassword(ctx context.Context, db *gorm.DB, p PasswordParams, id int64, password string) error {
	hash, err := HashPassword(ctx, p, password)
	if err != nil {
		return err
	}
	return SetPasswordHash(ctx, db, id, hash)
}

// SetPasswordHash replaces an account's password with one already hashed, so that the
// slow hash can be made before a transaction opens and hold no lock.
func SetPasswordHash(ctx context.Context, db *gorm.DB, id int64, hash string) error {
	res := db.WithContext(ctx).Model(&Account{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": hash, "updated_at": Now()})
	if res.Error != nil {
		return fmt.Errorf("set password of account %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.Missing("account", fmt.Sprint(id))
	}
	return nil
}

// badPassword is the one answer to every failed login, whatever the reason, so that
// a caller cannot tell an unknown login from a wrong password or a disabled account.
func badPassword() *errs.E {
	return errs.New(errs.Auth, "badpassword", "", "Invalid username or password")
}

// dummyHash is checked against when the login is unknown, so that an unknown login
// costs the same time as a wrong password: it is made with the parameters of new
// hashes (SetUnknownLoginCost), which most stored hashes have.
var dummyHash = func() *atomic.Pointer[string] {
	p := new(atomic.Pointer[string])
	h, _ := HashPassword(context.Background(), DefaultPasswordParams, "staffmgr-no-such-account")
	p.Store(&h)
	return p
}()

// SetUnknownLoginCost makes a login that names no account cost as much as a check of
// a hash made with p, the parameters the server hashes new passwords with.
func SetUnknownLoginCost(ctx context.Context, p PasswordParams) error {
	h, err := HashPassword(ctx, p, "staffmgr-no-such-account")
	if err != nil {
		return err
	}
	dummyHash.Store(&h)
	return nil
}

// Authenticate checks a login and password and returns the enabled account they name.
// When the HashLimit has no slot in time the error is a limit error with object busy,
// for a known login or an unknown one alike.
func Authenticate(ctx context.Context, db *gorm.DB, login, password string) (*Account, error) {
	a, err := FindAccountByLogin(ctx, db, login)
	if err != nil {
		if errors.Is(err, errs.Missed) {
			if _, err := CheckPassword(ctx, *dummyHash.Load(), password); err != nil {
				return nil, err
			}
			return nil, badPassword()
		}
		return nil, err
	}
	hash := a.PasswordHash
	if hash == NoPassword {
		hash = *dummyHash.Load() // as long as a wrong password takes, and as fruitless
	}
	ok, err := CheckPassword(ctx, hash, password)
	if err != nil {
		if _, isApp := errs.As(err); isApp {
			return nil, err
		}
		return nil, fmt.Errorf("account %d: %w", a.ID, err)
	}
	if !ok || !a.Enabled || a.PasswordHash == NoPassword {
		return nil, badPassword()
	}
	return a, nil
}

// EnsureRoot creates the root account when it does not exist yet. It reports whether
// it created it; an existing root is left as it is.
func EnsureRoot(ctx context.Context, db *gorm.DB, p PasswordParams, password string) (bool, error) {
	_, err := FindAccountByLogin(ctx, db, RootLogin)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, errs.Missed) {
		return false, err
	}
	if _, err := CreateAccount(ctx, db, p, RootLogin, rights.Root, password); err != nil {
		if errors.Is(err, errs.Exists) {
			return false, nil // another process created it first
		}
		return false, err
	}
	return true, nil
}
