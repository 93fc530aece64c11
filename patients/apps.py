from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients")

    def ready(self):
        # The staff home page's summaries follow every write of what they are made of.
        from patients.review.summaries import connect_receivers

        connect_receivers()
