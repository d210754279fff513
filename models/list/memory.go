package list

import (
	"regexp"
	"sort"
	"strings"
)

// Memory filters, sorts and pages rows held in memory (lists computed rather than
// read from a table), each a map of column name to value. It returns the rows of
// the page and how many rows pass the filter.
func (q *Query) Memory(rows []map[string]string) (page []map[string]string, total int64) {
	var kept []map[string]string
	for _, r := range rows {
		if q.matches(r) {
			kept = append(kept, r)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i][q.Sort], kept[j][q.Sort]
		if a == b {
			return false
		}
		return (a < b) != q.Desc
	})
	end := min(q.Offset+q.PageSize, len(kept))
	if q.Offset < end {
		page = kept[q.Offset:end]
	}
	return page, int64(len(kept))
}

func (q *Query) matches(row map[string]string) bool {
	for _, col := range q.spec.Columns {
		v, ok := q.Filter[col.Name]
		if !ok {
			continue
		}
		if col.Filter == Wildcard && !wildcardMatch(v, row[col.Name]) || col.Filter != Wildcard && row[col.Name] != v {
			return false
		}
	}
	return true
}

// wildcardMatch compares as a Wildcard filter does: whole, without regard to case,
// with * matching any run of characters.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	ok, _ := regexp.MatchString("(?is)^"+strings.Join(parts, ".*")+"$", s)
	return ok
}
