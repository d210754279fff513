package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// APIKey is a credential of a machine API, acting as one account (APIKeyType says
// which API and what it holds). A secret sent as it is, such as a UIS access_token,
// is kept only as its digest.
type APIKey struct {
	ID        int64
	Name      string
	Type      string
	AccountID int64
	// CreatedBy is who created the key; nil for a key made outside the API. The key
	// works only while they are enabled and dominate its account.
	CreatedBy  *int64
	SecretHash *string
	PublicKey  string
	Role       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// The types of key.
const (
	// UISToken is a permanent access_token of the UIS Data API.
	UISToken = "uis_token"
)

// APIKeyTypes are the types apikey.edit creates, with their captions.
var APIKeyTypes = []list.Option{{Key: UISToken, Label: "UIS Data API token"}}

// MaxAPIKeyName bounds a key's name.
const MaxAPIKeyName = 100

// tokenBytes is the entropy of a generated token.
const tokenBytes = 32

// keyUseResolution is how stale last_used_at may get: a key used again within it
// is not written again, so that a busy integration does not write on every call.
const keyUseResolution = time.Minute

// NewToken returns a fresh random secret: 64 hex characters.
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// CreateAPIKey stores a new key of type typ for account, created by createdBy (0 for
// nobody), and returns the secret, which is kept only as its digest and shown once.
func CreateAPIKey(ctx context.Context, db *gorm.DB, name, typ string, account, createdBy int64) (*APIKey, string, error) {
	if typ != UISToken {
		return nil, "", errs.Invalid("type", typ, "Unknown key type %q", typ)
	}
	secret, err := NewToken()
	if err != nil {
		return nil, "", err
	}
	digest := Digest(secret)
	k := &APIKey{Name: name, Type: typ, AccountID: account, SecretHash: &digest, CreatedAt: Now()}
	if createdBy != 0 {
		k.CreatedBy = &createdBy
	}
	if err := db.WithContext(ctx).Create(k).Error; err != nil {
		return nil, "", fmt.Errorf("create key %q for account %d: %w", name, account, err)
	}
	return k, secret, nil
}

// FindAPIKey returns the key with the given id (as the request spells it).
func FindAPIKey(ctx context.Context, db *gorm.DB, id string) (*APIKey, error) {
	return findByID[APIKey](ctx, db, "apikey", id)
}

// FindAPIKeyBySecret returns the key of type typ whose secret is given; a missed
// error when there is none.
func FindAPIKeyBySecret(ctx context.Context, db *gorm.DB, typ, secret string) (*APIKey, error) {
	var k APIKey
	err := db.WithContext(ctx).Where("secret_hash = ? AND type = ?", Digest(secret), typ).First(&k).Error
	if err != nil {
		return nil, MapDBError(err, "apikey", "")
	}
	return &k, nil
}

// RenameAPIKey changes a key's name.
func RenameAPIKey(ctx context.Context, db *gorm.DB, id int64, name string) error {
	if err := db.WithContext(ctx).Model(&APIKey{}).Where("id = ?", id).Update("name", name).Error; err != nil {
		return fmt.Errorf("rename key %d: %w", id, err)
	}
	return nil
}

// TouchAPIKey records that the key was used now, unless that was recorded less than
// a minute ago.
func TouchAPIKey(ctx context.Context, db *gorm.DB, id int64) error {
	now := Now()
	err := db.WithContext(ctx).Model(&APIKey{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-keyUseResolution)).
		Update("last_used_at", now).Error
	if err != nil {
		return fmt.Errorf("touch key %d: %w", id, err)
	}
	return nil
}

// DeleteAPIKey revokes a key.
func DeleteAPIKey(ctx context.Context, db *gorm.DB, id int64) error {
	res := db.WithContext(ctx).Delete(&APIKey{}, id)
	if res.Error != nil {
		return fmt.Errorf("delete key %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.Missing("apikey", strconv.FormatInt(id, 10))
	}
	return nil
}

// APIKeys is the query of keys as "k", with their account as "a" and their creator
// as "c".
func APIKeys(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("api_keys AS k").
		Joins("JOIN accounts AS a ON a.id = k.account_id").
		Joins("LEFT JOIN accounts AS c ON c.id = k.created_by")
}

// APIKeyList is the list of keys: newest first, filtered by name, type and account.
var APIKeyList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "k.id", Sort: true, Unique: true},
		{Name: "name", Caption: "Name", Kind: list.Text, SQL: "k.name", Sort: true, Filter: list.Wildcard},
		{Name: "type", Caption: "Type", Kind: list.Status, SQL: "k.type", Sort: true, Filter: list.Choice, Choices: APIKeyTypes},
		{Name: "account", Caption: "Acts as", Kind: list.Text, SQL: "a.login", Sort: true, Filter: list.Wildcard},
		{Name: "creator", Caption: "Created by", Kind: list.Text, Optional: true, SQL: "c.login"},
		{Name: "created", Caption: "Created", Kind: list.Date, SQL: "k.created_at", Sort: true},
		{Name: "last_used", Caption: "Last used", Kind: list.Date, Optional: true, SQL: "k.last_used_at", Sort: true},
	},
	DefaultSort: "id",
	DefaultDesc: true,
	Key:         "k.id",
}

// APIKeyRow is a row of the key list.
type APIKeyRow struct {
	ID         int64
	Name       string
	Type       string
	Account    string
	Creator    *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// ListAPIKeys reads one page of the key list and the number of keys its filter keeps.
func ListAPIKeys(ctx context.Context, db *gorm.DB, q *list.Query) ([]APIKeyRow, int64, error) {
	var rows []APIKeyRow
	total, err := q.Fetch(APIKeys(ctx, db),
		"k.id, k.name, k.type, a.login AS account, c.login AS creator, k.created_at, k.last_used_at", &rows)
	return rows, total, err
}
