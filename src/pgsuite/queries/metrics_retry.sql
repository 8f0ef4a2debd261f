SELECT public.retry_failed_webhook(%(job_id)s) AS result
