-- The webhook delivery log as production has it: pgsuite.bench.rows deliveries over
-- pgsuite.bench.orgs orgs, one every 10 seconds back from now, 90 % completed, 5 % dead-lettered,
-- 3 % failed, 1.5 % pending, 0.5 % processing. The last org never had a failure (the case where a
-- scan of every org's failures looks cheap to the planner).
INSERT INTO public.organizations (id, name)
SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'org ' || g
FROM generate_series(1, current_setting('pgsuite.bench.orgs')::integer) AS g;

INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, received_at, status, attempts,
                                         last_attempt_at, completed_at, error_message, job_id, created_at)
SELECT ('00000000-0000-0000-0000-' || lpad((x.g % x.orgs + 1)::text, 12, '0'))::uuid,
       (ARRAY['booking.created', 'booking.cancelled', 'payment.succeeded'])[x.g % 3 + 1], 'evt_' || x.g, x.t, x.s,
       CASE WHEN x.s = 'pending' THEN 0 ELSE 1 + x.g % 5 END,
       CASE WHEN x.s <> 'pending' THEN x.t + interval '2 seconds' END,
       CASE WHEN x.s = 'completed' THEN x.t + (x.g % 1000) * interval '1 millisecond' END,
       CASE WHEN x.s IN ('failed', 'dead_letter') THEN 'HTTP 500' END, 'job_' || x.g, x.t
FROM (SELECT g, orgs, now() - g * interval '10 seconds' AS t,
             CASE WHEN g % orgs = orgs - 1 THEN 'completed'
                  WHEN g % 200 < 180 THEN 'completed' WHEN g % 200 < 190 THEN 'dead_letter'
                  WHEN g % 200 < 196 THEN 'failed' WHEN g % 200 < 199 THEN 'pending' ELSE 'processing' END AS s
      FROM generate_series(1, current_setting('pgsuite.bench.rows')::integer) AS g,
           LATERAL (SELECT current_setting('pgsuite.bench.orgs')::integer AS orgs) AS o) AS x;
