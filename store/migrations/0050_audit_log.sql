-- The audit trail: who changed what in wadesk's setup, when and from where.
-- actor_id is kept only while the user exists; actor holds their email at
-- the time, so an entry still names them after they are gone. changes is
-- a JSON object written by Go ({"field": {"from": …, "to": …}} or
-- {"field": "replaced"} for secrets): secret values are never stored.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target_type  TEXT    NOT NULL,
    target_id    INTEGER,
    target_name  TEXT    NOT NULL DEFAULT '',
    changes      TEXT    NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
