package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Order statuses: new → link_sent (a payment link went out) → paid (the
// agent saw the payment); new or link_sent → cancelled.
const (
	OrderNew       = "new"
	OrderLinkSent  = "link_sent"
	OrderPaid      = "paid"
	OrderCancelled = "cancelled"
)

// OrderStatuses lists the statuses in their natural order.
var OrderStatuses = []string{OrderNew, OrderLinkSent, OrderPaid, OrderCancelled}

// ErrOrderState means the order's status does not allow the change (it is
// already paid or cancelled, for instance).
var ErrOrderState = errors.New("the order's status does not allow this")

// OrderMessage is a customer's order message not yet made into an order.
type OrderMessage struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	// Payload is the provider's JSON of the message.
	Payload string
	// At is WhatsApp's timestamp of the message.
	At time.Time
}

// OrderItem is one product line of an order.
type OrderItem struct {
	RetailerID    string
	Quantity      int
	UnitPrice1000 int64
	Currency      string
}

// NewOrder is an order read from an order message.
type NewOrder struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	CatalogID      string
	Note           string
	// Currency is "" when the items are in several currencies.
	Currency  string
	Total1000 int64
	// Problem says, in plain words, what could not be read; "" if nothing.
	Problem   string
	OrderedAt time.Time
	Items     []OrderItem
}

// Order is an order as the inbox and the orders page show it.
type Order struct {
	ID             int64
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	ChannelTitle   string
	ContactName    string
	ContactPhone   string
	CatalogID      string
	Note           string
	Currency       string
	Total1000      int64
	Problem        string
	Status         string
	PaymentLink    string
	// StatusAt is when the status last changed (nil: still new).
	StatusAt  *time.Time
	OrderedAt time.Time
	Items     []OrderItem
}

// OrderCursor is a position in the orders list (newest first).
type OrderCursor struct {
	OrderedAt time.Time
	ID        int64
}

// String is the cursor's form in a URL.
func (c OrderCursor) String() string { return formatCursor(c.OrderedAt, c.ID) }

// ParseOrderCursor reads a cursor made by String.
func ParseOrderCursor(s string) (OrderCursor, error) {
	at, id, err := parseCursor(s, "order")
	return OrderCursor{OrderedAt: at, ID: id}, err
}

// OrderFilter selects orders for the orders page.
type OrderFilter struct {
	// Status is one of OrderStatuses; "" means every status.
	Status string
	After  *OrderCursor
	// Limit is the page size (default 50, at most 200).
	Limit int
}

