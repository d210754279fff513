package errs_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"staffmgr/models/errs"
)

func TestKinds(t *testing.T) {
	err := fmt.Errorf("save: %w", errs.Invalid("realname", "x", "bad"))
	if !errors.Is(err, errs.Value) || errors.Is(err, errs.Missed) {
		t.Errorf("errors.Is does not match the kind of %v", err)
	}
	if errors.Is(io.EOF, errs.Value) || errors.Is(nil, errs.Value) {
		t.Error("errors.Is matches an error of no kind")
	}
	e, ok := errs.As(err)
	if !ok || e.Object != "realname" || e.Value != "x" || e.Message() != "bad" {
		t.Errorf("As = %+v, %v", e, ok)
	}
	if _, ok := errs.As(io.EOF); ok {
		t.Error("As took an error of no kind")
	}
}

func TestCause(t *testing.T) {
	e := errs.Missing("department", "7")
	e.Err = io.EOF
	if !errors.Is(e, io.EOF) || !errors.Is(e, errs.Missed) {
		t.Errorf("the cause or the kind is lost: %v", e)
	}
	if got := e.Error(); got != `missed department (7): department "7" not found: EOF` {
		t.Errorf("Error() = %q", got)
	}
}

func TestAt(t *testing.T) {
	model := errs.Missing("department", "7")
	err := errs.At("plid", fmt.Errorf("find: %w", model))
	e, ok := errs.As(err)
	if !ok || e.Object != "plid" || e.Value != "7" || e.Message() != `plid "7" not found` {
		t.Errorf("At = %+v", e)
	}
	if model.Object != "department" {
		t.Errorf("At changed the model's error: %+v", model)
	}
	if errs.At("plid", nil) != nil || errs.At("plid", io.EOF) != io.EOF {
		t.Error("At changed nil or an error of no kind")
	}
	if got := errs.Invalid("", "x", "bad").WithValue("y"); got.Value != "y" {
		t.Errorf("WithValue = %+v", got)
	}
}

// pseudo stands for a translator: it says a format and its captions in brackets.
func pseudo(format string, args ...any) string {
	return fmt.Sprintf("["+format+"]", args...)
}

func TestText(t *testing.T) {
	e := errs.Invalid("name", "x", "%s is required (%d)", errs.Caption("Login"), 3)
	if e.Message() != "Login is required (3)" || e.Text(nil) != e.Message() {
		t.Errorf("Message = %q, Text(nil) = %q", e.Message(), e.Text(nil))
	}
	if got := e.Text(pseudo); got != "[[Login] is required (3)]" {
		t.Errorf("Text = %q", got)
	}
	if f, args := e.Parts(); f != "%s is required (%d)" || len(args) != 2 {
		t.Errorf("Parts = %q, %v", f, args)
	}
	list := errs.Invalid("", "", "must contain %s", errs.Captions{"a digit", "a symbol"})
	if list.Message() != "must contain a digit, a symbol" || list.Text(pseudo) != "[must contain [a digit], [a symbol]]" {
		t.Errorf("Captions: %q, %q", list.Message(), list.Text(pseudo))
	}
	missed := errs.At("elid", errs.Missing("department", "7"))
	if got := missed.(*errs.E).Text(pseudo); got != `[elid "7" not found]` {
		t.Errorf("missed Text = %q", got)
	}
	whole := &errs.E{Kind: errs.Value, Msg: "written whole"}
	if whole.Text(pseudo) != "written whole" {
		t.Errorf("a message without a format changed: %q", whole.Text(pseudo))
	}
}
