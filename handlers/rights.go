package handlers

import (
	"errors"
	"strconv"
	"strings"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
)

// A right is an admin-level func that opens with a right of its own name; the
// catalog is the func table itself.

// rightCatalog returns the rights in table order.
func (a *App) rightCatalog() []*Func {
	var out []*Func
	for _, f := range a.ordered {
		if f.Level == rights.Admin && f.Right == "" {
			out = append(out, f)
		}
	}
	return out
}

// RightNames are the rights an employee can be granted one by one, as rights2.user
// lists them: the admin-level funcs that need no other func's right.
func RightNames() []string {
	var out []string
	for _, f := range funcTable() {
		if f.Level == rights.Admin && f.Right == "" {
			out = append(out, f.Name)
		}
	}
	return out
}

// rightObject is the object a right belongs to: the func name before the first dot.
func rightObject(name string) string {
	object, _, _ := strings.Cut(name, ".")
	return object
}

// authorize refuses a call the caller holds no right to (rights.Grants.Decide, the
// rule rights2.user shows). Funcs below admin level need no right, nor does own:
// the form of an Own func on the caller's own account.
func (a *App) authorize(c *Ctx, fn *Func, own bool) error {
	right := fn.neededRight()
	if right == "" || c.Actor == nil || own {
		return nil
	}
	var ok bool
	if c.grantsOf == c.Actor.ID {
		ok = c.grants.Decide(right).Allow
	} else {
		var err error
		if ok, err = models.HasRight(c, a.db, c.Actor, right); err != nil {
			return err
		}
	}
	if !ok {
		return errs.New(errs.Access, fn.Name, fn.Name,
			"%s has no right to %q: ask root or an admin to grant it", c.Actor.Login, right)
	}
	return nil
}

// readGrants reads every right of the account the request acts as, once, for a
// request about to decide many funcs: authorize then decides each from what was
// read, as HasRight would.
func (c *Ctx) readGrants() error {
	if c.Actor == nil || c.grantsOf == c.Actor.ID {
		return nil
	}
	g, err := models.AccountGrants(c, c.App.db, c.Actor)
	if err != nil {
		return err
	}
	c.grants, c.grantsOf = g, c.Actor.ID
	return nil
}

// ownElid reports whether the request names the account it acts as: no elid, or
// that account's id, however spelled.
func (c *Ctx) ownElid() bool {
	if c.Actor == nil {
		return false
	}
	elid := c.Params.Get("elid")
	if elid == "" {
		return true
	}
	id, err := strconv.ParseInt(strings.TrimSpace(elid), 10, 64)
	return err == nil && id == c.Actor.ID
}

// ownOrManageable is the employee an Own func is about: the one elid names
// (manageable), or without elid the account the request acts as.
func ownOrManageable(c *Ctx) (*models.Account, error) {
	elid := c.Params.Get("elid")
	if elid == "" {
		elid = strconv.FormatInt(c.Actor.ID, 10)
	}
	return manageable(c, elid)
}

var rightColumns = []list.Column{
	{Name: "name", Caption: "Function", Kind: list.Text, Sort: true, Unique: true, Filter: list.Wildcard},
	{Name: "caption", Caption: "Caption", Kind: list.Text, Sort: true, Filter: list.Wildcard},
	{Name: "object", Caption: "Object", Kind: list.Text, Sort: true, Filter: list.Wildcard},
	{Name: "access", Caption: "Access", Kind: list.Status, Sort: true, Filter: list.Choice,
		Choices: []list.Option{{Key: "on", Label: "Allowed"}, {Key: "off", Label: "Denied"}}},
}

// rightsUserSpec is the list of one employee's rights.
var rightsUserSpec = &list.Spec{
	Columns: append(append([]list.Column(nil), rightColumns...),
		list.Column{Name: "source", Caption: "Decided by", Kind: list.Text, Sort: true, Filter: list.Wildcard}),
	DefaultSort: "name",
	Memory:      true,
}

