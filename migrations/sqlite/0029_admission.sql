-- Admission and grants (issue 20, TVT-1; seed 000, 1.1 and 1.3.1, 1.3.8): a college's admission
-- campaign, its state-order places per specialty and language of study with the quota places
-- of the legal categories, the applications (acceptance of documents) with specialties in order
-- of preference, and the published ranked lists. Keep in step with
-- ../postgres/0029_admission.sql.

-- The admission committee: the college's director and the installation's administrator.
INSERT INTO role_permissions (role, permission) VALUES ('admin', 'admission.manage'), ('director', 'admission.manage');

-- One campaign per college and year. status: 'open' accepts applications; 'published' once the
-- ranked lists are published (applications are then closed). max_choices: how many specialties
-- an applicant may list, in order of preference.
CREATE TABLE admission_campaigns (
    id           INTEGER PRIMARY KEY,
    college_id   BIGINT NOT NULL REFERENCES organisations(id),
    year         BIGINT NOT NULL,
    title        TEXT NOT NULL,
    max_choices  BIGINT NOT NULL DEFAULT 3,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'published')),
    published_at BIGINT,
    created_at   BIGINT NOT NULL,
    UNIQUE (college_id, year)
);

-- State-order places of one specialty in one language of study; quota_* are the places kept
-- for each legal category (their sum never exceeds places). entrance_test: the specialty
-- ranks by an entrance test's score (0-100) instead of the certificate's average.
CREATE TABLE admission_offers (
    id                 INTEGER PRIMARY KEY,
    campaign_id        BIGINT NOT NULL REFERENCES admission_campaigns(id),
    specialty_code     TEXT NOT NULL,
    specialty_name     TEXT NOT NULL,
    study_language     TEXT NOT NULL CHECK (study_language IN ('kk', 'ru', 'en')),
    places             BIGINT NOT NULL CHECK (places >= 0),
    entrance_test      BIGINT NOT NULL DEFAULT 0 CHECK (entrance_test IN (0, 1)),
    quota_disability   BIGINT NOT NULL DEFAULT 0,
    quota_orphan       BIGINT NOT NULL DEFAULT 0,
    quota_rural        BIGINT NOT NULL DEFAULT 0,
    quota_large_family BIGINT NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, specialty_code, study_language)
);

-- An applicant's application to a campaign (one per account and one per IIN). Scores are in
-- hundredths (certificate 100..500, entrance test 0..10000). categories: the legal categories
-- claimed, comma-separated codes; document_key: the supporting document in the media store.
-- request_key: the last submit's client key (a retry of it writes nothing).
-- status: submitted, returned (for correction, with comment), accepted, withdrawn.
CREATE TABLE admission_applications (
    id                INTEGER PRIMARY KEY,
    campaign_id       BIGINT NOT NULL REFERENCES admission_campaigns(id),
    user_id           BIGINT NOT NULL REFERENCES users(id),
    iin               TEXT NOT NULL,
    full_name         TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    certificate_score BIGINT NOT NULL,
    honours           BIGINT NOT NULL DEFAULT 0 CHECK (honours IN (0, 1)),
    profile_score     BIGINT NOT NULL DEFAULT 0,
    test_score        BIGINT,
    categories        TEXT NOT NULL DEFAULT '',
    document_name     TEXT,
    document_key      TEXT,
    status            TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted', 'withdrawn')),
    comment           TEXT NOT NULL DEFAULT '',
    request_key       TEXT NOT NULL,
    submitted_at      BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    enrolled_group    BIGINT REFERENCES organisations(id),
    UNIQUE (campaign_id, user_id),
    UNIQUE (campaign_id, iin)
);

-- The specialties (offers) of an application, 1 the most wanted.
CREATE TABLE admission_choices (
    application_id BIGINT NOT NULL REFERENCES admission_applications(id),
    preference     BIGINT NOT NULL,
    offer_id       BIGINT NOT NULL REFERENCES admission_offers(id),
    PRIMARY KEY (application_id, preference)
);

-- The published ranked list of each offer: every accepted applicant who listed it, in rank
-- order, with the score they competed with and the outcome ('quota:<category>', 'general',
-- 'higher' = placed on a preferred specialty, 'none').
CREATE TABLE admission_list_rows (
    offer_id       BIGINT NOT NULL REFERENCES admission_offers(id),
    position       BIGINT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES admission_applications(id),
    score          BIGINT NOT NULL,
    outcome        TEXT NOT NULL,
    PRIMARY KEY (offer_id, position)
);
CREATE INDEX admission_list_rows_application ON admission_list_rows(application_id);
