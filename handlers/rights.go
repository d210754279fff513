package handlers

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"staffmgr/models/errs"

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

// rightObject is the object a right belongs to: the func name before the first dot.
func rightObject(name string) string {
	object, _, _ := strings.Cut(name, ".")
	return object
}

// authorize refuses a call the caller holds no right to (rights.Grants.Decide, the
// rule rights2.user shows). Funcs below admin level need no right.
func (a *App) authorize(c *Ctx, fn *Func) error {
	if fn.Level < rights.Admin || c.Actor == nil {
		return nil
	}
	ok, err := models.HasRight(c, a.db, c.Actor, fn.right())
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.Access, fn.Name, fn.Name,
			"%s has no right to %q: ask root or an admin to grant it", c.Actor.Login, fn.right())
	}
	return nil
}

var rightColumns = []Column{
	{Name: "name", Sort: true, Unique: true, Filter: Wildcard},
	{Name: "caption", Sort: true, Filter: Wildcard},
	{Name: "object", Sort: true, Filter: Wildcard},
	{Name: "access", Sort: true, Filter: Choice, Choices: []render.Option{{Key: "on", Label: "Allowed"}, {Key: "off", Label: "Denied"}}},
}

// rightsUserSpec is the list of one employee's rights.
var rightsUserSpec = &ListSpec{
	Columns:     append(append([]Column(nil), rightColumns...), Column{Name: "source", Sort: true, Filter: Wildcard}),
	DefaultSort: "name",
	Memory:      true,
}

// rightsGroupSpec is the list of one department's grants.
var rightsGroupSpec = &ListSpec{Columns: rightColumns, DefaultSort: "name", Memory: true}

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

// rightsEmployee is the employee of a rights2.user call, when the caller may manage
// them.
func rightsEmployee(c *Ctx, listing bool) (a *models.Account, fromElid bool, err error) {
	a, fromElid, err = parentEmployee(c, listing)
	if err != nil {
		return nil, false, err
	}
	if !rights.CanManage(c.person().Level, a.Level) {
		return nil, false, dominanceError("plid", a, rights.LacksRoot, false)
	}
	return a, fromElid, nil
}

// rightsUserList is rights2.user: every right with whether the employee holds it
// and why. With plid, elid filters by right name.
func rightsUserList(c *Ctx, q *Query) (*render.List, error) {
	a, fromElid, err := rightsEmployee(c, true)
	if err != nil {
		return nil, err
	}
	grants, err := models.AccountGrants(c, c.DB, a)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for _, f := range c.App.rightCatalog() {
		d := grants.Decide(f.Name)
		rows = append(rows, map[string]string{"name": f.Name, "caption": f.Caption, "object": rightObject(f.Name),
			"access": render.OnOff(d.Allow), "source": d.Source})
	}
	if elid := c.Params.Get("elid"); elid != "" && !fromElid {
		rows = keepNames(rows, c.Params.Elids())
	}
	list := q.Memory(rows, "name", "caption", "object", "access", "source")
	list.Plid, list.Plname = strconv.FormatInt(a.ID, 10), a.Login
	return list, nil
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
	id, _ := parentID(c, listing)
	if id == "" {
		return nil, errs.Invalid("plid", "", "Name the department: plid=ID")
	}
	d, err := models.FindDepartment(c, c.DB, id)
	return d, errs.At("plid", err)
}

// rightsGroupList is rights2.group: every right with whether the department grants it.
func rightsGroupList(c *Ctx, q *Query) (*render.List, error) {
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
		rows = append(rows, map[string]string{"name": f.Name, "caption": f.Caption, "object": rightObject(f.Name),
			"access": render.OnOff(grants[f.Name])})
	}
	list := q.Memory(rows, "name", "caption", "object", "access")
	list.Plid, list.Plname = strconv.FormatInt(d.ID, 10), d.Name
	return list, nil
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

// Memory filters, sorts and pages rows held in memory (lists computed rather than
// read from a table), showing the given columns in order.
func (q *Query) Memory(rows []map[string]string, columns ...string) *render.List {
	var kept []map[string]string
	for _, r := range rows {
		if q.matches(r) {
			kept = append(kept, r)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i][q.Sort], kept[j][q.Sort]
		if a == b {
			return false
		}
		return (a < b) != q.Desc
	})
	list := &render.List{Total: int64(len(kept)), Page: q.Page, PageSize: q.PageSize, Sort: q.Sort, Desc: q.Desc}
	end := min(q.Offset+q.PageSize, len(kept))
	for i := q.Offset; i < end; i++ {
		cells := make([]*render.Node, len(columns))
		for k, col := range columns {
			cells[k] = render.Text(col, kept[i][col])
		}
		list.Rows = append(list.Rows, render.Row(cells...))
	}
	return list
}

func (q *Query) matches(row map[string]string) bool {
	for _, col := range q.spec.Columns {
		v, ok := q.Filter[col.Name]
		if !ok {
			continue
		}
		if col.Filter == Wildcard && !wildcardMatch(v, row[col.Name]) || col.Filter != Wildcard && row[col.Name] != v {
			return false
		}
	}
	return true
}

// wildcardMatch compares as a Wildcard filter does: whole, without regard to case,
// with * matching any run of characters.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	ok, _ := regexp.MatchString("(?is)^"+strings.Join(parts, ".*")+"$", s)
	return ok
}
