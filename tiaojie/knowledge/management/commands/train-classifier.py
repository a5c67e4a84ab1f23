from django.core.management.base import BaseCommand, CommandError

from tiaojie.knowledge.actions import do_activate_classifier, do_train_classifier
from tiaojie.knowledge.models import ClassifierModel


class Command(BaseCommand):
    help = (
        "Train the dispute-type classifier on the shipped seeds and every confirmed text (LabelledText), print the "
        "rows used and a cross-validated accuracy, store it as a new version and make it active (docs/knowledge.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="train and measure, store nothing")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
        parser.add_argument("--activate", type=int, metavar="VERSION", help="make a stored version active instead")

    def handle(self, *args: object, dry_run: bool, folds: int, activate: int | None, **options: object) -> None:
        if activate is not None:
            try:
                record = do_activate_classifier(version=activate, actor=None)
            except ClassifierModel.DoesNotExist:
                raise CommandError(f"no classifier model v{activate}") from None
            self.stdout.write(self.style.SUCCESS(f"v{record.version} is active"))
            return
        if folds < 2:
            raise CommandError("--folds must be at least 2")
        result = do_train_classifier(actor=None, dry_run=dry_run, folds=folds)
        rows = ", ".join(f"{source} {n}" for source, n in result.counts.items())
        m = result.metrics
        self.stdout.write(f"training rows: {rows} ({sum(result.counts.values())} in all)")
        self.stdout.write(
            f"{m['folds']}-fold cross-validation on them: accuracy {m['accuracy']:.1%}, macro-F1 {m['macro_f1']:.3f}, "
            f"top-3 {m['top3_accuracy']:.1%}"
        )
        if result.record is None:
            self.stdout.write(f"dry run: nothing stored ({result.seconds:.1f} s)")
        else:
            self.stdout.write(self.style.SUCCESS(f"stored v{result.record.version}, active ({result.seconds:.1f} s)"))
