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
	// VoxKey is a service-account key of the Voximplant HTTP API: its requests carry
	// a JWT signed with the private key, of which only the public key is kept.
	VoxKey = "voximplant_key"
	// VoxAPIKey is the classic api_key of the Voximplant HTTP API, sent with the
	// account_id; kept as its digest.
	VoxAPIKey = "voximplant_api_key"
)

// APIKeyTypes are the types apikey.edit creates, with their captions.
var APIKeyTypes = []list.Option{
	{Key: UISToken, Label: "UIS Data API token"},
	{Key: VoxKey, Label: "Voximplant service account key (JWT)"},
	{Key: VoxAPIKey, Label: "Voximplant api_key"},
}

// VoxRoles are the roles of a Voximplant key: which methods it may call.
var VoxRoles = []list.Option{
	{Key: "owner", Label: "Owner"},
	{Key: "admin", Label: "Admin"},
	{Key: "developer", Label: "Developer"},
	{Key: "supervisor", Label: "Supervisor"},
	{Key: "user_manager", Label: "User manager"},
}

// IsVoxType reports whether keys of type typ belong to the Voximplant HTTP API and
// carry a role.
func IsVoxType(typ string) bool { return typ == VoxKey || typ == VoxAPIKey }

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
	return createSecretKey(ctx, db, &APIKey{Name: name, Type: typ, AccountID: account}, createdBy)
}

// CreateVoxAPIKey stores a new Voximplant api_key with a role and returns its
// secret, kept only as its digest and shown once.
func CreateVoxAPIKey(ctx context.Context, db *gorm.DB, name, role string, account, createdBy int64) (*APIKey, string, error) {
	return createSecretKey(ctx, db, &APIKey{Name: name, Type: VoxAPIKey, Role: role, AccountID: account}, createdBy)
}

// CreateVoxKey stores a new Voximplant service-account key with a role: a fresh
// RSA key pair of which only the public key is kept. It returns the private key as
// PEM, shown once.
func CreateVoxKey(ctx context.Context, db *gorm.DB, name, role string, account, createdBy int64) (*APIKey, string, error) {
	private, public, err := newRSAKey()
	if err != nil {
		return nil, "", err
	}
	k := &APIKey{Name: name, Type: VoxKey, Role: role, AccountID: account, PublicKey: public, CreatedAt: Now()}
	if createdBy != 0 {
		k.CreatedBy = &createdBy
	}
	if err := db.WithContext(ctx).Create(k).Error; err != nil {
		return nil, "", fmt.Errorf("create key %q for account %d: %w", name, account, err)
	}
	return k, private, nil
}

// createSecretKey stores k with a fresh secret and returns the secret.
func createSecretKey(ctx context.Context, db *gorm.DB, k *APIKey, createdBy int64) (*APIKey, string, error) {
	name, account := k.Name, k.AccountID
	secret, err := NewToken()
	if err != nil {
		return nil, "", err
	}
	digest := Digest(secret)
	k.SecretHash, k.CreatedAt = &digest, Now()
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
		{Name: "role", Caption: "Role", Kind: list.Status, Optional: true, SQL: "k.role", Sort: true, Filter: list.Choice, Choices: VoxRoles},
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
	Role       string
	Account    string
	Creator    *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// ListAPIKeys reads one page of the key list and the number of keys its filter keeps.
func ListAPIKeys(ctx context.Context, db *gorm.DB, q *list.Query) ([]APIKeyRow, int64, error) {
	var rows []APIKeyRow
	total, err := q.Fetch(APIKeys(ctx, db),
		"k.id, k.name, k.type, k.role, a.login AS account, c.login AS creator, k.created_at, k.last_used_at", &rows)
	return rows, total, err
}
