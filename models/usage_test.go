package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
)

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		limits := models.RequestLimits{PerMinute: 3, PerDay: 5}
		now := time.Date(2026, 3, 1, 23, 58, 10, 0, time.UTC)
		charge := func(token string, at time.Time) ([]models.Usage, error) {
			t.Helper()
			return limits.Charge(ctx, db, token, at)
		}
		for i := 1; i <= 3; i++ {
			u, err := charge("a", now)
			if err != nil || len(u) != 2 || u[0].Count != i || u[0].Remaining() != 3-i || u[1].Remaining() != 5-i {
				t.Fatalf("call %d: %+v, %v", i, u, err)
			}
		}
		_, err := charge("a", now.Add(40*time.Second))
		e, ok := errs.As(err)
		if !errors.Is(err, errs.Limit) || !ok || len(e.Params) != 2 || e.Params[0].Value != "minute" || e.Params[1].Value != "10" {
			t.Fatalf("past the minute's limit: %v", err)
		}
		// Another token counts on its own; the next minute starts again, the day goes on.
		if _, err := charge("b", now); err != nil {
			t.Errorf("another token: %v", err)
		}
		u, err := charge("a", now.Add(time.Minute))
		if err != nil || u[0].Count != 1 || u[1].Count != 5 {
			t.Fatalf("the next minute: %+v, %v", u, err)
		}
		if _, err := charge("a", now.Add(time.Minute)); !errors.Is(err, errs.Limit) {
			t.Errorf("past the day's limit: %v", err)
		}
		// The next UTC day starts again.
		if u, err := charge("a", now.Add(2*time.Minute)); err != nil || u[1].Count != 1 {
			t.Errorf("the next day: %+v, %v", u, err)
		}

		// Concurrent calls each take their own count.
		limits = models.RequestLimits{PerMinute: 1000}
		var wg sync.WaitGroup
		var mu sync.Mutex
		seen := map[int]bool{}
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u, err := limits.Charge(ctx, db, "c", now)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[u[0].Count] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(seen) != 20 {
			t.Errorf("20 concurrent calls got %d different counts", len(seen))
		}
	})
}
