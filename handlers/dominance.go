package handlers

import (
	"strconv"

	"gorm.io/gorm"

	"staffmgr/models/errs"

	"staffmgr/models"
	"staffmgr/rights"
)

// Every func that creates, changes, suspends, deletes, logs out, impersonates or
// registers a login key for an account asks dominate first, and a func that changes
// what an account may do asks it again after the change, in the same transaction:
// the person behind the request (the opener of an su session) must dominate the
// account as it is and as it will be. rights.Dominates is the rule.

// holderOf is an account as the rule sees it, with its rights read from the request's
// database when the rule needs them one by one, so that a check made after a change
// sees the change.
func holderOf(c *Ctx, a *models.Account) (rights.Holder, error) {
	var held map[string]bool
	if needsRights(a) {
		var err error
		if held, err = models.EffectiveRights(c, c.DB, a.ID); err != nil {
			return rights.Holder{}, err
		}
	}
	return holder(c, a, held), nil
}

// needsRights reports whether the rule needs the account's rights one by one: for an
// employee without full access.
func needsRights(a *models.Account) bool {
	return a.Level >= rights.Admin && !rights.HoldsAll(a.Level, a.DefaultAccessAllow)
}

// holder is the account with the rights it holds, less any the catalog no longer has.
func holder(c *Ctx, a *models.Account, held map[string]bool) rights.Holder {
	h := rights.Holder{ID: a.ID, Level: a.Level, FullAccess: a.DefaultAccessAllow}
	if needsRights(a) {
		h.Rights = map[string]bool{}
		for _, f := range c.App.rightCatalog() {
			if held[f.Name] {
				h.Rights[f.Name] = true
			}
		}
	}
	return h
}

// lacks is what actor lacks to dominate target (rights.Dominates), both as loaded:
// "" when nothing.
func (c *Ctx) lacks(actor, target *models.Account) (string, error) {
	if actor.Level >= rights.Root {
		return "", nil
	}
	a, err := holderOf(c, actor)
	if err != nil {
		return "", err
	}
	t, err := holderOf(c, target)
	if err != nil {
		return "", err
	}
	return rights.Dominates(a, t, c.App.cfg.Su.AdminToAdmin), nil
}

// dominate refuses, with an access error on object that names what the person behind
// the request lacks, unless that person dominates the account id as it stands in the
// request's database. after says the check follows a change of the request's own.
func (c *Ctx) dominate(object string, id int64, after bool) error {
	person := c.person()
	if person == nil {
		return errs.Denied(object, "Log in first")
	}
	if person.Level >= rights.Root {
		return nil
	}
	if v, ok := c.foreseen[id]; ok && !after {
		if v.lacks == "" {
			return nil
		}
		return dominanceError(object, v.account, v.lacks, false)
	}
	a, err := models.FindAccount(c, c.DB, id)
	if err != nil {
		return err
	}
	lacks, err := c.lacks(person, a)
	if err != nil || lacks == "" {
		return err
	}
	return dominanceError(object, a, lacks, after)
}

// dominateAll is dominate for each account of ids, in their order, with the same
// errors and the first refused account named, in a fixed number of queries however
// many they are.
func (c *Ctx) dominateAll(object string, ids []int64, after bool) error {
	person := c.person()
	if person == nil {
		return errs.Denied(object, "Log in first")
	}
	if person.Level >= rights.Root || len(ids) == 0 {
		return nil
	}
	_, _, err := c.dominated(object, ids, after)
	return err
}

// verdict is what the person behind a request lacks to dominate account ("" when
// nothing), as it stood when it was read.
type verdict struct {
	account *models.Account
	lacks   string
}

// foresee reads, in a fixed number of queries, whether the person behind the
// request dominates each account of ids as it stands, for the checks of dominate
// (before a change) that follow on those accounts: a group action over many
// accounts then costs no more statements per account for them. It is for actions
// whose changes to one account leave what decides dominance over the others as it
// was (Group.Accounts); it decides nothing itself, so every check still comes in its
// own order with its own error. Accounts that are not found get no verdict.
func (c *Ctx) foresee(ids []int64) error {
	person := c.person()
	if person == nil || person.Level >= rights.Root || len(ids) == 0 {
		return nil
	}
	verdicts, err := c.verdicts(person, ids)
	if err != nil {
		return err
	}
	if c.foreseen == nil {
		c.foreseen = make(map[int64]verdict, len(verdicts))
	}
	for id, v := range verdicts {
		c.foreseen[id] = v
	}
	return nil
}

