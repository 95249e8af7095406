"""The hype build steps: the shared posts, the fast sentiment model trained on them, every stored post
classified by it; then the sentiment transformer and its pass over the stored posts."""
from __future__ import annotations

from memory.build.steps import Report
from memory.hype_sentiment import load_classifier, rescore_all, score_unscored, train_and_save
from memory.hype_transformer import rescore_with_transformer, train_transformer
from memory.posts import ensure_shared_posts, known_subjects, subject_posts
from memory.settings import Settings


def run_build(settings: Settings, report: Report) -> str:
    """Import the shared posts, train the sentiment model (unless its training files are unchanged)
    and classify stored posts with it: all of them after a training, else those not yet scored.
    Progress: posts 0–10 %, the fit 10–85 % (timed estimate), classifying 85–100 %."""
    report(0.0, "importing the shared posts")
    imported = ensure_shared_posts(settings)
    try:
        trained = train_and_save(settings, report=lambda f, m: report(0.1 + 0.75 * f, m))
    except (FileNotFoundError, ValueError) as exc:
        return f"{imported} Sentiment model not trained ({exc}); hype scores posts with the VADER lexicon."
    frame = subject_posts(settings, list(known_subjects(settings))).drop_duplicates("id")
    if trained.trained:
        classified = rescore_all(settings, frame, lambda f, m: report(0.85 + 0.15 * f, m))
    else:
        classified = int(frame["sentiment"].isna().sum())
        score_unscored(settings, frame)
    return f"{imported} {trained.sentence()} {classified} stored posts classified."


def run_transformer(settings: Settings, report: Report) -> str:
    """Fine-tune the transformer (unless its training files are unchanged), then re-score the stored
    posts it covers that it has not scored yet. Progress: the fit 0–90 %, the pass 90–100 %."""
    try:
        trained = train_transformer(settings, report=lambda f, m: report(0.9 * f, m))
    except (FileNotFoundError, ValueError) as exc:
        return f"Sentiment transformer not trained ({exc}); stored posts keep the fast model's scores."
    if load_classifier(settings) is None:
        return f"{trained.sentence()} No stored post re-scored: the fast sentiment model it averages with is not built (`caeser build --only hype`)."
    frame = subject_posts(settings, list(known_subjects(settings))).drop_duplicates("id")
    scored = rescore_with_transformer(settings, frame, lambda f, m: report(0.9 + 0.1 * f, m))
    return f"{trained.sentence()} {scored} stored posts re-scored with it."
