package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// IsTransient reports whether err is a failure of the storage rather than
// of the data: the disk is full, the database is busy or locked, an I/O
// error, memory ran out, the file could not be opened. Work that failed
// this way succeeds when it is tried again later, unchanged; anything else
// (a constraint, a malformed statement) would fail the same way again.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrNomem,
			sqlite3.ErrCantOpen, sqlite3.ErrProtocol, sqlite3.ErrReadonly, sqlite3.ErrInterrupt:
			return true
		}
		return false
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO)
}
