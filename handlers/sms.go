package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"staffmgr/models/errs"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// smsTimeout bounds one call to an HTTP gateway.
const smsTimeout = 10 * time.Second

// smsShown is how many of an employee's latest messages the employee.sms form shows.
const smsShown = 20

// smsGateway delivers one text message. answer is what the gateway said, kept with
// the record whether or not the delivery failed.
type smsGateway interface {
	deliver(ctx context.Context, to, message string) (answer string, err error)
}

// CheckSMSGateway returns an error unless spec is a gateway STAFFMGR_SMS_GATEWAY may
// name: an http:// or https:// URL, or file:PATH.
func CheckSMSGateway(spec string) error {
	_, err := newSMSGateway(spec, smsTimeout)
	return err
}

// newSMSGateway is the gateway spec names; an empty spec is none (nil).
func newSMSGateway(spec string, timeout time.Duration) (smsGateway, error) {
	if spec == "" {
		return nil, nil
	}
	if path, ok := strings.CutPrefix(spec, "file:"); ok {
		if path == "" {
			return nil, fmt.Errorf("%q names no file: use file:PATH", spec)
		}
		return fileGateway{path: path}, nil
	}
	u, err := url.Parse(spec)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is neither an http:// or https:// URL nor file:PATH", spec)
	}
	if timeout <= 0 {
		timeout = smsTimeout
	}
	return httpGateway{url: u.String(), client: &http.Client{Timeout: timeout}}, nil
}

// httpGateway POSTs {"to": …, "message": …} as JSON to a URL; any answer but a 2xx
// is a failure.
type httpGateway struct {
	url    string
	client *http.Client
}

func (g httpGateway) deliver(ctx context.Context, to, message string) (string, error) {
	body, _ := json.Marshal(map[string]string{"to": to, "message": message})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		// The error names the URL, which may hold the gateway's credentials: keep
		// only what went wrong.
		reason := "no answer"
		if ue, ok := err.(*url.Error); ok {
			reason = ue.Err.Error()
			if ue.Timeout() {
				reason = "no answer within " + g.client.Timeout.String()
			}
		}
		return reason, errs.New(errs.Gateway, "gateway", "", "The SMS gateway could not be reached: %s", reason)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4*models.MaxSMSAnswer))
	answer := strings.TrimSpace(resp.Status + " " + string(raw))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer, errs.New(errs.Gateway, "gateway", strconv.Itoa(resp.StatusCode),
			"The SMS gateway refused the message: %s", short(answer, 200))
	}
	return answer, nil
}

// short is s on one line, cut to n characters.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// fileGateway appends one JSON line per message to a file: a gateway for
// development and tests. Each line is one write to a file opened for appending, so
// concurrent senders never interleave.
type fileGateway struct {
	path string
}

func (g fileGateway) deliver(_ context.Context, to, message string) (string, error) {
	line, _ := json.Marshal(struct {
		Time    string `json:"time"`
		To      string `json:"to"`
		Message string `json:"message"`
	}{time.Now().UTC().Format(time.RFC3339Nano), to, message})
	f, err := os.OpenFile(g.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err.Error(), errs.New(errs.Gateway, "gateway", "", "The SMS file gateway failed: %v", err)
	}
	return "appended", nil
}

// employeeSMSForm is employee.sms without sok: the numbers of the employee elid
// names (the caller without elid) and the last messages sent to them.
func employeeSMSForm(c *Ctx) (render.Result, error) {
	a, err := ownOrManageable(c)
	if err != nil {
		return nil, err
	}
	sent, err := models.LatestSMS(c, c.DB, a.ID, smsShown)
	if err != nil {
		return nil, err
	}
	f := &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(a.ID, 10)),
		render.Text("name", a.Login),
		render.Text("phone", a.Phone),
		render.Text("mobile", a.Mobile),
		render.Text("type", defaultSMSType(a)),
		render.Text("message", ""),
		render.Select("type", smsTypes...),
	}}
	for _, m := range sent {
		f.Fields = append(f.Fields, render.El("sms_message",
			render.Text("id", strconv.FormatInt(m.ID, 10)),
			render.Text("time", m.CreatedAt.Local().Format(timeFormat)),
			render.Text("sender", m.SenderLogin),
			render.Text("number", m.Number),
			render.Text("status", m.Status),
			render.Text("message", m.Message),
			render.Text("answer", m.Answer),
		).Repeated())
	}
	return f, nil
}

