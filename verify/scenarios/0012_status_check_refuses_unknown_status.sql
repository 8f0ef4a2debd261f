-- title: The webhook status check refuses a status outside the state machine
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('status check');
BEGIN
    BEGIN
        INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, received_at, status)
        VALUES ((t->>'org')::uuid, 'scenario', 'scenario-status', now(), 'delivered');
        RAISE EXCEPTION 'have an accepted status ''delivered'', want check_violation';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
