-- What answering an owed exchange needs after a restart [ITI TF-2 Appendix V; 3.55.6.2]:
-- `request` is the request envelope as accepted (kept until the answer is made, then
-- cleared), `context` what the acceptance learned (endpoint, requester, mode; JSON).
-- `audit_delivered` / `audit_given_up` are the DICOM audit records (one per line) the
-- exchange writes when its answer is delivered, or when it is given up.
ALTER TABLE exchanges ADD COLUMN request BYTEA;
ALTER TABLE exchanges ADD COLUMN context TEXT;
ALTER TABLE exchanges ADD COLUMN audit_delivered TEXT;
ALTER TABLE exchanges ADD COLUMN audit_given_up TEXT;
