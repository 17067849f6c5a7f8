"""Order rules of the capital chain, held by the database as well as by the services:
no investment in a deal that was not approved, nor dated before the committee approved it;
no exit dated before the investment."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION funds_investment_check_approval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    deal_stage text;
    approved date;
BEGIN
    SELECT stage INTO deal_stage FROM funds_deal WHERE id = NEW.deal_id;
    SELECT min(meeting_date) INTO approved
      FROM funds_committeedecision WHERE deal_id = NEW.deal_id AND decision = 'approve';
    IF deal_stage NOT IN ('approved', 'invested') OR NEW.invested_on < approved THEN
        RAISE EXCEPTION 'investment in deal % on % precedes its approval (%)',
            NEW.deal_id, NEW.invested_on, coalesce(approved::text, 'none')
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'funds_investment_not_before_approval';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_investment_not_before_approval
BEFORE INSERT OR UPDATE OF deal_id, invested_on ON funds_investment
FOR EACH ROW EXECUTE FUNCTION funds_investment_check_approval();

CREATE FUNCTION funds_exit_check_investment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.exited_on < (SELECT invested_on FROM funds_investment WHERE id = NEW.investment_id)
    THEN
        RAISE EXCEPTION 'exit of investment % on % precedes the investment',
            NEW.investment_id, NEW.exited_on
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'funds_exit_not_before_investment';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_exit_not_before_investment
BEFORE INSERT OR UPDATE OF investment_id, exited_on ON funds_exit
FOR EACH ROW EXECUTE FUNCTION funds_exit_check_investment();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS funds_exit_not_before_investment ON funds_exit;
DROP FUNCTION IF EXISTS funds_exit_check_investment();
DROP TRIGGER IF EXISTS funds_investment_not_before_approval ON funds_investment;
DROP FUNCTION IF EXISTS funds_investment_check_approval();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_recent_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
