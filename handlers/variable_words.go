package handlers

import (
	"context"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/templates"
)

// variableLabel names a quick-reply variable for the reader: the built-in
// ones from the catalog, others (added by code) as they call themselves.
func variableLabel(ctx context.Context, v templates.Variable) string {
	if id := "variables." + v.Name; i18n.Has(id) {
		return i18n.T(ctx, id)
	}
	return v.Label
}
