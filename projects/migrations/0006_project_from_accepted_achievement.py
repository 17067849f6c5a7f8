"""A project is opened only from an accepted achievement (checked by the database too)."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION projects_project_check_achievement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM projects_achievement WHERE id = NEW.achievement_id) <> 'accepted' THEN
        RAISE EXCEPTION 'achievement % is not accepted', NEW.achievement_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'projects_project_from_accepted_achievement';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_project_from_accepted_achievement
BEFORE INSERT OR UPDATE OF achievement_id ON projects_project
FOR EACH ROW EXECUTE FUNCTION projects_project_check_achievement();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS projects_project_from_accepted_achievement ON projects_project;
DROP FUNCTION IF EXISTS projects_project_check_achievement();
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_industrial_chain")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
