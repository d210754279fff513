package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// DataVersion is the data version (migration 0014): a number that every committed
// change of accounts, departments or memberships has moved on, in any process. Read
// it before what it guards: whatever is read after it is at least as new, so a cache
// filled then and stamped with it is never newer than its stamp says.
func DataVersion(ctx context.Context, db *gorm.DB) (int64, error) {
	var v int64
	if err := db.WithContext(ctx).Raw("SELECT COALESCE(SUM(version), 0) FROM data_versions").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read the data version: %w", err)
	}
	return v, nil
}
