-- Business-scoped user IDs (BSUID) and usernames (Meta, since April 2026):
-- a WhatsApp user who adopts a username may write with no phone number,
-- identified by a BSUID (e.g. US.13491208655302741918) that is stable for
-- this business. contacts.phone stays the contact's WhatsApp address: the
-- number in E.164 when known, else the BSUID (which then is also wa_id,
-- the address replies go to). bsuid, when known, links the two: a person
-- seen first by number and later by BSUID (or the reverse) is one contact.
ALTER TABLE contacts ADD COLUMN bsuid TEXT;
ALTER TABLE contacts ADD COLUMN username TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX contacts_bsuid ON contacts (bsuid) WHERE bsuid IS NOT NULL;
