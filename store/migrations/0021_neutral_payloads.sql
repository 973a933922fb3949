-- Inbound messages are now stored provider-neutral (the provider's own
-- message object kept inside, for audit and reprocessing). Every inbound
-- message stored before holds Meta's message object: note them, so the
-- program converts them once (store.ConvertLegacyPayloads) and then has
-- nothing left to look at.

CREATE TABLE legacy_payloads (
    message_id  INTEGER PRIMARY KEY
) STRICT;

INSERT INTO legacy_payloads (message_id) SELECT id FROM messages WHERE direction = 'in';
