"""The canal's hop rows are completed and summed by the database, in the same transaction.

* ``projects_achievementhops`` BEFORE INSERT / UPDATE: copies the achievement's alliance,
  owner (with its parent organisations) and field, and computes the cohort year and each
  hop's days (from the latest earlier hop reached on or before it).
* ``projects_achievementhops`` AFTER INSERT / UPDATE / DELETE: adds the row's difference to
  the day histograms (``projects_canalcell``) and the timeline (``projects_canalyearcell``)
  of every combination of filters. ``SET LOCAL projects.canal_bulk = 'on'`` skips it while
  ``rebuild_canal`` recomputes the cells in one statement.
* an achievement's alliance, owner or field changing, or an organisation's parent, moves
  the achievement's counts to the right groups.
* no project starts before its achievement was accepted (order rule, with its message in
  ``projects.apps``).
"""

from django.db import migrations

KEYS = [
    "submitted", "accepted", "pilot", "industrialization", "market", "deal", "invested", "exited"
]


def _days(index: int) -> str:
    """Hop ``index``'s days: from the latest earlier hop reached on or before it (GREATEST
    ignores NULLs, so a hop with no such earlier hop, or not reached, has NULL days)."""
    key = KEYS[index]
    earlier = ", ".join(
        f"CASE WHEN NEW.{other} <= NEW.{key} THEN NEW.{other} END" for other in KEYS[:index]
    )
    return f"    NEW.{key}_days := NEW.{key} - GREATEST({earlier});"


DAYS = "\n".join(_days(index) for index in range(1, len(KEYS)))

