package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuthKey is a one-time login key registered by session.newkey. Only the key's
// SHA-256 digest is stored.
type AuthKey struct {
	ID        int64
	AccountID int64
	// CreatedBy is who registered the key; nil for a key made outside the API.
	CreatedBy *int64
	KeyHash   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// The shortest and longest key session.newkey accepts.
const (
	MinKeyLength = 16
	MaxKeyLength = 256
)

// Digest returns the hex SHA-256 of a secret, the form in which keys and session
// tokens are stored.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// RegisterKey stores a one-time key for an account, valid for ttl, registered by the
// account createdBy (0 for none). The same key registered again for the same account
// is registered anew: its time starts again, under its new registrar. Nothing tells
// whether another account has the key.
func RegisterKey(ctx context.Context, db *gorm.DB, accountID, createdBy int64, key string, ttl time.Duration) error {
	if len(key) < MinKeyLength || len(key) > MaxKeyLength {
		return errs.Invalid("key", "", "The key must be %d to %d characters long", MinKeyLength, MaxKeyLength)
	}
	now := Now()
	k := AuthKey{AccountID: accountID, KeyHash: Digest(key), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if createdBy != 0 {
		k.CreatedBy = &createdBy
	}
	err := db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "key_hash"}},
		DoUpdates: clause.AssignmentColumns([]string{"created_by", "created_at", "expires_at"}),
	}).Create(&k).Error
	if err != nil {
		return fmt.Errorf("register key for account %d: %w", accountID, err)
	}
	return nil
}

// ConsumeKey logs in with a one-time key: it deletes the key and returns the enabled
// account it was registered for, and who registered it (0 for none). The delete is the
// test, so of two concurrent uses (in any process) only one succeeds.
func ConsumeKey(ctx context.Context, db *gorm.DB, login, key string) (*Account, int64, error) {
	a, err := FindAccountByLogin(ctx, db, login)
	if err != nil {
		if errors.Is(err, errs.Missed) {
			return nil, 0, badPassword()
		}
		return nil, 0, err
	}
	var used []AuthKey
	err = db.WithContext(ctx).Raw(`DELETE FROM auth_keys WHERE account_id = ? AND key_hash = ? AND expires_at > ?
		RETURNING id, created_by`, a.ID, Digest(key), Now()).Scan(&used).Error
	if err != nil {
		return nil, 0, fmt.Errorf("consume key of account %d: %w", a.ID, err)
	}
	if len(used) != 1 || !a.Enabled {
		return nil, 0, badPassword()
	}
	var by int64
	if used[0].CreatedBy != nil {
		by = *used[0].CreatedBy
	}
	return a, by, nil
}

// BadKey is the answer to a key that cannot log in, the same as to a wrong password.
func BadKey() error { return badPassword() }

// DeleteKeysOf removes the keys registered for an account and those it registered,
// as when its password changes or it is suspended: a key must not outlive the
// credentials of either side.
func DeleteKeysOf(ctx context.Context, db *gorm.DB, account int64) error {
	err := db.WithContext(ctx).Where("account_id = ? OR created_by = ?", account, account).Delete(&AuthKey{}).Error
	if err != nil {
		return fmt.Errorf("delete keys of account %d: %w", account, err)
	}
	return nil
}

// DeleteExpiredKeys removes keys past their expiry.
func DeleteExpiredKeys(ctx context.Context, db *gorm.DB) (int64, error) {
	res := db.WithContext(ctx).Where("expires_at <= ?", Now()).Delete(&AuthKey{})
	return res.RowsAffected, res.Error
}
