package models

import (
	"context"
	"net"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// pingAfter is how long a connection may sit idle before it is pinged on checkout,
// pgx's own default: a session that died without a word (a cable pulled, a
// firewall forgetting it) is found only by a round trip.
const pingAfter = time.Second

// shouldPing decides, each time the pool hands out a PostgreSQL connection again,
// whether pgx must ping it first. A failed ping makes database/sql discard the
// connection and take another, or open a new one, instead of failing the request.
//
// The server sends nothing unasked to an idle session but its end: when it
// terminates a backend or shuts down it writes an error and closes the socket. A
// look at the socket without reading (closed reports it) finds those at no cost,
// however short the idle time; without it, every connection the server had closed
// would fail the one request that next used it.
func shouldPing(ctx context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > pingAfter {
		return true
	}
	pg := p.Conn.PgConn()
	// Reading the socket directly is safe only when pgx holds no buffered bytes and
	// runs no background read on it; SyncConn waits for that (pinging if needed).
	if err := pg.SyncConn(ctx); err != nil {
		return true
	}
	return closed(pg.Conn())
}

// netConn unwraps a TLS connection to its socket: any bytes waiting there, even
// encrypted, are just as unexpected on an idle session.
func netConn(c net.Conn) net.Conn {
	if t, ok := c.(interface{ NetConn() net.Conn }); ok {
		return t.NetConn()
	}
	return c
}
