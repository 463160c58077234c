"""The candidates measured for the meaning layer, on the training corpus, 5-fold out of fold.

    uv run --group train --with wordllama --with alt-profanity-check \\
        python -m tests.corpus.compare_meaning_models

Each candidate reads whole training items; a category's recall is counted at the threshold
that lets at most 0.8% of allowed items reach it. wordllama's wheel carries its 256-dimension
weights and tokenizer, but looks for the tokenizer under another folder name, so both are
copied into a temporary cache first (nothing is downloaded).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_union

from tests.corpus.train_meaning import C, load_examples, training_files

Features = Callable[[list[str], list[str]], tuple[Any, Any]]
FALSE_RATE = 0.008


def evaluate(name: str, texts: list[str], labels: np.ndarray, features: Features) -> None:
    start = time.perf_counter()
    classes = sorted(set(labels))
    oof = np.zeros((len(texts), len(classes)))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(texts, labels):
        x_train, x_test = features([texts[i] for i in train], [texts[i] for i in test])
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
        model.fit(x_train, labels[train])
        oof[test] = model.predict_proba(x_test)
    allowed = labels == "ok"
    cells, caught = [], 0
    for category in (c for c in classes if c != "ok"):
        p = oof[:, classes.index(category)]
        threshold = max(0.3, np.sort(p[allowed])[::-1][int(FALSE_RATE * allowed.sum())] + 1e-6)
        hits = int((p[labels == category] >= threshold).sum())
        caught += hits
        cells.append(f"{category[:8]} {hits / (labels == category).sum():.2f}")
    print(f"{name:26} {', '.join(cells)} | all {caught / (~allowed).sum():.2f} "
          f"| {time.perf_counter() - start:.1f} s")


def tfidf(**options: Any) -> Features:
    def features(train: list[str], test: list[str]) -> tuple[Any, Any]:
        vectoriser = TfidfVectorizer(sublinear_tf=True, min_df=2, **options)
        return vectoriser.fit_transform(train), vectoriser.transform(test)
    return features


def words_and_letters(train: list[str], test: list[str]) -> tuple[Any, Any]:
    union = make_union(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2)),
        TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer="char_wb", ngram_range=(3, 5)))
    return union.fit_transform(train), union.transform(test)


def wordllama_model() -> Any:
    import wordllama
    from wordllama import WordLlama

    package = Path(wordllama.__file__).parent
    cache = Path(tempfile.mkdtemp())
    shutil.copytree(package / "weights", cache / "weights")
    shutil.copytree(package / "tokenizers", cache / "tokenizers")
    start = time.perf_counter()
    model = WordLlama.load(cache_dir=cache, disable_download=True)
    print(f"wordllama: import and load {time.perf_counter() - start:.2f} s")
    return model


def main() -> None:
    examples = load_examples(training_files())
    texts = [e.text for e in examples]
    labels = np.array([e.label for e in examples])
    print(f"{len(texts)} training items")
    evaluate("words 1-2, TF-IDF", texts, labels, tfidf(ngram_range=(1, 2)))
    evaluate("letters 3-5, TF-IDF", texts, labels, tfidf(analyzer="char_wb", ngram_range=(3, 5)))
    evaluate("words + letters (chosen)", texts, labels, words_and_letters)
    embedder = wordllama_model()

    def embedded(train: list[str], test: list[str]) -> tuple[Any, Any]:
        return embedder.embed(train, norm=True), embedder.embed(test, norm=True)

    def combined(train: list[str], test: list[str]) -> tuple[Any, Any]:
        (a, b), (c, d) = words_and_letters(train, test), embedded(train, test)
        return sp.hstack([a, sp.csr_matrix(c)]).tocsr(), sp.hstack([b, sp.csr_matrix(d)]).tocsr()

    evaluate("wordllama 256 + LR", texts, labels, embedded)
    evaluate("words + letters + wordllama", texts, labels, combined)
    import profanity_check

    p = profanity_check.predict_prob(texts)
    allowed = labels == "ok"
    threshold = np.sort(p[allowed])[::-1][int(FALSE_RATE * allowed.sum())] + 1e-6
    print(f"alt-profanity-check, abusive only: {(p[labels == 'abusive'] >= threshold).mean():.2f}"
          f" (its own 0.5: {(p[labels == 'abusive'] >= 0.5).mean():.2f})")


if __name__ == "__main__":
    main()
