package handlers

import (
	"strconv"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// supportSettingsForm is employee.support_tool_settings without sok: every support
// setting of the employee elid names.
func supportSettingsForm(c *Ctx) (render.Result, error) {
	a, err := manageable(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	s, err := models.SupportSettingsOf(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	channels := make([]render.Option, len(models.NotifyChannels))
	for i, ch := range models.NotifyChannels {
		channels[i] = render.Option{Key: ch.Key, Label: ch.Label}
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(a.ID, 10)),
		render.Text("name", a.Login),
		render.Text("signature", s.Signature),
		render.Text("notify_new_ticket", render.OnOff(s.NotifyNewTicket)),
		render.Text("notify_channel", s.NotifyChannel),
		render.Text("max_open_tickets", strconv.Itoa(s.MaxOpenTickets)),
		render.Select("notify_channel", channels...),
	}}, nil
}

// supportSettingsSave is employee.support_tool_settings&sok=ok: param_name with
// param_value changes one setting, named fields change several; a setting the
// request leaves out keeps its value. Every value is checked before anything is
// written.
func supportSettingsSave(c *Ctx) (render.Result, error) {
	p := c.Params
	a, err := manageable(c, p.Get("elid"))
	if err != nil {
		return nil, err
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return nil, err
	}
	s, err := models.SupportSettingsOf(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	changed := false
	for _, name := range models.SupportSettingNames {
		if p.Has(name) {
			if err := s.Set(name, p.Get(name)); err != nil {
				return nil, err
			}
			changed = true
		}
	}
	if p.Has("param_name") {
		if p.Get("param_name") == "" {
			return nil, errs.Invalid("param_name", "", "Name the setting to change")
		}
		if err := s.Set(p.Get("param_name"), p.Get("param_value")); err != nil {
			return nil, err
		}
		changed = true
	}
	if changed {
		if err := models.SaveSupportSettings(c, c.DB, s); err != nil {
			return nil, err
		}
	}
	return &render.OK{}, nil
}
