package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"
)

// RequestLimits bound the calls one token of a machine API makes per minute and per
// day (a UTC day); 0 turns a bound off, and both are off by default.
type RequestLimits struct {
	PerMinute int
	PerDay    int
	// Now is the clock of the windows; nil is Now.
	Now func() time.Time
}

// Clock is the time the windows are counted at.
func (l RequestLimits) Clock() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return Now()
}

// Off reports whether no bound applies.
func (l RequestLimits) Off() bool { return l.PerMinute <= 0 && l.PerDay <= 0 }

// Usage is a token's use of one period's window: the calls counted in it, its
// bound and when it ends.
type Usage struct {
	Period string // "minute" or "day"
	Limit  int
	Count  int
	Ends   time.Time
}

// Remaining is how many more calls the window allows.
func (u Usage) Remaining() int { return max(0, u.Limit-u.Count) }

// windows are the periods of the bounds that apply, each with the start and end of
// its current window.
func (l RequestLimits) windows(now time.Time) []Usage {
	var out []Usage
	if l.PerMinute > 0 {
		start := now.Truncate(time.Minute)
		out = append(out, Usage{Period: "minute", Limit: l.PerMinute, Ends: start.Add(time.Minute)})
	}
	if l.PerDay > 0 {
		y, m, d := now.Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		out = append(out, Usage{Period: "day", Limit: l.PerDay, Ends: start.AddDate(0, 0, 1)})
	}
	return out
}

// Charge counts one call of the token (the digest of its secret) in each window
// that applies and returns the windows as they then stand. A call past a bound is
// a limit error whose params name the period and, as retry_after, the seconds
// until its window ends; it is counted all the same. The counts are one upsert each, so that concurrent calls in
// any process each take their own.
func (l RequestLimits) Charge(ctx context.Context, db *gorm.DB, token string, now time.Time) ([]Usage, error) {
	now = now.UTC().Truncate(time.Microsecond)
	out := l.windows(now)
	var over *Usage
	for i := range out {
		u := &out[i]
		start := u.Ends.Add(-time.Minute)
		if u.Period == "day" {
			start = u.Ends.AddDate(0, 0, -1)
		}
		var counts []int
		err := db.WithContext(ctx).Raw(`INSERT INTO api_usage (token, period, started, count) VALUES (?, ?, ?, 1)
			ON CONFLICT (token, period) DO UPDATE SET
				count = CASE WHEN api_usage.started = excluded.started THEN api_usage.count + 1 ELSE 1 END,
				started = excluded.started
			RETURNING count`, token, u.Period, start).Scan(&counts).Error
		if err != nil || len(counts) != 1 {
			return nil, fmt.Errorf("count a call per %s: %v", u.Period, err)
		}
		u.Count = counts[0]
		if u.Count > u.Limit && over == nil {
			over = u
		}
	}
	if over != nil {
		wait := int(over.Ends.Sub(now).Seconds() + 0.999)
		period := errs.Caption("minute")
		if over.Period == "day" {
			period = errs.Caption("day")
		}
		e := errs.New(errs.Limit, "", "", "The token made more than %d calls this %s; try again in %d s", over.Limit, period, wait)
		e.Params = append(e.Params, errs.Param{Name: "period", Value: over.Period}, errs.Param{Name: "retry_after", Value: strconv.Itoa(wait)})
		return out, e
	}
	return out, nil
}

// DeleteStaleUsage removes counts of windows that ended more than a day ago.
func DeleteStaleUsage(ctx context.Context, db *gorm.DB) (int64, error) {
	res := db.WithContext(ctx).Exec("DELETE FROM api_usage WHERE started < ?", Now().AddDate(0, 0, -2))
	return res.RowsAffected, res.Error
}
