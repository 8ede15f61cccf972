-- Platform foundation: organisations, users, roles as data, sessions, audit, notifications.
-- Times are Unix epoch milliseconds (BIGINT) so one query text serves SQLite and PostgreSQL.
-- Flags are 0/1 integers for the same reason. Keep in step with ../postgres/0001_platform.sql.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    parent_id   BIGINT REFERENCES organisations(id),
    kind        TEXT NOT NULL CHECK (kind IN ('root','region','district','college','school','group')),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE UNIQUE INDEX organisations_sibling_name ON organisations(COALESCE(parent_id, 0), name);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    email          TEXT UNIQUE,
    phone          TEXT UNIQUE,
    full_name      TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    locale         TEXT NOT NULL DEFAULT 'kk' CHECK (locale IN ('kk','ru','en')),
    active         BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL
);

CREATE TABLE roles (
    code        TEXT PRIMARY KEY,
    sort_order  BIGINT NOT NULL
);
CREATE TABLE role_permissions (
    role        TEXT NOT NULL REFERENCES roles(code),
    permission  TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);
CREATE TABLE role_assignments (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL REFERENCES roles(code),
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    created_at  BIGINT NOT NULL,
    UNIQUE (user_id, role, org_id)
);
CREATE INDEX role_assignments_org ON role_assignments(org_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    ip            TEXT NOT NULL,
    user_agent    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     BIGINT REFERENCES users(id),
    ip           TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    org_id       BIGINT REFERENCES organisations(id),
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id);

CREATE TABLE verification_codes (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX verification_codes_user ON verification_codes(user_id, purpose);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL CHECK (channel IN ('email','sms','inapp')),
    user_id          BIGINT REFERENCES users(id),
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE inbox_messages (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX inbox_user ON inbox_messages(user_id, created_at);

CREATE TABLE rate_limits (
    bucket        TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    hits          BIGINT NOT NULL
);
