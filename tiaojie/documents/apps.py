from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "tiaojie.documents"
    verbose_name = _("法律文书")

    def ready(self) -> None:
        from tiaojie.documents import panels  # noqa: F401 - registers the case-page panel
