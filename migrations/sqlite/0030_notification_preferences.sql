-- Notifications on events (issue 20, PLT-3): each person's choice of channels per kind of
-- event, and one row per event told to a person so that a retried request or a re-run never
-- tells twice. Keep in step with ../postgres/0030_notification_preferences.sql.

-- A person's choice for one kind of event and one channel ('inapp', 'email', 'sms'). No row:
-- the default (in-app on; email on with a confirmed email; SMS on only for the kinds where a
-- missed message costs something, and only with a confirmed phone).
CREATE TABLE notification_preferences (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('inapp', 'email', 'sms')),
    enabled     BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- Every event told to a person. dedupe_key names the kind, the object and the recipient (and,
-- for a value that can change, the value's version): the unique index makes telling the same
-- event again a no-op in the telling transaction.
CREATE TABLE notification_events (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_events_key ON notification_events(dedupe_key);
CREATE INDEX notification_events_user ON notification_events(user_id, id);
