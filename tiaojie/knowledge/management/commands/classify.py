import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tiaojie.knowledge.classifier import as_json, runtime, suggest_with
from tiaojie.knowledge.models import ClassifierModel


class Command(BaseCommand):
    help = (
        "Read one text a line on stdin and print one JSON line each: the top 3 dispute types with scores and the "
        'words that led to them, {"labels": [{"label": ..., "score": ..., "words": [...]}, ...]}. An empty line '
        'gives {"labels": []}. Uses the active model unless --model names one.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--model", metavar="VERSION", help='a stored version ("v3" or "3") or "seeds"')
        parser.add_argument("--top", type=int, default=3)

    def handle(self, *args: object, model: str | None, top: int, **options: object) -> None:
        try:
            chosen = runtime.by_name(model) if model else None
        except (ValueError, ClassifierModel.DoesNotExist):
            raise CommandError(f"no classifier model {model!r} (a stored version such as v3, or seeds)") from None
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            if not text.strip():
                self.stdout.write(json.dumps({"labels": []}))
                continue
            trained = (chosen or runtime.current()).model
            self.stdout.write(json.dumps(as_json(suggest_with(trained, text, top=top)), ensure_ascii=False))
