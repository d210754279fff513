package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters for new hashes. A stored hash
// carries its own parameters, so changing these affects only hashes made later.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams follow the RFC 9106 second recommendation (64 MiB, 3 passes).
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen   = 16
	keyLen    = 32
	maxMemory = 4 << 20 // KiB: 4 GiB
)

var b64 = base64.RawStdEncoding

// HashPassword returns an argon2id hash in the PHC string format:
// $argon2id$v=19$m=65536,t=3,p=2$SALT$KEY.
func HashPassword(p PasswordParams, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// CheckPassword reports whether password matches hash, comparing in constant time.
func CheckPassword(hash, password string) (bool, error) {
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
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
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

// Check returns a value error naming field when password breaks the policy. The
// password itself is never put in the error.
func (p PasswordPolicy) Check(field, password string) error {
	if n := len([]rune(password)); n < p.MinLength {
		return Invalid(field, "", "The password must be at least %d characters long", p.MinLength)
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
	var missing []string
	for _, c := range p.Classes {
		if !has[c] {
			missing = append(missing, PasswordClasses[c])
		}
	}
	if len(missing) > 0 {
		return Invalid(field, "", "The password must contain %s", strings.Join(missing, ", "))
	}
	return nil
}

// GeneratePassword returns a random password that satisfies the default policy.
func GeneratePassword() string {
	for {
		pw := RandomToken(15) // 20 characters of A-Z a-z 0-9 - _
		if DefaultPasswordPolicy.Check("password", pw) == nil {
			return pw
		}
	}
}
