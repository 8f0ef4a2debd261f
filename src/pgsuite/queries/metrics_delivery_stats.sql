SELECT * FROM public.webhook_delivery_stats(%(org)s, %(since)s::interval)
