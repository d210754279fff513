package session

import "net/http"

// OpenerCookieName is the cookie in which a browser that acts as another account
// keeps its own session, to return to when the su session ends.
const OpenerCookieName = CookieName + "_opener"

// WriteOpenerCookie keeps the browser's own session while it acts as another
// account.
func WriteOpenerCookie(w http.ResponseWriter, token string, secure bool) {
	setCookie(w, OpenerCookieName, token, 0, secure, http.SameSiteStrictMode)
}

// ClearOpenerCookie forgets the session a browser returns to.
func ClearOpenerCookie(w http.ResponseWriter, secure bool) {
	setCookie(w, OpenerCookieName, "", -1, secure, http.SameSiteStrictMode)
}

// OpenerToken is the session a browser returns to from acting as another account,
// or "".
func OpenerToken(r *http.Request) string {
	c, err := r.Cookie(OpenerCookieName)
	if err != nil {
		return ""
	}
	return c.Value
}
