import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Do once, before gunicorn forks (preload_app), what a fresh worker's first request would otherwise do: import
    every URL module with its views and the API's schemas, build the reverse table, load both languages'
    catalogues and compile the base templates. Opens no database connection, which must not cross a fork."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver()._populate()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("案件详情")
            for name in ("base.html", "home.html", "404.html"):
                get_template(name)
    # The dispute-type suggestion's seed model is trained from the shipped seeds, in pure Python, about 5 s of CPU.
    # Trained here, every worker inherits it through the fork; otherwise each new worker (and gunicorn replaces one
    # every max_requests) would make its first intake wait for it. Used whenever no trained version is active.
    from tiaojie.knowledge.classifier.runtime import seed_model

    seed_model()
