-- The webhook delivery log: one row per received event, moved through a state machine by
-- the queue workers (pending -> processing -> completed | failed -> ... -> dead_letter).
CREATE TABLE public.webhook_delivery_log (
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    org_id           uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    event_type       text        NOT NULL,
    event_id         text        NOT NULL,
    received_at      timestamptz NOT NULL,
    status           text        NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    last_attempt_at  timestamptz,
    completed_at     timestamptz,
    error_message    text,
    job_id           text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_delivery_log_pkey PRIMARY KEY (org_id, id),
    -- idempotent receipt: a provider's redelivery of one event finds the first row
    CONSTRAINT webhook_delivery_log_org_event_key UNIQUE (org_id, event_id),
    CONSTRAINT webhook_delivery_log_status_check
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'dead_letter')),
    CONSTRAINT webhook_delivery_log_attempts_check CHECK (attempts >= 0),
    CONSTRAINT webhook_delivery_log_completed_check
        CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

-- webhook_queue_health(): counts per status, and processing rows whose lease ran out.
CREATE INDEX idx_webhook_delivery_log_status
    ON public.webhook_delivery_log (status, last_attempt_at);

-- webhook_delivery_stats(): the deliveries received in a recent window.
CREATE INDEX idx_webhook_delivery_log_created_at
    ON public.webhook_delivery_log (created_at DESC);

-- retry_failed_webhook(job_id).
CREATE INDEX idx_webhook_delivery_log_job_id
    ON public.webhook_delivery_log (job_id) WHERE job_id IS NOT NULL;

-- webhook_recent_failures() and webhook_dead_letter_queue(): a small, hot subset.
CREATE INDEX idx_webhook_delivery_log_failed
    ON public.webhook_delivery_log (last_attempt_at DESC)
    WHERE status IN ('failed', 'dead_letter');

-- cleanup_old_webhook_logs(): exactly its retention predicate, oldest first.
CREATE INDEX idx_webhook_delivery_log_retention
    ON public.webhook_delivery_log (created_at)
    WHERE status IN ('completed', 'dead_letter');

ALTER TABLE public.webhook_delivery_log ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.webhook_delivery_log FORCE ROW LEVEL SECURITY;
