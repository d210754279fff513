package models

import (
	"context"
	"strings"
	"testing"
)

// TestUnknownLoginCost: an unknown login is checked against a hash with the
// parameters new hashes get, so it costs what a wrong password costs.
func TestUnknownLoginCost(t *testing.T) {
	old := dummyHash.Load()
	t.Cleanup(func() { dummyHash.Store(old) })
	if err := SetUnknownLoginCost(context.Background(), PasswordParams{Memory: 2048, Time: 1, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	if h := *dummyHash.Load(); !strings.Contains(h, "$m=2048,t=1,p=1$") {
		t.Errorf("the stand-in hash is %s", h)
	}
}
