-- Nanny placement (月嫂/育儿嫂, B8): a customer's request, and the nannies
-- staff shortlist for it, each with where she stands and her interview time.
CREATE TABLE placements (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES users (id),
    service_id   BIGINT NOT NULL REFERENCES services (id),
    -- The Beijing calendar day the nanny should start, 'YYYY-MM-DD'.
    start_day    TEXT   NOT NULL,
    needs        TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('requested', 'shortlisted', 'interviewing', 'chosen', 'closed')),
    close_reason TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX placements_status_idx ON placements (status, id);
CREATE INDEX placements_customer_idx ON placements (customer_id, id);
-- One open request per customer and service, whatever the races.
CREATE UNIQUE INDEX placements_one_open_idx ON placements (customer_id, service_id)
    WHERE status IN ('requested', 'shortlisted', 'interviewing');

CREATE TABLE placement_candidates (
    placement_id BIGINT NOT NULL REFERENCES placements (id),
    worker_id    BIGINT NOT NULL REFERENCES users (id),
    status       TEXT   NOT NULL CHECK (status IN ('proposed', 'invited', 'confirmed', 'declined', 'refused', 'chosen')),
    interview_at TIMESTAMPTZ,
    proposed_by  BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (placement_id, worker_id)
);
CREATE INDEX placement_candidates_worker_idx ON placement_candidates (worker_id, status);
