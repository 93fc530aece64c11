"""The patients app's URL namespaces that more than one feature serves.

The names (`staff:patient_detail`, `account:invite_accept`, …) are older than the feature
folders and stay as they were; a namespace is one include, so it is gathered here.
Sessions (`patients:`), review (`dashboard:`) and records have their own urls.py.
"""

from patients.plans import urls as plans
from patients.roster import urls as roster

staff = ([*roster.staff_urlpatterns, *plans.staff_urlpatterns], "staff")
account = ([*roster.account_urlpatterns, *plans.account_urlpatterns], "account")
