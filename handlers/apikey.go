package handlers

import (
	"encoding/json"
	"errors"
	"strconv"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// apikeySpec is the list of machine API keys, declared with its query in models.
var apikeySpec = models.APIKeyList

// apikeyList is func=apikey: the keys of every account, newest first. A key's
// secret is never shown, not even its digest.
func apikeyList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListAPIKeys(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		var creator, used string
		if r.Creator != nil {
			creator = *r.Creator
		}
		if r.LastUsedAt != nil {
			used = r.LastUsedAt.Local().Format(timeFormat)
		}
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Name),
			render.Text("type", r.Type),
			render.Cell("role", r.Role),
			render.Text("account", r.Account),
			render.Cell("creator", creator),
			render.Text("created", r.CreatedAt.Local().Format(timeFormat)),
			render.Cell("last_used", used),
		))
	}
	return out, nil
}

// apikeyInput is what apikey.edit reads: a new key's name, type and account; an
// existing key's name only.
var apikeyInput = form.Creating(
	form.Field{Name: "name", Caption: "Name", Need: form.Required, Max: models.MaxAPIKeyName,
		Help: "What the key is for, such as the integration that uses it"},
	form.Field{Name: "type", Caption: "Type", Type: form.Select, Need: form.CreateOnly, Choices: selectOptions(models.APIKeyTypes)},
	form.Field{Name: "role", Caption: "Role", Type: form.Select, Choices: selectOptions(models.VoxRoles),
		Help: "When creating a Voximplant key: the methods it may call, as the Voximplant roles say"},
	form.Field{Name: "account", Caption: "Acts as", Max: 64,
		Help: "When creating: the login (or id) of the employee the key acts as, with their rights; empty: yourself"},
)

// apikeyForm is apikey.edit without sok: a key's name, type and account, or the
// defaults of a new key.
func apikeyForm(c *Ctx) (render.Result, error) {
	f := &render.Form{}
	name, typ, role, account := "", models.UISToken, "", c.Actor.Login
	if elid := c.Params.Get("elid"); elid != "" {
		k, err := models.FindAPIKey(c, c.DB, elid)
		if err != nil {
			return nil, errs.At("elid", err)
		}
		a, err := models.FindAccount(c, c.DB, k.AccountID)
		if err != nil {
			return nil, err
		}
		name, typ, role, account = k.Name, k.Type, k.Role, a.Login
		f.Fields = append(f.Fields, render.Text("elid", elid))
	}
	f.Fields = append(f.Fields,
		render.Text("name", name),
		render.Text("type", typ),
		render.Text("role", role),
		render.Text("account", account),
		render.Select("type", selectOptions(models.APIKeyTypes)...),
		render.Select("role", selectOptions(models.VoxRoles)...),
	)
	return f, nil
}

// apikeySave is apikey.edit&sok=ok. Without elid it creates a key for account
// (default: the caller), which the person behind the request must dominate, and
// answers its secret once: a UIS token as token, a Voximplant key as credentials
// (the JSON its client libraries read), a Voximplant api_key as account_id and
// api_key. With elid it renames the key.
func apikeySave(c *Ctx, in *form.Input) (render.Result, error) {
	name := text(in, "name")
	if !in.Creating() {
		k, err := models.FindAPIKey(c, c.DB, c.Params.Get("elid"))
		if err != nil {
			return nil, errs.At("elid", err)
		}
		if err := c.dominate("elid", k.AccountID, false); err != nil {
			return nil, err
		}
		if _, given := in.Text("role"); given {
			return nil, errs.Invalid("role", text(in, "role"), "A key's role is set when it is created")
		}
		if _, given := in.Text("name"); given {
			if err := models.RenameAPIKey(c, c.DB, k.ID, name); err != nil {
				return nil, err
			}
		}
		return &render.OK{}, nil
	}
	typ := text(in, "type")
	account := c.Actor
	if v := text(in, "account"); v != "" {
		var err error
		if account, err = findAccountByName(c, v); err != nil {
			return nil, errs.At("account", err)
		}
	}
	if account.Level < rights.Admin {
		return nil, errs.Invalid("account", account.Login, "A key acts as an employee; %s is a client", account.Login)
	}
	if err := c.dominate("account", account.ID, false); err != nil {
		return nil, err
	}
	role := text(in, "role")
	if models.IsVoxType(typ) != (role != "") {
		if role == "" {
			return nil, errs.Invalid("role", "", "A Voximplant key needs a role: owner, admin, developer, supervisor or user_manager")
		}
		return nil, errs.Invalid("role", role, "Only Voximplant keys have a role")
	}
	return createKey(c, name, typ, role, account)
}

// createKey creates a key of type typ for account and answers its secret, once.
func createKey(c *Ctx, name, typ, role string, account *models.Account) (render.Result, error) {
	var k *models.APIKey
	var extra []*render.Node
	switch typ {
	case models.VoxKey:
		var private string
		var err error
		if k, private, err = models.CreateVoxKey(c, c.DB, name, role, account.ID, c.person().ID); err != nil {
			return nil, err
		}
		creds, err := json.Marshal(map[string]any{"account_id": account.ID, "key_id": strconv.FormatInt(k.ID, 10),
			"private_key": private, "account_email": account.Email})
		if err != nil {
			return nil, err
		}
		extra = []*render.Node{render.Text("credentials", string(creds))}
	case models.VoxAPIKey:
		var secret string
		var err error
		if k, secret, err = models.CreateVoxAPIKey(c, c.DB, name, role, account.ID, c.person().ID); err != nil {
			return nil, err
		}
		extra = []*render.Node{render.Text("account_id", strconv.FormatInt(account.ID, 10)), render.Text("api_key", secret)}
	default:
		var secret string
		var err error
		if k, secret, err = models.CreateAPIKey(c, c.DB, name, typ, account.ID, c.person().ID); err != nil {
			return nil, err
		}
		extra = []*render.Node{render.Text("token", secret)}
	}
	return &render.OK{ID: strconv.FormatInt(k.ID, 10), Extra: extra}, nil
}

// apikeyDelete revokes a key of an account the person behind the request dominates.
func apikeyDelete(c *Ctx, elid string) error {
	k, err := models.FindAPIKey(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	if err := c.dominate("elid", k.AccountID, false); err != nil {
		return err
	}
	return errs.At("elid", models.DeleteAPIKey(c, c.DB, k.ID))
}

// findAccountByName finds an account by its login or, failing that, its id, as the
// su parameter does; neither is a missed error on the account.
func findAccountByName(c *Ctx, name string) (*models.Account, error) {
	a, err := models.FindAccountByLogin(c, c.DB, name)
	if errors.Is(err, errs.Missed) {
		if id, perr := strconv.ParseInt(name, 10, 64); perr == nil {
			a, err = models.FindAccount(c, c.DB, id)
		}
	}
	if errors.Is(err, errs.Missed) {
		return nil, errs.Missing("account", name)
	}
	return a, err
}
