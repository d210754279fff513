package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"staffmgr/models/errs"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SupportSettings are an employee's support-desk settings. An employee who never
// saved any has DefaultSupportSettings.
type SupportSettings struct {
	AccountID       int64 `gorm:"primaryKey;autoIncrement:false"`
	Signature       string
	NotifyNewTicket bool
	NotifyChannel   string
	MaxOpenTickets  int // 0: no limit
}

// TableName is the table of the settings.
func (SupportSettings) TableName() string { return "support_settings" }

// The channels a new-ticket notification may take.
const (
	NotifyEmail = "email"
	NotifySMS   = "sms"
	NotifyNone  = "none"
)

// NotifyChannels lists the channels with their captions.
var NotifyChannels = []struct{ Key, Label string }{
	{NotifyEmail, "Email"}, {NotifySMS, "SMS"}, {NotifyNone, "None"},
}

// Bounds of the support settings.
const (
	MaxSignature      = 2000
	MaxOpenTicketsCap = 100000
)

// SupportSettingNames are the settings employee.support_tool_settings knows, in the
// order its form shows them.
var SupportSettingNames = []string{"signature", "notify_new_ticket", "notify_channel", "max_open_tickets"}

// DefaultSupportSettings are the settings of an employee who saved none.
func DefaultSupportSettings(account int64) SupportSettings {
	return SupportSettings{AccountID: account, NotifyNewTicket: true, NotifyChannel: NotifyEmail}
}

// SupportSettingsOf returns the settings of an account, or the defaults when it
// saved none.
func SupportSettingsOf(ctx context.Context, db *gorm.DB, account int64) (SupportSettings, error) {
	var s SupportSettings
	err := db.WithContext(ctx).Where("account_id = ?", account).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultSupportSettings(account), nil
	}
	if err != nil {
		return SupportSettings{}, fmt.Errorf("support settings of %d: %w", account, err)
	}
	return s, nil
}

// SaveSupportSettings writes the settings of s.AccountID, creating their row when
// there is none.
func SaveSupportSettings(ctx context.Context, db *gorm.DB, s SupportSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	err := db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"signature", "notify_new_ticket", "notify_channel", "max_open_tickets"}),
	}).Create(&s).Error
	if err != nil {
		return fmt.Errorf("save support settings of %d: %w", s.AccountID, err)
	}
	return nil
}

// Validate returns a value error naming the first setting that is out of bounds.
func (s SupportSettings) Validate() error {
	if err := checkSignature(s.Signature); err != nil {
		return err
	}
	switch s.NotifyChannel {
	case NotifyEmail, NotifySMS, NotifyNone:
	default:
		return errs.Invalid("notify_channel", s.NotifyChannel, "The channel is email, sms or none")
	}
	if s.MaxOpenTickets < 0 || s.MaxOpenTickets > MaxOpenTicketsCap {
		return errs.Invalid("max_open_tickets", strconv.Itoa(s.MaxOpenTickets),
			"max_open_tickets must be a whole number from 0 (no limit) to %d", MaxOpenTicketsCap)
	}
	return nil
}

// Set changes the setting name to value as a request spells it (on/off, a channel,
// a number). An unknown setting or a bad value is a value error naming the setting.
func (s *SupportSettings) Set(name, value string) error {
	switch name {
	case "signature":
		if err := checkSignature(value); err != nil {
			return err
		}
		s.Signature = value
	case "notify_new_ticket":
		on, ok := ParseOnOff(strings.TrimSpace(value))
		if !ok {
			return errs.Invalid(name, value, "notify_new_ticket is on or off")
		}
		s.NotifyNewTicket = on
	case "notify_channel":
		v := strings.TrimSpace(value)
		switch v {
		case NotifyEmail, NotifySMS, NotifyNone:
			s.NotifyChannel = v
		default:
			return errs.Invalid(name, value, "The channel is email, sms or none")
		}
	case "max_open_tickets":
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < 0 || n > MaxOpenTicketsCap {
			return errs.Invalid(name, value, "max_open_tickets must be a whole number from 0 (no limit) to %d", MaxOpenTicketsCap)
		}
		s.MaxOpenTickets = n
	default:
		return errs.Invalid(name, name, "Unknown setting %q; the settings are %s", name, strings.Join(SupportSettingNames, ", "))
	}
	return nil
}

// checkSignature allows several lines of text but no other control characters.
func checkSignature(v string) error {
	if n := len([]rune(v)); n > MaxSignature {
		return errs.Invalid("signature", v, "A signature is at most %d characters", MaxSignature)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f }) {
		return errs.Invalid("signature", v, "Control characters other than line breaks and tabs are not allowed")
	}
	return nil
}
