"""The trained model: TF-IDF over character 1–2-grams plus keyword hits, and a multinomial logistic regression.

Pure Python on purpose: the seeds and a few thousand confirmed texts train in a few seconds, a text is scored in
well under a millisecond, and the project needs neither numpy nor scikit-learn for it (docs/knowledge.md has the
figures of both). Chinese needs no word segmentation for this: the character n-grams that carry weight are the
words (工伤, 欠薪, 没签), and the explanation merges overlapping ones back into the words of the text.

A model is plain data (vocabulary, idf, coefficients, biases) and is stored as JSON, never as a pickle, so a row
of the database or a file can be loaded without running anything it contains.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tiaojie.knowledge.classifier.keywords import keyword_hits
from tiaojie.knowledge.classifier.labels import LABELS

FORMAT = 1
BOUNDARY = " "

# Tuned by stratified cross-validation on the evaluation set (bench/classifier_eval.py); the figures are in
# bench/RESULTS.md. Changing one changes every model trained afterwards, not the stored ones.
PARAMS: dict[str, Any] = {
    "ngram_max": 2,  # 1–3-grams: 80.4 % cross-validated against 82.8 % for 1–2 (and twice the features)
    "keyword_weight": 0.25,  # the value of a "kw:<label>" feature when the baseline's words for it occur
    "epochs": 30,
    "learning_rate": 0.5,
    "l2": 1e-4,
    "prune": 1e-3,  # coefficients smaller than this (for every label) are dropped from the stored model
    "seed": 15,
}


def fold(text: str) -> str:
    """The text with each character folded and its length kept, so positions map back onto the original.

    Full-width forms become half-width, Latin letters lower case, every digit 0 (三个月 and 3个月 stay apart,
    but 3个月 and 5个月 are the same feature), punctuation and spaces one boundary n-grams do not cross.
    """
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).lower()
        c = folded if len(folded) == 1 else ch
        if c.isdigit():
            c = "0"
        elif not c.isalnum():
            c = BOUNDARY
        out.append(c)
    return "".join(out)


def ngrams(folded: str, n_max: int) -> list[tuple[str, int]]:
    """Every character n-gram (1..n_max) of the folded text with its start, none across a boundary."""
    grams = []
    for i in range(len(folded)):
        for n in range(1, n_max + 1):
            gram = folded[i : i + n]
            if len(gram) < n or BOUNDARY in gram:
                break
            grams.append((gram, i))
    return grams


def _raw_features(text: str, params: dict[str, Any]) -> Counter[str]:
    counts = Counter(g for g, _ in ngrams(fold(text), params["ngram_max"]))
    return counts


@dataclass
class LinearModel:
    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: list[float]
    coef: list[list[float]]  # one row per feature, one weight per label
    bias: list[float]
    params: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)

    # -- features ----------------------------------------------------------------------------------------------
    def vector(self, text: str) -> dict[int, float]:
        """The sparse, L2-normalised feature vector of a text.

        N-grams the model does not keep still count towards the norm, at the idf of a rare n-gram: pruning a
        feature must not change the weight of the others, and a long text of unknown words is weaker evidence.
        """
        vec: dict[int, float] = {}
        unknown = 0.0
        rare_idf = self.params.get("idf_unknown", 1.0)
        for gram, count in _raw_features(text, self.params).items():
            j = self.vocabulary.get(gram)
            tf = 1.0 + math.log(count)
            if j is not None:
                vec[j] = tf * self.idf[j]
            else:
                unknown += (tf * rare_idf) ** 2
        norm = math.sqrt(sum(v * v for v in vec.values()) + unknown)
        if norm:
            vec = {j: v / norm for j, v in vec.items()}
        weight = self.params["keyword_weight"]
        if weight:
            for label in keyword_hits(text):
                j = self.vocabulary.get(f"kw:{label}")
                if j is not None:
                    vec[j] = weight
        return vec

    # -- prediction --------------------------------------------------------------------------------------------
    def _scores(self, vec: dict[int, float]) -> list[float]:
        scores = list(self.bias)
        for j, v in vec.items():
            row = self.coef[j]
            for k in range(len(scores)):
                scores[k] += row[k] * v
        return scores

    def probabilities(self, text: str, vec: dict[int, float] | None = None) -> list[float]:
        return _softmax(self._scores(self.vector(text) if vec is None else vec))

    def predict(self, text: str) -> str:
        probs = self.probabilities(text)
        return self.labels[max(range(len(probs)), key=probs.__getitem__)]

    def words(self, text: str, label: str, limit: int = 5, vec: dict[int, float] | None = None) -> tuple[str, ...]:
        """The words of the text that raised this label most: the n-grams with the largest weight × tf-idf (the
        label's weight less the mean over all labels, since only differences move a softmax), merged where they
        overlap or touch, strongest first. Every word is a substring of the text."""
        k = self.labels.index(label)
        folded = fold(text)
        if vec is None:
            vec = self.vector(text)
        n_labels = len(self.labels)
        contribution: dict[str, float] = {}
        for gram, _ in ngrams(folded, self.params["ngram_max"]):
            j = self.vocabulary.get(gram)
            if j is None or len(gram) < 2 or gram in contribution:  # one character alone explains nothing
                continue
            row = self.coef[j]
            contribution[gram] = (row[k] - sum(row) / n_labels) * vec[j]
        strong = sorted((c, g) for g, c in contribution.items() if c > 0)[::-1][:12]
        if not strong:
            return ()
        floor = strong[0][0] * 0.25
        spans: list[tuple[int, int, float]] = []
        for c, gram in strong:
            if c < floor:
                break
            start = folded.find(gram)
            while start != -1:
                spans.append((start, start + len(gram), c))
                start = folded.find(gram, start + 1)
        spans.sort()
        merged: list[list[float]] = []
        for start, end, c in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2] += c
            else:
                merged.append([start, end, c])
        ranked = sorted(merged, key=lambda m: -m[2])
        found: list[str] = []
        for first, last, _c in ranked:
            word = text[int(first) : int(last)].strip()
            if word and word not in found:
                found.append(word)
        return tuple(found[:limit])

    # -- storage -----------------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        by_index = sorted(self.vocabulary.items(), key=lambda item: item[1])
        return {
            "format": FORMAT,
            "labels": list(self.labels),
            "params": self.params,
            "info": self.info,
            "bias": [round(b, 5) for b in self.bias],
            "features": [[gram, round(self.idf[j], 5), [round(w, 5) for w in self.coef[j]]] for gram, j in by_index],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown classifier model format: {data.get('format')!r}")
        features = data["features"]
        return cls(
            labels=tuple(data["labels"]),
            vocabulary={gram: j for j, (gram, _idf, _w) in enumerate(features)},
            idf=[float(idf) for _g, idf, _w in features],
            coef=[[float(w) for w in weights] for _g, _idf, weights in features],
            bias=[float(b) for b in data["bias"]],
            params=dict(data["params"]),
            info=dict(data.get("info", {})),
        )


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def fit(
    texts: Sequence[str],
    labels: Sequence[str],
    params: dict[str, Any] | None = None,
    weights: Sequence[float] | None = None,
) -> LinearModel:
    """Train a model on texts, their (primary) labels and optionally a weight for each text.

    Stochastic gradient descent on the softmax loss with L2 weight decay (kept as one scale factor so that a
    step touches only the features of its text), classes weighted inversely to their frequency so that a
    rare type (annual leave) is not drowned by a common one, the learning rate decaying as 1/(1 + t/N).
    """
    params = {**PARAMS, **(params or {})}
    params["idf_unknown"] = math.log((1 + len(texts)) / 2) + 1.0
    rng = random.Random(params["seed"])
    n_max = params["ngram_max"]
    docs = [Counter(g for g, _ in ngrams(fold(t), n_max)) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vocabulary = {gram: j for j, gram in enumerate(sorted(df))}
    n = len(texts)
    idf = [math.log((1 + n) / (1 + df[g])) + 1.0 for g in sorted(df)]
    if params["keyword_weight"]:
        for label in LABELS:
            vocabulary[f"kw:{label}"] = len(idf)
            idf.append(1.0)
    model = LinearModel(
        labels=LABELS,
        vocabulary=vocabulary,
        idf=idf,
        coef=[[0.0] * len(LABELS) for _ in idf],
        bias=[0.0] * len(LABELS),
        params=params,
    )
    vectors = [model.vector(t) for t in texts]
    targets = [LABELS.index(label) for label in labels]
    counts = Counter(targets)
    class_weight = {k: n / (len(counts) * c) for k, c in counts.items()}

    n_labels = len(LABELS)
    coef, bias = model.coef, model.bias
    scale = 1.0
    order = list(range(n))
    lr0, l2 = params["learning_rate"], params["l2"]
    step = 0
    for _epoch in range(params["epochs"]):
        rng.shuffle(order)
        for i in order:
            lr = lr0 / (1.0 + step / max(n, 1))
            step += 1
            vec, y = vectors[i], targets[i]
            scores = list(bias)
            for j, v in vec.items():
                row = coef[j]
                for k in range(n_labels):
                    scores[k] += row[k] * v * scale
            probs = _softmax(scores)
            w = class_weight[y] * (weights[i] if weights is not None else 1.0)
            grads = [w * (p - (1.0 if k == y else 0.0)) for k, p in enumerate(probs)]
            scale *= 1.0 - lr * l2
            step_size = lr / scale
            for j, v in vec.items():
                row = coef[j]
                for k in range(n_labels):
                    row[k] -= step_size * grads[k] * v
            for k in range(n_labels):
                bias[k] -= lr * grads[k]
            if scale < 1e-6:  # fold the scale back in before it underflows
                for row in coef:
                    for k in range(n_labels):
                        row[k] *= scale
                scale = 1.0
    for row in coef:
        for k in range(n_labels):
            row[k] *= scale
    return _pruned(model)


def _pruned(model: LinearModel) -> LinearModel:
    """The model without the features whose every weight is negligible (most single occurrences)."""
    limit = model.params["prune"]
    keep = [(gram, j) for gram, j in model.vocabulary.items() if max(abs(w) for w in model.coef[j]) >= limit]
    keep.sort(key=lambda item: item[0])
    return LinearModel(
        labels=model.labels,
        vocabulary={gram: i for i, (gram, _j) in enumerate(keep)},
        idf=[model.idf[j] for _g, j in keep],
        coef=[model.coef[j] for _g, j in keep],
        bias=model.bias,
        params=model.params,
        info=model.info,
    )
