-- title: Webhook log cleanup runs and returns the number of rows it deleted
DO $$
DECLARE
    deleted integer;
BEGIN
    -- one row at most: on a production target this transaction is rolled back anyway
    deleted := public.cleanup_old_webhook_logs(interval '30 days', 1);
    ASSERT deleted IN (0, 1), format('have %s, want 0 or 1', deleted);
    ASSERT pg_typeof(public.cleanup_old_webhook_logs(interval '30 days', 1)) = 'integer'::regtype,
        'cleanup_old_webhook_logs does not return integer';
END
$$;
