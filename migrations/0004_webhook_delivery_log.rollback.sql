-- Statements in the reverse order of 0004_webhook_delivery_log.sql, one for each.
ALTER TABLE public.webhook_delivery_log NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.webhook_delivery_log DISABLE ROW LEVEL SECURITY;

DROP INDEX public.idx_webhook_delivery_log_retention;

DROP INDEX public.idx_webhook_delivery_log_failed;

DROP INDEX public.idx_webhook_delivery_log_job_id;

DROP INDEX public.idx_webhook_delivery_log_created_at;

DROP INDEX public.idx_webhook_delivery_log_status;

DROP TABLE public.webhook_delivery_log;
