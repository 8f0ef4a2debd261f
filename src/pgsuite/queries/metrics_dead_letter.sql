SELECT * FROM public.webhook_dead_letter_queue(%(org)s, %(limit)s)
