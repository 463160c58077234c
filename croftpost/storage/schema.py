"""The schema as ordered migrations. A database records the last one applied in user_version.

Never edit a migration that has shipped: add a new one, so older databases upgrade in place.
"""

from __future__ import annotations

CHANNELS = ("facebook", "dojo")
CONSENT_KINDS = ("photo_facebook", "photo_dojo", "name_facebook", "name_dojo", "biometric")

_V1_FOUNDATION = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    username TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('headteacher', 'office', 'staff')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE staff_channels (
    username TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('facebook', 'dojo')),
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (username, channel)
);

CREATE TABLE staff_personal_accounts (
    username TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
    account TEXT NOT NULL,
    PRIMARY KEY (username, account)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor);
CREATE INDEX audit_log_action ON audit_log(action);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE pupils (
    pupil_id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    class_name TEXT NOT NULL DEFAULT '',
    leaving_date TEXT,
    protected INTEGER NOT NULL DEFAULT 0,
    protected_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pupils_class ON pupils(class_name);

CREATE TABLE consents (
    pupil_id TEXT NOT NULL REFERENCES pupils(pupil_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (
        kind IN ('photo_facebook', 'photo_dojo', 'name_facebook', 'name_dojo', 'biometric')),
    given INTEGER NOT NULL CHECK (given IN (0, 1)),
    expires_on TEXT,
    withdrawn_on TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (pupil_id, kind)
);

-- Face encodings are biometric data: only with biometric consent, erased with it.
CREATE TABLE face_encodings (
    id INTEGER PRIMARY KEY,
    pupil_id TEXT NOT NULL REFERENCES pupils(pupil_id) ON DELETE CASCADE,
    encoding BLOB NOT NULL,
    thumbnail BLOB,
    source_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX face_encodings_pupil ON face_encodings(pupil_id);

-- Defence in depth: the database itself refuses an encoding without biometric consent ...
CREATE TRIGGER face_encodings_need_consent BEFORE INSERT ON face_encodings
WHEN NOT EXISTS (
    SELECT 1 FROM consents
    WHERE pupil_id = NEW.pupil_id AND kind = 'biometric' AND given = 1 AND withdrawn_on IS NULL)
BEGIN SELECT RAISE(ABORT, 'no biometric consent for this pupil'); END;

-- ... and erases encodings the moment biometric consent stops counting.
CREATE TRIGGER consents_biometric_withdrawn AFTER UPDATE ON consents
WHEN NEW.kind = 'biometric' AND (NEW.given = 0 OR NEW.withdrawn_on IS NOT NULL)
BEGIN DELETE FROM face_encodings WHERE pupil_id = NEW.pupil_id; END;
CREATE TRIGGER consents_biometric_deleted AFTER DELETE ON consents
WHEN OLD.kind = 'biometric'
BEGIN DELETE FROM face_encodings WHERE pupil_id = OLD.pupil_id; END;

-- Photo checks, cached by the photo's content: boxes and matched pupil ids, never encodings
-- (a cached encoding of a child without biometric consent would be biometric data kept
-- without consent). gallery_key changes whenever the enrolled encodings change.
CREATE TABLE photo_checks (
    content_hash TEXT NOT NULL,
    params_key TEXT NOT NULL,
    gallery_key TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (content_hash, params_key, gallery_key)
);

CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    author TEXT NOT NULL REFERENCES staff(username),
    channel TEXT NOT NULL CHECK (channel IN ('facebook', 'dojo')),
    body TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL DEFAULT 'draft',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX drafts_author ON drafts(author, state);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER,
    author TEXT NOT NULL,
    channel TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    photos TEXT NOT NULL DEFAULT '[]',
    posted_at TEXT NOT NULL,
    audit_seq INTEGER
);

-- Pupil ids only, no foreign key: the record of what was published outlives the pupil.
CREATE TABLE post_pupils (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    pupil_id TEXT NOT NULL,
    PRIMARY KEY (post_id, pupil_id)
);
CREATE INDEX post_pupils_pupil ON post_pupils(pupil_id);

CREATE TABLE comment_authors (
    author TEXT PRIMARY KEY,
    deleted_count INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
"""

# Comment moderation (2.3): which deleted comments the per-author tally in comment_authors has
# already counted, so moderating the same (or a cumulative) export again counts nothing twice.
# comment_key is a SHA-256 of the author, the comment and which copy of it this is: the comment
# text itself is not kept.
_V2_MODERATED_COMMENTS = """
CREATE TABLE moderated_comments (
    comment_key TEXT PRIMARY KEY,
    author TEXT NOT NULL REFERENCES comment_authors(author) ON DELETE CASCADE,
    counted_at TEXT NOT NULL
);
CREATE INDEX moderated_comments_author ON moderated_comments(author);
"""

# Approval before publishing, alerts about protected pupils, takedown tasks and termly reviews
# (issue 7). Approvals keep a snapshot of what the approver saw and its content hash; a post
# is published only with an approval whose hash matches what goes out. Alerts and takedown
# tasks name pupils by id only. At most one open takedown task per post and pupil.
_V3_APPROVALS_AND_EVIDENCE = """
CREATE TABLE approvers (
    username TEXT PRIMARY KEY REFERENCES staff(username) ON DELETE CASCADE,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL
);

CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL,
    author TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('facebook', 'dojo')),
    content_hash TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN (
        'pending', 'approved', 'returned', 'superseded', 'void', 'published')),
    submitted_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    comment TEXT,
    post_id INTEGER
);
CREATE INDEX approvals_draft ON approvals(draft_id, state);
CREATE INDEX approvals_state ON approvals(state);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    pupil_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    dedupe_key TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    times INTEGER NOT NULL DEFAULT 1,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    note TEXT
);
CREATE INDEX alerts_open ON alerts(acknowledged_at, dedupe_key);

