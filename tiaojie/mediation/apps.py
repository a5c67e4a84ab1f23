from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "tiaojie.mediation"
    verbose_name = _("协商与调解")

    def ready(self) -> None:
        from tiaojie.cases.actions import ClaimHook, register_claim_hook
        from tiaojie.cases.deadlines import register_deadline_source
        from tiaojie.cases.retention import register_anonymiser
        from tiaojie.cases.search import register_search_text
        from tiaojie.mediation import (  # noqa: F401 - registers case-page panels and receivers
            panels,
            retention,
            signals,
            similar,
            tracking,
        )
        from tiaojie.mediation.claims import claims_locked, follow_claim_change
        from tiaojie.mediation.deadlines import mediation_deadlines
        from tiaojie.mediation.search import search_text

        # The agreement's review and judicial windows and the payment dates, for the deadline watcher.
        register_deadline_source(mediation_deadlines)
        register_anonymiser("mediation", retention.anonymise, names=retention.names)  # docs/privacy.md
        register_search_text(search_text)  # minutes, agreement and settlements in the case search (docs/search.md)
        # Claims stay editable until someone signs; a draft agreement follows each change (mediation/claims.py).
        register_claim_hook(ClaimHook(locked=claims_locked, changed=follow_claim_change))
