package list

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Ranked keeps, for a few list queries (a filter and an order), the keys of every
// row the filter keeps, in order, as they were at one data version. A page is then
// a slice of them and the total their count, where SQL would count the filtered
// rows and walk an index to the page's offset on every request, both of which grow
// with the table. The database stays the source of truth: keys are used only at the
// version they were read at, and the page's rows are read from the database by key.
// Keys are read in the background, one read per query at a time; a request whose
// version they are not at waits for them up to MaxWait and is then answered with
// SQL (Fetch), so that no request waits long for a read of every key, which takes
// seconds at a million rows.
//
// A Ranked belongs to one database. It is safe for concurrent use.
type Ranked struct {
	// MaxKeys bounds the keys held over all queries; the least recently used
	// query is dropped to make room. A query with more keys than this is not kept.
	MaxKeys int
	// MaxWait bounds how long a request waits for a read of keys under way before
	// it is answered with SQL instead: the requests that wait add no load of their
	// own, so under steady reading one read serves them all. Negative: never wait.
	MaxWait time.Duration

	mu      sync.Mutex
	entries map[string]*rankedEntry
	changed chan struct{}    // closed when a read of keys ends
	loading map[string]bool  // a read of the query's keys is under way
	wanted  map[string]int64 // the latest version a request asked for meanwhile
	held    int
	tick    uint64
	hits    atomic.Int64
	running sync.WaitGroup
}

type rankedEntry struct {
	version int64
	keys    []int64
	used    uint64
}

// DefaultRankedWait is the MaxWait of a zero Ranked.
const DefaultRankedWait = 2 * time.Second

// DefaultRankedKeys is the MaxKeys of a zero Ranked: 4 million keys, 32 MiB.
const DefaultRankedKeys = 4 << 20

// CacheKey names the query's filter and order, for what is kept of the query at a
// data version (Ranked, a cache of pages), or is "" for a query that cannot be kept:
// one on a list without an integer key, filtered by a Live column, or a machine
// request's condition or sort keys.
func (q *Query) CacheKey() string {
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
// which the caller read (models.Versions.Data) before anything else of this request, come
// from r when it holds them at that version, and only the page's rows are read, by
// key. Otherwise the request is Fetch's, and r reads the keys in the background
// for the requests after it. args are the arguments of placeholders in columns.
func (q *Query) FetchRanked(r *Ranked, version int64, base *gorm.DB, columns string, dest any, args ...any) (int64, error) {
	key := q.CacheKey()
	if r == nil || key == "" {
		return q.Fetch(base, columns, dest, args...)
	}
	keys, ok := r.keys(key, version, func() ([]int64, error) {
		// The request may be over before the read is: it must not cancel it.
		db := base.Session(&gorm.Session{Context: context.WithoutCancel(base.Statement.Context)})
		rows, err := q.Apply(db).Select(q.spec.Key).Order(q.order()).Rows()
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var keys []int64
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		return slices.Clip(keys), rows.Err()
	})
	if !ok {
		return q.Fetch(base, columns, dest, args...)
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

// keys returns the keys of query at version when r holds them. Otherwise ok is
// false, and, unless a read of the query's keys is under way already, r starts one
// with load, stamped with the version given, which the caller read before load
// runs. When a read ends and a request has asked for a later version meanwhile,
// the next read starts at once, stamped with that one.
func (r *Ranked) keys(query string, version int64, load func() ([]int64, error)) (keys []int64, ok bool) {
	wait := r.MaxWait
	if wait == 0 {
		wait = DefaultRankedWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		keys, ok, changed := r.lookup(query, version, load)
		if ok || wait < 0 {
			return keys, ok
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, false
		}
	}
}

// lookup is one look of keys: the keys when r holds them at version, or else a read
// of them started (unless one is under way) and a channel closed when r next keeps
// or fails to read keys.
func (r *Ranked) lookup(query string, version int64, load func() ([]int64, error)) (keys []int64, ok bool, changed <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.entries[query]; e != nil && e.version == version {
		r.tick++
		e.used = r.tick
		r.hits.Add(1)
		return e.keys, true, nil
	}
	if r.wanted == nil {
		r.loading, r.wanted = map[string]bool{}, map[string]int64{}
	}
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	r.wanted[query] = max(r.wanted[query], version)
	if r.loading[query] {
		return nil, false, r.changed
	}
	r.loading[query] = true
	r.running.Add(1)
	go func() {
		defer r.running.Done()
		for v := version; ; {
			keys, err := load()
			if err == nil {
				r.put(query, v, keys)
			}
			r.mu.Lock()
			close(r.changed)
			r.changed = make(chan struct{})
			if err != nil || r.wanted[query] <= v {
				delete(r.loading, query)
				delete(r.wanted, query)
				r.mu.Unlock()
				return
			}
			v = r.wanted[query]
			r.mu.Unlock()
		}
	}()
	return nil, false, r.changed
}

// Wait returns once the reads of keys under way are over.
func (r *Ranked) Wait() { r.running.Wait() }

// Hits returns how many requests r answered.
func (r *Ranked) Hits() int64 { return r.hits.Load() }

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
