-- pgsuite.bench.rows completed deliveries, every other one past the 30-day retention; what
-- the cleanup must keep is counted in bench_expected for the check.
INSERT INTO public.organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'org 1');
INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, received_at, status, attempts,
                                         last_attempt_at, completed_at, job_id, created_at)
SELECT '00000000-0000-0000-0000-000000000001', 'booking.created', 'evt_' || g, t, 'completed', 1, t, t, 'job_' || g, t
FROM (SELECT g, CASE WHEN g % 2 = 0 THEN now() - interval '40 days' + g * interval '1 millisecond'
                     ELSE now() - interval '10 days' + g * interval '1 millisecond' END AS t
      FROM generate_series(1, current_setting('pgsuite.bench.rows')::integer) AS g) AS x;
CREATE TABLE public.bench_expected AS
SELECT count(*) AS kept FROM public.webhook_delivery_log WHERE created_at >= now() - interval '30 days';
