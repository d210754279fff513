package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// MustHash hashes a password with the cheap test parameters.
func MustHash(t *testing.T, password string) string {
	t.Helper()
	h, err := models.HashPassword(context.Background(), dbtest.FastPasswords, password)
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	return h
}

func TestHashPasswordRoundTrip(t *testing.T) {
	t.Parallel()
	for _, password := range []string{"Test-pass1", "", "пароль с пробелами", strings.Repeat("x", 200)} {
		hash := MustHash(t, password)
		p := dbtest.FastPasswords
		prefix := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", p.Memory, p.Time, p.Threads)
		if !strings.HasPrefix(hash, prefix) {
			t.Errorf("hash %q does not start with %q", hash, prefix)
		}
		if strings.Contains(hash, password) && password != "" {
			t.Errorf("hash %q holds the password", hash)
		}
		ok, err := models.CheckPassword(context.Background(), hash, password)
		if err != nil || !ok {
			t.Errorf("CheckPassword(hash of %q, same) = %v, %v; want true", password, ok, err)
		}
		ok, err = models.CheckPassword(context.Background(), hash, password+"x")
		if err != nil || ok {
			t.Errorf("CheckPassword(hash of %q, %q) = %v, %v; want false, nil", password, password+"x", ok, err)
		}
	}
}

func TestHashPasswordDefaultParams(t *testing.T) {
	t.Parallel()
	hash, err := models.HashPassword(context.Background(), models.DefaultPasswordParams, "Test-pass1")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(hash, want) {
		t.Errorf("hash %q does not start with %q", hash, want)
	}
	if ok, err := models.CheckPassword(context.Background(), hash, "Test-pass1"); err != nil || !ok {
		t.Errorf("CheckPassword = %v, %v; want true", ok, err)
	}
}

func TestHashPasswordSalted(t *testing.T) {
	t.Parallel()
	a, b := MustHash(t, "Test-pass1"), MustHash(t, "Test-pass1")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
	saltOf := func(h string) string { return strings.Split(h, "$")[4] }
	if saltOf(a) == saltOf(b) {
		t.Errorf("two hashes share the salt %q", saltOf(a))
	}
}

// A hash made with other parameters is checked with its own, not the current ones.
func TestCheckPasswordUsesStoredParams(t *testing.T) {
	t.Parallel()
	hash, err := models.HashPassword(context.Background(), models.PasswordParams{Memory: 2048, Time: 2, Threads: 1}, "Test-pass1")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := models.CheckPassword(context.Background(), hash, "Test-pass1"); err != nil || !ok {
		t.Errorf("CheckPassword = %v, %v; want true", ok, err)
	}
	// The same key under other parameters must not verify.
	altered := strings.Replace(hash, "t=2", "t=1", 1)
	if ok, err := models.CheckPassword(context.Background(), altered, "Test-pass1"); err != nil || ok {
		t.Errorf("CheckPassword with altered parameters = %v, %v; want false, nil", ok, err)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	t.Parallel()
	good := MustHash(t, "Test-pass1")
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := map[string]string{
		"empty":             "",
		"plain text":        "Test-pass1",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           with(1, "argon2i"),
		"too few parts":     strings.Join(parts[:5], "$"),
		"too many parts":    good + "$x",
		"other version":     with(2, "v=16"),
		"no version":        with(2, "19"),
		"no params":         with(3, "m=1024"),
		"params not digits": with(3, "m=a,t=1,p=1"),
		"threads overflow":  with(3, "m=1024,t=1,p=300"),
		"zero passes":       with(3, "m=1024,t=0,p=1"),
		"zero threads":      with(3, "m=1024,t=1,p=0"),
		"huge memory":       with(3, "m=99999999,t=1,p=1"),
		"many passes":       with(3, "m=1024,t=1000,p=1"),
		"trailing junk":     with(3, "m=1024,t=1,p=1x"),
		"salt not base64":   with(4, "!!!"),
		"key not base64":    with(5, "!!!"),
		"empty key":         with(5, ""),
	}
	for name, hash := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, err := models.CheckPassword(context.Background(), hash, "Test-pass1")
			if err == nil || ok {
				t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", hash, ok, err)
			}
		})
	}
}

func TestPasswordPolicyCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		policy   models.PasswordPolicy
		password string
		want     []string // parts of the message; none means the password is accepted
		notWant  []string // parts the message must not hold
	}{
		{name: "all classes", policy: models.DefaultPasswordPolicy, password: "Abcdef1!"},
		{name: "symbol - counts", policy: models.DefaultPasswordPolicy, password: "Abcdef1-"},
		{name: "too short", policy: models.DefaultPasswordPolicy, password: "Ab1!", want: []string{"at least 8 characters"}},
		{name: "length counts characters not bytes", policy: models.PasswordPolicy{MinLength: 4}, password: "ёжик"},
		{name: "too short in characters", policy: models.PasswordPolicy{MinLength: 5}, password: "ёжик", want: []string{"at least 5"}},
		{name: "no lower", policy: models.DefaultPasswordPolicy, password: "ABCDEF1!",
			want: []string{"a lower-case letter"}, notWant: []string{"upper-case", "digit", "symbol"}},
		{name: "no upper", policy: models.DefaultPasswordPolicy, password: "abcdef1!",
			want: []string{"an upper-case letter"}, notWant: []string{"lower-case", "digit", "symbol"}},
		{name: "no digit", policy: models.DefaultPasswordPolicy, password: "Abcdefg!",
			want: []string{"a digit"}, notWant: []string{"lower-case", "upper-case", "symbol"}},
		{name: "no symbol", policy: models.DefaultPasswordPolicy, password: "Abcdefg1",
			want: []string{"a symbol"}, notWant: []string{"lower-case", "upper-case", "digit"}},
		{name: "space is not a symbol", policy: models.DefaultPasswordPolicy, password: "Abcdef 1",
			want: []string{"a symbol"}},
		{name: "Cyrillic letters are letters", policy: models.DefaultPasswordPolicy, password: "Пароль-12"},
		{name: "Cyrillic letters are no symbol", policy: models.DefaultPasswordPolicy, password: "Пароль12",
			want: []string{"a symbol"}, notWant: []string{"lower-case", "upper-case"}},
		{name: "several missing", policy: models.DefaultPasswordPolicy, password: "abcdefgh",
			want: []string{"an upper-case letter", "a digit", "a symbol"}, notWant: []string{"lower-case"}},
		{name: "only the classes asked for", policy: models.PasswordPolicy{MinLength: 3, Classes: []string{"digit"}}, password: "abc",
			want: []string{"a digit"}, notWant: []string{"letter", "symbol"}},
		{name: "no classes asked for", policy: models.PasswordPolicy{MinLength: 3}, password: "aaa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.policy.Check(tt.password)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			e := MustAppError(t, err, errs.Value, "")
			for _, w := range tt.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("Check(%q) message %q lacks %q", tt.password, e.Msg, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(e.Msg, w) {
					t.Errorf("Check(%q) message %q names %q, which the password has", tt.password, e.Msg, w)
				}
			}
			if strings.Contains(err.Error(), tt.password) || e.Value != "" {
				t.Errorf("Check(%q) error %q (value %q) leaks the password", tt.password, err, e.Value)
			}
		})
	}
}

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 50 {
		pw := models.GeneratePassword()
		if err := models.DefaultPasswordPolicy.Check(pw); err != nil {
			t.Fatalf("GeneratePassword() = %q, which the default policy refuses: %v", pw, err)
		}
		if len(pw) < 16 {
			t.Errorf("GeneratePassword() = %q, want at least 16 characters", pw)
		}
		if seen[pw] {
			t.Fatalf("GeneratePassword() repeated %q", pw)
		}
		seen[pw] = true
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	// SHA-256 of "abc" (FIPS 180-2 test vector).
	if got, want := models.Digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Digest(abc) = %s, want %s", got, want)
	}
	if a, b := models.RandomToken(24), models.RandomToken(24); a == b || len(a) != 32 {
		t.Errorf("RandomToken(24) = %q, %q; want two different 32-character tokens", a, b)
	}
}

// setHashLimit makes l the HashLimit until the test ends. The limit is the process's,
// so the tests that call it do not run in parallel.
func setHashLimit(t *testing.T, l *models.HashLimit) {
	t.Helper()
	prev := models.SetHashLimit(l)
	t.Cleanup(func() { models.SetHashLimit(prev) })
}