// rightsGroupSpec is the list of one department's grants.
var rightsGroupSpec = &list.Spec{Columns: rightColumns, DefaultSort: "name", Memory: true}

// parentID is the element a nested list or its action is for: plid, which may be
// spelled ID/OBJECT as the panel does, or else elid when listing.
func parentID(c *Ctx, listing bool) (id string, fromElid bool) {
	if p := c.Params.Get("plid"); p != "" {
		id, _, _ = strings.Cut(p, "/")
		return id, false
	}
	if listing {
		return c.Params.Get("elid"), true
	}
	return "", false
}

// parentMissing is the missed error for a parent parentID found nothing for: its
// value is the parameter as sent (plid=5/employee names 5/employee), not the
// element being changed.
func parentMissing(c *Ctx, id string, fromElid bool) error {
	if !fromElid {
		id = c.Params.Get("plid")
	}
	return errs.Missing("plid", id)
}

// rightsUserFunc is the list of an employee's rights, whose employee the session
// remembers.
const rightsUserFunc = "rights2.user"

// rightsEmployee is the employee of a rights2.user call, when the caller may manage
// them. The reference names no employee parameter, and its elid is a right name:
// plid names the employee; without it, the list takes an elid that is an id as the
// employee (the client area's spelling), and any other call is about the employee
// whose rights its session listed last, which then becomes the request's plid so
// that the answer and the journal name them.
func rightsEmployee(c *Ctx, listing bool) (a *models.Account, fromElid bool, err error) {
	elid := c.Params.Get("elid")
	if c.Params.Get("plid") == "" && !(listing && isID(elid)) {
		id := c.App.sessions.Parent(c, rightsUserFunc)
		if id == 0 {
			return nil, false, errs.Invalid("plid", "",
				"Name the employee: plid=ID, or list their rights first in this session with func=%s&elid=ID", rightsUserFunc)
		}
		c.Params.imply("plid", strconv.FormatInt(id, 10))
	}
	a, fromElid, err = parentEmployee(c, listing)
	if err != nil {
		return nil, false, err
	}
	if !rights.CanManage(c.person().Level, a.Level) {
		return nil, false, dominanceError("plid", a, rights.LacksRoot, false)
	}
	return a, fromElid, nil
}

// isID reports whether s spells an id.
func isID(s string) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return err == nil && n > 0
}

// rightsUserList is rights2.user: every right with whether the employee holds it
// and why. With plid, elid filters by right name. The session remembers the
// employee for the calls that name none.
func rightsUserList(c *Ctx, q *list.Query) (*render.List, error) {
	a, fromElid, err := rightsEmployee(c, true)
	if err != nil {
		return nil, err
	}
	if c.HasSession() {
		c.App.sessions.SetParent(c, rightsUserFunc, a.ID)
	}
	grants, err := models.AccountGrants(c, c.DB, a)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for _, f := range c.App.rightCatalog() {
		d := grants.Decide(f.Name)
		rows = append(rows, map[string]string{"name": f.Name, "caption": c.Lang.T(f.Caption), "object": rightObject(f.Name),
			"access": render.OnOff(d.Allow), "source": d.Source})
	}
	if elid := c.Params.Get("elid"); elid != "" && !fromElid {
		rows = keepNames(rows, c.Params.Elids())
	}
	out := memoryList(q, rightsUserSpec, rows)
	out.Plid, out.Plname = strconv.FormatInt(a.ID, 10), a.Login
	return out, nil
}

// keepNames keeps the rows whose name is one of names.
func keepNames(rows []map[string]string, names []string) []map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []map[string]string
	for _, r := range rows {
		if want[r["name"]] {
			out = append(out, r)
		}
	}
	return out
}

// checkRight returns a missed error unless name is a right, and refuses to hand out
// a right the caller does not hold: nobody grants more than they have.
func checkRight(c *Ctx, name string, granting bool) error {
	f := c.App.funcs[name]
	if f == nil || f.Level != rights.Admin || f.Right != "" {
		return errs.New(errs.Missed, "elid", name, "There is no right %q", name)
	}
	if !granting {
		return nil
	}
	ok, err := models.HasRight(c, c.DB, c.person(), name)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Denied("elid", "You cannot grant %q: you do not hold it yourself", name)
	}
	return nil
}

