-- An owed ITI-55 whose community answers later (WIT `deferred-discovery`): `discovery` is the
-- progress of its deferred communities (JSON: per community the token to poll with, or
-- what it answered), kept until the answer is made, then cleared. `next_attempt_at` is
-- then the next poll.
ALTER TABLE exchanges ADD COLUMN discovery TEXT;
