package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ListPref is an account's rows-per-page setting for one list.
type ListPref struct {
	AccountID int64  `gorm:"primaryKey;autoIncrement:false"`
	List      string `gorm:"primaryKey"`
	PageSize  int
}

// PageSize returns the rows per page an account chose for a list, or 0.
func PageSize(ctx context.Context, db *gorm.DB, accountID int64, list string) (int, error) {
	var p ListPref
	err := db.WithContext(ctx).Where("account_id = ? AND list = ?", accountID, list).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("page size of %s: %w", list, err)
	}
	return p.PageSize, nil
}

// SavePageSize remembers the rows per page an account chose for a list.
func SavePageSize(ctx context.Context, db *gorm.DB, accountID int64, list string, size int) error {
	err := db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "list"}},
		DoUpdates: clause.AssignmentColumns([]string{"page_size"}),
	}).Create(&ListPref{AccountID: accountID, List: list, PageSize: size}).Error
	if err != nil {
		return fmt.Errorf("save page size of %s: %w", list, err)
	}
	return nil
}
