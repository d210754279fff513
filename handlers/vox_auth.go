package handlers

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"staffmgr/models"
	"staffmgr/models/errs"
)

// A Voximplant call proves who it is in one of two ways: a JWT signed with the
// private key of a voximplant_key (Authorization: Bearer), or the account_id and
// api_key parameters of a voximplant_api_key. Either way the key acts as its
// account, with that account's rights and the key's role, while the key's creator
// still dominates the account (keyCaller).

// jwtMaxLife is how far ahead a token's exp may be; jwtSkew is how far the
// caller's clock may be off.
const (
	jwtMaxLife = time.Hour
	jwtSkew    = time.Minute
)

// voxAuthenticate finds the caller's key and makes its account the caller.
func (a *App) voxAuthenticate(c *Ctx) (*models.APIKey, error) {
	var k *models.APIKey
	var err error
	if h := c.Request().Header.Get("Authorization"); h != "" {
		token, bearer := strings.CutPrefix(h, "Bearer ")
		if !bearer {
			return nil, voxAuthError("The Authorization header must be Bearer followed by a JWT")
		}
		k, err = a.verifyJWT(c, strings.TrimSpace(token), time.Now())
	} else {
		k, err = a.voxAPIKey(c)
	}
	if err != nil {
		return nil, err
	}
	if err := a.keyCaller(c, k); err != nil {
		return nil, err
	}
	return k, nil
}

// voxAPIKey finds the voximplant_api_key that the account_id and api_key
// parameters name.
func (a *App) voxAPIKey(c *Ctx) (*models.APIKey, error) {
	account, secret := c.Params.Get("account_id"), c.Params.Get("api_key")
	if account == "" && secret == "" {
		return nil, voxAuthError("Authenticate with Authorization: Bearer and a JWT signed with a service account key, or with account_id and api_key")
	}
	if account == "" || secret == "" {
		return nil, voxAuthError("account_id and api_key go together")
	}
	k, err := models.FindAPIKeyBySecret(c, a.db, models.VoxAPIKey, secret)
	if errors.Is(err, errs.Missed) || err == nil && strconv.FormatInt(k.AccountID, 10) != account {
		return nil, voxAuthError("Invalid account_id or api_key, or the key is revoked")
	}
	return k, err
}

// verifyJWT checks a token signed RS256 by a voximplant_key: header kid is the
// key's id, claim iss its account, iat and exp (at most an hour ahead) the times,
// with a minute of skew either way. Any failure is an authentication error.
func (a *App) verifyJWT(c *Ctx, token string, now time.Time) (*models.APIKey, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, voxAuthError("The bearer token is not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid any    `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, voxAuthError("The JWT header cannot be read")
	}
	if header.Alg != "RS256" {
		return nil, voxAuthError("The JWT must be signed with RS256")
	}
	kid := claimText(header.Kid)
	k, err := models.FindAPIKey(c, a.db, kid)
	if errors.Is(err, errs.Missed) || errors.Is(err, errs.Value) || err == nil && k.Type != models.VoxKey {
		return nil, voxAuthError("The JWT names an unknown or revoked key (kid)")
	}
	if err != nil {
		return nil, err
	}
	pub, err := k.RSAPublicKey()
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) != nil {
		return nil, voxAuthError("The JWT signature is invalid")
	}
	var claims struct {
		Iss any `json:"iss"`
		Iat any `json:"iat"`
		Exp any `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, voxAuthError("The JWT claims cannot be read")
	}
	if claimText(claims.Iss) != strconv.FormatInt(k.AccountID, 10) {
		return nil, voxAuthError("The JWT's iss is not the account of its key")
	}
	iat, okIat := claimTime(claims.Iat)
	exp, okExp := claimTime(claims.Exp)
	switch {
	case !okIat || !okExp:
		return nil, voxAuthError("The JWT needs iat and exp, in seconds since 1970")
	case exp.Before(now.Add(-jwtSkew)):
		return nil, voxAuthError("The JWT has expired")
	case iat.After(now.Add(jwtSkew)):
		return nil, voxAuthError("The JWT is issued in the future (iat)")
	case exp.After(now.Add(jwtMaxLife + jwtSkew)):
		return nil, voxAuthError("The JWT's exp is more than an hour ahead")
	}
	return k, nil
}

// decodeSegment reads a base64url segment of a JWT as a JSON object.
func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// claimText is a claim that may be a string or a number, as text.
func claimText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	}
	return ""
}

// claimTime reads a NumericDate claim.
func claimTime(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}
