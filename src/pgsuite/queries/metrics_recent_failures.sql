SELECT * FROM public.webhook_recent_failures(%(org)s, %(limit)s)
