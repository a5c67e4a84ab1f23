"""The trained dispute-type classifier: its suggestions, the words it gives, retraining, versions, storage."""

from __future__ import annotations

import io
import json
import pickle
import zlib

import pytest
from django.core.management import CommandError, call_command

from tiaojie.knowledge.actions import do_record_labelled_text, do_train_classifier
from tiaojie.knowledge.classifier import LABELS, model_version, runtime, suggest, suggest_with
from tiaojie.knowledge.classifier.training import seed_rows
from tiaojie.knowledge.models import ClassifierModel

# Written for these tests, none of them a seed: one text per label in the ways people put it.
UNSEEN = {
    "wage_arrears": "干了四个月老板一分钱工钱都没结给我",
    "overtime": "厂里天天让我们干到晚上十点，加班工资从来不算",
    "social_insurance": "单位三年没给我缴社保，退休怎么办",
    "termination": "经理突然通知我下周不用来上班了，也不说给补偿",
    "no_written_contract": "进厂八个月了，老板一直没跟我签劳动合同",
    "work_injury": "在车间搬货被压断了脚趾头，老板不给报医药费",
    "labour_relationship": "我给这家店干了一年，店主说我只是帮忙的，不是他的员工",
    "annual_leave": "工作六年从来没休过带薪年休假，离职时能要钱吗",
    "other": "公司扣着我的毕业证书不还给我",
}


@pytest.fixture(autouse=True)
def fresh_runtime(monkeypatch):
    """Each test starts as a new process would: nothing loaded, the active version asked for on first use."""
    monkeypatch.setattr(runtime, "_current", None)
    monkeypatch.setattr(runtime, "_checked_at", float("-inf"))


