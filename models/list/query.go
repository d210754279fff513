package list

import (
	"strconv"
	"strings"

	"staffmgr/models/errs"
)

// Values are a request's parameters as the engine reads them: the first value of
// each, "" when absent.
type Values interface {
	Get(name string) string
}

// State is what is kept of a list between requests, which the engine cannot read
// from the request itself.
type State struct {
	// PageSize is the rows per page the caller chose before; 0 when none.
	PageSize int
	// Filter is the filter the caller's session keeps; nil when none, or when the
	// request has no session.
	Filter map[string]string
	// Inline says the request filters by its own values alone (filter=on), even
	// when it names none: the kept filter does not apply.
	Inline bool
}

// Query is a normalised list request: a page, a whitelisted sort and filter.
type Query struct {
	Page     int // 1-based
	PageSize int
	Offset   int
	Sort     string
	Desc     bool
	Filter   map[string]string // column name → value, only filterable columns
	spec     *Spec
	// then are the sort keys after Sort, and cond the filter, of a machine request.
	then []SortKey
	cond *Cond
	// remember is set when the request named a p_cnt other than the stored one: it
	// is stored once the list is answered, so that a refused call changes nothing.
	remember bool
}

// Parse normalises a request for the list: paging (p_num and p_cnt, or startidx and
// pagesize), sorting (p_col=±col or sort=col) and filters. Inline filter values
// (st.Inline, or any filter parameter) win over the stored filter of st. Anything
// the spec does not allow is a value error naming the parameter.
//
// p_cnt is the panel's rows-per-page setting and is kept (NewPageSize); pagesize,
// the reference's spelling for scripts, sizes this one page and is never kept, so
// that a script's paging does not change what the panel shows.
func (s *Spec) Parse(p Values, st State) (*Query, error) {
	def, max := s.PageSizes()
	q := &Query{Page: 1, PageSize: def, Sort: s.DefaultSort, Desc: s.DefaultDesc, spec: s}

	size, kept, err := intParam(p, "p_cnt", 1, max)
	if err != nil {
		return nil, err
	}
	given := kept
	if !given {
		if size, given, err = intParam(p, "pagesize", 1, max); err != nil {
			return nil, err
		}
	}
	switch {
	case kept && size != st.PageSize:
		q.remember = true
	case !given && st.PageSize > 0 && st.PageSize <= max:
		size = st.PageSize
	}
	if size > 0 {
		q.PageSize = size
	}

	if start, ok, err := intParam(p, "startidx", 0, 1<<30); err != nil {
		return nil, err
	} else if ok {
		q.Offset = start
		q.Page = start/q.PageSize + 1
	} else if page, ok, err := intParam(p, "p_num", 1, 1<<30/q.PageSize); err != nil {
		return nil, err
	} else if ok {
		q.Page = page
		q.Offset = (page - 1) * q.PageSize
	}

	for _, param := range []string{"p_col", "sort"} {
		raw := p.Get(param)
		if raw == "" {
			continue
		}
		// In a query string an unescaped + arrives as a space.
		col, desc := strings.TrimLeft(raw, "+ "), false
		if strings.HasPrefix(col, "-") {
			col, desc = col[1:], true
		}
		if c := s.Column(col); c == nil || !c.Sort {
			return nil, errs.Invalid(param, raw, "The list cannot be sorted by %q", col)
		}
		q.Sort, q.Desc = col, desc
		break
	}

	inline, err := s.ReadFilter(p)
	if err != nil {
		return nil, err
	}
	if st.Inline || len(inline) > 0 {
		q.Filter = inline
	} else {
		q.Filter = st.Filter
	}
	return q, nil
}

// NewPageSize returns the page size to keep for the caller, when the request named
// one other than the one kept; ok is false otherwise.
func (q *Query) NewPageSize() (size int, ok bool) {
	return q.PageSize, q.remember
}

// ReadFilter collects and checks the filter values a request names.
func (s *Spec) ReadFilter(p Values) (map[string]string, error) {
	out := map[string]string{}
	for _, col := range s.Columns {
		if col.Filter == NoFilter {
			continue
		}
		v := strings.TrimSpace(p.Get(col.Name))
		if v == "" {
			continue
		}
		if err := col.CheckFilter(v); err != nil {
			return nil, err
		}
		out[col.Name] = v
	}
	return out, nil
}

// CheckFilter refuses a value the column cannot be filtered by, with a value error
// naming the column.
func (col *Column) CheckFilter(v string) error {
	if len(v) > MaxFilterValue {
		return errs.Invalid(col.Name, v, "A filter value is at most %d characters", MaxFilterValue)
	}
	if col.Filter == Choice && !hasChoice(col.Choices, v) {
		return errs.Invalid(col.Name, v, "Unknown value for filter %q", col.Name)
	}
	if col.Check != nil {
		return errs.At(col.Name, col.Check(v))
	}
	return nil
}

// MaxFilterValue bounds a filter value, in bytes.
const MaxFilterValue = 200

func hasChoice(options []Option, key string) bool {
	for _, o := range options {
		if o.Key == key {
			return true
		}
	}
	return false
}

// intParam reads an integer parameter; absent or empty is ok=false. A value that is
// not a whole number from min to max is a value error naming the parameter.
func intParam(p Values, name string, min, max int) (n int, ok bool, err error) {
	s := strings.TrimSpace(p.Get(name))
	if s == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(s)
	if convErr != nil || n < min || n > max {
		return 0, false, errs.Invalid(name, s, "%s must be a whole number from %d to %d", name, min, max)
	}
	return n, true, nil
}
