"""The roster: the staff's patient list and pages, invitations and accepting them."""
