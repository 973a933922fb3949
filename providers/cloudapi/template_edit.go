package cloudapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/wadesk/wadesk/providers"
)

// opEditTemplate names template edits in errors.
const opEditTemplate = "edit template"

// templateEdit is the body of POST /{template-id}: the new category and
// components. Name and language cannot change.
type templateEdit struct {
	Category   string        `json:"category,omitempty"`
	Components []wireTplComp `json:"components"`
}

// EditTemplate replaces a template's components (and category, when set)
// and submits it for review again. Meta allows it for approved, rejected
// and paused templates.
func (c *Client) EditTemplate(ctx context.Context, templateID string, t providers.Template) error {
	if len(t.Components) == 0 {
		return fmt.Errorf("cloudapi: %s: %w", opEditTemplate, &providers.ValidationError{Err: errors.New("the template has no content")})
	}
	w := templateRequest(t)
	body, err := jsonBody(templateEdit{Category: w.Category, Components: w.Components})
	if err != nil {
		return fmt.Errorf("cloudapi: %s: %w", opEditTemplate, err)
	}
	return c.expectSuccess(ctx, request{op: opEditTemplate, method: http.MethodPost, path: []string{templateID},
		body: body, contentType: "application/json"})
}
