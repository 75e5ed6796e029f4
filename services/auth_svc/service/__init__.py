"""auth_svc's use cases, by subject: `accounts` (register, verify the email, reset the password,
roles, the first admin, deletion), `sessions` (sign in with a password or Google, refresh, sign
out), `credentials` (the proofs of who someone is, shared by both) and `revocations` (what ends
tokens early, and the sweep of tokens past all use).

Every use case runs in the unit of work its caller gives it (the servicer and the jobs pass the
service's `Database`) and takes the `Caller` explicitly when it acts for someone.

Their clock is the machine's (`mesh.clock.utcnow`), never the test clock: every service checks the
tokens auth issues (their issue and expiry times, the revocation cut-offs) against the machine's
clock, so tokens issued on a moved clock would be refused everywhere.
"""

