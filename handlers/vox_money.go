package handlers

import (
	"strconv"
	"strings"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// The money of the Voximplant side: the account's balance, the users' own
// balances and the ledger of every movement, in minor units (models.Money).

// voxTransfer is TransferMoneyToUser: amount to each user named (from each, when
// negative), in one transaction with a ledger row per changed balance.
func voxTransfer(c *Ctx, p voxParams) (voxApply, error) {
	amount, err := p.money("amount")
	if err != nil {
		return nil, err
	}
	if amount == 0 {
		return nil, voxBad("amount", "its absolute value must be at least 0.01")
	}
	t, err := readTargets(p, false)
	if err != nil {
		return nil, err
	}
	currency, setCurrency, err := p.text("currency", 3, false)
	if err != nil {
		return nil, err
	}
	strict, _, err := p.boolean("strict_mode", true)
	if err != nil {
		return nil, err
	}
	accountText, _, err := p.text("account_transaction_description", 500, false)
	if err != nil {
		return nil, err
	}
	userText, _, err := p.text("user_transaction_description", 500, false)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (map[string]any, error) {
		acc, err := models.FindVoxAccount(c, c.DB)
		if err != nil {
			return nil, err
		}
		if setCurrency && !strings.EqualFold(currency, acc.Currency) {
			return nil, voxBad("currency", "the account's money is in %s", acc.Currency)
		}
		users, err := t.resolve(c, p)
		if err != nil {
			return nil, err
		}
		// The users' accounts and whether the caller dominates each are read at once;
		// each user is then refused in its turn, as if asked one by one.
		var ids []int64
		for _, u := range users {
			if !u.ParentAccounting {
				ids = append(ids, u.AccountID)
			}
		}
		accounts, refused, err := c.dominated("user_id", ids, false)
		if err != nil && refused < 0 {
			return nil, err
		}
		var targets []models.TransferTarget
		for _, u := range users {
			if u.ParentAccounting {
				if t.all {
					continue // all means every user with money of their own
				}
				return nil, voxBad("user_id", "the user %d uses the account's money (parent_accounting): it has no balance of its own", u.AccountID)
			}
			if refused == len(targets) {
				return nil, err
			}
			a := accounts[u.AccountID]
			target := models.TransferTarget{ID: a.ID, Name: a.Login}
			// A description is kept whole: one that its macros make longer than a
			// ledger row holds is refused rather than cut.
			for _, d := range []struct{ name, text string }{
				{"account_transaction_description", accountText}, {"user_transaction_description", userText}} {
				if n := len([]rune(models.ExpandDescription(d.text, target))); n > models.MaxDescription {
					return nil, voxBad(d.name, "with ${user_id} and ${user_name} replaced for the user %s, it is %d characters; at most %d",
						a.Login, n, models.MaxDescription)
				}
			}
			targets = append(targets, target)
		}
		balance, err := models.MoveMoney(c, c.DB, &models.MoneyTransfer{Amount: amount, Users: targets, Strict: strict,
			AccountDescription: accountText, UserDescription: userText, Actor: c.Actor.Login})
		if err != nil {
			return nil, err
		}
		return map[string]any{"balance": money(balance)}, nil
	}, nil
}

// balanceSpec is the ledger list, declared with its query in models.
var balanceSpec = models.LedgerList

// balanceList is func=balance: the ledger, newest first; the first row is the
// account's balance and currency as they are now.
func balanceList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListLedger(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		user := ""
		if r.UserName != "" {
			user = r.UserName
		}
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("created", r.CreatedAt.Local().Format(timeFormat)),
			render.Cell("user", user),
			render.Text("amount", models.FormatMoney(r.Amount)),
			render.Text("balance", models.FormatMoney(r.Balance)),
			render.Text("description", r.Description),
			render.Text("actor", r.Actor),
			render.Text("transfer", r.Transfer),
		))
	}
	return out, nil
}

// balanceTopupInput is what balance.topup reads.
var balanceTopupInput = form.New(
	form.Field{Name: "amount", Caption: "Amount", Max: 20, Check: checkTopUp,
		Help: "Added to the account's balance: a decimal with at most two places, such as 100 or 12.50"},
	form.Field{Name: "description", Caption: "Description", Max: 500, Help: "Kept in the ledger row"},
)

// checkTopUp refuses an amount that is no positive decimal with two places.
func checkTopUp(v string) error {
	n, err := models.ParseMoney(v)
	if err == nil && n <= 0 {
		err = errs.Invalid("", v, "A top-up is at least 0.01")
	}
	return err
}

// balanceTopupForm is balance.topup without sok: the account's balance and currency.
func balanceTopupForm(c *Ctx) (render.Result, error) {
	acc, err := models.FindVoxAccount(c, c.DB)
	if err != nil {
		return nil, err
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("balance", models.FormatMoney(acc.Balance)),
		render.Text("currency", acc.Currency),
		render.Text("amount", ""),
		render.Text("description", ""),
	}}, nil
}

// balanceTopupSave is balance.topup&sok=ok: money comes into the account.
func balanceTopupSave(c *Ctx, in *form.Input) (render.Result, error) {
	v := text(in, "amount")
	if v == "" {
		return nil, errs.Invalid("amount", "", "Enter the amount to add to the account's balance")
	}
	amount, err := models.ParseMoney(v)
	if err != nil {
		return nil, errs.At("amount", err)
	}
	description := text(in, "description")
	if description == "" {
		description = "Top-up"
	}
	balance, err := models.TopUp(c, c.DB, amount, description, c.Actor.Login)
	if err != nil {
		return nil, err
	}
	return &render.OK{Extra: []*render.Node{render.Text("balance", models.FormatMoney(balance))}}, nil
}
