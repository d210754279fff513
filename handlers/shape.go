package handlers

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// Shape is what a func does: one of *List, *Form, *Send, *Group, *Op.
type Shape interface{ shape() }

// List is a list: the dispatcher reads paging, sorting and filters by Spec and
// hands Rows the normalised query.
type List struct {
	Spec *list.Spec
	Rows func(c *Ctx, q *list.Query) (*render.List, error)
	// Key is the cell that names a row as the elid of the funcs acting on it: id,
	// or name in a list without ids, when empty.
	Key string
}

// Form shows an element's fields without sok=ok, and changes nothing; with sok=ok
// its declared Input is read and checked, then Save runs inside one transaction.
type Form struct {
	Input *form.Def
	Show  func(c *Ctx) (render.Result, error)
	Save  func(c *Ctx, in *form.Input) (render.Result, error)
	// Whole says the form acts on its list as a whole and names no element (a
	// top-up): the panel offers it in the list's toolbar, not on its rows.
	Whole bool
}

// Send is a Form whose change waits on an outside service (the SMS gateway). With
// sok=ok, Deliver runs outside any transaction, so that the wait holds no database
// lock; what it delivered is then recorded in one short transaction with the
// journal row, also when the service failed.
type Send struct {
	Input *form.Def
	// Ready refuses a confirmed change when the service is not set up, before its
	// input is read; nil when it always is.
	Ready func(c *Ctx) error
	Show  func(c *Ctx) (render.Result, error)
	// Deliver calls the service. It returns nil when the service was never called
	// (a refused input); otherwise what was delivered, and the service's failure.
	Deliver func(c *Ctx, in *form.Input) (Delivery, error)
}

// Delivery is what a Send's service did, kept inside the change's transaction.
type Delivery interface {
	// Record keeps the delivery and answers the request.
	Record(c *Ctx) (render.Result, error)
}

// Group is an operation on the elements elid names: without sok=ok it answers a
// confirmation form; with sok=ok Each runs once per element inside one
// transaction, all or none.
type Group struct {
	Each func(c *Ctx, elid string) error
	// Accounts says each elid is an account's id and acting on one leaves what
	// decides dominance over the others as it was: the checks that the caller
	// dominates them are then read for all of them at once (Ctx.foresee).
	Accounts bool
}

// Op is a session operation with no sok rule (log in, log out, keep alive). Writes
// puts it in a transaction and, for cookie sessions, behind the CSRF check.
type Op struct {
	Run    func(c *Ctx) (render.Result, error)
	Writes bool
}

func (*List) shape()  {}
func (*Form) shape()  {}
func (*Send) shape()  {}
func (*Group) shape() {}
func (*Op) shape()    {}

// run applies the func's sok rule and runs its handler by the func's shape.
func (a *App) run(c *Ctx, fn *Func) (render.Result, error) {
	sok := c.Params.Sok()
	switch s := fn.Shape.(type) {
	case *List:
		c.reads = true
		q, err := a.listQuery(c, fn.Name, s.Spec)
		if err != nil {
			return nil, err
		}
		list, err := s.Rows(c, q)
		if err != nil {
			return nil, err
		}
		return list, a.rememberPageSize(c, fn.Name, q)
	case *Op:
		if !s.Writes {
			c.reads = true
			return s.Run(c)
		}
		if err := a.checkCSRF(c); err != nil {
			return nil, err
		}
		return a.inTx(c, s.Run)
	case *Form:
		if !sok {
			res, err := s.Show(c)
			return labelled(c, s.Input, res, err)
		}
		in, err := a.readInput(c, s.Input, nil)
		if err != nil {
			return nil, err
		}
		return a.inTx(c, func(c *Ctx) (render.Result, error) { return s.Save(c, in) })
	case *Send:
		if !sok {
			res, err := s.Show(c)
			return labelled(c, s.Input, res, err)
		}
		in, err := a.readInput(c, s.Input, s.Ready)
		if err != nil {
			return nil, err
		}
		return a.deliver(c, s, in)
	case *Group:
		if !sok {
			return confirmForm(c)
		}
		if err := a.checkCSRF(c); err != nil {
			return nil, err
		}
		return a.each(c, fn.Name, s)
	}
	return nil, fmt.Errorf("func %s has no shape", fn.Name)
}

// readInput checks a confirmed change's CSRF token and that its service is ready
// (ready may be nil), and reads its declared input: every field is checked before
// anything is written, and a new password is hashed before the change's
// transaction opens, so that the slow hash, which may wait for a slot, holds no
// database lock. A refused change is journaled as a failed one.
func (a *App) readInput(c *Ctx, def *form.Def, ready func(*Ctx) error) (*form.Input, error) {
	if err := a.checkCSRF(c); err != nil {
		return nil, err
	}
	if ready != nil {
		if err := ready(c); err != nil {
			a.journalFailure(c, err)
			return nil, err
		}
	}
	in, err := def.Read(c.Params, form.Options{Creating: def != nil && def.Creates && c.Params.Get("elid") == "", CheckPassword: a.cfg.PasswordPolicy.Check})
	if err == nil {
		for _, name := range in.NewPasswords() {
			password, _ := in.Password(name)
			var hash string
			if hash, err = models.HashPassword(c, a.cfg.Passwords, password); err != nil {
				break
			}
			in.SetHash(name, hash)
		}
	}
	if err != nil {
		a.journalFailure(c, err)
		return nil, err
	}
	return in, nil
}

