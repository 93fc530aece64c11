"""Who is staff, sign-in and session policy, the team pages, the admin's clinic scoping."""
