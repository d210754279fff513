package handlers

import (
	"strconv"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// supportSettingsForm is employee.support_tool_settings without sok: every support
// setting of the employee elid names, or of the caller without elid.
func supportSettingsForm(c *Ctx) (render.Result, error) {
	a, err := ownOrManageable(c)
	if err != nil {
		return nil, err
	}
	s, err := models.SupportSettingsOf(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(a.ID, 10)),
		render.Text("name", a.Login),
		render.Text("signature", s.Signature),
		render.Text("notify_new_ticket", render.OnOff(s.NotifyNewTicket)),
		render.Text("notify_channel", s.NotifyChannel),
		render.Text("max_open_tickets", strconv.Itoa(s.MaxOpenTickets)),
		render.Select("notify_channel", notifyChannelOptions...),
	}}, nil
}

// supportSettingsInput is what employee.support_tool_settings reads: the settings by
// name, or one of them as param_name with param_value.
var supportSettingsInput = form.New(
	form.Field{Name: "signature", Caption: "Signature", Type: form.TextArea, Max: models.MaxSignature, Raw: true,
		Check: settingCheck("signature"), Help: "Closes every reply the employee writes"},
	form.Field{Name: "notify_new_ticket", Caption: "Notify of new tickets", Type: form.Flag, Check: settingCheck("notify_new_ticket")},
	form.Field{Name: "notify_channel", Caption: "Notify by", Type: form.Select, Choices: notifyChannelOptions,
		Check: settingCheck("notify_channel")},
	form.Field{Name: "max_open_tickets", Caption: "Most open tickets", Type: form.Number, Need: form.Required,
		Max: models.MaxOpenTicketsCap, Check: settingCheck("max_open_tickets"), Help: "0 is no limit"},
	form.Field{Name: "param_name", Caption: "Setting", Need: form.Required, Unshown: true,
		Help: "One setting to change, with param_value"},
	form.Field{Name: "param_value", Caption: "Value", Type: form.Any, Raw: true, Unshown: true,
		Help: "Checked as the setting param_name names"},
)

var notifyChannelOptions = func() []form.Option {
	out := make([]form.Option, len(models.NotifyChannels))
	for i, ch := range models.NotifyChannels {
		out[i] = form.Option{Key: ch.Key, Label: ch.Label}
	}
	return out
}()

// settingCheck checks a value of the setting name as SupportSettings.Set reads it.
func settingCheck(name string) func(string) error {
	return func(v string) error {
		var s models.SupportSettings
		return s.Set(name, v)
	}
}

// supportSettingsSave is employee.support_tool_settings&sok=ok: param_name with
// param_value changes one setting, named fields change several; a setting the
// request leaves out keeps its value. Every value is checked before anything is
// written.
func supportSettingsSave(c *Ctx, in *form.Input) (render.Result, error) {
	a, err := ownOrManageable(c)
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
	setText(in, "signature", &s.Signature)
	setFlag(in, "notify_new_ticket", &s.NotifyNewTicket)
	setText(in, "notify_channel", &s.NotifyChannel)
	if n, given := in.Number("max_open_tickets"); given {
		s.MaxOpenTickets = n
	}
	name, one := in.Text("param_name")
	if one {
		value, _ := in.Text("param_value")
		if err := s.Set(name, value); err != nil {
			return nil, err
		}
	}
	for _, name := range models.SupportSettingNames {
		if in.Has(name) {
			one = true
		}
	}
	if !one {
		return &render.OK{}, nil
	}
	if err := models.SaveSupportSettings(c, c.DB, s); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}
