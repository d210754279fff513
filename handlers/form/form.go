// Package form declares the inputs of the API's forms and reads them. A form lists
// its fields once: name, type, limits, choices, whether it is required, help. Read
// checks every field a request names against that declaration before anything is
// written, and hands the save an Input whose getters answer only declared fields.
// The web panel draws a form, and the API reference lists it, from the same
// declaration.
package form

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
)

// Type is the kind of an input, as a page would draw it.
type Type string

// The input types.
const (
	Text      Type = "text"
	TextArea  Type = "textarea"
	Password  Type = "password"
	Email     Type = "email"
	Phone     Type = "phone"       // kept in its normal form (models.ParsePhone)
	Flag      Type = "flag"        // on or off
	Select    Type = "select"      // one of the choices
	Multi     Type = "multiselect" // ids, several of the choices
	Number    Type = "number"      // a whole number from Min to Max
	Addresses Type = "addresses"   // IPv4 and IPv6 addresses and networks
	// Any is text that the field's Check alone rules on: a value whose rules
	// depend on another field (param_value) or are the list's (a filter).
	Any Type = "any"
)

// Need says when a field must be given.
type Need int

// When a field must be given.
const (
	// Optional: a field the request leaves out keeps its value; one sent empty is
	// cleared.
	Optional Need = iota
	// Required: given when the form creates (names no element), and never emptied.
	// An empty password is the exception: it keeps the password there is.
	Required
	// Always: given, and not empty, whenever the form is saved.
	Always
	// CreateOnly: given, and not empty, when the form creates; an edit does not
	// read it at all (a new ticket's subject, which a reply has no use for).
	CreateOnly
)

// String is the need's name as the API reference spells it: optional, required,
// always or create_only.
func (n Need) String() string {
	switch n {
	case Optional:
		return "optional"
	case Required:
		return "required"
	case Always:
		return "always"
	case CreateOnly:
		return "create_only"
	}
	return fmt.Sprintf("Need(%d)", int(n))
}

// Option is one choice of a select, as the renderer writes it.
type Option = render.Option

// Field declares one input of a form.
type Field struct {
	Name    string
	Caption string
	Type    Type
	Need    Need
	// Max is the most characters of a text, or the largest Number; 0 is no bound of
	// the form's own (a Check may have one).
	Max int
	// Min is the smallest Number.
	Min int
	// Pattern is a regular expression the whole value must match.
	Pattern string
	// Choices are a select's options when they are fixed; ChoicesFrom names the func
	// that lists them when they are data (departments, staff).
	Choices     []Option
	ChoicesFrom string
	Help        string
	// Confirm names the field that repeats a Password.
	Confirm string
	// Raw keeps the value as sent; other values lose their surrounding spaces.
	Raw bool
	// Unrepeated keeps a refused value out of the error, which names only the field.
	Unrepeated bool
	// Unshown is an input the form does not show, as it spells fields the form does
	// show in another way (param_name with param_value for a named setting).
	Unshown bool
	// Check is the field's own rule on a given, non-empty value (usually a model's),
	// applied before the rules of its type; its error is named after the field.
	Check func(v string) error
	// Unless names a field that, given non-empty, makes this one unread: the number
	// to text (phone) makes which of the employee's numbers (type) moot.
	Unless string

	pattern *regexp.Regexp
}

// Source is where a form's values come from: the request's parameters.
type Source interface {
	Has(name string) bool
	Get(name string) string
	Values(name string) []string
}

// Def is a form's declaration: its fields in the order a page shows them.
type Def struct {
	Fields []Field
	// Creates says the form creates an element when it names none (no elid).
	Creates bool
	// Reset names a Flag field that, on, or clicked_button=Reset, voids the others:
	// the form's reset button, which reads none of them.
	Reset  string
	byName map[string]int
}

// Creating declares a form that creates an element when it names none, and edits
// the one it names otherwise: its Required fields must be given to create.
func Creating(fields ...Field) *Def {
	d := New(fields...)
	d.Creates = true
	return d
}

// New declares a form. A field named twice, or a pattern that does not compile, is
// a programming error and panics at start-up.
func New(fields ...Field) *Def {
	d := &Def{Fields: fields, byName: make(map[string]int, len(fields))}
	for i := range d.Fields {
		f := &d.Fields[i]
		if _, dup := d.byName[f.Name]; dup || f.Name == "" {
			panic(fmt.Sprintf("form: field %q declared twice or unnamed", f.Name))
		}
		if f.Type == "" {
			f.Type = Text
		}
		if f.Pattern != "" {
			f.pattern = regexp.MustCompile(`^(?:` + f.Pattern + `)$`)
		}
		d.byName[f.Name] = i
	}
	return d
}