func scanOrderMessages(rows *sql.Rows) ([]OrderMessage, error) {
	defer rows.Close()
	var out []OrderMessage
	for rows.Next() {
		var m OrderMessage
		var ts string
		if err := rows.Scan(&m.MessageID, &m.ConversationID, &m.ChannelID, &m.Payload, &ts); err != nil {
			return nil, err
		}
		var err error
		if m.At, err = parseTime(ts); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// UnreadOrderMessages returns the order messages of a conversation that
// have no order yet.
func (db *DB) UnreadOrderMessages(ctx context.Context, conversationID int64) ([]OrderMessage, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT m.id, m.conversation_id, c.channel_id, m.payload, m.wa_timestamp
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.conversation_id = ? AND m.type = 'order' AND m.direction = 'in'
			AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.message_id = m.id)
		ORDER BY m.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: order messages of conversation %d: %w", conversationID, err)
	}
	out, err := scanOrderMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: order messages of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// ScanOrderMessages returns up to limit order messages newer than the
// orders page's last scan, oldest first, whether or not a conversation
// view made them into orders already.
func (db *DB) ScanOrderMessages(ctx context.Context, limit int) ([]OrderMessage, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.R.QueryContext(ctx, `SELECT m.id, m.conversation_id, c.channel_id, m.payload, m.wa_timestamp
		FROM messages m INDEXED BY messages_orders JOIN conversations c ON c.id = m.conversation_id
		WHERE m.type = 'order' AND m.id > COALESCE((SELECT last_message_id FROM order_scan WHERE id = 1), 0)
			AND m.direction = 'in'
		ORDER BY m.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: scan order messages: %w", err)
	}
	out, err := scanOrderMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: scan order messages: %w", err)
	}
	return out, nil
}

// SaveOrders stores orders read from order messages. It is idempotent:
// an order whose message already has one is skipped, so concurrent or
// repeated derivations agree. scannedTo > 0 records that every order
// message up to that message ID has been read (see ScanOrderMessages). It
// returns how many orders were new.
func (db *DB) SaveOrders(ctx context.Context, orders []NewOrder, scannedTo int64) (int, error) {
	added := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		added = 0
		now := formatTime(time.Now())
		for _, o := range orders {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO orders (message_id, conversation_id, channel_id, catalog_id, note,
				currency, total_1000, problem, ordered_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (message_id) DO NOTHING RETURNING id`,
				o.MessageID, o.ConversationID, o.ChannelID, o.CatalogID, o.Note, o.Currency, o.Total1000, o.Problem,
				formatTime(o.OrderedAt), now, now).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // derived already
			}
			if err != nil {
				return fmt.Errorf("order of message %d: %w", o.MessageID, err)
			}
			added++
			for i, it := range o.Items {
				if _, err := tx.ExecContext(ctx, `INSERT INTO order_items (order_id, position, retailer_id, quantity,
					unit_price_1000, currency) VALUES (?, ?, ?, ?, ?, ?)`,
					id, i, it.RetailerID, it.Quantity, it.UnitPrice1000, it.Currency); err != nil {
					return fmt.Errorf("order of message %d, item %d: %w", o.MessageID, i+1, err)
				}
			}
		}
		if scannedTo > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_scan (id, last_message_id) VALUES (1, ?)
				ON CONFLICT (id) DO UPDATE SET last_message_id = MAX(last_message_id, excluded.last_message_id)`, scannedTo); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: save %d orders: %w", len(orders), err)
	}
	return added, nil
}

const orderColumns = `o.id, o.message_id, o.conversation_id, o.channel_id, ch.title, ct.name, ct.phone, o.catalog_id, o.note,
	o.currency, o.total_1000, o.problem, o.status, o.payment_link, COALESCE(o.status_at, ''), o.ordered_at`

const orderFrom = ` FROM orders o JOIN channels ch ON ch.id = o.channel_id JOIN conversations c ON c.id = o.conversation_id
	JOIN contacts ct ON ct.id = c.contact_id`

func scanOrder(s scanner) (Order, error) {
	var o Order
	var statusAt, ordered string
	if err := s.Scan(&o.ID, &o.MessageID, &o.ConversationID, &o.ChannelID, &o.ChannelTitle, &o.ContactName, &o.ContactPhone,
		&o.CatalogID, &o.Note, &o.Currency, &o.Total1000, &o.Problem, &o.Status, &o.PaymentLink, &statusAt, &ordered); err != nil {
		return Order{}, err
	}
	var err error
	if o.OrderedAt, err = parseTime(ordered); err != nil {
		return Order{}, err
	}
	if statusAt != "" {
		t, err := parseTime(statusAt)
		if err != nil {
			return Order{}, err
		}
		o.StatusAt = &t
	}
	return o, nil
}

// queryOrders reads orders and their items.
func (db *DB) queryOrders(ctx context.Context, query string, args ...any) ([]Order, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	index := map[int64]int{}
	args = args[:0]
	for i, o := range out {
		index[o.ID] = i
		args = append(args, o.ID)
	}
	rows, err = db.R.QueryContext(ctx, `SELECT order_id, retailer_id, quantity, unit_price_1000, currency FROM order_items
		WHERE order_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")+`) ORDER BY order_id, position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it OrderItem
		if err := rows.Scan(&id, &it.RetailerID, &it.Quantity, &it.UnitPrice1000, &it.Currency); err != nil {
			return nil, err
		}
		o := &out[index[id]]
		o.Items = append(o.Items, it)
	}
	return out, rows.Err()
}

