package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// storeOrdersList lists the orders of every channel, newest first, by
// status, a page at a time. Order messages received since the last visit
// become orders first.
func (s *Server) storeOrdersList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, err := commerce.SyncOrders(ctx, s.db); err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.OrderFilter{}
	for _, st := range store.OrderStatuses {
		if q.Get("status") == st {
			f.Status = st
		}
	}
	if c := q.Get("after"); c != "" {
		// A mangled cursor starts the list again rather than failing.
		if cur, err := store.ParseOrderCursor(c); err == nil {
			f.After = &cur
		}
	}
	orders, next, err := s.db.ListOrders(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts, err := s.db.CountOrdersByStatus(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.OrdersView{}
	all := 0
	for _, n := range counts {
		all += n
	}
	v.Tabs = append(v.Tabs, views.OrderStatusTab{Value: "all", Label: i18n.T(r.Context(), "states.order.all"), Href: "/store/orders", Active: f.Status == ""})
	for _, st := range store.OrderStatuses {
		tab := views.OrderStatusTab{Value: st, Label: orderStatusLabel(r.Context(), st), Href: "/store/orders?status=" + st, Active: f.Status == st}
		if st == store.OrderNew || st == store.OrderLinkSent {
			tab.Count = counts[st]
		}
		v.Tabs = append(v.Tabs, tab)
	}
	names, err := s.productNames(ctx, orders)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, o := range orders {
		customer := o.ContactName
		if customer == "" {
			customer = o.ContactPhone
		}
		v.Orders = append(v.Orders, views.OrderRow{ID: o.ID, ConversationID: o.ConversationID, Customer: customer, Phone: o.ContactPhone,
			Channel: o.ChannelTitle, Items: orderItemRows(o, names[o.ChannelID]), Total: orderTotal(o), Status: o.Status,
			StatusLabel: orderStatusLabel(r.Context(), o.Status), Problem: o.Problem, At: o.OrderedAt})
	}
	if next != nil {
		more := url.Values{"after": {next.String()}}
		if f.Status != "" {
			more.Set("status", f.Status)
		}
		v.More = "/store/orders?" + more.Encode()
	}
	s.render(w, r, http.StatusOK, views.OrdersPage(s.page(w, r, i18n.T(r.Context(), "titles.orders"), views.NavStore), v))
}

func orderStatusLabel(ctx context.Context, status string) string {
	switch status {
	case store.OrderNew:
		return i18n.T(ctx, "states.order.new")
	case store.OrderLinkSent:
		return i18n.T(ctx, "states.order.link_sent")
	case store.OrderPaid:
		return i18n.T(ctx, "states.order.paid")
	case store.OrderCancelled:
		return i18n.T(ctx, "states.order.cancelled")
	}
	return status
}

// productNames finds the names of the orders' products, by channel and
// retailer ID.
func (s *Server) productNames(ctx context.Context, orders []store.Order) (map[int64]map[string]string, error) {
	ids := map[int64][]string{}
	for _, o := range orders {
		for _, it := range o.Items {
			ids[o.ChannelID] = append(ids[o.ChannelID], it.RetailerID)
		}
	}
	out := map[int64]map[string]string{}
	for ch, list := range ids {
		ps, err := s.db.ProductsByRetailerID(ctx, ch, list)
		if err != nil {
			return nil, err
		}
		out[ch] = map[string]string{}
		for id, p := range ps {
			out[ch][id] = p.Name
		}
	}
	return out, nil
}

// orderItemRows shows an order's lines with product names where known.
func orderItemRows(o store.Order, names map[string]string) []views.OrderItemRow {
	rows := make([]views.OrderItemRow, 0, len(o.Items))
	for _, it := range o.Items {
		name := names[it.RetailerID]
		if name == "" {
			name = it.RetailerID
		}
		rows = append(rows, views.OrderItemRow{Name: name, RetailerID: it.RetailerID, Quantity: it.Quantity,
			UnitPrice: commerce.Format(it.UnitPrice1000, it.Currency),
			LineTotal: commerce.Format(it.UnitPrice1000*int64(it.Quantity), it.Currency)})
	}
	return rows
}

func orderTotal(o store.Order) string {
	if o.Currency == "" {
		return "—"
	}
	return commerce.Format(o.Total1000, o.Currency)
}
