// Package loadrun holds what the load-run commands (staffbench, loginflood) share:
// they talk only to a server on this machine, and report its memory from /proc.
package loadrun

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// Loopback reports whether host names this machine: localhost or a loopback address.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Memory returns the resident memory of process pid now and at its peak (VmRSS and
// VmHWM), in MiB, from /proc.
func Memory(pid int) (now, peak string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			now = mib(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = mib(strings.TrimSpace(v))
		}
	}
	return now, peak, nil
}

// mib turns "123456 kB" into "121 MiB"; anything else is left as it is.
func mib(s string) string {
	n, err := strconv.ParseInt(strings.TrimSuffix(s, " kB"), 10, 64)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/1024)
}
