package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Roles a user can have.
const (
	RoleAdmin = "admin"
	RoleAgent = "agent"
)

// User is a person who signs in to wadesk.
type User struct {
	ID            int64
	Email         string
	Name          string
	Role          string
	PasswordHash  string
	SessionEpoch  int64
	DisabledAt    *time.Time
	LastLoginAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DepartmentIDs []int64
}

// Disabled reports whether the account may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// NewUser holds what is needed to create a user.
type NewUser struct {
	Email         string
	Name          string
	Role          string
	PasswordHash  string
	DepartmentIDs []int64
}

const userColumns = `id, email, name, role, password_hash, session_epoch,
	disabled_at, last_login_at, created_at, updated_at`

// CreateUser adds a user. It returns ErrConflict when the email is taken.
func (db *DB) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	var u User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = createUser(ctx, tx, nu)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// ErrSetupDone is returned by CreateFirstAdmin when a user already exists.
var ErrSetupDone = errors.New("the first administrator has already been created")

// CreateFirstAdmin creates the first user, as an admin, only if there is no
// user yet. The check and the insert share one write transaction, so two
// browsers racing through the setup page cannot both win.
func (db *DB) CreateFirstAdmin(ctx context.Context, nu NewUser) (User, error) {
	nu.Role = RoleAdmin
	var u User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrSetupDone
		}
		var err error
		u, err = createUser(ctx, tx, nu)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create first admin: %w", err)
	}
	return u, nil
}

func createUser(ctx context.Context, tx *sql.Tx, nu NewUser) (User, error) {
	now := time.Now().UTC()
	res, err := tx.ExecContext(ctx, `INSERT INTO users
		(email, name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		strings.TrimSpace(nu.Email), strings.TrimSpace(nu.Name), nu.Role, nu.PasswordHash,
		formatTime(now), formatTime(now))
	if err != nil {
		return User{}, translate(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return User{}, err
	}
	if err := setUserDepartments(ctx, tx, id, nu.DepartmentIDs); err != nil {
		return User{}, err
	}
	return userByID(ctx, tx, id)
}

// HasUsers reports whether any user exists (false only before first-run setup).
func (db *DB) HasUsers(ctx context.Context) (bool, error) {
	var exists bool
	if err := db.R.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users)").Scan(&exists); err != nil {
		return false, fmt.Errorf("store: has users: %w", err)
	}
	return exists, nil
}

// UserByID returns one user with its departments.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := userByID(ctx, db.R, id)
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with this email, compared case-insensitively.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	row := db.R.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", strings.TrimSpace(email))
	u, err := scanUser(row)
	if err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", err)
	}
	if u.DepartmentIDs, err = userDepartmentIDs(ctx, db.R, u.ID); err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// ListUsers returns every user, admins first, then by name.
func (db *DB) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+userColumns+
		" FROM users ORDER BY role = 'agent', name COLLATE NOCASE, id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	members, err := allUserDepartments(ctx, db.R)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	for i := range users {
		users[i].DepartmentIDs = members[users[i].ID]
	}
	return users, nil
}

// UserUpdate holds the editable fields of a user.
type UserUpdate struct {
	Name          string
	Role          string
	DepartmentIDs []int64
}

// UpdateUser changes a user's name, role and departments.
func (db *DB) UpdateUser(ctx context.Context, id int64, up UserUpdate) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET name = ?, role = ?, updated_at = ? WHERE id = ?",
			strings.TrimSpace(up.Name), up.Role, formatTime(time.Now()), id)
		if err != nil {
			return translate(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return setUserDepartments(ctx, tx, id, up.DepartmentIDs)
	})
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", id, err)
	}
	return nil
}

// SetUserDisabled disables or re-enables an account. Disabling bumps the
// session epoch, which voids every session the user has.
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	now := formatTime(time.Now())
	var res sql.Result
	var err error
	if disabled {
		err = db.tx(ctx, func(tx *sql.Tx) error {
			var err error
			res, err = tx.ExecContext(ctx, `UPDATE users SET disabled_at = COALESCE(disabled_at, ?),
				session_epoch = session_epoch + 1, updated_at = ? WHERE id = ?`, now, now, id)
			if err == nil {
				_, err = tx.ExecContext(ctx, "DELETE FROM user_sessions WHERE user_id = ?", id)
			}
			return err
		})
	} else {
		res, err = db.W.ExecContext(ctx, "UPDATE users SET disabled_at = NULL, updated_at = ? WHERE id = ?", now, id)
	}
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: set user %d disabled=%t: %w", id, disabled, err)
	}
	return nil
}

// SetPasswordHash replaces a user's password hash and voids their sessions
// (the caller may start a new one for the user who changed it).
func (db *DB) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?,
			session_epoch = session_epoch + 1, updated_at = ? WHERE id = ?`, hash, formatTime(time.Now()), id)
		if err == nil {
			err = mustAffect(res)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, "DELETE FROM user_sessions WHERE user_id = ?", id)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", id, err)
	}
	return nil
}

// RecordLogin notes a successful sign-in.
func (db *DB) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.W.ExecContext(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", formatTime(at), id); err != nil {
		return fmt.Errorf("store: record login of user %d: %w", id, err)
	}
	return nil
}

// CountActiveAdmins counts admins who are not disabled; the last one may not
// be disabled or demoted.
func (db *DB) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count admins: %w", err)
	}
	return n, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type scanner interface{ Scan(dest ...any) error }

func userByID(ctx context.Context, q queryer, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return User{}, err
	}
	if u.DepartmentIDs, err = userDepartmentIDs(ctx, q, id); err != nil {
		return User{}, err
	}
	return u, nil
}

func scanUser(s scanner) (User, error) {
	var u User
	var disabled, lastLogin sql.NullString
	var created, updated string
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.SessionEpoch,
		&disabled, &lastLogin, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	if u.CreatedAt, err = parseTime(created); err != nil {
		return User{}, err
	}
	if u.UpdatedAt, err = parseTime(updated); err != nil {
		return User{}, err
	}
	if u.DisabledAt, err = parseNullTime(disabled); err != nil {
		return User{}, err
	}
	if u.LastLoginAt, err = parseNullTime(lastLogin); err != nil {
		return User{}, err
	}
	return u, nil
}

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// translate turns SQLite constraint errors into the package's sentinels.
func translate(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: %v", ErrConflict, err)
		case sqlite3.ErrConstraintForeignKey:
			return fmt.Errorf("%w: a referenced record does not exist", ErrNotFound)
		}
	}
	return err
}

func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
