-- LDC status depends on a date: Bangladesh, Lao PDR and Nepal graduate on 2026-11-24, others before
-- or after (reference data and sources: src/people/reference/m49.ts, LDC_GRADUATIONS). The same rule
-- as isLdcOn there; src/people/ldc.test.ts checks that both agree for every country. NULL when the
-- country or the date is unknown. To change the list, add a migration that replaces this function.
CREATE OR REPLACE FUNCTION tracer_ldc_on(country text, on_date date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN country IS NULL OR on_date IS NULL THEN NULL ELSE EXISTS (
    SELECT 1 FROM (VALUES
      ('AF', null::date), ('AO', null::date), ('BD', date '2026-11-24'), ('BF', null::date), ('BI', null::date), ('BJ', null::date),
      ('BT', date '2023-12-13'), ('CD', null::date), ('CF', null::date), ('CV', date '2007-12-20'), ('DJ', null::date), ('ER', null::date),
      ('ET', null::date), ('GM', null::date), ('GN', null::date), ('GQ', date '2017-06-04'), ('GW', null::date), ('HT', null::date),
      ('KH', null::date), ('KI', null::date), ('KM', null::date), ('LA', date '2026-11-24'), ('LR', null::date), ('LS', null::date),
      ('MG', null::date), ('ML', null::date), ('MM', null::date), ('MR', null::date), ('MV', date '2011-01-01'), ('MW', null::date),
      ('MZ', null::date), ('NE', null::date), ('NP', date '2026-11-24'), ('RW', null::date), ('SB', date '2027-12-13'), ('SD', null::date),
      ('SL', null::date), ('SN', null::date), ('SO', null::date), ('SS', null::date), ('ST', date '2024-12-13'), ('TD', null::date),
      ('TG', null::date), ('TL', null::date), ('TV', null::date), ('TZ', null::date), ('UG', null::date), ('VU', date '2020-12-04'),
      ('WS', date '2014-01-01'), ('YE', null::date), ('ZM', null::date)
    ) AS ldc(code, graduated)
    WHERE ldc.code = upper(country) AND (ldc.graduated IS NULL OR on_date < ldc.graduated)
  ) END
$$;
