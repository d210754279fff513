package list

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"
)

// Ranked keeps, for a few list queries (a filter and an order), the keys of every
// row the filter keeps, in order, as they were at one data version. A page is then
// a slice of them and the total their count, where SQL would count the filtered
// rows and walk an index to the page's offset on every request, both of which grow
// with the table. The database stays the source of truth: keys are used only at the
// version they were read at, and the page's rows are read from the database by key.
//
// A Ranked belongs to one database. It is safe for concurrent use.
type Ranked struct {
	// MaxKeys bounds the keys held over all queries; the least recently used
	// query is dropped to make room. A query with more keys than this is not kept.
	MaxKeys int

	mu      sync.Mutex
	entries map[string]*rankedEntry
	held    int
	tick    uint64
	loads   singleflight.Group
}

type rankedEntry struct {
	version int64
	keys    []int64
	used    uint64
}

// DefaultRankedKeys is the MaxKeys of a zero Ranked: 4 million keys, 32 MiB.
const DefaultRankedKeys = 4 << 20

// cacheKey names the query's filter and order, or is "" for a query that Ranked
// cannot answer: one on a list without an integer key, filtered by a Live column,
// or a machine request's condition or sort keys.
func (q *Query) cacheKey() string {
	if q.spec.Key == "" || q.cond != nil || len(q.then) > 0 {
		return ""
	}
	names := make([]string, 0, len(q.Filter))
	for name := range q.Filter {
		col := q.spec.Column(name)
		if col == nil || col.Live {
			return ""
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(q.Sort)
	if q.Desc {
		b.WriteString(" desc")
	}
	for _, n := range names {
		b.WriteString("\x00")
		b.WriteString(n)
		b.WriteString("=")
		b.WriteString(q.Filter[n])
	}
	return b.String()
}

// FetchRanked is Fetch answered from r: the keys of the query's rows at version,
// which the caller read (DataVersion) before anything else of this request, come
// from r when it holds them at that version, or else are read in order in one query
// and kept. Only the page's rows are then read, by key. A query r cannot answer
// is left to Fetch. args are the arguments of placeholders in columns.
func (q *Query) FetchRanked(r *Ranked, version int64, base *gorm.DB, columns string, dest any, args ...any) (int64, error) {
	key := q.cacheKey()
	if r == nil || key == "" {
		return q.Fetch(base, columns, dest, args...)
	}
	keys, err := r.keys(key, version, func() ([]int64, error) {
		var keys []int64
		err := q.Apply(base.Session(&gorm.Session{})).Order(q.order()).Pluck(q.spec.Key, &keys).Error
		return keys, err
	})
	if err != nil {
		return 0, fmt.Errorf("list keys: %w", err)
	}
	end := min(q.Offset+q.PageSize, len(keys))
	if q.Offset >= end {
		return int64(len(keys)), nil
	}
	page := keys[q.Offset:end]
	if err := base.Session(&gorm.Session{}).Select(columns, args...).Where(q.spec.Key+" IN ?", page).Order(q.order()).Scan(dest).Error; err != nil {
		return 0, fmt.Errorf("list page: %w", err)
	}
	return int64(len(keys)), nil
}

// keys returns the keys of query at version, loading them with load when r does
// not hold them; concurrent requests for the same query and version share one load.
func (r *Ranked) keys(query string, version int64, load func() ([]int64, error)) ([]int64, error) {
	r.mu.Lock()
	if e := r.entries[query]; e != nil && e.version == version {
		r.tick++
		e.used = r.tick
		keys := e.keys
		r.mu.Unlock()
		return keys, nil
	}
	r.mu.Unlock()
	v, err, _ := r.loads.Do(strconv.FormatInt(version, 10)+"\x01"+query, func() (any, error) {
		keys, err := load()
		if err != nil {
			return nil, err
		}
		r.put(query, version, keys)
		return keys, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]int64), nil
}

// put keeps keys read at version, unless r holds the query at a later version
// already, dropping the least recently used queries to stay within MaxKeys.
func (r *Ranked) put(query string, version int64, keys []int64) {
	limit := r.MaxKeys
	if limit <= 0 {
		limit = DefaultRankedKeys
	}
	if len(keys) > limit {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = map[string]*rankedEntry{}
	}
	if old := r.entries[query]; old != nil {
		if old.version > version {
			return
		}
		r.held -= len(old.keys)
		delete(r.entries, query)
	}
	for r.held+len(keys) > limit {
		var oldest string
		var used uint64
		for k, e := range r.entries {
			if oldest == "" || e.used < used {
				oldest, used = k, e.used
			}
		}
		r.held -= len(r.entries[oldest].keys)
		delete(r.entries, oldest)
	}
	r.tick++
	r.entries[query] = &rankedEntry{version: version, keys: keys, used: r.tick}
	r.held += len(keys)
}

// Held returns how many keys r holds over all queries.
func (r *Ranked) Held() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held
}