// Field returns the declaration of name, or nil.
func (d *Def) Field(name string) *Field {
	if d == nil {
		return nil
	}
	if i, ok := d.byName[name]; ok {
		return &d.Fields[i]
	}
	return nil
}

// Options tune one reading of a form.
type Options struct {
	// Creating says this request creates an element: Required fields must be given.
	Creating bool
	// CheckPassword applies the password policy to a Password field.
	CheckPassword func(password string) error
}

// Input is a form's values as read and checked: the getters answer whether the
// request gave a field and its typed value. Asking for a field the form does not
// declare, or for the wrong type, is a programming error and panics.
type Input struct {
	def      *Def
	creating bool
	given    map[string]bool
	text     map[string]string
	ids      map[string][]int64
	num      map[string]int
	hash     map[string]string
	read     map[string]bool
	reset    bool
}

// Read reads and checks every declared field the source names, in declaration
// order; the first failing field is a value error naming it. Nothing is written
// by reading, so a save that gets an Input has every field already checked.
func (d *Def) Read(src Source, opt Options) (*Input, error) {
	in := &Input{def: d, creating: opt.Creating, given: map[string]bool{}, text: map[string]string{},
		ids: map[string][]int64{}, num: map[string]int{}, hash: map[string]string{}, read: map[string]bool{}}
	if d == nil {
		return in, nil
	}
	if d.Reset != "" {
		on, _ := models.ParseOnOff(src.Get(d.Reset))
		if in.reset = on || src.Get("clicked_button") == d.Reset; in.reset {
			return in, nil
		}
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		if f.Need == CreateOnly && !opt.Creating || f.Unless != "" && strings.TrimSpace(src.Get(f.Unless)) != "" {
			continue
		}
		if !src.Has(f.Name) {
			if f.Need == Always || (f.Need == Required || f.Need == CreateOnly) && opt.Creating {
				return nil, errs.Invalid(f.Name, "", "%s is required", caption(f))
			}
			continue
		}
		v := src.Get(f.Name)
		if f.Type == Multi {
			v = strings.Join(src.Values(f.Name), ",")
		}
		if !f.Raw {
			v = strings.TrimSpace(v)
		}
		if err := in.set(f, v, opt); err != nil {
			if e, ok := errs.As(err); ok && f.Unrepeated {
				err = e.WithValue("")
			}
			return nil, err
		}
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		if f.Type != Password || f.Confirm == "" || in.text[f.Name] == "" {
			continue
		}
		if src.Get(f.Confirm) != in.text[f.Name] {
			return nil, errs.Invalid(f.Confirm, "", "The password and its confirmation differ")
		}
	}
	return in, nil
}

// set checks one given value and keeps it.
func (in *Input) set(f *Field, v string, opt Options) error {
	if v == "" {
		// A required field cannot be emptied; an empty password keeps the one there is.
		if f.Need == Always || f.Need == CreateOnly || f.Need == Required && (opt.Creating || f.Type != Password) {
			return errs.Invalid(f.Name, "", "%s is required", caption(f))
		}
		in.given[f.Name] = true
		in.text[f.Name] = ""
		return nil
	}
	if f.Check != nil {
		if err := f.Check(v); err != nil {
			return errs.At(f.Name, err)
		}
	}
	if f.pattern != nil && !f.pattern.MatchString(v) {
		return errs.Invalid(f.Name, v, "%s has the wrong form", caption(f))
	}
	max := f.Max
	if max == 0 {
		max = math.MaxInt
	}
	var err error
	switch f.Type {
	case Text, Select:
		err = models.CheckText(v, max)
	case Email:
		if err = models.CheckText(v, max); err == nil {
			err = models.CheckEmail(v)
		}
	case Phone:
		v, err = models.ParsePhone(v)
	case TextArea:
		err = models.CheckLines(v, max)
	}
	if err != nil {
		return errs.At(f.Name, err)
	}
	switch f.Type {
	case Select:
		if f.Choices != nil && !HasChoice(f.Choices, v) {
			return errs.Invalid(f.Name, v, "Unknown value %q for %s", v, f.Name)
		}
	case Number:
		n, err := strconv.Atoi(v)
		if err != nil || n < f.Min || n > max {
			if f.Max == 0 {
				return errs.Invalid(f.Name, v, "%s is a whole number of at least %d", caption(f), f.Min)
			}
			return errs.Invalid(f.Name, v, "%s is a whole number from %d to %d", caption(f), f.Min, f.Max)
		}
		in.num[f.Name] = n
	case Multi:
		ids, err := models.ParseIDs(v)
		if err != nil {
			return errs.At(f.Name, err)
		}
		in.ids[f.Name] = ids
	case Addresses:
		list, err := models.ParseIPList(v)
		if err != nil {
			return errs.At(f.Name, err)
		}
		v = list
	case Password:
		if opt.CheckPassword != nil && !in.def.confirmation(f.Name) {
			if err := opt.CheckPassword(v); err != nil {
				return errs.At(f.Name, err)
			}
		}
	}
	in.given[f.Name] = true
	in.text[f.Name] = v
	return nil
}

