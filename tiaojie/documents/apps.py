from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "tiaojie.documents"
    verbose_name = _("法律文书")

    def ready(self) -> None:
        from tiaojie.cases.retention import register_anonymiser
        from tiaojie.documents import (  # noqa: F401 - panels registers the case-page panel
            panels,
            retention,
            tracking,
        )

        register_anonymiser("documents", retention.anonymise, names=retention.names)  # docs/privacy.md
