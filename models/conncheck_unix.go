//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package models

import (
	"errors"
	"net"
	"syscall"
)

// closed reports whether an idle connection's socket has bytes to read or has
// reached its end, looking with MSG_PEEK so that nothing is taken from pgx. The
// runtime keeps sockets non-blocking, so the look never waits.
func closed(c net.Conn) bool {
	sc, ok := netConn(c).(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var bad bool
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK)
		bad = n > 0 || err == nil || !(errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK))
		return true
	})
	return err != nil || bad
}
