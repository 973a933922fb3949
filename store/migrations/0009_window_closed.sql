-- The provider's word on the customer service window. When WhatsApp
-- refuses a free-form message because the 24-hour window is closed (Meta
-- error 131047, reported as a failed status), the conversation's window is
-- closed whatever wadesk's clock says, until the customer writes again.

-- When the provider said the window is closed (its timestamp of the
-- failure, or wadesk's time for a refusal answered at once); NULL while it
-- has not, or since the customer's next message.
ALTER TABLE conversations ADD COLUMN window_closed_at TEXT;

-- A failed status that says the window is closed, kept so that it still
-- closes the window when it arrives before the provider's answer to the
-- send (the message's wamid is not known yet then).
ALTER TABLE message_statuses ADD COLUMN closes_window INTEGER NOT NULL DEFAULT 0;