// caption names a field in a message: its caption, which is said in the reader's
// language, or its name.
func caption(f *Field) any {
	if f.Caption != "" {
		return errs.Caption(f.Caption)
	}
	return f.Name
}

// field returns the declaration of name for a getter, which must ask for one of
// the given types.
func (in *Input) field(name string, types ...Type) *Field {
	f := in.def.Field(name)
	if f == nil {
		panic(fmt.Sprintf("form: field %q is not declared", name))
	}
	for _, t := range types {
		if f.Type == t {
			in.read[name] = true
			return f
		}
	}
	panic(fmt.Sprintf("form: field %q is a %s, not a %v", name, f.Type, types))
}

// Reset reports whether the form's reset button sent it: no other field was read.
func (in *Input) Reset() bool { return in.reset }

// Creating reports whether the form was read as creating an element.
func (in *Input) Creating() bool { return in.creating }

// Has reports whether the request gave the field, possibly empty.
func (in *Input) Has(name string) bool {
	in.field(name, Text, TextArea, Password, Email, Phone, Flag, Select, Multi, Number, Addresses, Any)
	return in.given[name]
}

// Text returns a text-like field (text, text area, email, phone, select, address
// list in canonical form) and whether it was given.
func (in *Input) Text(name string) (string, bool) {
	in.field(name, Text, TextArea, Email, Phone, Select, Addresses, Any)
	return in.text[name], in.given[name]
}

// Flag returns a flag and whether it was given; a flag sent empty is off.
func (in *Input) Flag(name string) (on, given bool) {
	in.field(name, Flag)
	on, _ = models.ParseOnOff(in.text[name])
	return on, in.given[name]
}

// IDs returns a multi-select's ids, without repeats, and whether it was given.
func (in *Input) IDs(name string) ([]int64, bool) {
	in.field(name, Multi)
	return in.ids[name], in.given[name]
}

// Number returns a number field and whether it was given non-empty.
func (in *Input) Number(name string) (int, bool) {
	in.field(name, Number)
	n, ok := in.num[name]
	return n, ok
}

// Password returns a new password ("" for none) and its hash, when one was made
// for it before the change began (SetHash).
func (in *Input) Password(name string) (password, hash string) {
	in.field(name, Password)
	return in.text[name], in.hash[name]
}

// NewPasswords returns the names of the Password fields that carry a new password.
func (in *Input) NewPasswords() []string {
	var out []string
	if in.def == nil {
		return nil
	}
	for _, f := range in.def.Fields {
		if f.Type == Password && in.text[f.Name] != "" && !in.def.confirmation(f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// SetHash keeps the hash made of a Password field's new password.
func (in *Input) SetHash(name, hash string) { in.hash[name] = hash }

// Unread returns the declared fields no getter has asked for: a save that leaves a
// declared field unread declares more than it reads.
func (in *Input) Unread() []string {
	var out []string
	if in.def == nil {
		return nil
	}
	for _, f := range in.def.Fields {
		if !in.read[f.Name] && !in.def.confirmation(f.Name) && f.Name != in.def.Reset {
			out = append(out, f.Name)
		}
	}
	return out
}

// confirmation reports whether name repeats a Password field: the reading
// compares it, and nothing else reads it.
func (d *Def) confirmation(name string) bool {
	for _, f := range d.Fields {
		if f.Type == Password && f.Confirm == name {
			return true
		}
	}
	return false
}

// HasChoice reports whether key is one of the options.
func HasChoice(options []Option, key string) bool {
	for _, o := range options {
		if o.Key == key {
			return true
		}
	}
	return false
}
