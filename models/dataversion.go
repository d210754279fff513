package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Versions are the numbers of migrations 0014 and 0015, each moved on by every
// committed change of what it counts, in any process: Data by accounts, departments,
// memberships and page sizes; Sessions by a change of a session's data, account,
// opener or an earlier expiry, and by its end; Activity by every session opened,
// used or ended; Locks by the lockout counters. Read them before what they guard:
// whatever is read after them is at least as new, so a cache filled then and stamped
// with them is never newer than its stamp says, and holds while they stand still.
type Versions struct {
	Data, Sessions, Activity, Locks int64
}

// VersionsQuery reads Versions, in the order of their fields.
const VersionsQuery = "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS data_version, " +
	"CAST(COALESCE(SUM(sessions), 0) AS BIGINT) AS session_version, CAST(COALESCE(SUM(activity), 0) AS BIGINT) AS activity_version, " +
	"CAST(COALESCE(SUM(locks), 0) AS BIGINT) AS lock_version FROM data_versions"

// Fields returns pointers to the fields in the order of VersionsQuery's columns.
func (v *Versions) Fields() []any { return []any{&v.Data, &v.Sessions, &v.Activity, &v.Locks} }

// ReadVersions reads the versions.
func ReadVersions(ctx context.Context, db *gorm.DB) (Versions, error) {
	var v Versions
	if err := db.WithContext(ctx).Raw(VersionsQuery).Row().Scan(v.Fields()...); err != nil {
		return Versions{}, fmt.Errorf("read the data version: %w", err)
	}
	return v, nil
}
