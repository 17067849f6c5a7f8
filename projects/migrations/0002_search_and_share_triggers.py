"""Database-side rules of achievements.

* ``search_vector`` is kept by triggers from the title (weight A), the summary (B) and the IP
  items' numbers and titles (C): English words through the ``english`` configuration, CJK
  text as overlapping unigrams and bigrams through ``simple`` (see projects/search.py).
* A submitted or accepted achievement's inventor shares sum to exactly 100: a deferred
  constraint trigger checks it at commit, whatever wrote the rows.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION projects_cjk_tokens(doc text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    run text;
    n int;
    i int;
    tokens text[] := '{}';
BEGIN
    FOR run IN
        SELECT m[1] FROM regexp_matches(coalesce(doc, ''),
            '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)', 'g') AS m
    LOOP
        n := char_length(run);
        FOR i IN 1..n LOOP
            tokens := tokens || substr(run, i, 1);
            IF i < n THEN
                tokens := tokens || substr(run, i, 2);
            END IF;
        END LOOP;
    END LOOP;
    RETURN array_to_string(tokens, ' ');
END
$$;

CREATE FUNCTION projects_weighted_vector(doc text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(doc, '')), weight)
        || setweight(to_tsvector('simple', projects_cjk_tokens(doc)), weight)
$$;

CREATE FUNCTION projects_achievement_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        projects_weighted_vector(NEW.title, 'A')
        || projects_weighted_vector(NEW.summary, 'B')
        || projects_weighted_vector(
            (SELECT string_agg(number || ' ' || title, ' ')
               FROM projects_ipitem WHERE achievement_id = NEW.id), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_achievement_search
BEFORE INSERT OR UPDATE OF title, summary ON projects_achievement
FOR EACH ROW EXECUTE FUNCTION projects_achievement_search_update();

CREATE FUNCTION projects_ipitem_search_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Re-running the achievement's trigger folds the IP titles into its vector.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE projects_achievement SET title = title WHERE id = NEW.achievement_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE projects_achievement SET title = title WHERE id = OLD.achievement_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_ipitem_search
AFTER INSERT OR UPDATE OR DELETE ON projects_ipitem
FOR EACH ROW EXECUTE FUNCTION projects_ipitem_search_touch();

CREATE FUNCTION projects_check_inventor_shares() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
    target_status text;
    total numeric;
BEGIN
    IF TG_TABLE_NAME = 'projects_achievement' THEN
        target := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        target := OLD.achievement_id;
    ELSE
        target := NEW.achievement_id;
    END IF;
    SELECT status INTO target_status FROM projects_achievement WHERE id = target;
    IF target_status IN ('submitted', 'accepted') THEN
        SELECT coalesce(sum(share), 0) INTO total FROM projects_inventor
         WHERE achievement_id = target;
        IF total <> 100 THEN
            RAISE EXCEPTION 'inventor shares of achievement % sum to %, not 100', target, total
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'projects_inventor_shares_sum_100';
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER projects_inventor_shares_sum_100
AFTER INSERT OR UPDATE OR DELETE ON projects_inventor
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION projects_check_inventor_shares();

CREATE CONSTRAINT TRIGGER projects_achievement_shares_sum_100
AFTER INSERT OR UPDATE OF status ON projects_achievement
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION projects_check_inventor_shares();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS projects_achievement_shares_sum_100 ON projects_achievement;
DROP TRIGGER IF EXISTS projects_inventor_shares_sum_100 ON projects_inventor;
DROP FUNCTION IF EXISTS projects_check_inventor_shares();
DROP TRIGGER IF EXISTS projects_ipitem_search ON projects_ipitem;
DROP FUNCTION IF EXISTS projects_ipitem_search_touch();
DROP TRIGGER IF EXISTS projects_achievement_search ON projects_achievement;
DROP FUNCTION IF EXISTS projects_achievement_search_update();
DROP FUNCTION IF EXISTS projects_weighted_vector(text, "char");
DROP FUNCTION IF EXISTS projects_cjk_tokens(text);
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
