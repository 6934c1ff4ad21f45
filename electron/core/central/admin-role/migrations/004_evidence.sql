-- 004: what a principal's evidence page and reports read (issue 12).
--
-- aup_reports.evidence: one person's records exactly as each kiosk wrote them (`line`, whose own
-- hash `aup evidence` checks again) and where each stands in its machine's chain: its link, and the
-- link before it (that line's hash, which the record's `prev` must name, or the DBA's reopening).
-- The reporting role reads it only through a query that names the person (the CLI always does);
-- the lines hold nothing the reporting role's other view does not, besides the text hashes and the
-- typed name.
--
-- aup_reports.records gains the date a paper form was signed and who typed it in, so reports show
-- when the form was signed, not when it was entered.
--
-- Applied by `aup db migrate` in one transaction. Never edit it once applied.

SET LOCAL ROLE aup_owner;

-- A record's own link: one probe per record cited.
CREATE INDEX chain_links_record ON aup.chain_links (record_id) WHERE record_id IS NOT NULL;

CREATE VIEW aup_reports.evidence AS
  SELECT r.id, r.type, r.school_year, r.at, r.username, r.machine, r.campus, r.room, r.line,
         l.n AS link, p.n AS prev_link, p.hash AS prev_hash, p.reopened_by AS prev_reopened_by
  FROM aup.records r
  LEFT JOIN LATERAL (
    SELECT c.n FROM aup.chain_links c WHERE c.record_id = r.id AND c.stored ORDER BY c.n LIMIT 1
  ) l ON true
  LEFT JOIN LATERAL (
    SELECT c.n, c.hash, c.reopened_by FROM aup.chain_links c
    WHERE c.machine = r.machine AND c.school_year = r.school_year AND c.n < l.n
    ORDER BY c.n DESC LIMIT 1
  ) p ON true;

-- The same columns as before, in the same order, and two more at the end (CREATE OR REPLACE VIEW
-- may only add columns). Only a paper form's line is parsed. jsonb cannot hold \u0000 (see 002).
CREATE OR REPLACE VIEW aup_reports.records AS
  SELECT id, type, school_year, at, username, policy_id, version, language, method, signer,
         by_user, refusal, until, machine, campus, room, app_version, received_at,
         CASE WHEN method = 'paper' THEN replace(line, '\u0000', '\ufffd')::jsonb->>'signedOn' END AS signed_on,
         CASE WHEN method = 'paper' THEN replace(line, '\u0000', '\ufffd')::jsonb->>'enteredBy' END AS entered_by
  FROM aup.records;

REVOKE ALL ON aup_reports.evidence FROM PUBLIC;
GRANT SELECT ON aup_reports.evidence TO aup_reporting;
GRANT SELECT ON aup_reports.records TO aup_reporting;
