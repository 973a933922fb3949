-- The conversation page warns when the latest send of a channel was refused
-- for an account-level reason (payment method, restriction) and nothing
-- has been accepted since: both questions are answered per channel from
-- these two indexes instead of from every outgoing message.
CREATE INDEX outbox_failed ON outbox (channel_id, updated_at) WHERE state = 'failed';
CREATE INDEX outbox_sent ON outbox (channel_id, sent_at) WHERE state = 'sent';
