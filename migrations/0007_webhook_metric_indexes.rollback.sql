-- transactional: false
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_webhook_delivery_log_failed
    ON public.webhook_delivery_log (last_attempt_at DESC)
    WHERE status IN ('failed', 'dead_letter');
DROP INDEX CONCURRENTLY IF EXISTS public.idx_webhook_delivery_log_org_failed;
DROP INDEX CONCURRENTLY IF EXISTS public.idx_webhook_delivery_log_org_created;
DROP INDEX CONCURRENTLY IF EXISTS public.idx_webhook_delivery_log_active;