// isBusy reports whether err is the HashLimit's refusal.
func isBusy(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Kind == errs.Limit && e.Object == "busy"
}

// mustAcquire takes a slot of l.
func mustAcquire(t *testing.T, l *models.HashLimit) func() {
	t.Helper()
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return release
}

// While every slot is taken, hashing and checking are refused with a limit error;
// a freed slot serves the next one.
func TestHashLimitBusy(t *testing.T) {
	hash := MustHash(t, "Test-pass1")
	l := models.NewHashLimit(2, 0)
	setHashLimit(t, l)
	ctx := context.Background()
	first, second := mustAcquire(t, l), mustAcquire(t, l)
	if ok, err := models.CheckPassword(ctx, hash, "Test-pass1"); ok || !isBusy(err) {
		t.Errorf("CheckPassword with every slot taken = %v, %v; want a busy limit error", ok, err)
	}
	if h, err := models.HashPassword(ctx, dbtest.FastPasswords, "Test-pass1"); h != "" || !isBusy(err) {
		t.Errorf("HashPassword with every slot taken = %q, %v; want a busy limit error", h, err)
	}
	first()
	if ok, err := models.CheckPassword(ctx, hash, "Test-pass1"); !ok || err != nil {
		t.Errorf("CheckPassword with a slot free = %v, %v; want true", ok, err)
	}
	second()
}

// A check waits for a slot, and gets the one a finished check frees.
func TestHashLimitWaits(t *testing.T) {
	hash := MustHash(t, "Test-pass1")
	l := models.NewHashLimit(1, time.Hour)
	setHashLimit(t, l)
	release := mustAcquire(t, l)
	done := make(chan error, 1)
	go func() {
		ok, err := models.CheckPassword(context.Background(), hash, "Test-pass1")
		if err == nil && !ok {
			err = errors.New("the right password did not match")
		}
		done <- err
	}()
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The wait for a slot ends with the caller's context.
func TestHashLimitContext(t *testing.T) {
	hash := MustHash(t, "Test-pass1")
	l := models.NewHashLimit(1, time.Hour)
	setHashLimit(t, l)
	defer mustAcquire(t, l)()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := models.CheckPassword(ctx, hash, "Test-pass1"); ok || !isBusy(err) {
		t.Errorf("CheckPassword after the context ended = %v, %v; want a busy limit error", ok, err)
	}
}

// A busy HashLimit answers a known and an unknown login alike, and not as a wrong
// password, so that the login is not counted as a failure.
func TestAuthenticateBusy(t *testing.T) {
	dbtest.EachSerial(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if _, err := models.CreateAccount(ctx, db, dbtest.FastPasswords, "alice", rights.Admin, "Test-pass1"); err != nil {
			t.Fatal(err)
		}
		l := models.NewHashLimit(1, 0)
		setHashLimit(t, l)
		release := mustAcquire(t, l)
		for _, login := range []string{"alice", "ghost"} {
			if a, err := models.Authenticate(ctx, db, login, "Test-pass1"); a != nil || !isBusy(err) {
				t.Errorf("Authenticate(%s) with every slot taken = %v, %v; want a busy limit error", login, a, err)
			}
		}
		release()
		if _, err := models.Authenticate(ctx, db, "alice", "Test-pass1"); err != nil {
			t.Errorf("Authenticate with a slot free: %v", err)
		}
	})
}

// BenchmarkPassword is what one login costs: one check of a stored hash, at the
// default parameters and at others for comparison. B/op is the memory the check holds
// while it runs, the Memory parameter.
func BenchmarkPassword(b *testing.B) {
	for _, p := range []models.PasswordParams{
		models.DefaultPasswordParams,
		{Memory: 64 * 1024, Time: 3, Threads: 2}, // the default before
		{Memory: 64 * 1024, Time: 3, Threads: 4}, // RFC 9106's second recommendation
	} {
		b.Run(fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads), func(b *testing.B) {
			ctx := context.Background()
			hash, err := models.HashPassword(ctx, p, "Test-pass1")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := models.CheckPassword(ctx, hash, "Test-pass1"); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
