package handlers

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// journalSpec is the audit journal, declared with its query in models.
var journalSpec = models.JournalList

// journalList is func=journal: who changed what, newest first.
func journalList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListJournal(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("time", r.CreatedAt.Local().Format(timeFormat)),
			render.Text("account", r.AccountLogin),
			render.Cell("real_account", r.RealLogin),
			render.Text("func", r.Func),
			render.Cell("elid", r.Elid),
			render.Text("ip", r.IP),
			render.Text("result", r.Result),
			render.Cell("error", r.Error),
			render.Cell("error_object", r.ErrorObject),
			render.Cell("error_value", r.ErrorValue),
			render.Cell("params", r.Params),
		))
	}
	return out, nil
}

// journalEntry is the journal row of the change the request makes: err nil for one
// that succeeded with res.
func journalEntry(c *Ctx, res render.Result, err error) *models.JournalEntry {
	e := &models.JournalEntry{Func: c.Func.Name, IP: c.IP, Params: journalParams(c.Params)}
	e.SetAccounts(c.Actor, c.Real)
	if _, group := c.Func.Shape.(*Group); group {
		e.Elid = strings.Join(c.Params.Elids(), ", ")
	} else {
		e.Elid = c.Params.Get("elid")
	}
	// A refused request may be refused for its elid: what is kept is text, and short.
	e.Elid = models.Clamp(cleanText(e.Elid), maxJournalElid)
	if ok, _ := res.(*render.OK); ok != nil && e.Elid == "" {
		e.Elid = ok.ID // a create: the new element
	}
	if err != nil {
		if ae, ok := errs.As(err); ok {
			err = safeError(ae) // the row keeps what the client was told
		}
		e.SetError(err)
		if secret(e.ErrorObject) {
			e.ErrorValue = ""
		}
		if e.Result == string(errs.Internal) {
			e.ErrorValue, e.Error = c.reqID, "Internal error; the server log has the details under request id "+c.reqID
		}
	}
	return e
}

// journalSkip are parameters the journal leaves out of a row's params: those with a
// column of their own, and those that only steer the answer.
var journalSkip = map[string]bool{
	"func": true, "elid": true, "out": true, "sok": true, "lang": true, "su": true,
	"clicked_button": true, "sfrom": true, "clickstat": true, "show_optional": true,
	"checkcookie": true, "startform": true, "sv_field": true, "elname": true,
}

// maxJournalParams bounds, in bytes, the parameters one journal row keeps: past it the
// row says how many more there were.
const maxJournalParams = 16 << 10

// maxJournalValue bounds one parameter value in the journal, in characters.
const maxJournalValue = 500

// journalParams is the request's parameters as a JSON object (a list of values for a
// parameter sent several times), without credentials of any kind.
func journalParams(p Params) string {
	out := map[string]any{}
	names := make([]string, 0, len(p.v))
	for name := range p.v {
		if cleanText(name) != name || len(name) > maxParamName {
			continue // a name that is no text, or longer than any, names nothing to show
		}
		if journalSkip[strings.ToLower(name)] || secret(name) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	size := 0
	for i, name := range names {
		if size > maxJournalParams {
			out["…"] = strconv.Itoa(len(names)-i) + " more parameters"
			break
		}
		values := make([]string, 0, len(p.v[name]))
		for _, v := range p.v[name] {
			if size > maxJournalParams {
				break
			}
			v = models.Clamp(cleanText(v), maxJournalValue)
			values = append(values, v)
			size += len(name) + len(v)
		}
		if len(values) == 1 {
			out[name] = values[0]
		} else {
			out[name] = values
		}
	}
	if len(out) == 0 {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
	return strings.TrimSuffix(b.String(), "\n")
}

// journalFailure records a change that failed, in a transaction of its own after
// the change's was rolled back. Its own failure is logged, never returned: the
// client must see the change's error.
func (a *App) journalFailure(c *Ctx, cause error) {
	ctx := context.WithoutCancel(c.base)
	if err := models.WriteJournal(ctx, a.db, journalEntry(c, nil, cause)); err != nil {
		c.Log.Error("journal a failed change", "func", c.Func.Name, "error", err.Error())
	}
}
