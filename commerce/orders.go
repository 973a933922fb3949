package commerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Orders are derived from customers' order messages lazily, when the
// conversation or the orders page is read, not while webhooks are ingested:
// ingestion stays as fast as it is, a cart that cannot be read never holds
// up other messages, and deriving again is harmless because each message
// gives at most one order (store.SaveOrders skips known ones).

// ParsedOrder is what an order message says.
type ParsedOrder struct {
	CatalogID string
	Note      string
	Items     []store.OrderItem
	// Currency is the items' currency; "" when they use several.
	Currency  string
	Total1000 int64
	// Problem says in plain words what could not be read; the items that
	// could be are kept.
	Problem string
}

// wireOrder is the order part of a Cloud API "order" message.
type wireOrder struct {
	Order *struct {
		CatalogID    json.RawMessage `json:"catalog_id"`
		Text         string          `json:"text"`
		ProductItems []struct {
			ProductRetailerID json.RawMessage `json:"product_retailer_id"`
			Quantity          json.RawMessage `json:"quantity"`
			ItemPrice         json.RawMessage `json:"item_price"`
			Currency          string          `json:"currency"`
		} `json:"product_items"`
	} `json:"order"`
}

// ParseOrder reads the order of a message's stored payload: the neutral
// stored form, whose raw message object (Meta's order shape, which
// 360dialog and Cloud API partners pass on unchanged) holds the prices, or
// that object itself. Prices are read exactly from the JSON text, never
// through a float.
func ParseOrder(payload string) (ParsedOrder, error) {
	if m, ok := providers.DecodeInbound(payload); ok {
		payload = string(m.Raw)
	}
	var w wireOrder
	if err := json.Unmarshal([]byte(payload), &w); err != nil {
		return ParsedOrder{}, fmt.Errorf("commerce: read order: %w", err)
	}
	if w.Order == nil {
		return ParsedOrder{}, errors.New("commerce: read order: the message has no order")
	}
	o := ParsedOrder{CatalogID: rawText(w.Order.CatalogID), Note: strings.TrimSpace(w.Order.Text)}
	var problems []string
	currencies := map[string]bool{}
	for i, it := range w.Order.ProductItems {
		line := store.OrderItem{RetailerID: rawText(it.ProductRetailerID), Currency: NormalizeCurrency(it.Currency)}
		qty, err := strconv.Atoi(rawText(it.Quantity))
		if err != nil || qty <= 0 || qty > 1_000_000 {
			problems = append(problems, fmt.Sprintf("item %d has no valid quantity", i+1))
			continue
		}
		line.Quantity = qty
		price, err := ParseDecimal1000(rawText(it.ItemPrice))
		if err != nil {
			problems = append(problems, fmt.Sprintf("item %d has no valid price", i+1))
			continue
		}
		line.UnitPrice1000 = price
		if line.RetailerID == "" {
			problems = append(problems, fmt.Sprintf("item %d names no product", i+1))
			continue
		}
		currencies[line.Currency] = true
		o.Items = append(o.Items, line)
	}
	if len(o.Items) == 0 && len(problems) == 0 {
		problems = append(problems, "the cart is empty")
	}
	switch len(currencies) {
	case 0:
	case 1:
		for c := range currencies {
			o.Currency = c
		}
		for _, it := range o.Items {
			o.Total1000 += it.UnitPrice1000 * int64(it.Quantity)
			if o.Total1000 > MaxAmount1000 {
				problems = append(problems, "the total is too large")
				o.Total1000 = 0
				break
			}
		}
		if o.Currency == "" {
			problems = append(problems, "the items have no currency")
		}
	default:
		problems = append(problems, "the items are priced in several currencies, so there is no single total")
	}
	if len(problems) > 0 {
		o.Problem = "This order could not be read whole: " + strings.Join(problems, "; ") + "."
	}
	return o, nil
}

// rawText is a JSON scalar as text: a string's content or a number's digits.
func rawText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	return string(raw)
}

// newOrder turns an order message into the order to store. A payload that
// cannot be read at all still gives an order, with the problem, so that
// the agent sees that the customer sent one.
func newOrder(m store.OrderMessage) store.NewOrder {
	o := store.NewOrder{MessageID: m.MessageID, ConversationID: m.ConversationID, ChannelID: m.ChannelID, OrderedAt: m.At}
	p, err := ParseOrder(m.Payload)
	if err != nil {
		o.Problem = "This order could not be read. Open the conversation on the customer's side to see what they sent."
		return o
	}
	o.CatalogID, o.Note, o.Items, o.Currency, o.Total1000, o.Problem = p.CatalogID, p.Note, p.Items, p.Currency, p.Total1000, p.Problem
	return o
}

// SyncConversationOrders makes every order message of a conversation into
// an order, if it is not one yet.
func SyncConversationOrders(ctx context.Context, db *store.DB, conversationID int64) error {
	msgs, err := db.UnreadOrderMessages(ctx, conversationID)
	if err != nil || len(msgs) == 0 {
		return err
	}
	orders := make([]store.NewOrder, 0, len(msgs))
	for _, m := range msgs {
		orders = append(orders, newOrder(m))
	}
	_, err = db.SaveOrders(ctx, orders, 0)
	return err
}

// syncBatch is how many order messages one step of SyncOrders reads.
const syncBatch = 500

// SyncOrders makes every order message received since the last call into
// an order (those a conversation view made already are skipped). It
// returns how many orders are new.
func SyncOrders(ctx context.Context, db *store.DB) (int, error) {
	added := 0
	for {
		msgs, err := db.ScanOrderMessages(ctx, syncBatch)
		if err != nil {
			return added, err
		}
		if len(msgs) == 0 {
			return added, nil
		}
		orders := make([]store.NewOrder, 0, len(msgs))
		for _, m := range msgs {
			orders = append(orders, newOrder(m))
		}
		n, err := db.SaveOrders(ctx, orders, msgs[len(msgs)-1].MessageID)
		added += n
		if err != nil || len(msgs) < syncBatch {
			return added, err
		}
	}
}
