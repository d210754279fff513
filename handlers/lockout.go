package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"staffmgr/models/errs"

	"staffmgr/models"
)

// guardLogin runs one login attempt (a password, a key or authinfo) under the lockout
// policy. The attempt first reserves its place on the address's and the login's
// counters; only when both grant one are the credentials looked at, so that however
// many attempts arrive at once no more than the limits are ever checked, and a
// refusal says nothing about the credentials. Then it settles: a failure keeps its
// reservation as the count, a success clears the login's count and gives back its
// place on the address's, and an attempt refused for any other reason (an internal
// error, a busy HashLimit) gives back both, since it guessed nothing.
//
// The counts are written with the App's database, never the request's transaction:
// they must outlive the failed request. They are written even if the client has gone.
func (a *App) guardLogin(c *Ctx, login string, attempt func() (*models.Account, error)) (*models.Account, error) {
	ctx := context.WithoutCancel(c)
	if err := a.addressFirst(c, login); err != nil {
		return nil, err
	}
	res, block, err := a.cfg.Lockout.Reserve(ctx, a.db, login, c.IP)
	if err != nil {
		return nil, err
	}
	if block != nil {
		a.metrics.loginBlocked(block.Kind)
		return nil, blockedError(block, a.lockoutNow())
	}
	acc, err := attempt()
	if err == nil {
		if err := res.Succeeded(ctx, a.db); err != nil {
			return nil, err
		}
		return acc, nil
	}
	if errors.Is(err, errs.Auth) {
		a.metrics.loginFailures.Inc()
		return nil, err
	}
	if rerr := res.Release(ctx, a.db); rerr != nil {
		return nil, fmt.Errorf("refused login (%v): %w", err, rerr)
	}
	return nil, err
}

// addressFirst refuses a login to an enabled account that may not work from the
// client's address before any credential is looked at: refused only after a right
// password, the refusal would confirm the password to whoever guessed it from outside
// the allow-list. It counts as no attempt.
func (a *App) addressFirst(c *Ctx, login string) error {
	acc, err := models.FindAccountByLogin(c, a.db, login)
	if errors.Is(err, errs.Missed) {
		return nil
	}
	if err != nil {
		return err
	}
	if acc.Enabled && !acc.AllowsIP(c.IP) {
		return addressRefused(acc, c.IP)
	}
	return nil
}

// lockoutNow is the lockout policy's clock.
func (a *App) lockoutNow() time.Time {
	if a.cfg.Lockout.Now != nil {
		return a.cfg.Lockout.Now()
	}
	return models.Now()
}

// blockedError is the answer to an attempt while a lock holds: type limit (not auth,
// so that a script can tell a lock from a wrong password), object badpassword, value
// the time from which to retry, and the param retry_after in seconds.
func blockedError(b *models.Block, now time.Time) error {
	until := b.Until.Local().Format(timeFormat)
	wait := b.Until.Sub(now).Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	who := errs.Caption("for this login")
	if b.Kind == models.LockIP {
		who = errs.Caption("from this address")
	}
	e := errs.New(errs.Limit, "badpassword", until,
		"Too many failed logins %s; try again after %s (in %s)", who, until, wait)
	e.Params = append(e.Params, errs.Param{Name: "retry_after", Value: strconv.Itoa(int(wait / time.Second))})
	return e
}

// employeeUnlock clears the lock and the failure count of an employee's login.
// Locks of addresses stay; they end by themselves.
func employeeUnlock(c *Ctx, elid string) error {
	a, err := manageable(c, elid)
	if err != nil {
		return err
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return err
	}
	return models.Unlock(c, c.DB, a.Login)
}
