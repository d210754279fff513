package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// SuPolicy restricts acting as another account (employee.su and the su parameter).
type SuPolicy struct {
	// Lifetime ends an su session this long after it opened (1 hour when zero).
	Lifetime time.Duration
	// AdminToAdmin lets admins act as full-access employees. Off by default (the
	// restriction not_admin_to_admin): only root may. Nobody but root acts as root.
	AdminToAdmin bool
	// ReasonRequired makes the reason parameter mandatory.
	ReasonRequired bool
}

// maxReason bounds the reason of an impersonation.
const maxReason = 500

// checkSu decides whether real may act as target; the right employee.su is checked
// by the caller (the dispatcher for employee.su, suParam for the parameter).
func (a *App) checkSu(c *Ctx, real, target *models.Account, object string) error {
	id := strconv.FormatInt(target.ID, 10)
	switch {
	case c.Real != nil || a.sessions.Impersonator(c) != 0:
		return errs.Denied("su", "An su session cannot act as yet another account: return first with func=chlevel&lp=1")
	case real.Level < rights.Admin:
		return errs.Denied("su", "Only root and admins may act as another account")
	case target.ID == real.ID:
		return errs.Invalid(object, id, "You already act as yourself")
	case !target.Enabled:
		return errs.Invalid(object, id, "The account %s is suspended", target.Login)
	}
	if err := c.dominate(object, target.ID, false); err != nil {
		return err
	}
	reason := strings.TrimSpace(c.Params.Get("reason"))
	if a.cfg.Su.ReasonRequired && reason == "" {
		return errs.Invalid("reason", "", "Say why you act as %s: reason=…", target.Login)
	}
	return errs.At("reason", models.CheckText(reason, maxReason))
}

// suParam runs the request as the account the su parameter names (a login or an
// id), under the guards of employee.su; the caller stays on record as Real.
func (a *App) suParam(c *Ctx) error {
	name := c.Params.Get("su")
	if name == "" || c.Actor == nil {
		return nil
	}
	target, err := models.FindAccountByLogin(c, a.db, name)
	if errors.Is(err, errs.Missed) {
		if id, perr := strconv.ParseInt(name, 10, 64); perr == nil {
			target, err = models.FindAccount(c, a.db, id)
		}
	}
	if errors.Is(err, errs.Missed) {
		return errs.Missing("su", name)
	}
	if err != nil {
		return err
	}
	return a.actAs(c, target, "su")
}

// actAs makes target the account the request acts as, named by param (su, or the
// Data API's user_id). employee.su has its right checked by the dispatcher; acting
// as another account by a parameter needs the same right and passes the same guards.
func (a *App) actAs(c *Ctx, target *models.Account, param string) error {
	ok, err := models.HasRight(c, a.db, c.Actor, "employee.su")
	if err != nil {
		return err
	}
	if !ok {
		return errs.Denied(param, "%s has no right to act as another account (employee.su)", c.Actor.Login)
	}
	if err := a.checkSu(c, c.Actor, target, param); err != nil {
		return err
	}
	c.Real, c.Actor = c.Actor, target
	return nil
}

// employeeSu is employee.su&elid=ID: a new session acting as the employee, which
// remembers who opened it and ends after the su lifetime at most. The caller's own
// session stays as it is.
func employeeSu(c *Ctx) (render.Result, error) {
	return openSu(c, errs.Caption("employee"), models.FindEmployee)
}

// userSu is user.su&elid=ID: employee.su for a client, under the same right and
// guards, so that support can see the client area as the client does.
func userSu(c *Ctx) (render.Result, error) {
	return openSu(c, errs.Caption("client"), models.FindClient)
}

// openSu opens the su session of employee.su and user.su on the account find
// finds by elid.
func openSu(c *Ctx, what errs.Caption, find func(context.Context, *gorm.DB, string) (*models.Account, error)) (render.Result, error) {
	elid := c.Params.Get("elid")
	if elid == "" {
		return nil, errs.Invalid("elid", "", "Name the %s: elid=ID", what)
	}
	target, err := find(c, c.DB, elid)
	if err != nil {
		return nil, errs.At("elid", err)
	}
	if err := c.App.checkSu(c, c.Actor, target, "elid"); err != nil {
		return nil, err
	}
	if err := openerStillCurrent(c); err != nil {
		return nil, err
	}
	lifetime := c.App.cfg.Su.Lifetime
	if lifetime <= 0 {
		lifetime = time.Hour
	}
	token, err := c.App.sessions.OpenAs(c.base, c.DB, target.ID, c.Actor.ID, c.IP, time.Now().Add(lifetime))
	if err != nil {
		return nil, err
	}
	return render.Doc{render.Flag("ok"), render.AuthNode(token, int(target.Level))}, nil
}

// openerStillCurrent locks the caller's account row, which a password change, a
// suspension or a logout write or lock too, and then makes sure that the credentials
// the request came with are still current: its session still exists, or the password
// it named is still the account's. An su session opened by a session that is being
// ended would otherwise outlive it.
func openerStillCurrent(c *Ctx) error {
	now, err := models.LockAccount(c, c.DB, c.Actor.ID)
	if err != nil {
		return err
	}
	current := now.Enabled && now.PasswordHash == c.Actor.PasswordHash
	if current && c.HasSession() {
		current, err = session.Exists(c, c.DB, c.App.sessions.ID(c))
		if err != nil {
			return err
		}
	}
	if !current {
		return errs.Denied("session", "Log in first: the session is unknown or has expired")
	}
	return nil
}

// suStillAllowed reports whether the opener of an su session may still act as its
// account: they hold employee.su and dominate the account as it is now. Rights taken
// from the opener, or given to the account, apply to su sessions already open. Both
// accounts come as authentication loaded them; only their rights are read, in one
// query for the two.
func (a *App) suStillAllowed(c *Ctx, real, target *models.Account) (bool, error) {
	var need []int64
	for _, acc := range []*models.Account{real, target} {
		if needsRights(acc) {
			need = append(need, acc.ID)
		}
	}
	held, err := models.AccountsRights(c, c.DB, need)
	if err != nil {
		return false, err
	}
	opener := holder(c, real, held[real.ID])
	if !opener.Holds("employee.su") {
		return false, nil
	}
	return rights.Dominates(opener, holder(c, target, held[target.ID]), a.cfg.Su.AdminToAdmin) == "", nil
}

// chlevel&lp=1 ends the su session it is called in; the opener's own session was
// never touched, so the client goes back to it.
func chlevel(c *Ctx) (render.Result, error) {
	if !c.HasSession() || c.App.sessions.Impersonator(c) == 0 {
		return nil, errs.Invalid("lp", c.Params.Get("lp"), "This session acts as nobody else: there is no level to return to")
	}
	if err := c.App.checkCSRF(c); err != nil {
		return nil, err
	}
	if err := c.App.sessions.Destroy(c); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}

// checkAddress refuses a request from an address the person behind it may not use:
// their allow-list applies to every request of a session and to authinfo. In an su
// session the person is the one who opened it.
func (a *App) checkAddress(c *Ctx) error {
	person := c.person()
	if person == nil || person.AllowsIP(c.IP) {
		return nil
	}
	return addressRefused(person, c.IP)
}

func addressRefused(a *models.Account, ip string) error {
	return errs.New(errs.Access, "ip", ip, "%s may not work from the address %s", a.Login, ip)
}

// person is who is behind the request: the opener of an su, or else the actor.
func (c *Ctx) person() *models.Account {
	if c.Real != nil {
		return c.Real
	}
	return c.Actor
}
