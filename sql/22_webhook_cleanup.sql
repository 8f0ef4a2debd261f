-- Retention of the webhook delivery log.
--
-- A function runs inside its caller's transaction, so one call deletes one bounded batch
-- (its locks and WAL stay small); run_webhook_log_cleanup() loops and COMMITs after each
-- batch. Only completed and dead_letter rows older than the retention go, through
-- idx_webhook_delivery_log_retention (the same predicate), and never a row that a worker
-- holds: SKIP LOCKED passes over it, and a row whose status changed meanwhile is re-checked.

-- Deletes at most p_batch_size eligible rows, oldest first; returns how many.
-- Raises 22023 for a retention under 1 hour or a batch size outside 1..100000.
CREATE OR REPLACE FUNCTION public.cleanup_old_webhook_logs(
    p_retention interval DEFAULT interval '30 days',
    p_batch_size integer DEFAULT 5000
)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_deleted integer;
BEGIN
    IF p_retention IS NULL OR p_retention < interval '1 hour' THEN
        RAISE EXCEPTION 'argument p_retention must be at least 1 hour, got %', p_retention USING ERRCODE = '22023';
    END IF;
    IF p_batch_size IS NULL OR p_batch_size < 1 OR p_batch_size > 100000 THEN
        RAISE EXCEPTION 'argument p_batch_size must be between 1 and 100000, got %', p_batch_size
            USING ERRCODE = '22023';
    END IF;
    WITH doomed AS (
        SELECT w.org_id, w.id
        FROM public.webhook_delivery_log AS w
        WHERE w.status IN ('completed', 'dead_letter')
          AND w.created_at < now() - p_retention
        ORDER BY w.created_at
        LIMIT p_batch_size
        FOR UPDATE SKIP LOCKED
    )
    DELETE FROM public.webhook_delivery_log AS w
    USING doomed AS d
    WHERE w.org_id = d.org_id AND w.id = d.id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;

-- The whole backlog, one committed batch at a time: CALL public.run_webhook_log_cleanup();
-- (pg_cron: SELECT cron.schedule('webhook-cleanup', '0 4 * * *', 'CALL public.run_webhook_log_cleanup()')).
-- No SECURITY DEFINER and no SET clause: PostgreSQL allows COMMIT in a procedure only
-- without them. It runs with its caller's rights and search_path (so nothing of a caller's
-- runs with more rights than the caller's own), and calls the definer function above by its
-- schema-qualified name. The one function of the schema without a pinned search_path.
CREATE OR REPLACE PROCEDURE public.run_webhook_log_cleanup(
    p_retention interval DEFAULT interval '30 days',
    p_batch_size integer DEFAULT 5000,
    INOUT p_deleted bigint DEFAULT 0
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_batch integer;
BEGIN
    p_deleted := 0;
    LOOP
        v_batch := public.cleanup_old_webhook_logs(p_retention, p_batch_size);
        p_deleted := p_deleted + v_batch;
        COMMIT;
        EXIT WHEN v_batch < p_batch_size;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION public.cleanup_old_webhook_logs(interval, integer) FROM PUBLIC;
REVOKE ALL ON PROCEDURE public.run_webhook_log_cleanup(interval, integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.cleanup_old_webhook_logs(interval, integer) TO service_role;
GRANT EXECUTE ON PROCEDURE public.run_webhook_log_cleanup(interval, integer, bigint) TO service_role;
