"""Sign-in (lockout, role backend, session policy, two-factor, password reset), the team
pages, the admin's clinic scoping."""