// each runs a group operation on every element elid names, in one transaction.
func (a *App) each(c *Ctx, name string, g *Group) (render.Result, error) {
	elids := c.Params.Elids()
	if len(elids) == 0 {
		return nil, errs.Invalid("elid", "", "Select at least one element")
	}
	return a.inTx(c, func(c *Ctx) (render.Result, error) {
		if g.Accounts {
			if err := c.foresee(accountIDs(elids)); err != nil {
				return nil, err
			}
		}
		for _, id := range elids {
			if err := g.Each(c, id); err != nil {
				// The failing element is the error's value, unless the error is about
				// the parent (plid), whose value says which parent.
				if e, ok := errs.As(err); ok && e.Object != "plid" {
					return nil, e.WithValue(id)
				} else if ok {
					return nil, e
				}
				return nil, fmt.Errorf("%s elid %s: %w", name, id, err)
			}
		}
		return &render.OK{}, nil
	})
}

// accountIDs are the elids that are account ids; Each refuses the others.
func accountIDs(elids []string) []int64 {
	ids := make([]int64, 0, len(elids))
	for _, e := range elids {
		if id, err := strconv.ParseInt(e, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// inTx runs h inside one transaction, on a copy of the request whose DB is the
// transaction: everything it changes is kept, or nothing. It is the one place that
// writes the journal: a change that succeeds gets its row at the end of its own
// transaction; one that fails gets a row with the error, in a transaction of its
// own after the rollback.
func (a *App) inTx(c *Ctx, h func(*Ctx) (render.Result, error)) (render.Result, error) {
	var res render.Result
	err := a.db.WithContext(c.base).Transaction(func(tx *gorm.DB) error {
		tc := *c
		tc.DB = tx
		var err error
		if res, err = runSafely(&tc, h); err != nil {
			return err
		}
		if err := models.WriteJournal(c.base, tx, journalEntry(&tc, res, nil)); err != nil {
			return err
		}
		if !c.HasSession() {
			return nil
		}
		// A session whose row needs no write is settled here, so that the change
		// costs one commit, not a second one for the session's row.
		c.settled, err = a.sessions.Settle(c, tx)
		return err
	})
	if err != nil {
		c.settled = false
		a.journalFailure(c, err)
		return nil, err
	}
	return res, nil
}

// deliver runs a Send: Deliver works outside any transaction, so that waiting on
// the outside service holds no database lock, and what it delivered is recorded
// afterwards in one short transaction with the journal row of the outcome. A
// delivery the service refused is recorded too, journaled with the error the
// client sees; an input refused before the service was called is journaled like
// any failed change.
func (a *App) deliver(c *Ctx, s *Send, in *form.Input) (render.Result, error) {
	var d Delivery
	_, err := runSafely(c, func(c *Ctx) (render.Result, error) {
		var err error
		d, err = s.Deliver(c, in)
		return nil, err
	})
	if d == nil {
		if err == nil {
			err = fmt.Errorf("%s delivered nothing and reported no error", c.Func.Name)
		}
		a.journalFailure(c, err)
		return nil, err
	}
	// What the service did is done: its record is kept even when the client hung up.
	// The record is written on a copy of the request detached from its cancellation,
	// as a driver goroutine of the delivery may still be watching c.
	kc := *c
	kc.base = context.WithoutCancel(c.base)
	var res render.Result
	kerr := a.db.WithContext(kc.base).Transaction(func(tx *gorm.DB) error {
		kc.DB = tx
		r, rerr := runSafely(&kc, d.Record)
		if rerr != nil {
			return rerr
		}
		if err == nil {
			res = r
		}
		return models.WriteJournal(kc.base, tx, journalEntry(&kc, res, err))
	})
	if kerr != nil {
		if err != nil {
			c.Log.Error("keep the record of a failed change", "func", c.Func.Name, "cause", err.Error())
		}
		a.journalFailure(&kc, kerr)
		return nil, kerr
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// runSafely runs h, turning a panic into an internal error so that the transaction
// rolls back and the failure is journaled like any other.
func runSafely(c *Ctx, h func(*Ctx) (render.Result, error)) (res render.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("panic in %s: %v\n%s", c.Func.Name, p, debug.Stack())
		}
	}()
	return h(c)
}

// confirmForm is the answer to a group operation without sok=ok: the elements it
// would change, and nothing changed.
func confirmForm(c *Ctx) (render.Result, error) {
	elids := c.Params.Elids()
	if len(elids) == 0 {
		return nil, errs.Invalid("elid", "", "Select at least one element")
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strings.Join(elids, ", ")),
		render.Text("confirm_count", fmt.Sprint(len(elids))),
	}}, nil
}
