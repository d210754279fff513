package loadrun

import (
	"os"
	"strings"
	"testing"
)

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.8.9.1": true,
		"192.0.2.1": false, "example.com": false, "": false} {
		if got := Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestMemory reads this test's own process.
func TestMemory(t *testing.T) {
	now, peak, err := Memory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if !strings.HasSuffix(now, " MiB") || !strings.HasSuffix(peak, " MiB") {
		t.Errorf("Memory = %q, %q; want MiB", now, peak)
	}
	if _, _, err := Memory(-1); err == nil {
		t.Error("a process that cannot exist has a memory")
	}
}
