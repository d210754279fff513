package list

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Apply adds the query's filters to base.
func (q *Query) Apply(base *gorm.DB) *gorm.DB {
	db := base
	for _, col := range q.spec.Columns {
		v, ok := q.Filter[col.Name]
		if !ok || col.Filter == NoFilter {
			continue
		}
		switch {
		case col.Where != nil:
			db = col.Where(db, v)
		case col.Filter == Wildcard:
			db = MatchWildcard(db, col.SQL, v)
		default:
			db = db.Where(col.SQL+" = ?", v)
		}
	}
	return q.applyCond(db)
}

// MatchWildcard filters expr by a value with * wildcards, without regard to case.
// The comparison is on LOWER(expr) in byte order, so that an index on that
// expression (the migrations' *_lower indexes) serves an exact value and a value's
// fixed prefix ("iv*") as a range; the rest of the pattern is checked by LIKE.
func MatchWildcard(db *gorm.DB, expr, value string) *gorm.DB {
	lower := "LOWER(" + expr + ")"
	if db.Dialector.Name() == "postgres" {
		lower += ` COLLATE "C"`
		value = strings.ToLower(value)
	} else {
		value = asciiLower(value) // SQLite's LOWER folds only ASCII letters
	}
	prefix, _, wild := strings.Cut(value, "*")
	if !wild {
		return db.Where(lower+" = ?", value)
	}
	if prefix != "" {
		db = db.Where(lower+" >= ?", prefix)
		if next, ok := successor(prefix); ok {
			db = db.Where(lower+" < ?", next)
		}
	}
	if value == prefix+"*" {
		return db
	}
	return db.Where(lower+` LIKE ? ESCAPE '\'`, likePattern(value))
}

// likePattern turns a filter value into a LIKE pattern: * is the wildcard, and the
// characters LIKE treats specially are escaped with \.
func likePattern(v string) string {
	v = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
	return strings.ReplaceAll(v, "*", "%")
}

// successor is the least string greater than every string that starts with
// prefix, in byte (and so code point) order: prefix with its last character
// incremented. ok is false when no such string exists.
func successor(prefix string) (string, bool) {
	runes := []rune(prefix)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i] + 1
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000
		}
		if r <= utf8.MaxRune {
			runes[i] = r
			return string(runes[:i+1]), true
		}
	}
	return "", false
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// Fetch runs the filtered query on base: the total, then one page of rows into
// dest, selecting columns, sorted by the chosen column with the spec's key breaking
// ties. The page is found by its keys first (WHERE key IN (SELECT key … ORDER …
// LIMIT … OFFSET …)), so that skipping to a deep page walks an index rather than
// whole rows. args are the arguments of placeholders in columns.
func (q *Query) Fetch(base *gorm.DB, columns string, dest any, args ...any) (total int64, err error) {
	filtered := q.Apply(base.Session(&gorm.Session{}))
	if err := filtered.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return 0, fmt.Errorf("count list: %w", err)
	}
	order := q.order()
	page := filtered.Session(&gorm.Session{}).Order(order).Limit(q.PageSize).Offset(q.Offset)
	if q.spec.Key != "" && total > 0 {
		keys := page.Select(q.spec.Key)
		err = base.Session(&gorm.Session{}).Select(columns, args...).Where(q.spec.Key+" IN (?)", keys).Order(order).Scan(dest).Error
	} else {
		err = page.Select(columns, args...).Scan(dest).Error
	}
	if err != nil {
		return 0, fmt.Errorf("list page: %w", err)
	}
	return total, nil
}

// order is the query's ORDER BY: the chosen column, the machine request's further
// keys, and the spec's key last unless a unique column already decides every tie.
func (q *Query) order() string {
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	sortCol := q.spec.Column(q.Sort)
	order := sortCol.SQL + dir
	unique := sortCol.Unique || q.spec.Key == sortCol.SQL
	for _, k := range q.then {
		col := q.spec.Column(k.Column)
		if k.Desc {
			order += ", " + col.SQL + " DESC"
		} else {
			order += ", " + col.SQL + " ASC"
		}
		unique = unique || col.Unique || q.spec.Key == col.SQL
	}
	if q.spec.Key != "" && !unique {
		order += ", " + q.spec.Key + dir
	}
	return order
}