// defaultSMSType is the number a message goes to without type or phone: the mobile
// when the employee has one.
func defaultSMSType(a *models.Account) string {
	if a.Mobile != "" {
		return "mobile"
	}
	return "phone"
}

// employeeSMSInput is what employee.sms reads: the message, and the number to
// text (phone) or which of the employee's numbers (type).
var employeeSMSInput = form.New(
	form.Field{Name: "message", Caption: "Message", Type: form.TextArea, Need: form.Always, Max: models.MaxSMS, Raw: true,
		Check: checkSMS},
	form.Field{Name: "phone", Caption: "Number", Type: form.Phone, Help: "Another number to text instead of the employee's"},
	form.Field{Name: "type", Caption: "The employee's number", Type: form.Select, Choices: smsTypes, Unless: "phone",
		Check: checkSMSType, Help: "Without phone or type: the mobile when there is one"},
)

var smsTypes = []form.Option{{Key: "mobile", Label: "Mobile"}, {Key: "phone", Label: "Phone"}}

// checkSMS refuses a message of spaces only, or too long for a text.
func checkSMS(v string) error {
	if strings.TrimSpace(v) == "" || utf8.RuneCountInString(v) > models.MaxSMS {
		return errs.Invalid("", v, "A message is 1 to %d characters", models.MaxSMS)
	}
	return nil
}

// checkSMSType refuses a type of number an employee does not have.
func checkSMSType(v string) error {
	if !form.HasChoice(smsTypes, v) {
		return errs.Invalid("", v, "The number to text is phone or mobile")
	}
	return nil
}

// smsReady refuses to text without a gateway, whatever the request says.
func smsReady(c *Ctx) error {
	if c.App.sms == nil {
		return errs.New(errs.NotConfigured, "gateway", "", "No SMS gateway is configured: set STAFFMGR_SMS_GATEWAY")
	}
	return nil
}

// employeeSMS is employee.sms&sok=ok: it texts message to the number phone names, or
// to the employee's number of the given type. It runs outside any transaction (see
// Send): the gateway may take seconds. Every attempt that reached the gateway is
// recorded, a failed one too, while the caller gets the gateway's error.
func employeeSMS(c *Ctx, in *form.Input) (Delivery, error) {
	a, err := ownOrManageable(c)
	if err != nil {
		return nil, err
	}
	gateway := c.App.sms
	message, _ := in.Text("message")
	number, _ := in.Text("phone")
	kind, _ := in.Text("type")
	if number == "" {
		if kind == "" {
			kind = defaultSMSType(a)
		}
		if number = a.Phone; kind == "mobile" {
			number = a.Mobile
		}
		if number == "" {
			return nil, errs.Invalid("type", kind, "%s has no %s number", a.Login, kind)
		}
	}

	// A message the gateway may already have taken is not abandoned when the caller
	// hangs up.
	answer, sendErr := gateway.deliver(context.WithoutCancel(c), number, message)
	c.App.metrics.sms(sendErr)
	rec := &models.SMSMessage{
		SenderID: &c.Actor.ID, SenderLogin: c.Actor.Login, EmployeeID: &a.ID, EmployeeLogin: a.Login,
		Number: number, Message: message, Status: models.SMSSent, Answer: answer,
	}
	if sendErr != nil {
		rec.Status = models.SMSFailed
	}
	return smsDelivery{rec}, sendErr
}

// smsDelivery is a text the gateway took or refused, recorded either way.
type smsDelivery struct{ rec *models.SMSMessage }

// Record keeps the text and answers its id.
func (d smsDelivery) Record(c *Ctx) (render.Result, error) {
	if err := models.RecordSMS(c, c.DB, d.rec); err != nil {
		return nil, err
	}
	return &render.OK{ID: strconv.FormatInt(d.rec.ID, 10)}, nil
}
