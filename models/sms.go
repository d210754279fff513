package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SMSMessage is one attempt of employee.sms to text an employee, delivered or not.
// Accounts are copied by login, so that the record outlives them.
type SMSMessage struct {
	ID            int64
	CreatedAt     time.Time
	SenderID      *int64
	SenderLogin   string
	EmployeeID    *int64
	EmployeeLogin string
	Number        string
	Message       string
	Status        string // SMSSent or SMSFailed
	Answer        string // what the gateway said, at most MaxSMSAnswer characters
}

// TableName is the table of the messages.
func (SMSMessage) TableName() string { return "sms_messages" }

// The status of an attempt: the gateway took the message, or it failed.
const (
	SMSSent   = "sent"
	SMSFailed = "failed"
)

// Bounds of a message and of the gateway's answer kept with it, in characters.
const (
	MaxSMS       = 1000
	MaxSMSAnswer = 1000
)

// RecordSMS stores an attempt, its answer cut to MaxSMSAnswer characters.
func RecordSMS(ctx context.Context, db *gorm.DB, m *SMSMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = Now()
	}
	if r := []rune(m.Answer); len(r) > MaxSMSAnswer {
		m.Answer = string(r[:MaxSMSAnswer-1]) + "…"
	}
	if err := db.WithContext(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("record sms to %s: %w", m.EmployeeLogin, err)
	}
	return nil
}

// LatestSMS returns the last n messages sent to an employee, newest first.
func LatestSMS(ctx context.Context, db *gorm.DB, employee int64, n int) ([]SMSMessage, error) {
	var out []SMSMessage
	err := db.WithContext(ctx).Where("employee_id = ?", employee).
		Order("created_at DESC, id DESC").Limit(n).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("sms of %d: %w", employee, err)
	}
	return out, nil
}