FORWARD = r"""
CREATE FUNCTION projects_canal_ancestors(p_org bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM members_organization WHERE id = p_org
        UNION ALL
        SELECT o.id, o.parent_id, c.depth + 1
          FROM members_organization o JOIN chain c ON o.id = c.parent_id
         WHERE c.depth < 16
    )
    SELECT coalesce(array_agg(id ORDER BY depth), ARRAY[p_org]) FROM chain
$$;

-- One row per hop reached: (hop index, date, days or -1, previous hop reached).
CREATE FUNCTION projects_canal_points(h projects_achievementhops)
RETURNS TABLE (hop smallint, day date, days integer, prior boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT v.hop::smallint, v.day, coalesce(v.days, -1), v.prior
      FROM (VALUES
            (0, h.submitted, NULL::integer, false),
            (1, h.accepted, h.accepted_days, h.submitted IS NOT NULL),
            (2, h.pilot, h.pilot_days, h.accepted IS NOT NULL),
            (3, h.industrialization, h.industrialization_days, h.pilot IS NOT NULL),
            (4, h.market, h.market_days, h.industrialization IS NOT NULL),
            (5, h.deal, h.deal_days, h.market IS NOT NULL),
            (6, h.invested, h.invested_days, h.deal IS NOT NULL),
            (7, h.exited, h.exited_days, h.invested IS NOT NULL)
           ) AS v(hop, day, days, prior)
     WHERE v.day IS NOT NULL
$$;

-- Every group an achievement counts in: its value or "all" (0, '') in each filter.
CREATE FUNCTION projects_canal_groups(
    p_alliance bigint, p_ancestors bigint[], p_field varchar, p_cohort smallint
) RETURNS TABLE (alliance_id bigint, organization_id bigint, field varchar, cohort smallint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT a, o, f, c
      FROM unnest(ARRAY[p_alliance, 0]) AS a,
           unnest(p_ancestors || 0::bigint) AS o,
           unnest(ARRAY[p_field, '']::varchar[]) AS f,
           unnest(ARRAY[coalesce(p_cohort, 0), 0]::smallint[]) AS c
$$;

CREATE FUNCTION projects_achievementhops_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.alliance_id IS NULL THEN
        SELECT a.alliance_id, a.organization_id, a.field
          INTO NEW.alliance_id, NEW.organization_id, NEW.field
          FROM projects_achievement a WHERE a.id = NEW.achievement_id;
    END IF;
    IF (TG_OP = 'INSERT' AND coalesce(cardinality(NEW.ancestors), 0) = 0)
       OR (TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        NEW.ancestors := projects_canal_ancestors(NEW.organization_id);
    END IF;
""" + DAYS + r"""
    NEW.cohort := extract(year FROM coalesce(
        NEW.submitted,
        LEAST(NEW.accepted, NEW.pilot, NEW.industrialization, NEW.market, NEW.deal,
              NEW.invested, NEW.exited)))::smallint;
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_achievementhops_fill
BEFORE INSERT OR UPDATE ON projects_achievementhops
FOR EACH ROW EXECUTE FUNCTION projects_achievementhops_fill();

CREATE FUNCTION projects_achievementhops_cells() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('projects.canal_bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    WITH old_rows AS (
        SELECT g.alliance_id, g.organization_id, g.field, g.cohort, p.hop, p.days, p.prior,
               extract(year FROM p.day)::smallint AS year
          FROM projects_canal_points(OLD) AS p,
               projects_canal_groups(OLD.alliance_id, OLD.ancestors, OLD.field, OLD.cohort) AS g
         WHERE TG_OP <> 'INSERT'
    ), new_rows AS (
        SELECT g.alliance_id, g.organization_id, g.field, g.cohort, p.hop, p.days, p.prior,
               extract(year FROM p.day)::smallint AS year
          FROM projects_canal_points(NEW) AS p,
               projects_canal_groups(NEW.alliance_id, NEW.ancestors, NEW.field, NEW.cohort) AS g
         WHERE TG_OP <> 'DELETE'
    ), delta AS (
        SELECT n.*, 1 AS sign FROM (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows) n
        UNION ALL
        SELECT o.*, -1 FROM (SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) o
    ), durations AS (
        INSERT INTO projects_canalcell AS c
               (alliance_id, organization_id, field, cohort, hop, days, prior, count)
        SELECT alliance_id, organization_id, field, cohort, hop, days, prior, sum(sign)
          FROM delta GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(sign) <> 0
        ON CONFLICT (alliance_id, organization_id, field, cohort, hop, days, prior)
        DO UPDATE SET count = c.count + EXCLUDED.count
    )
    INSERT INTO projects_canalyearcell AS y
           (alliance_id, organization_id, field, cohort, hop, year, count)
    SELECT alliance_id, organization_id, field, cohort, hop, year, sum(sign)
      FROM delta GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0
    ON CONFLICT (alliance_id, organization_id, field, cohort, hop, year)
    DO UPDATE SET count = y.count + EXCLUDED.count;
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_achievementhops_cells
AFTER INSERT OR UPDATE OR DELETE ON projects_achievementhops
FOR EACH ROW EXECUTE FUNCTION projects_achievementhops_cells();

CREATE FUNCTION projects_achievement_sync_hops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects_achievementhops
       SET alliance_id = NEW.alliance_id, organization_id = NEW.organization_id,
           field = NEW.field
     WHERE achievement_id = NEW.id
       AND (alliance_id, organization_id, field)
           IS DISTINCT FROM (NEW.alliance_id, NEW.organization_id, NEW.field);
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_achievement_sync_hops
AFTER UPDATE OF alliance_id, organization_id, field ON projects_achievement
FOR EACH ROW EXECUTE FUNCTION projects_achievement_sync_hops();

CREATE FUNCTION projects_organization_sync_hops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects_achievementhops
       SET ancestors = projects_canal_ancestors(organization_id)
     WHERE ancestors @> ARRAY[NEW.id];
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_organization_sync_hops
AFTER UPDATE OF parent_id ON members_organization
FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
EXECUTE FUNCTION projects_organization_sync_hops();

CREATE FUNCTION projects_project_check_acceptance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    accepted date;
BEGIN
    SELECT h.accepted INTO accepted
      FROM projects_achievementhops h WHERE h.achievement_id = NEW.achievement_id;
    IF accepted IS NOT NULL AND LEAST(NEW.started_on, NEW.pilot_started_on,
            NEW.industrialization_started_on, NEW.market_launched_on) < accepted THEN
        RAISE EXCEPTION 'project % starts before achievement % was accepted on %',
            NEW.id, NEW.achievement_id, accepted
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'projects_project_not_before_acceptance';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_project_not_before_acceptance
BEFORE INSERT OR UPDATE OF achievement_id, started_on, pilot_started_on,
    industrialization_started_on, market_launched_on ON projects_project
FOR EACH ROW EXECUTE FUNCTION projects_project_check_acceptance();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS projects_project_not_before_acceptance ON projects_project;
DROP FUNCTION IF EXISTS projects_project_check_acceptance();
DROP TRIGGER IF EXISTS projects_organization_sync_hops ON members_organization;
DROP FUNCTION IF EXISTS projects_organization_sync_hops();
DROP TRIGGER IF EXISTS projects_achievement_sync_hops ON projects_achievement;
DROP FUNCTION IF EXISTS projects_achievement_sync_hops();
DROP TRIGGER IF EXISTS projects_achievementhops_cells ON projects_achievementhops;
DROP FUNCTION IF EXISTS projects_achievementhops_cells();
DROP TRIGGER IF EXISTS projects_achievementhops_fill ON projects_achievementhops;
DROP FUNCTION IF EXISTS projects_achievementhops_fill();
DROP FUNCTION IF EXISTS projects_canal_groups(bigint, bigint[], varchar, smallint);
DROP FUNCTION IF EXISTS projects_canal_points(projects_achievementhops);
DROP FUNCTION IF EXISTS projects_canal_ancestors(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_labels"),
        ("projects", "0009_canal_hops"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
