"""The database keeps the fund's figures signable, whatever writes to it.

* A payment is never before its call's date, never in the future, never beyond what is
  still unpaid of its allocation; the allocation's ``paid_amount`` and ``paid_on`` follow its
  payments (their sum and the last date).
* Commitments never fall below what was called or invested: per fund, the sum of the
  commitments covers the calls and the investments; per partner, the commitment covers what
  the partner was called.
* A valuation is never in the future.
* The stakes of one deal's investments add up to 100 % at most.

"The future" is judged where the day starts first (UTC+14): the database has no notion of
the portal's time zone, so it refuses only dates that are in the future everywhere; the
services refuse anything after the portal's today.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION funds_payment_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    called_on date;
    allocated numeric;
    others numeric;
BEGIN
    SELECT c.call_date, a.amount INTO called_on, allocated
      FROM funds_capitalcallallocation a JOIN funds_capitalcall c ON c.id = a.call_id
     WHERE a.id = NEW.allocation_id
       FOR UPDATE OF a;
    IF NEW.paid_on < called_on THEN
        RAISE EXCEPTION 'payment dated % before its call of %', NEW.paid_on, called_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payment_not_before_call';
    END IF;
    IF NEW.paid_on > (now() AT TIME ZONE 'UTC' + interval '14 hours')::date THEN
        RAISE EXCEPTION 'payment dated % in the future', NEW.paid_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payment_not_in_future';
    END IF;
    SELECT coalesce(sum(amount), 0) INTO others FROM funds_payment
     WHERE allocation_id = NEW.allocation_id AND id IS DISTINCT FROM NEW.id;
    IF others + NEW.amount > allocated THEN
        RAISE EXCEPTION 'allocation % would be paid % of %', NEW.allocation_id,
            others + NEW.amount, allocated
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payment_within_allocation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_payment_guard
BEFORE INSERT OR UPDATE ON funds_payment
FOR EACH ROW EXECUTE FUNCTION funds_payment_guard();

CREATE FUNCTION funds_payment_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
BEGIN
    FOR target IN
        SELECT DISTINCT x FROM unnest(ARRAY[
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.allocation_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.allocation_id END
        ]) AS x WHERE x IS NOT NULL
    LOOP
        UPDATE funds_capitalcallallocation a
           SET paid_amount = coalesce(p.total, 0), paid_on = p.last
          FROM (SELECT sum(amount) AS total, max(paid_on) AS last
                  FROM funds_payment WHERE allocation_id = target) p
         WHERE a.id = target;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER funds_payment_sync
AFTER INSERT OR UPDATE OR DELETE ON funds_payment
FOR EACH ROW EXECUTE FUNCTION funds_payment_sync();

CREATE FUNCTION funds_commitment_floor() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    fund bigint;
    committed numeric;
    called numeric;
    invested numeric;
    partner_committed numeric;
    partner_called numeric;
BEGIN
    -- Only the commitment as it was can have shrunk (its fund's total, its partner's).
    fund := OLD.fund_id;
    PERFORM 1 FROM funds_fund WHERE id = fund FOR UPDATE;
    SELECT coalesce(sum(amount), 0) INTO committed FROM funds_commitment WHERE fund_id = fund;
    SELECT coalesce(sum(amount), 0) INTO called FROM funds_capitalcall WHERE fund_id = fund;
    SELECT coalesce(sum(amount), 0) INTO invested FROM funds_investment WHERE fund_id = fund;
    IF committed < greatest(called, invested) THEN
        RAISE EXCEPTION 'fund % would have % committed against % called and % invested',
            fund, committed, called, invested
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'funds_commitments_cover_calls_and_investments';
    END IF;
    SELECT coalesce(sum(amount), 0) INTO partner_committed FROM funds_commitment
     WHERE fund_id = fund AND limited_partner_id = OLD.limited_partner_id;
    SELECT coalesce(sum(a.amount), 0) INTO partner_called
      FROM funds_capitalcallallocation a JOIN funds_capitalcall c ON c.id = a.call_id
     WHERE c.fund_id = fund AND a.limited_partner_id = OLD.limited_partner_id;
    IF partner_committed < partner_called THEN
        RAISE EXCEPTION 'partner % would have % committed against % called',
            OLD.limited_partner_id, partner_committed, partner_called
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_commitment_covers_partner_calls';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER funds_commitment_floor
AFTER UPDATE OR DELETE ON funds_commitment
FOR EACH ROW EXECUTE FUNCTION funds_commitment_floor();

CREATE FUNCTION funds_valuation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.valued_on > (now() AT TIME ZONE 'UTC' + interval '14 hours')::date THEN
        RAISE EXCEPTION 'valuation dated % in the future', NEW.valued_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_valuation_not_in_future';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_valuation_not_in_future
BEFORE INSERT OR UPDATE OF valued_on ON funds_valuation
FOR EACH ROW EXECUTE FUNCTION funds_valuation_guard();

CREATE FUNCTION funds_deal_stakes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    others numeric;
BEGIN
    IF NEW.stake IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM funds_deal WHERE id = NEW.deal_id FOR UPDATE;
    SELECT coalesce(sum(stake), 0) INTO others FROM funds_investment
     WHERE deal_id = NEW.deal_id AND id IS DISTINCT FROM NEW.id;
    IF others + NEW.stake > 100 THEN
        RAISE EXCEPTION 'deal % would hold % %%', NEW.deal_id, others + NEW.stake
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_deal_stakes_within_100';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER funds_deal_stakes_within_100
BEFORE INSERT OR UPDATE OF stake, deal_id ON funds_investment
FOR EACH ROW EXECUTE FUNCTION funds_deal_stakes_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS funds_deal_stakes_within_100 ON funds_investment;
DROP FUNCTION IF EXISTS funds_deal_stakes_guard();
DROP TRIGGER IF EXISTS funds_valuation_not_in_future ON funds_valuation;
DROP FUNCTION IF EXISTS funds_valuation_guard();
DROP TRIGGER IF EXISTS funds_commitment_floor ON funds_commitment;
DROP FUNCTION IF EXISTS funds_commitment_floor();
DROP TRIGGER IF EXISTS funds_payment_sync ON funds_payment;
DROP FUNCTION IF EXISTS funds_payment_sync();
DROP TRIGGER IF EXISTS funds_payment_guard ON funds_payment;
DROP FUNCTION IF EXISTS funds_payment_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0008_payments_from_allocations")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
