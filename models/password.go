package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"staffmgr/models/errs"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters for new hashes. A stored hash
// carries its own parameters, so changing these affects only hashes made later.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams are the OWASP Password Storage Cheat Sheet's first argon2id
// setting (19 MiB, 2 passes, 1 thread). An interactive login pays them on every
// check, and the server runs only a few checks at once (see HashLimit): one thread
// per check keeps each to one core, and 19 MiB keeps the slots' memory small, where
// RFC 9106's 64 MiB, 3 passes, 4 threads would take several times both per login.
var DefaultPasswordParams = PasswordParams{Memory: 19456, Time: 2, Threads: 1}

const (
	saltLen   = 16
	keyLen    = 32
	maxMemory = 4 << 20 // KiB: 4 GiB
)

var b64 = base64.RawStdEncoding

// HashLimit bounds how many argon2id computations run at once. Each holds the
// Memory of its parameters while it runs, so without a bound a burst of logins, even
// failing ones, would take that memory once per request.
type HashLimit struct {
	slots   chan struct{}
	wait    time.Duration
	waiting atomic.Int64
}

// Waiting is how many computations wait for a slot now.
func (l *HashLimit) Waiting() int64 { return l.waiting.Load() }

// NewHashLimit returns a bound of slots computations at once (at least one); one
// beyond them waits at most wait for a slot.
func NewHashLimit(slots int, wait time.Duration) *HashLimit {
	return &HashLimit{slots: make(chan struct{}, max(1, slots)), wait: wait}
}

// DefaultHashLimit is the bound a process starts with: a slot per core, at least two,
// and a wait of 2 seconds, short enough that a login refused for it is answered
// while the client still waits.
func DefaultHashLimit() *HashLimit {
	return NewHashLimit(max(2, runtime.GOMAXPROCS(0)), 2*time.Second)
}

// hashLimit is set in its declaration, not in init, because package variables
// (dummyHash) hash before any init function runs.
var hashLimit = func() *atomic.Pointer[HashLimit] {
	p := new(atomic.Pointer[HashLimit])
	p.Store(DefaultHashLimit())
	return p
}()

// SetHashLimit makes l the bound of every later hash and check, and returns the bound
// it replaces so that a test can put it back.
func SetHashLimit(l *HashLimit) *HashLimit { return hashLimit.Swap(l) }

// errBusy is the answer when no slot frees in time; it is a limit error, so a login
// refused with it is not counted as a failure.
func errBusy() *errs.E {
	return errs.New(errs.Limit, "busy", "", "Too many password checks are running; try again in a moment")
}

// Acquire takes a slot of l, waiting at most l's wait and no longer than ctx lasts,
// and returns the function that gives it back. Without a slot the error is a limit
// error with object busy.
func (l *HashLimit) Acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	if l.wait <= 0 {
		return nil, errBusy()
	}
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	timer := time.NewTimer(l.wait)
	defer timer.Stop()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	return nil, errBusy()
}

// idKey is argon2.IDKey under the current HashLimit.
func idKey(ctx context.Context, password, salt []byte, p PasswordParams, n uint32) ([]byte, error) {
	release, err := hashLimit.Load().Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, n), nil
}

// HashPassword returns an argon2id hash in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY. It runs under the HashLimit; when no slot
// frees in time it returns a limit error with object busy.
func HashPassword(ctx context.Context, p PasswordParams, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := idKey(ctx, []byte(password), salt, p, keyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// CheckPassword reports whether password matches hash, comparing in constant time.
// It runs under the HashLimit, as HashPassword does.
func CheckPassword(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p PasswordParams
	// argon2 panics on zero passes or threads, and a stored cost is bounded so that a
	// tampered hash cannot make a login allocate without limit.
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) != parts[3] ||
		p.Time < 1 || p.Threads < 1 || p.Memory > maxMemory || p.Time > 100 {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got, err := idKey(ctx, []byte(password), salt, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// RandomToken returns n random bytes, URL-safe base64 encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// PasswordPolicy is what a new password must satisfy.
type PasswordPolicy struct {
	MinLength int
	// Classes are the kinds of character a password must contain at least one of:
	// "lower", "upper", "digit", "symbol".
	Classes []string
}

// DefaultPasswordPolicy asks for 8 characters with a lower-case letter, an
// upper-case letter, a digit and a symbol.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 8, Classes: []string{"lower", "upper", "digit", "symbol"}}

// PasswordClasses are the names Classes may hold.
var PasswordClasses = map[string]string{
	"lower":  "a lower-case letter",
	"upper":  "an upper-case letter",
	"digit":  "a digit",
	"symbol": "a symbol",
}

// Check returns a value error when password breaks the policy. The
// password itself is never put in the error.
func (p PasswordPolicy) Check(password string) error {
	if n := len([]rune(password)); n < p.MinLength {
		return errs.Invalid("", "", "The password must be at least %d characters long", p.MinLength)
	}
	has := map[string]bool{}
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			has["lower"] = true
		case unicode.IsUpper(r):
			has["upper"] = true
		case unicode.IsDigit(r):
			has["digit"] = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			has["symbol"] = true
		}
	}
	var missing errs.Captions
	for _, c := range p.Classes {
		if !has[c] {
			missing = append(missing, errs.Caption(PasswordClasses[c]))
		}
	}
	if len(missing) > 0 {
		return errs.Invalid("", "", "The password must contain %s", missing)
	}
	return nil
}

// GeneratePassword returns a random password that satisfies the default policy.
func GeneratePassword() string {
	for {
		pw := RandomToken(15) // 20 characters of A-Z a-z 0-9 - _
		if DefaultPasswordPolicy.Check(pw) == nil {
			return pw
		}
	}
}
