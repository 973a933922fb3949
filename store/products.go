package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Product is one item of a channel's product list.
type Product struct {
	ID        int64
	ChannelID int64
	ProductRecord
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProductRecord is a product's fields as a form or a CSV line gives them.
type ProductRecord struct {
	// RetailerID is the product's ID in the Meta catalog; unique per channel.
	RetailerID string
	Name       string
	// Price1000 is the price times 1000 in Currency.
	Price1000 int64
	Currency  string
	ImageURL  string
	InStock   bool
}

// ProductImport counts what an import changed.
type ProductImport struct {
	Added   int
	Updated int
}

const productColumns = `id, channel_id, retailer_id, name, price_1000, currency, image_url, in_stock, created_at, updated_at`

func scanProduct(s scanner) (Product, error) {
	var p Product
	var created, updated string
	if err := s.Scan(&p.ID, &p.ChannelID, &p.RetailerID, &p.Name, &p.Price1000, &p.Currency, &p.ImageURL, &p.InStock,
		&created, &updated); err != nil {
		return Product{}, err
	}
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return Product{}, err
	}
	if p.UpdatedAt, err = parseTime(updated); err != nil {
		return Product{}, err
	}
	return p, nil
}

func queryProducts(ctx context.Context, q queryer, query string, args ...any) ([]Product, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ListProducts returns up to limit products of a channel by name (limit
// <= 0: all), and how many the channel has in all.
func (db *DB) ListProducts(ctx context.Context, channelID int64, limit int) ([]Product, int, error) {
	var total int
	if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE channel_id = ?", channelID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: products of channel %d: %w", channelID, err)
	}
	if limit <= 0 {
		limit = -1
	}
	ps, err := queryProducts(ctx, db.R, `SELECT `+productColumns+` FROM products WHERE channel_id = ?
		ORDER BY name COLLATE NOCASE, id LIMIT ?`, channelID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: products of channel %d: %w", channelID, err)
	}
	return ps, total, nil
}

// InStockProducts returns up to limit products of a channel that are in
// stock, by name: the ones product messages may offer.
func (db *DB) InStockProducts(ctx context.Context, channelID int64, limit int) ([]Product, error) {
	if limit <= 0 {
		limit = -1
	}
	ps, err := queryProducts(ctx, db.R, `SELECT `+productColumns+` FROM products WHERE channel_id = ? AND in_stock = 1
		ORDER BY name COLLATE NOCASE, id LIMIT ?`, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: products in stock of channel %d: %w", channelID, err)
	}
	return ps, nil
}

// ProductByID returns one product of a channel.
func (db *DB) ProductByID(ctx context.Context, channelID, id int64) (Product, error) {
	p, err := scanProduct(db.R.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products WHERE channel_id = ? AND id = ?`,
		channelID, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Product{}, fmt.Errorf("store: product %d of channel %d: %w", id, channelID, err)
	}
	return p, nil
}

// ProductsByRetailerID returns the channel's products with these retailer
// IDs, keyed by retailer ID; unknown IDs are simply missing.
func (db *DB) ProductsByRetailerID(ctx context.Context, channelID int64, retailerIDs []string) (map[string]Product, error) {
	out := map[string]Product{}
	for start := 0; start < len(retailerIDs); start += 500 {
		chunk := retailerIDs[start:min(start+500, len(retailerIDs))]
		args := []any{channelID}
		for _, id := range chunk {
			args = append(args, id)
		}
		ps, err := queryProducts(ctx, db.R, `SELECT `+productColumns+` FROM products WHERE channel_id = ? AND retailer_id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: products of channel %d by retailer ID: %w", channelID, err)
		}
		for _, p := range ps {
			out[p.RetailerID] = p
		}
	}
	return out, nil
}

// CountProducts returns how many products each channel has.
func (db *DB) CountProducts(ctx context.Context) (map[int64]int, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT channel_id, COUNT(*) FROM products GROUP BY channel_id")
	if err != nil {
		return nil, fmt.Errorf("store: count products: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count products: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count products: %w", err)
	}
	return out, nil
}

// CreateProduct adds a product; ErrConflict when the channel already has
// one with this retailer ID.
func (db *DB) CreateProduct(ctx context.Context, channelID int64, r ProductRecord) (Product, error) {
	now := formatTime(time.Now())
	p, err := scanProduct(db.W.QueryRowContext(ctx, `INSERT INTO products (channel_id, retailer_id, name, price_1000, currency,
		image_url, in_stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+productColumns,
		channelID, r.RetailerID, r.Name, r.Price1000, r.Currency, r.ImageURL, r.InStock, now, now))
	if err != nil {
		return Product{}, fmt.Errorf("store: create product %q of channel %d: %w", r.RetailerID, channelID, translate(err))
	}
	return p, nil
}

// UpdateProduct changes a product; ErrConflict when another product of the
// channel has the new retailer ID, ErrNotFound when it does not exist.
func (db *DB) UpdateProduct(ctx context.Context, channelID, id int64, r ProductRecord) error {
	res, err := db.W.ExecContext(ctx, `UPDATE products SET retailer_id = ?, name = ?, price_1000 = ?, currency = ?,
		image_url = ?, in_stock = ?, updated_at = ? WHERE channel_id = ? AND id = ?`,
		r.RetailerID, r.Name, r.Price1000, r.Currency, r.ImageURL, r.InStock, formatTime(time.Now()), channelID, id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: update product %d of channel %d: %w", id, channelID, translate(err))
	}
	return nil
}

// DeleteProduct removes a product. Orders keep their items: they name
// products by retailer ID.
func (db *DB) DeleteProduct(ctx context.Context, channelID, id int64) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM products WHERE channel_id = ? AND id = ?", channelID, id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete product %d of channel %d: %w", id, channelID, err)
	}
	return nil
}

// ImportProducts adds or updates (by retailer ID) every record in one
// transaction: all of them are stored, or none.
func (db *DB) ImportProducts(ctx context.Context, channelID int64, recs []ProductRecord) (ProductImport, error) {
	var res ProductImport
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res = ProductImport{}
		var live bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM channels WHERE id = ? AND deleted_at IS NULL)",
			channelID).Scan(&live); err != nil {
			return err
		}
		if !live {
			return ErrNotFound
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO products (channel_id, retailer_id, name, price_1000, currency,
			image_url, in_stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (channel_id, retailer_id) DO UPDATE SET name = excluded.name, price_1000 = excluded.price_1000,
				currency = excluded.currency, image_url = excluded.image_url, in_stock = excluded.in_stock,
				updated_at = excluded.updated_at
			RETURNING created_at = updated_at`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := formatTime(time.Now())
		for _, r := range recs {
			var added bool
			if err := stmt.QueryRowContext(ctx, channelID, r.RetailerID, r.Name, r.Price1000, r.Currency, r.ImageURL,
				r.InStock, now, now).Scan(&added); err != nil {
				return fmt.Errorf("product %q: %w", r.RetailerID, err)
			}
			if added {
				res.Added++
			} else {
				res.Updated++
			}
		}
		return nil
	})
	if err != nil {
		return ProductImport{}, fmt.Errorf("store: import %d products into channel %d: %w", len(recs), channelID, err)
	}
	return res, nil
}
