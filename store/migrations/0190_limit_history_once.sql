-- Webhooks may arrive more than once (Meta retries a delivery it did not
-- see acknowledged, and may send the same event twice): the limit, quality
-- and template health histories keep one row per event. Rows already
-- doubled are removed (the first of each is kept), then a unique index
-- lets the store skip a repeat.
DELETE FROM number_quality_events WHERE id NOT IN (
    SELECT MIN(id) FROM number_quality_events GROUP BY channel_id, event, old_limit, new_limit, at);
CREATE UNIQUE INDEX number_quality_events_once ON number_quality_events (channel_id, event, old_limit, new_limit, at);

DELETE FROM template_health_events WHERE id NOT IN (
    SELECT MIN(id) FROM template_health_events
    GROUP BY waba_id, provider_template_id, name, language, kind, old_value, new_value, at);
CREATE UNIQUE INDEX template_health_events_once ON template_health_events
    (waba_id, provider_template_id, name, language, kind, old_value, new_value, at);

DELETE FROM portfolio_limit_changes WHERE id NOT IN (
    SELECT MIN(id) FROM portfolio_limit_changes GROUP BY portfolio, old_customers, new_customers, changed_at);
CREATE UNIQUE INDEX portfolio_limit_changes_once ON portfolio_limit_changes (portfolio, old_customers, new_customers, changed_at);
