-- Consent and attributes of a contact, shared by the contacts pages, the
-- composer, campaigns and the API.
-- opted_in_at/opt_in_source: when and how the customer agreed to receive
-- business-initiated messages (a form, an import, the API, an agent).
-- marketing_opted_out_at/opt_out_source: when and how they asked not to get
-- marketing ("keyword:STOP", "meta_button", "agent", "api", "import"); an
-- opted-out or blocked contact is never sent a marketing template.
-- blocked: the business blocked this contact; nothing is sent to them.
ALTER TABLE contacts ADD COLUMN opted_in_at TEXT;
ALTER TABLE contacts ADD COLUMN opt_in_source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN marketing_opted_out_at TEXT;
ALTER TABLE contacts ADD COLUMN opt_out_source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN blocked INTEGER NOT NULL DEFAULT FALSE;
CREATE INDEX contacts_marketing_opted_out ON contacts (marketing_opted_out_at) WHERE marketing_opted_out_at IS NOT NULL;

-- Custom attributes ("city", "customer_id", "plan"): free names per
-- business, text values; used by campaigns to fill template variables.
CREATE TABLE contact_attributes (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (contact_id, name)
) STRICT;
