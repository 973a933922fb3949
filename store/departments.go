package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Department is a team that receives conversations, e.g. "Sales".
type Department struct {
	ID          int64
	Name        string
	CreatedAt   time.Time
	MemberCount int
}

// CreateDepartment adds a department; ErrConflict when the name is taken.
func (db *DB) CreateDepartment(ctx context.Context, name string) (Department, error) {
	now := time.Now().UTC()
	res, err := db.W.ExecContext(ctx, "INSERT INTO departments (name, created_at) VALUES (?, ?)",
		strings.TrimSpace(name), formatTime(now))
	if err != nil {
		return Department{}, fmt.Errorf("store: create department: %w", translate(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Department{}, fmt.Errorf("store: create department: %w", err)
	}
	return Department{ID: id, Name: strings.TrimSpace(name), CreatedAt: now}, nil
}

// RenameDepartment changes a department's name.
func (db *DB) RenameDepartment(ctx context.Context, id int64, name string) error {
	res, err := db.W.ExecContext(ctx, "UPDATE departments SET name = ? WHERE id = ?", strings.TrimSpace(name), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: rename department %d: %w", id, translate(err))
	}
	return nil
}

// DeleteDepartment removes a department; its members simply lose it.
func (db *DB) DeleteDepartment(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM departments WHERE id = ?", id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete department %d: %w", id, translate(err))
	}
	return nil
}

// DepartmentByID returns one department.
func (db *DB) DepartmentByID(ctx context.Context, id int64) (Department, error) {
	var d Department
	var created string
	err := db.R.QueryRowContext(ctx, `SELECT d.id, d.name, d.created_at,
		(SELECT COUNT(*) FROM user_departments ud WHERE ud.department_id = d.id)
		FROM departments d WHERE d.id = ?`, id).Scan(&d.ID, &d.Name, &created, &d.MemberCount)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		d.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return Department{}, fmt.Errorf("store: department %d: %w", id, err)
	}
	return d, nil
}

// ListDepartments returns all departments by name, with member counts.
func (db *DB) ListDepartments(ctx context.Context) ([]Department, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT d.id, d.name, d.created_at, COUNT(ud.user_id)
		FROM departments d LEFT JOIN user_departments ud ON ud.department_id = d.id
		GROUP BY d.id ORDER BY d.name COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("store: list departments: %w", err)
	}
	defer rows.Close()
	var ds []Department
	for rows.Next() {
		var d Department
		var created string
		if err := rows.Scan(&d.ID, &d.Name, &created, &d.MemberCount); err != nil {
			return nil, fmt.Errorf("store: list departments: %w", err)
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("store: list departments: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list departments: %w", err)
	}
	return ds, nil
}

func setUserDepartments(ctx context.Context, tx *sql.Tx, userID int64, deptIDs []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_departments WHERE user_id = ?", userID); err != nil {
		return err
	}
	for _, d := range deptIDs {
		if _, err := tx.ExecContext(ctx,
			"INSERT OR IGNORE INTO user_departments (user_id, department_id) VALUES (?, ?)", userID, d); err != nil {
			return translate(err)
		}
	}
	return nil
}

func userDepartmentIDs(ctx context.Context, q queryer, userID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT department_id FROM user_departments WHERE user_id = ? ORDER BY department_id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func allUserDepartments(ctx context.Context, q queryer) (map[int64][]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT user_id, department_id FROM user_departments ORDER BY user_id, department_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64][]int64{}
	for rows.Next() {
		var u, d int64
		if err := rows.Scan(&u, &d); err != nil {
			return nil, err
		}
		m[u] = append(m[u], d)
	}
	return m, rows.Err()
}
