package commerce

import (
	"context"
	"fmt"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// VarOrderTotal is the template variable for the total of the customer's
// latest order: {order_total}.
const VarOrderTotal = "order_total"

// OrderTotalVariable is {order_total}: the total of the conversation's
// latest order that is not cancelled, written for people ("USD 20.25").
// Order messages not yet made into orders are made into orders first, so
// an order that has just arrived counts.
func OrderTotalVariable(db *store.DB) templates.Variable {
	return templates.Variable{
		Name:    VarOrderTotal,
		Label:   "Order total",
		Missing: "This customer has no open order; type the amount instead.",
		Value: func(ctx context.Context, c templates.SendContext) (string, bool, error) {
			if err := SyncConversationOrders(ctx, db, c.ConversationID); err != nil {
				return "", false, fmt.Errorf("commerce: order total: %w", err)
			}
			orders, err := db.ConversationOrders(ctx, c.ConversationID)
			if err != nil {
				return "", false, fmt.Errorf("commerce: order total: %w", err)
			}
			for i := len(orders) - 1; i >= 0; i-- {
				o := orders[i]
				if o.Status == store.OrderCancelled || o.Problem != "" {
					continue
				}
				return Format(o.Total1000, o.Currency), true, nil
			}
			return "", false, nil
		},
	}
}