def test_the_unseen_texts_are_not_seeds():
    assert not set(UNSEEN.values()) & {row.text for row in seed_rows()}
    assert set(UNSEEN) == set(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_the_seed_model_suggests_the_right_type_first(label):
    top = suggest(UNSEEN[label])
    assert top[0].label == label
    assert len(top) == 3 and len({s.label for s in top}) == 3
    assert top[0].score > top[1].score


@pytest.mark.parametrize("label", LABELS)
def test_the_words_given_are_words_of_the_text(label):
    text = UNSEEN[label]
    top = suggest(text)
    assert top[0].words, "the first suggestion says what led to it"
    for suggestion in top:
        assert all(word in text for word in suggestion.words)


def test_the_words_name_what_the_suggestion_rests_on():
    words = suggest("我在工地上摔断了腿，包工头说不管")[0].words
    assert any("摔断" in w or "断了腿" in w for w in words)


def test_scores_are_probabilities_over_all_nine_labels():
    everything = suggest("老板拖欠工资，还不给交社保", top=9)
    assert sorted(s.label for s in everything) == sorted(LABELS)
    assert sum(s.score for s in everything) == pytest.approx(1.0)


def test_a_blank_text_is_other_and_a_text_without_known_characters_falls_back_to_the_keywords():
    assert [(s.label, s.words) for s in suggest("   ")] == [("other", ())]
    assert [s.label for s in suggest("ẞẞẞ")] == ["other"]


def test_without_a_stored_model_the_version_names_the_seeds():
    assert model_version().startswith("seeds-")


def _confirm(texts, label, actor):
    for n, text in enumerate(texts):
        do_record_labelled_text(
            text=text,
            labels=[label],
            source="intake",
            reference=f"{label}-{n}",
            suggested=[],
            model_version=model_version(),
            actor=actor,
        )


# "被优化" (laid off, in the jargon of some employers) is in no seed: the seeds alone call it "other".
OPTIMISED = "上周我被公司优化了"


@pytest.mark.django_db
def test_retraining_on_confirmed_texts_corrects_a_suggestion_and_bumps_the_version(
    mediator_a, django_capture_on_commit_callbacks
):
    assert suggest(OPTIMISED)[0].label != "termination"
    _confirm(
        [
            "我被优化了，公司说给一个月工资",
            "部门一半人被优化，补偿没谈拢",
            "被优化以后HR让我马上签字走人",
            "年底被优化了",
        ],
        "termination",
        mediator_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = do_train_classifier(actor=mediator_a, folds=2)
    assert first.record is not None and first.record.version == 1 and first.record.active
    assert first.counts == {"intake": 4, "seeds": len(seed_rows())}
    assert 0 < first.metrics["accuracy"] <= 1
    assert model_version() == "v1"
    assert suggest(OPTIMISED)[0].label == "termination"

    with django_capture_on_commit_callbacks(execute=True):
        second = do_train_classifier(actor=mediator_a, folds=2)
    assert second.record is not None and second.record.version == 2
    assert list(ClassifierModel.objects.filter(active=True).values_list("version", flat=True)) == [2]
    assert model_version() == "v2"


@pytest.mark.django_db
def test_a_dry_run_stores_nothing():
    result = do_train_classifier(actor=None, dry_run=True, folds=2)
    assert result.record is None and result.counts == {"seeds": len(seed_rows())}
    assert not ClassifierModel.objects.exists()


def _store(version: int, model) -> None:
    """A row as another server's `train-classifier` writes it, without telling this process."""
    ClassifierModel.objects.filter(active=True).update(active=False)
    ClassifierModel.objects.create(
        version=version,
        created_at="2026-12-01T00:00Z",
        active=True,
        seeds_sha256="x",
        weights=runtime.encode(model),
    )


@pytest.mark.django_db
def test_another_process_s_new_version_is_used_after_the_check_interval(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(runtime.time, "monotonic", lambda: clock[0])
    seeds = runtime.seed_model()
    assert model_version() == seeds.version
    _store(7, seeds.model)
    clock[0] += runtime.CHECK_SECONDS / 2
    assert model_version() == seeds.version  # still within the interval: no query, the loaded model
    clock[0] += runtime.CHECK_SECONDS
    assert model_version() == "v7"
    ClassifierModel.objects.update(active=False)
    clock[0] += runtime.CHECK_SECONDS + 1
    assert model_version() == seeds.version  # no active row any more: back to the seeds


@pytest.mark.django_db
def test_stored_weights_are_json_and_loading_never_unpickles(monkeypatch):
    _store(3, runtime.seed_model().model)
    raw = bytes(ClassifierModel.objects.get(version=3).weights)
    assert json.loads(zlib.decompress(raw))["labels"] == list(LABELS)

    def refuse(*args, **kwargs):
        raise AssertionError("pickle must not be used to load a model")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    assert runtime.stored(3).model.predict(UNSEEN["overtime"]) == "overtime"


@pytest.mark.django_db
def test_an_unreadable_row_falls_back_to_the_seeds(caplog):
    ClassifierModel.objects.create(version=4, created_at="2026-12-01T00:00Z", active=True, weights=b"not zlib")
    assert suggest(UNSEEN["work_injury"])[0].label == "work_injury"
    assert "could not be loaded" in caplog.text


def _classify(stdin: str, *args: str) -> list[dict]:
    out = io.StringIO()
    old = __import__("sys").stdin
    try:
        __import__("sys").stdin = io.StringIO(stdin)
        call_command("classify", *args, stdout=out)
    finally:
        __import__("sys").stdin = old
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_classify_prints_one_json_line_per_input_line():
    lines = _classify(f"{UNSEEN['overtime']}\n\n{UNSEEN['annual_leave']}\n")
    assert len(lines) == 3
    first, blank, third = lines
    assert blank == {"labels": []}
    assert first["labels"][0]["label"] == "overtime"
    assert third["labels"][0]["label"] == "annual_leave"
    for item in first["labels"] + third["labels"]:
        assert set(item) == {"label", "score", "words"}
        assert item["label"] in LABELS and 0 <= item["score"] <= 1 and isinstance(item["words"], list)
    assert len(first["labels"]) == 3


@pytest.mark.django_db
def test_classify_uses_the_model_named(mediator_a):
    _store(5, runtime.seed_model().model)
    assert _classify(UNSEEN["wage_arrears"] + "\n", "--model", "v5")[0]["labels"][0]["label"] == "wage_arrears"
    assert _classify(UNSEEN["wage_arrears"] + "\n", "--model", "seeds")[0]["labels"][0]["label"] == "wage_arrears"
    with pytest.raises(CommandError):
        _classify("x\n", "--model", "v99")
    with pytest.raises(CommandError):
        _classify("x\n", "--model", "latest")


@pytest.mark.django_db
def test_the_command_trains_and_can_roll_back():
    out = io.StringIO()
    call_command("train-classifier", "--folds", "2", stdout=out)
    assert f"seeds {len(seed_rows())}" in out.getvalue() and "stored v1, active" in out.getvalue()
    _store(2, runtime.seed_model().model)
    call_command("train-classifier", "--activate", "1", stdout=io.StringIO())
    assert list(ClassifierModel.objects.filter(active=True).values_list("version", flat=True)) == [1]
    with pytest.raises(CommandError):
        call_command("train-classifier", "--activate", "9", stdout=io.StringIO())


def test_suggest_with_a_given_model_matches_suggest():
    text = UNSEEN["social_insurance"]
    assert suggest_with(runtime.seed_model().model, text) == suggest(text)