// personalRight is rights2.user.resume (allow), .suspend (deny) and .delete (back to
// the departments): plid is the employee, each elid a right.
func personalRight(allow *bool) func(c *Ctx, elid string) error {
	return func(c *Ctx, elid string) error {
		a, _, err := rightsEmployee(c, false)
		if err != nil {
			return err
		}
		switch {
		case c.ownAccount(a.ID):
			return errs.New(errs.Access, "plid", strconv.FormatInt(a.ID, 10),
				"You cannot change your own rights: ask root or another admin")
		case rights.HoldsAll(a.Level, a.DefaultAccessAllow):
			return errs.Invalid("plid", strconv.FormatInt(a.ID, 10),
				"%s has full access to every function, so single rights cannot change: turn off default_access_allow first", a.Login)
		}
		if err := c.dominate("plid", a.ID, false); err != nil {
			return err
		}
		if err := checkRight(c, elid, allow != nil && *allow); err != nil {
			return err
		}
		if allow == nil {
			err = models.DeletePersonalRight(c, c.DB, a.ID, elid)
		} else {
			err = models.SetPersonalRight(c, c.DB, a.ID, elid, *allow)
		}
		if err != nil {
			return err
		}
		return c.dominate("elid", a.ID, true)
	}
}

var (
	allowRight, denyRight = true, false
	rightsUserResume      = personalRight(&allowRight)
	rightsUserSuspend     = personalRight(&denyRight)
	rightsUserDelete      = personalRight(nil)
)

// rightsDepartment is the department of a rights2.group call.
func rightsDepartment(c *Ctx, listing bool) (*models.Department, error) {
	id, fromElid := parentID(c, listing)
	if id == "" {
		return nil, errs.Invalid("plid", "", "Name the department: plid=ID")
	}
	d, err := models.FindDepartment(c, c.DB, id)
	if errors.Is(err, errs.Missed) {
		return nil, parentMissing(c, id, fromElid)
	}
	return d, err
}

// rightsGroupList is rights2.group: every right with whether the department grants it.
func rightsGroupList(c *Ctx, q *list.Query) (*render.List, error) {
	d, err := rightsDepartment(c, true)
	if err != nil {
		return nil, err
	}
	grants, err := models.DepartmentGrants(c, c.DB, d.ID)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for _, f := range c.App.rightCatalog() {
		rows = append(rows, map[string]string{"name": f.Name, "caption": c.Lang.T(f.Caption), "object": rightObject(f.Name),
			"access": render.OnOff(grants[f.Name])})
	}
	out := memoryList(q, rightsGroupSpec, rows)
	out.Plid, out.Plname = strconv.FormatInt(d.ID, 10), d.Name
	return out, nil
}

// departmentRight is rights2.group.resume (grant) and .suspend (withdraw).
func departmentRight(on bool) func(c *Ctx, elid string) error {
	return func(c *Ctx, elid string) error {
		d, err := rightsDepartment(c, false)
		if err != nil {
			return err
		}
		if err := checkRight(c, elid, on); err != nil {
			return err
		}
		if person := c.person(); person.Level < rights.Root {
			member, err := models.Memberships(c, c.DB, person.ID)
			if err != nil {
				return err
			}
			if member[d.ID] {
				return errs.New(errs.Access, "plid", strconv.FormatInt(d.ID, 10),
					"You cannot change the rights of your own department: ask root or another admin")
			}
		}
		// What the department grants is what its members may do: each of them must be
		// the caller's to change, before and after.
		if err := c.dominateMembers("plid", d.ID, false); err != nil {
			return err
		}
		if err := models.SetDepartmentRight(c, c.DB, d.ID, elid, on); err != nil {
			return err
		}
		return c.dominateMembers("plid", d.ID, true)
	}
}
