"""The database guards the limited partners' money too.

* A fund's investments never exceed its commitments, and its capital calls neither: the
  triggers lock the fund's row first, so concurrent writes queue up instead of racing past
  each other's sums.
* An investment belongs to its deal's fund.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION funds_investment_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    committed numeric;
    invested numeric;
BEGIN
    SELECT fund_id INTO NEW.fund_id FROM funds_deal WHERE id = NEW.deal_id;
    PERFORM 1 FROM funds_fund WHERE id = NEW.fund_id FOR UPDATE;
    SELECT coalesce(sum(amount), 0) INTO committed FROM funds_commitment WHERE fund_id = NEW.fund_id;
    SELECT coalesce(sum(amount), 0) INTO invested FROM funds_investment
     WHERE fund_id = NEW.fund_id AND id IS DISTINCT FROM NEW.id;
    IF invested + NEW.amount > committed THEN
        RAISE EXCEPTION 'fund % would invest % of % committed', NEW.fund_id,
            invested + NEW.amount, committed
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_investment_within_commitments';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_investment_within_commitments
BEFORE INSERT OR UPDATE OF amount, deal_id ON funds_investment
FOR EACH ROW EXECUTE FUNCTION funds_investment_guard();

CREATE FUNCTION funds_capitalcall_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    committed numeric;
    called numeric;
BEGIN
    PERFORM 1 FROM funds_fund WHERE id = NEW.fund_id FOR UPDATE;
    SELECT coalesce(sum(amount), 0) INTO committed FROM funds_commitment WHERE fund_id = NEW.fund_id;
    SELECT coalesce(sum(amount), 0) INTO called FROM funds_capitalcall
     WHERE fund_id = NEW.fund_id AND id IS DISTINCT FROM NEW.id;
    IF called + NEW.amount > committed THEN
        RAISE EXCEPTION 'fund % would call % of % committed', NEW.fund_id,
            called + NEW.amount, committed
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_calls_within_commitments';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_calls_within_commitments
BEFORE INSERT OR UPDATE OF amount ON funds_capitalcall
FOR EACH ROW EXECUTE FUNCTION funds_capitalcall_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS funds_calls_within_commitments ON funds_capitalcall;
DROP FUNCTION IF EXISTS funds_capitalcall_guard();
DROP TRIGGER IF EXISTS funds_investment_within_commitments ON funds_investment;
DROP FUNCTION IF EXISTS funds_investment_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
