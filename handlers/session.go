package handlers

import (
	"errors"
	"time"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"gorm.io/gorm"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// sessionSpec is the list of active sessions, declared with its query in session.
var sessionSpec = session.ActiveList

// timeFormat is how times appear in documents, as BILLmanager writes them.
const timeFormat = "2006-01-02 15:04:05"

// sessionList lists live sessions: id, account, level, ip, started, last_activity;
// the caller's own session carries the flag current.
func sessionList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := session.ListActive(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	own := c.App.sessions.ID(c)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", r.ID),
			render.Text("account", r.Login),
			render.Text("level", rights.Level(r.Level).String()),
			render.Text("ip", r.IP),
			render.Text("started", r.CreatedAt.Local().Format(timeFormat)),
			render.Text("last_activity", r.LastSeen.Local().Format(timeFormat)),
			render.Text("idle", idle(r.LastSeen)),
			render.FlagIf("current", own != "" && r.ID == own),
		))
	}
	return out, nil
}

// idle is how long ago a session was last used, in whole seconds.
func idle(last time.Time) string {
	return time.Since(last).Round(time.Second).String()
}

// sessionDelete ends one session by its id. Nobody ends a session of an account
// above their own level.
func sessionDelete(c *Ctx, id string) error {
	s, err := session.Find(c, c.DB, id)
	if err != nil {
		return err
	}
	if err := c.dominate("session", s.AccountID, false); err != nil {
		return err
	}
	if s.RealAccountID != nil {
		if err := c.dominate("session", *s.RealAccountID, false); err != nil {
			return err
		}
	}
	if s.RealAccountID == nil {
		err = endOwnSession(c, c.DB, s.AccountID, id)
	} else {
		err = session.End(c, c.DB, id)
	}
	return err
}

// endThisSession ends the request's own session (logout, the Data API's logout.user):
// a person's own session with the su sessions it opened, or an su session alone.
func endThisSession(c *Ctx) error {
	if c.App.sessions.Impersonator(c) == 0 {
		person, id := c.person().ID, c.App.sessions.ID(c)
		err := c.App.db.WithContext(c).Transaction(func(tx *gorm.DB) error {
			return endOwnSession(c, tx, person, id)
		})
		if err != nil && !errors.Is(err, errs.Missed) {
			return err
		}
	}
	return c.App.sessions.Destroy(c)
}

// endOwnSession ends a person's own session (not an su session) and, with it, the su
// sessions the person opened. The person's row is locked first, as employee.su locks
// it, so that an su session being opened meanwhile cannot outlive them.
func endOwnSession(c *Ctx, db *gorm.DB, person int64, id string) error {
	if _, err := models.LockAccount(c, db, person); err != nil {
		return err
	}
	if _, err := session.EndOpenedBy(c, db, person); err != nil {
		return err
	}
	return session.End(c, db, id)
}

// sessionNewKey registers a one-time login key: session.newkey&username=U&key=K.
func sessionNewKey(c *Ctx) (render.Result, error) {
	login := c.Params.Get("username")
	if login == "" {
		return nil, errs.Invalid("username", "", "Enter the login the key is for")
	}
	acc, err := models.FindAccountByLogin(c, c.DB, login)
	if errors.Is(err, errs.Missed) {
		return nil, errs.Missing("username", login)
	}
	if err != nil {
		return nil, err
	}
	if err := c.dominate("username", acc.ID, false); err != nil {
		return nil, err
	}
	if err := models.RegisterKey(c, c.DB, acc.ID, c.person().ID, c.Params.Get("key"), c.App.cfg.KeyLifetime); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}
