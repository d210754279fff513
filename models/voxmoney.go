package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// Money is kept in integer minor units (cents) of the account's currency, so that
// every sum is exact: amounts are read from and written as decimal text with two
// places, never through a float.

// MaxMoney bounds an amount and a balance: ten billion in major units.
const MaxMoney = 1_000_000_000_000

// ParseMoney reads a decimal amount such as 5.67, -0.5 or 12 into minor units: an
// optional sign, digits, and at most two decimal places.
func ParseMoney(s string) (int64, error) {
	bad := errs.Invalid("", s, "An amount is a decimal number with at most two decimal places, such as 5.67 or -0.5")
	v := strings.TrimSpace(s)
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg, v = v[0] == '-', v[1:]
	}
	whole, frac, dot := strings.Cut(v, ".")
	if whole == "" && frac == "" || len(frac) > 2 || dot && frac == "" || len(whole) > 13 {
		return 0, bad
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	frac += strings.Repeat("0", 2-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > MaxMoney {
		return 0, errs.Invalid("", s, "An amount is at most %s", FormatMoney(MaxMoney))
	}
	if neg {
		n = -n
	}
	return n, nil
}

// FormatMoney writes minor units as a decimal with two places: -1234 is -12.34.
func FormatMoney(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// VoxAccount is the account's own money.
type VoxAccount struct {
	ID       int
	Balance  int64
	Currency string
}

// TableName implements gorm's tabler.
func (VoxAccount) TableName() string { return "vox_account" }

// FindVoxAccount reads the account's balance and currency.
func FindVoxAccount(ctx context.Context, db *gorm.DB) (*VoxAccount, error) {
	var a VoxAccount
	if err := db.WithContext(ctx).Where("id = 1").Take(&a).Error; err != nil {
		return nil, fmt.Errorf("read the account balance: %w", err)
	}
	return &a, nil
}

// lockVoxAccount reads the account's balance and holds its row until the
// transaction ends: a write that changes nothing takes the row lock on PostgreSQL,
// and SQLite transactions already write one at a time. Every change of money takes
// this lock first, so concurrent transfers queue on it and none decides on a stale
// balance.
func lockVoxAccount(ctx context.Context, db *gorm.DB) (*VoxAccount, error) {
	if err := db.WithContext(ctx).Exec("UPDATE vox_account SET balance = balance WHERE id = 1").Error; err != nil {
		return nil, fmt.Errorf("lock the account balance: %w", err)
	}
	return FindVoxAccount(ctx, db)
}

// LedgerEntry is one row of the ledger: a change of one balance.
type LedgerEntry struct {
	ID          int64
	Transfer    string
	CreatedAt   time.Time
	UserID      *int64
	UserName    string
	Amount      int64
	Balance     int64
	Description string
	Actor       string
}

// TableName implements gorm's tabler.
func (LedgerEntry) TableName() string { return "vox_ledger" }

// MaxDescription bounds a ledger row's description, in characters.
const MaxDescription = 1000

// ExpandDescription is a transfer's description for one user: the macros
// ${user_id} and ${user_name} replaced by theirs.
func ExpandDescription(text string, u TransferTarget) string {
	return strings.NewReplacer("${user_id}", strconv.FormatInt(u.ID, 10), "${user_name}", u.Name).Replace(text)
}

func writeLedger(ctx context.Context, db *gorm.DB, e *LedgerEntry) error {
	e.Description = Clamp(e.Description, MaxDescription)
	if err := db.WithContext(ctx).Create(e).Error; err != nil {
		return fmt.Errorf("write the ledger: %w", err)
	}
	return nil
}

// addAccount adds delta to the account's balance, which must stay at or above zero,
// and returns the new balance.
func addAccount(ctx context.Context, db *gorm.DB, delta int64) (int64, error) {
	res := db.WithContext(ctx).Exec("UPDATE vox_account SET balance = balance + ? WHERE id = 1 AND balance + ? >= 0 AND balance + ? <= ?",
		delta, delta, delta, int64(MaxMoney))
	if res.Error != nil {
		return 0, fmt.Errorf("change the account balance: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, errs.New(errs.Limit, "balance", "", "The account has not enough money")
	}
	a, err := FindVoxAccount(ctx, db)
	if err != nil {
		return 0, err
	}
	return a.Balance, nil
}

// addUser adds delta to a user's own balance, which must stay at or above zero,
// and returns the new balance.
func addUser(ctx context.Context, db *gorm.DB, user int64, delta int64) (int64, error) {
	res := db.WithContext(ctx).Exec("UPDATE vox_users SET balance = balance + ? WHERE account_id = ? AND balance + ? >= 0 AND balance + ? <= ?",
		delta, user, delta, delta, int64(MaxMoney))
	if res.Error != nil {
		return 0, fmt.Errorf("change the balance of user %d: %w", user, res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, errs.New(errs.Limit, "balance", "", "The user %d has not enough money", user)
	}
	var balance int64
	if err := db.WithContext(ctx).Table("vox_users").Where("account_id = ?", user).Pluck("balance", &balance).Error; err != nil {
		return 0, err
	}
	return balance, nil
}

// TopUp adds amount (positive) to the account's balance, with its ledger row.
func TopUp(ctx context.Context, db *gorm.DB, amount int64, description, actor string) (int64, error) {
	if amount <= 0 {
		return 0, errs.Invalid("amount", FormatMoney(amount), "A top-up is at least 0.01")
	}
	if _, err := lockVoxAccount(ctx, db); err != nil {
		return 0, err
	}
	balance, err := addAccount(ctx, db, amount)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.Limit {
			return 0, errs.Invalid("amount", FormatMoney(amount), "The account balance would exceed %s", FormatMoney(MaxMoney))
		}
		return 0, err
	}
	return balance, writeLedger(ctx, db, &LedgerEntry{Transfer: newTransferID(), CreatedAt: Now(), Amount: amount,
		Balance: balance, Description: description, Actor: actor})
}

func newTransferID() string {
	t, _ := NewToken()
	return t[:32]
}

// TransferTarget is a user money moves to or from.
type TransferTarget struct {
	ID   int64
	Name string
}

// MoneyTransfer is a movement of money between the account and users.
type MoneyTransfer struct {
	// Amount is what each user gets, in minor units; negative moves money from each
	// user back to the account.
	Amount int64
	Users  []TransferTarget
	// Strict refuses the whole transfer when a balance cannot pay its part;
	// otherwise each part moves what there is.
	Strict bool
	// The descriptions of the account's and the users' ledger rows, with the macros
	// ${user_id} and ${user_name}; empty for the defaults.
	AccountDescription, UserDescription string
	Actor                               string
}

// MoveMoney runs a transfer in the caller's transaction: every movement changes
// the two balances and writes their two ledger rows. It returns the account's new
// balance. Balances never go below zero; the account's row is locked first, so
// that concurrent transfers never overdraw it.
func MoveMoney(ctx context.Context, db *gorm.DB, t *MoneyTransfer) (int64, error) {
	acc, err := lockVoxAccount(ctx, db)
	if err != nil {
		return 0, err
	}
	balance := acc.Balance
	if t.Strict && t.Amount > 0 && balance < t.Amount*int64(len(t.Users)) {
		return 0, errs.New(errs.Limit, "balance", "", "The account has %s; the transfer needs %s", FormatMoney(balance), FormatMoney(t.Amount*int64(len(t.Users))))
	}
	id := newTransferID()
	for _, u := range t.Users {
		move := t.Amount
		if move > 0 && move > balance {
			move = balance
		}
		// Read under the lock: what the user holds, and whether they still have a
		// balance of their own, as a change that committed meanwhile left it.
		var own struct {
			Balance          int64
			ParentAccounting bool
		}
		if err := db.WithContext(ctx).Table("vox_users").Select("balance, parent_accounting").Where("account_id = ?", u.ID).Take(&own).Error; err != nil {
			return 0, MapDBError(err, "user", strconv.FormatInt(u.ID, 10))
		}
		if move > 0 && own.ParentAccounting {
			return 0, errs.Invalid("user", u.Name, "The user %s uses the account's money (parent_accounting)", u.Name)
		}
		if move < 0 {
			if own := own.Balance; own < -move {
				if t.Strict {
					return 0, errs.New(errs.Limit, "balance", "", "The user %s has %s, less than %s", u.Name, FormatMoney(own), FormatMoney(-move))
				}
				move = -own
			}
		}
		if move == 0 {
			continue
		}
		userBalance, err := addUser(ctx, db, u.ID, move)
		if err != nil {
			return 0, err
		}
		if balance, err = addAccount(ctx, db, -move); err != nil {
			return 0, err
		}
		accountText, userText := t.AccountDescription, t.UserDescription
		if accountText == "" {
			accountText = "To user: ${user_name}"
			if move < 0 {
				accountText = "From user: ${user_name}"
			}
		}
		if userText == "" {
			userText = "From account"
			if move < 0 {
				userText = "To account"
			}
		}
		now, user := Now(), u.ID
		if err := writeLedger(ctx, db, &LedgerEntry{Transfer: id, CreatedAt: now, Amount: -move, Balance: balance,
			Description: ExpandDescription(accountText, u), Actor: t.Actor}); err != nil {
			return 0, err
		}
		if err := writeLedger(ctx, db, &LedgerEntry{Transfer: id, CreatedAt: now, UserID: &user, UserName: u.Name, Amount: move,
			Balance: userBalance, Description: ExpandDescription(userText, u), Actor: t.Actor}); err != nil {
			return 0, err
		}
	}
	return balance, nil
}

// ReturnUserMoney moves all of a user's own money back to the account, as a
// transfer with the given user description: before the user goes, or starts to
// use the account's money.
func ReturnUserMoney(ctx context.Context, db *gorm.DB, user TransferTarget, why, actor string) error {
	// The balance is read under the lock, so that no transfer can add to it before
	// it is returned (and then go with the user).
	if _, err := lockVoxAccount(ctx, db); err != nil {
		return err
	}
	u, err := FindVoxUser(ctx, db, user.ID)
	if err != nil || u.Balance == 0 {
		if errors.Is(err, errs.Missed) {
			return nil
		}
		return err
	}
	_, err = MoveMoney(ctx, db, &MoneyTransfer{Amount: -u.Balance, Users: []TransferTarget{user}, Strict: true,
		UserDescription: why, Actor: actor})
	return err
}

// LedgerList is the ledger as the form API lists it: newest first, filtered by user
// and description.
var LedgerList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "l.id", Sort: true, Unique: true},
		{Name: "created", Caption: "Time", Kind: list.Date, SQL: "l.created_at", Sort: true},
		{Name: "user", Caption: "User", Kind: list.Text, Optional: true, SQL: "l.user_name", Sort: true, Filter: list.Wildcard},
		{Name: "amount", Caption: "Amount", Kind: list.Number, SQL: "l.amount", Sort: true},
		{Name: "balance", Caption: "Balance after", Kind: list.Number, SQL: "l.balance"},
		{Name: "description", Caption: "Description", Kind: list.Text, SQL: "l.description", Filter: list.Wildcard},
		{Name: "actor", Caption: "By", Kind: list.Text, SQL: "l.actor", Filter: list.Wildcard},
		{Name: "transfer", Caption: "Transfer", Kind: list.Text, Optional: true, SQL: "l.transfer", Filter: list.Exact},
	},
	DefaultSort: "id",
	DefaultDesc: true,
	Key:         "l.id",
}

// ListLedger reads one page of the ledger and how many rows its filter keeps.
func ListLedger(ctx context.Context, db *gorm.DB, q *list.Query) ([]LedgerEntry, int64, error) {
	var rows []LedgerEntry
	total, err := q.Fetch(db.WithContext(ctx).Table("vox_ledger AS l"),
		"l.id, l.transfer, l.created_at, l.user_id, l.user_name, l.amount, l.balance, l.description, l.actor", &rows)
	return rows, total, err
}
