package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"staffmgr/models"
)

// credentials remembers, for a short while, the logins and passwords that authinfo
// checked right, so that a script that sends authinfo with every request pays for the
// argon2id hash once rather than every time. An entry is found by an HMAC of the
// login and password under a key made at start and never stored, so the memory holds
// no password nor anything a password could be tested against offline. An entry
// only says "this password was right for this account when its password hash was
// this one": every request still reads the account, and the entry counts only while
// the account is the same one, enabled, with the same password hash, allowed from the
// client's address, and with no lock or counted failure on the lockout counters. A
// password change, suspension, deletion or change of the address list made by any
// process is therefore seen by the next request. A wrong password never matches an
// entry and goes through the lockout like every other attempt.
type credentials struct {
	key []byte
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[[sha256.Size]byte]credential
	// checks are the checks of a login and password running now, by entry name.
	checks map[[sha256.Size]byte]*check
}

// check is one check of a login and password that other requests of the same pair
// wait for instead of hashing it again.
type check struct {
	done    chan struct{}
	acc     *models.Account
	err     error
	waiters int // under credentials.mu
}

// credential is what a right login and password were found to name.
type credential struct {
	account int64
	hash    [sha256.Size]byte // the digest of the account's password hash then
	until   time.Time
	// clear is the account as last read, valid and clear for a login from the
	// address ip, when the data and lock versions were those of at: until either
	// moves, no change of the account and no lock or failure counted can have come
	// in between, and the next request from ip needs no read of them.
	clear *models.Account
	ip    string
	at    models.Versions
}

// clearAt returns the account cr was last found clear with, when the request from
// ip reads the versions v and neither the data nor the locks have moved since.
func (cr credential) clearAt(v models.Versions, ip string) *models.Account {
	if cr.clear == nil || cr.ip != ip || cr.at.Data != v.Data || cr.at.Locks != v.Locks {
		return nil
	}
	acc := *cr.clear
	return &acc
}

// markClear notes that the credential of login and password was found valid and
// clear for acc, from ip, at the versions v read before acc was.
func (cc *credentials) markClear(login, password string, v models.Versions, ip string, acc *models.Account) {
	id := cc.id(login, password)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cr, ok := cc.entries[id]; ok && cr.account == acc.ID {
		a := *acc
		cr.clear, cr.ip, cr.at = &a, ip, v
		cc.entries[id] = cr
	}
}

// credentialTTL is how long a checked password is trusted without a new hash, and
// maxCredentials how many are kept at once.
const (
	credentialTTL  = time.Minute
	maxCredentials = 10_000
)

func newCredentials() *credentials {
	key := make([]byte, 32)
	rand.Read(key)
	return &credentials{key: key, ttl: credentialTTL, max: maxCredentials, entries: map[[sha256.Size]byte]credential{},
		checks: map[[sha256.Size]byte]*check{}}
}

// id is the entry's name for a login and password: the login's length first, so
// that no two pairs spell the same input.
func (cc *credentials) id(login, password string) [sha256.Size]byte {
	m := hmac.New(sha256.New, cc.key)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(login)))
	m.Write(n[:])
	m.Write([]byte(login))
	m.Write([]byte(password))
	var out [sha256.Size]byte
	copy(out[:], m.Sum(nil))
	return out
}

// lookup returns the credential checked for login and password, if one is kept and
// has not expired.
func (cc *credentials) lookup(login, password string) (credential, bool) {
	id := cc.id(login, password)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cr, ok := cc.entries[id]
	if ok && time.Now().After(cr.until) {
		delete(cc.entries, id)
		return credential{}, false
	}
	return cr, ok
}

// valid reports whether acc, as read now, is still what cr was checked against.
func (cr credential) valid(acc *models.Account) bool {
	return acc.ID == cr.account && acc.Enabled && acc.PasswordHash != models.NoPassword &&
		sha256.Sum256([]byte(acc.PasswordHash)) == cr.hash
}

// store keeps a login and password just checked right for acc.
func (cc *credentials) store(login, password string, acc *models.Account) {
	id := cc.id(login, password)
	now := time.Now()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if len(cc.entries) >= cc.max {
		for k, cr := range cc.entries {
			if now.After(cr.until) {
				delete(cc.entries, k)
			}
		}
		if len(cc.entries) >= cc.max {
			clear(cc.entries)
		}
	}
	cc.entries[id] = credential{account: acc.ID, hash: sha256.Sum256([]byte(acc.PasswordHash)), until: now.Add(cc.ttl)}
}

// forget drops the entry of a login and password.
func (cc *credentials) forget(login, password string) {
	id := cc.id(login, password)
	cc.mu.Lock()
	delete(cc.entries, id)
	cc.mu.Unlock()
}

// once runs run, the check of login and password, unless a check of the same pair is
// running already: then it waits for that one and returns its outcome, so that
// identical credentials arriving together before any is remembered cost one hash.
// Each caller has reserved its own attempt on the lockout counters before asking and
// settles it with the outcome, so every failure is still counted once per request.
// run works on a context of its own: a caller that goes away does not fail the others.
func (cc *credentials) once(login, password string, run func() (*models.Account, error)) (*models.Account, error) {
	id := cc.id(login, password)
	cc.mu.Lock()
	if ch, ok := cc.checks[id]; ok {
		ch.waiters++
		cc.mu.Unlock()
		<-ch.done
		if ch.acc == nil {
			return nil, ch.err
		}
		acc := *ch.acc
		return &acc, ch.err
	}
	ch := &check{done: make(chan struct{})}
	cc.checks[id] = ch
	cc.mu.Unlock()
	defer func() {
		cc.mu.Lock()
		delete(cc.checks, id)
		cc.mu.Unlock()
		close(ch.done)
	}()
	ch.err = errors.New("the check of the credentials did not finish")
	ch.acc, ch.err = run()
	if ch.acc == nil {
		return nil, ch.err
	}
	acc := *ch.acc
	return &acc, ch.err
}

// waiting is how many requests wait for a check of another request now.
func (cc *credentials) waiting() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	n := 0
	for _, ch := range cc.checks {
		n += ch.waiters
	}
	return n
}
