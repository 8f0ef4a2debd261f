-- title: A webhook delivery for an unknown org is refused by its foreign key
DO $$
BEGIN
    INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, received_at, status)
    VALUES (gen_random_uuid(), 'scenario', 'scenario-fk', now(), 'pending');
    RAISE EXCEPTION 'have an accepted row for an unknown org, want foreign_key_violation';
EXCEPTION WHEN foreign_key_violation THEN
    NULL;
END
$$;