CREATE TABLE takedowns (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    pupil_id TEXT NOT NULL,
    assignee TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('withdrawn', 'protected')),
    kinds TEXT NOT NULL DEFAULT '[]',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_by TEXT,
    done_at TEXT,
    note TEXT
);
CREATE INDEX takedowns_assignee ON takedowns(assignee, done_at);
CREATE UNIQUE INDEX takedowns_open_once ON takedowns(post_id, pupil_id) WHERE done_at IS NULL;

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    reviewed_by TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL
);
"""

# The school no longer chooses how small a face photo checks look for: every check looks from
# the same size (croftpost.core.faces.MIN_FACE_PX), so the old "full"/"deep" choice goes.
_V4_ONE_FACE_SCAN = """
DELETE FROM settings WHERE key = 'photos.face_scan';
"""

# A safeguarding protection outlives the pupil's record: deleting a protected pupil and
# importing them again (same id, or same name and class) must not lift it. Only the
# headteacher lifts a protection (croftpost.core.consent).
_V5_PROTECTIONS = """
CREATE TABLE protections (
    pupil_id TEXT PRIMARY KEY,
    name_key TEXT NOT NULL,
    reason TEXT,
    since TEXT NOT NULL
);
CREATE INDEX protections_name ON protections(name_key);
INSERT INTO protections (pupil_id, name_key, reason, since)
    SELECT pupil_id, lower(first_name || ' ' || last_name || '|' || class_name),
           protected_reason, updated_at
    FROM pupils WHERE protected = 1;
"""

# The erasure ledger: what was erased about which pupil, and when (ids and consent kinds only,
# no names). A restore of an older backup re-applies the entries it lacks (see erasures_repo).
_V6_ERASURE_LEDGER = """
CREATE TABLE erasures (
    id TEXT PRIMARY KEY,
    pupil_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('withdrawn', 'refused', 'faces', 'pupil')),
    consents TEXT NOT NULL DEFAULT '',
    on_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
"""

# Anchors for the audit log (core/audit_anchors.py): each headteacher's signing key, wrapped
# under a key derived from their password, and the signed checkpoints of the chain's head.
_V7_AUDIT_ANCHORS = """
INSERT OR IGNORE INTO settings (key, value) VALUES ('school_id', lower(hex(randomblob(16))));
CREATE TABLE anchor_keys (
    username TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    salt TEXT NOT NULL,
    params TEXT NOT NULL,
    wrapped TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    signer TEXT NOT NULL,
    key_id TEXT NOT NULL,
    mac TEXT NOT NULL
);
"""

# The composer (core/composer.py) keeps a draft's acknowledged warnings and its last safe copies
# with the draft, so a post can go from draft to published over several commands.
_V8_COMPOSER = """
ALTER TABLE drafts ADD COLUMN acknowledged TEXT NOT NULL DEFAULT '[]';
ALTER TABLE drafts ADD COLUMN prepared TEXT NOT NULL DEFAULT '{}';
ALTER TABLE posts ADD COLUMN url TEXT NOT NULL DEFAULT '';
"""

MIGRATIONS: tuple[str, ...] = (
    _V1_FOUNDATION, _V2_MODERATED_COMMENTS, _V3_APPROVALS_AND_EVIDENCE, _V4_ONE_FACE_SCAN,
    _V5_PROTECTIONS, _V6_ERASURE_LEDGER, _V7_AUDIT_ANCHORS, _V8_COMPOSER,
)
SCHEMA_VERSION = len(MIGRATIONS)