// ListOrders returns a page of orders of every channel, newest first, and
// the cursor of the next page (nil on the last page).
func (db *DB) ListOrders(ctx context.Context, f OrderFilter) ([]Order, *OrderCursor, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	where := "1 = 1"
	var args []any
	if f.Status != "" {
		if !knownOrderStatus(f.Status) {
			return nil, nil, fmt.Errorf("store: list orders: unknown status %q", f.Status)
		}
		where += " AND o.status = ?"
		args = append(args, f.Status)
	}
	if f.After != nil {
		where += " AND (o.ordered_at, o.id) < (?, ?)"
		args = append(args, formatTime(f.After.OrderedAt), f.After.ID)
	}
	args = append(args, f.Limit+1)
	out, err := db.queryOrders(ctx, `SELECT `+orderColumns+orderFrom+` WHERE `+where+
		` ORDER BY o.ordered_at DESC, o.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list orders: %w", err)
	}
	var next *OrderCursor
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = &OrderCursor{OrderedAt: last.OrderedAt, ID: last.ID}
	}
	return out, next, nil
}

// ConversationOrders returns a conversation's orders, oldest first.
func (db *DB) ConversationOrders(ctx context.Context, conversationID int64) ([]Order, error) {
	out, err := db.queryOrders(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.conversation_id = ? ORDER BY o.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: orders of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// ConversationOrder returns one order of a conversation; ErrNotFound when
// the conversation has no such order.
func (db *DB) ConversationOrder(ctx context.Context, conversationID, orderID int64) (Order, error) {
	out, err := db.queryOrders(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.conversation_id = ? AND o.id = ?`,
		conversationID, orderID)
	if err == nil && len(out) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Order{}, fmt.Errorf("store: order %d of conversation %d: %w", orderID, conversationID, err)
	}
	return out[0], nil
}

// SetOrderStatus changes an order's status to to, provided it is now one
// of from; ErrOrderState otherwise, ErrNotFound for an unknown order.
func (db *DB) SetOrderStatus(ctx context.Context, orderID int64, from []string, to string, userID int64) error {
	if !knownOrderStatus(to) {
		return fmt.Errorf("store: set order %d status: unknown status %q", orderID, to)
	}
	err := db.changeOrder(ctx, orderID, from, func(tx *sql.Tx, now string) error {
		_, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, status_by = ?, status_at = ?, updated_at = ? WHERE id = ?`,
			to, nullID(userID), now, now, orderID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set order %d status to %s: %w", orderID, to, err)
	}
	return nil
}

// RecordPaymentLink notes that a payment link went out for an order in
// messageID: the order becomes link_sent. The order must be new or
// link_sent already (a link sent again).
func (db *DB) RecordPaymentLink(ctx context.Context, orderID int64, link string, messageID, userID int64) error {
	err := db.changeOrder(ctx, orderID, []string{OrderNew, OrderLinkSent}, func(tx *sql.Tx, now string) error {
		_, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'link_sent', payment_link = ?, link_message_id = ?,
			status_by = ?, status_at = ?, updated_at = ? WHERE id = ?`, link, messageID, nullID(userID), now, now, orderID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record payment link of order %d: %w", orderID, err)
	}
	return nil
}

// changeOrder runs change on an order whose status is one of from.
func (db *DB) changeOrder(ctx context.Context, orderID int64, from []string, change func(*sql.Tx, string) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, "SELECT status FROM orders WHERE id = ?", orderID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		allowed := false
		for _, f := range from {
			allowed = allowed || f == status
		}
		if !allowed {
			return fmt.Errorf("%w: it is %s", ErrOrderState, status)
		}
		return change(tx, formatTime(time.Now()))
	})
}

// CountOrdersByStatus counts the orders of every channel by status.
func (db *DB) CountOrdersByStatus(ctx context.Context) (map[string]int, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT status, COUNT(*) FROM orders GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: count orders: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: count orders: %w", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count orders: %w", err)
	}
	return out, nil
}

func knownOrderStatus(s string) bool {
	for _, v := range OrderStatuses {
		if v == s {
			return true
		}
	}
	return false
}
