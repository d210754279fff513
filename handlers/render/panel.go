package render

import (
	"net/url"

	"staffmgr/handlers/lang"
)

// Panel is what a page of the web panel shows beside its document: who is logged
// in, the menu, and the declarations of the func the page is for (its list's
// columns and actions, its form's fields). The handlers fill it from the func table
// and the dispatcher's own checks; Page only draws it.
type Panel struct {
	// Lang is the language of the page.
	Lang lang.Lang
	// Langs are the links that show the same page in each language.
	Langs []LangLink
	// Account and Level name the account the page acts as; empty on the login page.
	Account   string
	AccountID string
	Level     string
	// LevelCaption is the level as the page names it.
	LevelCaption string
	// Real is the account behind an su session, which the banner names; empty
	// otherwise.
	Real string
	// CSRF is the token every change the page sends carries.
	CSRF string
	Menu []MenuSection
	// Func is the page's func; Caption its caption, or the heading that names the
	// element a form edits or makes, said in the page's language.
	Func, Caption string
	// Titled says Caption names the form's element already, so no "new" follows it.
	Titled bool
	// Kind is what the page is: login, list, form, confirm, act, ticket, reference,
	// message or doc.
	Kind string
	List *ListMeta
	Form *FormMeta
	// Items are the elements a confirmation names, with their names.
	Items []Option
	// Done is the caption of the change just made, shown as a message.
	Done string
	// DoneFunc is the func of that change.
	DoneFunc string
	// Next is the page a login returns to.
	Next string
	// Back is the page a form or a confirmation returns to.
	Back string
	// Error is the error the page shows; FieldErrors are the errors of a refused
	// form, by field.
	Error       *ErrorView
	FieldErrors map[string]string
	// Typed are the values a refused form was sent, shown again (passwords never).
	Typed map[string][]string
	// Elid and Plid are the element and the parent the page is about; Plname
	// names the parent on a confirmation.
	Elid, Plid, Plname string
	// ReasonRequired asks the act-as page for a reason.
	ReasonRequired bool
	// Up leads to the list a page belongs to: the parent of a nested list, the
	// list a ticket was opened from.
	Up *UpLink
	// StatusChoices caption a ticket's status when its form has none.
	StatusChoices []Option
	// TransferTo are whom a ticket may be handed to, when the caller may.
	TransferTo []Option
}

// UpLink is a way back to a list.
type UpLink struct {
	Func, Caption, URL string
}

// ErrorView is an error as a page shows it.
type ErrorView struct {
	Type, Object, Value, Msg string
}

// MenuSection is a heading of the menu with its entries.
type MenuSection struct {
	Title string
	// Untitled leaves out a heading that would only repeat its one entry.
	Untitled bool
	Items    []MenuItem
}

// MenuItem is one entry of the menu: a list func.
type MenuItem struct {
	Func, Caption string
	Current       bool
}

// ListMeta is what a list page needs of the list's declaration.
type ListMeta struct {
	Columns []ColumnMeta
	// Key is the cell that names a row to the funcs acting on it.
	Key string
	// Actions are the group operations of the toolbar; Create the form that makes a
	// new element; Links the pages each row leads to.
	Actions []Action
	Create  *Action
	Links   []Action
	// Filter is the list's filter form (X.filter), nil when it has none the caller
	// may use; Filtered says a filter is stored.
	Filter   *FormMeta
	Filtered bool
	// Stored is the filter the session keeps, which the filter form shows.
	Stored  map[string]string
	MaxSize int
	// Rights draws the list as the rights of an employee or a department: each
	// right's state in words and where it comes from.
	Rights bool
	// Counts are the rows by status; Inline is a filter the request gave itself
	// (filter=on), which the list's links keep.
	Counts []Count
	Inline url.Values
}

// Count is how many rows of a list have one status.
type Count struct {
	Column, Key, Label string
	N                  int64
	URL                string
	Current            bool
}

// ColumnMeta is one declared column of a list.
type ColumnMeta struct {
	Name, Caption, Kind string
	Sort                bool
	// Choices caption the values of a status column.
	Choices []Option
}

// Action is a func a page leads to: a toolbar button, a row link.
type Action struct {
	Func, Caption string
	// Kind is how a row reaches it: form (elid), list (plid), act (a change
	// confirmed on a page of its own), or group.
	Kind string
	// Size is the page size a nested list opens with; 0 keeps the caller's.
	Size int
}

// FormMeta is a form's declaration as a page draws it.
type FormMeta struct {
	Func    string
	Fields  []FieldMeta
	Creates bool
	// Sends says the form sends something out (a text message) rather than saves.
	Sends bool
}

// FieldMeta is one declared input of a form.
type FieldMeta struct {
	Name, Caption, Type, Help string
	Required                  bool
	Max, Min                  int
	Pattern                   string
	Options                   []Option
	// Confirm names the field that repeats this password; Confirms the password
	// this field repeats.
	Confirm, Confirms string
}

// LangLink shows the page in one language; Current marks the page's own.
type LangLink struct {
	Lang    lang.Lang
	URL     string
	Current bool
}