// verdicts reads the accounts of ids that exist in one query and the rights of
// those the rule needs them for in one more, and says what person lacks to
// dominate each; for root, who dominates everyone, only the accounts are read.
func (c *Ctx) verdicts(person *models.Account, ids []int64) (map[int64]verdict, error) {
	accounts, err := models.FindAccounts(c, c.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]verdict, len(accounts))
	if person.Level >= rights.Root {
		for id, a := range accounts {
			out[id] = verdict{account: a}
		}
		return out, nil
	}
	actor, err := holderOf(c, person)
	if err != nil {
		return nil, err
	}
	var need []int64
	for _, a := range accounts {
		if needsRights(a) {
			need = append(need, a.ID)
		}
	}
	held, err := models.AccountsRights(c, c.DB, need)
	if err != nil {
		return nil, err
	}
	for id, a := range accounts {
		out[id] = verdict{a, rights.Dominates(actor, holder(c, a, held[id]), c.App.cfg.Su.AdminToAdmin)}
	}
	return out, nil
}

// dominated decides each account of ids in order as dominate would, from their
// verdicts, in a fixed number of queries however many they are. It returns the
// accounts found, and the index in ids of the first one refused or missing with
// dominate's error for it; the index is -1 when every one passes, or when the
// reading itself failed (err then says why).
func (c *Ctx) dominated(object string, ids []int64, after bool) (map[int64]*models.Account, int, error) {
	person := c.person()
	if person == nil {
		return nil, -1, errs.Denied(object, "Log in first")
	}
	verdicts, err := c.verdicts(person, ids)
	if err != nil {
		return nil, -1, err
	}
	accounts := make(map[int64]*models.Account, len(verdicts))
	for id, v := range verdicts {
		accounts[id] = v.account
	}
	for i, id := range ids {
		v, ok := verdicts[id]
		if !ok {
			return accounts, i, models.MapDBError(gorm.ErrRecordNotFound, "account", strconv.FormatInt(id, 10))
		}
		if v.lacks != "" {
			return accounts, i, dominanceError(object, v.account, v.lacks, after)
		}
	}
	return accounts, -1, nil
}

// dominateMembers is dominate for every active member of a department, whose grants
// are what its members may do; it reads their rights in one query.
func (c *Ctx) dominateMembers(object string, department int64, after bool) error {
	person := c.person()
	if person.Level >= rights.Root {
		return nil
	}
	actor, err := holderOf(c, person)
	if err != nil {
		return err
	}
	members, err := models.ActiveMembers(c, c.DB, department)
	if err != nil {
		return err
	}
	held, err := models.MembersRights(c, c.DB, department)
	if err != nil {
		return err
	}
	for _, m := range members {
		if lacks := rights.Dominates(actor, holder(c, m, held[m.ID]), c.App.cfg.Su.AdminToAdmin); lacks != "" {
			e := dominanceError(object, m, lacks, after)
			e.Value = strconv.FormatInt(department, 10) // the message names the member
			return e
		}
	}
	return nil
}

// dominanceError says what the caller lacks to act on a; the param lacks names it
// for scripts: a right, default_access_allow, not_admin_to_admin, root or level.
func dominanceError(object string, a *models.Account, lacks string, after bool) *errs.E {
	// Each tense is a text of its own, so that a translation can say it whole.
	var e *errs.E
	id := strconv.FormatInt(a.ID, 10)
	switch {
	case lacks == rights.LacksRoot:
		e = errs.New(errs.Access, object, id, "Only root may act on the account %s", a.Login)
	case lacks == rights.LacksLevel:
		e = errs.New(errs.Access, object, id, "Only staff may act on other accounts")
	case lacks == rights.LacksFullAccess && after:
		e = errs.New(errs.Access, object, id,
			"%s would then have full access (default_access_allow), which you have not: only root or a full-access employee may act on them", a.Login)
	case lacks == rights.LacksFullAccess:
		e = errs.New(errs.Access, object, id,
			"%s has full access (default_access_allow), which you have not: only root or a full-access employee may act on them", a.Login)
	case lacks == rights.LacksAdminToAdmin && after:
		e = errs.New(errs.Access, object, id,
			"%s would then have full access: only root may act on another full-access employee (not_admin_to_admin)", a.Login)
	case lacks == rights.LacksAdminToAdmin:
		e = errs.New(errs.Access, object, id,
			"%s has full access: only root may act on another full-access employee (not_admin_to_admin)", a.Login)
	case after:
		e = errs.New(errs.Access, object, id,
			"%s would then hold the right %q, which you do not: you may act only on accounts whose rights are all yours", a.Login, lacks)
	default:
		e = errs.New(errs.Access, object, id,
			"%s holds the right %q, which you do not: you may act only on accounts whose rights are all yours", a.Login, lacks)
	}
	e.Params = append(e.Params, errs.Param{Name: "lacks", Value: lacks})
	return e
}

// ownAccount reports whether id is the account of the person behind the request
// (below root), whose departments and rights only someone else may change.
func (c *Ctx) ownAccount(id int64) bool {
	p := c.person()
	return p.ID == id && p.Level < rights.Root
}
