-- Snoozed conversations leave the Open list until snoozed_until, or (for
-- the far-future mark 9999-12-31…) until the customer writes again: the
-- customer's message clears it, as does resolving. The partial index
-- finds the timed ones that are due.
ALTER TABLE conversations ADD COLUMN snoozed_until TEXT;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;
