SELECT * FROM public.webhook_queue_health(%(org)s, %(lease)s::interval)
