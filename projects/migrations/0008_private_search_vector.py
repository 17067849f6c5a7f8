"""Search sees only what the searcher may see.

The public ``search_vector`` held the patent numbers and titles, which are confidential:
an anonymous search by a patent number found an achievement whose patents it may not read.
Now the triggers keep two vectors:

* ``search_vector``: title (A) and public summary (B) — searched by everybody;
* ``private_search_vector``: confidential details (B), patent numbers and titles (C) and
  inventors (D) — searched only on the rows whose confidential fields the user may read
  (``AchievementQuerySet.search(text, user)``).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION projects_achievement_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        projects_weighted_vector(NEW.title, 'A')
        || projects_weighted_vector(NEW.summary, 'B');
    NEW.private_search_vector :=
        projects_weighted_vector(NEW.confidential_details, 'B')
        || projects_weighted_vector(
            (SELECT string_agg(number || ' ' || title, ' ')
               FROM projects_ipitem WHERE achievement_id = NEW.id), 'C')
        || projects_weighted_vector(
            (SELECT string_agg(name || ' ' || organization, ' ')
               FROM projects_inventor WHERE achievement_id = NEW.id), 'D');
    RETURN NEW;
END
$$;

DROP TRIGGER projects_achievement_search ON projects_achievement;
CREATE TRIGGER projects_achievement_search
BEFORE INSERT OR UPDATE OF title, summary, confidential_details ON projects_achievement
FOR EACH ROW EXECUTE FUNCTION projects_achievement_search_update();

CREATE TRIGGER projects_inventor_search
AFTER INSERT OR UPDATE OR DELETE ON projects_inventor
FOR EACH ROW EXECUTE FUNCTION projects_ipitem_search_touch();

UPDATE projects_achievement SET title = title;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS projects_inventor_search ON projects_inventor;
DROP TRIGGER projects_achievement_search ON projects_achievement;
CREATE TRIGGER projects_achievement_search
BEFORE INSERT OR UPDATE OF title, summary ON projects_achievement
FOR EACH ROW EXECUTE FUNCTION projects_achievement_search_update();
CREATE OR REPLACE FUNCTION projects_achievement_search_update() RETURNS trigger
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
UPDATE projects_achievement SET title = title;
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_recent_index")]

    operations = [
        migrations.AddField(
            model_name="achievement",
            name="private_search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="achievement",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["private_search_vector"], name="projects_achievement_private"
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
