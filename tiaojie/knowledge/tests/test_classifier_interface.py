"""The suggestion interface every channel calls, and the training rows staff confirmations write."""

from __future__ import annotations

import pytest

from tiaojie.knowledge.actions import do_record_labelled_text
from tiaojie.knowledge.classifier import CLAIM_TYPES, LABELS, suggest
from tiaojie.knowledge.classifier.keywords import keyword_label
from tiaojie.knowledge.models import LabelledText


def test_every_label_maps_onto_claim_types():
    assert set(CLAIM_TYPES) == set(LABELS)


def test_keyword_baseline_names_the_label_its_words_name():
    assert keyword_label("在工地受伤了，单位不给认定工伤") == "work_injury"
    assert keyword_label("老板拖欠三个月工资") == "wage_arrears"
    assert keyword_label("想问一下") == "other"


def test_suggestions_are_ranked_with_their_words():
    top = suggest("老板拖欠工资，还不给交社保")
    assert {s.label for s in top[:2]} == {"social_insurance", "wage_arrears"}
    assert all(s.words for s in top[:2])
    assert len(top) <= 3


@pytest.mark.django_db
def test_confirming_twice_replaces_the_training_row(mediator_a):
    for labels in (["wage_arrears"], ["overtime", "wage_arrears"]):
        do_record_labelled_text(
            text="加班不给钱",
            labels=labels,
            source="case",
            reference="7",
            suggested=["wage_arrears"],
            model_version="keywords",
            actor=mediator_a,
        )
    row = LabelledText.objects.get()
    assert row.labels == ["overtime", "wage_arrears"]
    assert row.confirmed_by == mediator_a


@pytest.mark.django_db
def test_an_unknown_label_is_refused_and_nothing_is_written(mediator_a):
    with pytest.raises(ValueError):
        do_record_labelled_text(
            text="x",
            labels=["nonsense"],
            source="case",
            reference="8",
            suggested=[],
            model_version="",
            actor=mediator_a,
        )
    assert not LabelledText.objects.exists()
