package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// UserSession is one signed-in session of a user, as the Account page lists
// it. Its ID is kept inside the session's data; once the row is deleted the
// session is signed out.
type UserSession struct {
	ID         string
	UserID     int64
	UserAgent  string
	Address    string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// sessionSeenEvery is how stale last_seen_at may get before a request
// writes it again.
const sessionSeenEvery = time.Minute

// CreateUserSession records a new signed-in session.
func (db *DB) CreateUserSession(ctx context.Context, s UserSession) error {
	now := formatTime(s.CreatedAt)
	_, err := db.W.ExecContext(ctx, `INSERT INTO user_sessions (id, user_id, user_agent, address, created_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.ID, s.UserID, truncate(s.UserAgent, 512), s.Address, now, now)
	if err != nil {
		return fmt.Errorf("store: create session of user %d: %w", s.UserID, translate(err))
	}
	return nil
}

// UserSessionByID returns one session, or ErrNotFound once it was signed out.
func (db *DB) UserSessionByID(ctx context.Context, id string) (UserSession, error) {
	s, err := scanUserSession(db.R.QueryRowContext(ctx, "SELECT "+userSessionColumns+" FROM user_sessions WHERE id = ?", id))
	if err != nil {
		return UserSession{}, fmt.Errorf("store: session: %w", err)
	}
	return s, nil
}

// TouchUserSession moves a session's last-seen time on, writing only when
// the stored one is more than a minute old.
func (db *DB) TouchUserSession(ctx context.Context, s UserSession, now time.Time) error {
	if now.Sub(s.LastSeenAt) < sessionSeenEvery {
		return nil
	}
	_, err := db.W.ExecContext(ctx, "UPDATE user_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
		formatTime(now), s.ID, formatTime(now.Add(-sessionSeenEvery)))
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// UserSessions lists a user's sessions, the most recently seen first.
func (db *DB) UserSessions(ctx context.Context, userID int64) ([]UserSession, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+userSessionColumns+
		" FROM user_sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []UserSession
	for rows.Next() {
		s, err := scanUserSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteUserSession signs out one of a user's sessions. ErrNotFound: no
// such session of that user.
func (db *DB) DeleteUserSession(ctx context.Context, userID int64, id string) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM user_sessions WHERE id = ? AND user_id = ?", id, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete session of user %d: %w", userID, err)
	}
	return nil
}

// DeleteUserSessionsExcept signs out every session of a user but keep
// ("" signs out all of them) and returns how many ended.
func (db *DB) DeleteUserSessionsExcept(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := db.W.ExecContext(ctx, "DELETE FROM user_sessions WHERE user_id = ? AND id <> ?", userID, keep)
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}

// DeleteStaleUserSessions drops the rows of sessions that have expired:
// idle since idleBefore or started before startedBefore.
func (db *DB) DeleteStaleUserSessions(ctx context.Context, idleBefore, startedBefore time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, "DELETE FROM user_sessions WHERE last_seen_at < ? OR created_at < ?",
		formatTime(idleBefore), formatTime(startedBefore))
	if err != nil {
		return 0, fmt.Errorf("store: delete stale sessions: %w", err)
	}
	return res.RowsAffected()
}

const userSessionColumns = "id, user_id, user_agent, address, created_at, last_seen_at"

func scanUserSession(s scanner) (UserSession, error) {
	var u UserSession
	var created, seen string
	err := s.Scan(&u.ID, &u.UserID, &u.UserAgent, &u.Address, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return UserSession{}, ErrNotFound
	}
	if err != nil {
		return UserSession{}, err
	}
	if u.CreatedAt, err = parseTime(created); err != nil {
		return UserSession{}, err
	}
	if u.LastSeenAt, err = parseTime(seen); err != nil {
		return UserSession{}, err
	}
	return u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
