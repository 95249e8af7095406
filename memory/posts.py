"""Posts in SQL: import from files (CSV / JSON lines, and the shared airline and SXSW sets), link them
to subjects, and read one subject's posts back as a post frame for the hype engine.

Import never stores a bad row: each malformed row is reported with its line number and skipped,
the good rows are kept. Dedupe is on (source, external_id) and on near-identical text, against
both the file itself and what is already stored, so re-importing a file is a no-op.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, String, bindparam, case, func, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError

from engines.geo import ancestors
from engines.hype.posts import POST_COLUMNS, alias_pattern, dedupe, match_aliases, match_by_similarity, normalise_subject, text_key
from memory.bulk import insert_columns
from memory.datadir import DataFileMissing, load_airline_tweets, load_sxsw_posts
from memory.db import session_scope
from memory.settings import Settings
from memory.tables import PostRow, PostSubject

Embed = Callable[[list[str]], np.ndarray]

# Names people use for the subjects in the shared posts. Bare "united"/"american"/"delta" are not
# aliases (they are ordinary words); the airlines' handles are.
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "Virgin America": ("virginamerica", "virgin america"),
    "United": ("united airlines",),
    "US Airways": ("usairways", "us airways"),
    "American": ("americanair", "american airlines"),
    "Southwest": ("southwestair", "southwest airlines"),
    "Delta": ("deltaassist", "delta air lines", "delta airlines"),
    "Apple": ("apple", "iphone", "ipad", "ipad2", "itunes", "app store", "macbook"),
    "Google": ("google", "android", "gmail", "google maps", "circles"),
}
SXSW_BRANDS = {"iPad": "Apple", "Apple": "Apple", "iPad or iPhone App": "Apple", "iPhone": "Apple", "Other Apple product or service": "Apple",
               "Google": "Google", "Android": "Google", "Android App": "Google", "Other Google product or service": "Google"}
SIMILARITY_THRESHOLD = 0.45
AIRLINE_SOURCE, SXSW_SOURCE = "airline_tweets", "sxsw_2011"  # the stored `source` of the data dir's two post sets
ID_CHUNK = 2000


class RowError(BaseModel):
    line: int
    message: str


class ImportReport(BaseModel):
    source: str
    read: int
    imported: int
    duplicate_ids: int
    duplicate_texts: int
    linked: int
    errors: list[RowError]

    def sentence(self) -> str:
        text = (f"{self.source}: read {self.read} rows, imported {self.imported}, skipped {self.duplicate_ids} already-seen ids "
                f"and {self.duplicate_texts} near-identical texts; {self.linked} subject links.")
        if self.errors:
            shown = "; ".join(f"line {e.line}: {e.message}" for e in self.errors[:5])
            text += f" {len(self.errors)} malformed rows skipped ({shown}{'…' if len(self.errors) > 5 else ''})."
        return text


# --- reading files ------------------------------------------------------------------------------

def _timestamp(value: object) -> datetime | None:
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return None
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime().replace(tzinfo=None)


def _count(value: object) -> int:
    if value is None or value == "":
        return 0
    number = int(float(value))
    if number < 0:
        raise ValueError(f"negative count {value!r}")
    return number


def _row(raw: Mapping[str, object], source: str) -> dict:
    text = str(raw.get("text") or "").strip()
    if not text:
        raise ValueError("empty `text`")
    external_id = str(raw.get("id") or raw.get("external_id") or "").strip()
    if not external_id:
        raise ValueError("missing `id`")
    try:
        created = _timestamp(raw.get("created_at"))
    except (ValueError, TypeError):
        raise ValueError(f"unreadable `created_at` {raw.get('created_at')!r}") from None
    try:
        counts = {k: _count(raw.get(k)) for k in ("likes", "reposts", "replies")}
    except (ValueError, TypeError) as exc:
        raise ValueError(f"bad engagement count ({exc})") from None
    return {"source": source, "external_id": external_id, "subject": str(raw.get("subject") or "").strip() or None, "text": text,
            "author": str(raw.get("author") or "")[:120], "created_at": created, "region": str(raw.get("region") or "") or None,
            **counts, "sentiment": None, "label": None}


def read_posts_file(path: Path, source: str) -> tuple[pd.DataFrame, list[RowError], int]:
    """Rows of a CSV (header row) or JSON-lines file with fields id, text and optionally subject,
    author, created_at, region, likes, reposts, replies. Returns the good rows as a post frame, one
    error per bad row (1-based physical line numbers) and the number of rows read."""
    rows: list[dict] = []
    errors: list[RowError] = []
    raw_text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        numbered: Iterable[tuple[int, object]] = ((i, line) for i, line in enumerate(raw_text.split("\n"), start=1) if line.strip())
        parse: Callable[[object], Mapping[str, object]] = lambda line: json.loads(str(line))  # noqa: E731
    else:
        reader = csv.DictReader(io.StringIO(raw_text))
        numbered = ((reader.line_num, record) for record in reader)
        parse = lambda record: record  # noqa: E731
    read = 0
    for line, item in numbered:
        read += 1
        try:
            record = parse(item)
            if not isinstance(record, Mapping):
                raise ValueError("not a JSON object")
            if None in record:
                raise ValueError("more fields than the header")
            rows.append(_row(record, source))
        except json.JSONDecodeError as exc:
            errors.append(RowError(line=line, message=f"invalid JSON ({exc.msg})"))
        except ValueError as exc:
            errors.append(RowError(line=line, message=str(exc)))
    return pd.DataFrame(rows, columns=list(POST_COLUMNS)), errors, read


def _airline_region(timezone_name: object) -> str | None:
    return "North America" if isinstance(timezone_name, str) and "US & Canada" in timezone_name else None


def airline_posts(data_dir: Path) -> pd.DataFrame:
    """The airline tweets as a post frame; the subject is the airline the tweet was collected for,
    except that the set files 2,218 of its 2,222 "Delta" tweets, every one addressed to @JetBlue, under
    Delta (a labelling error of the Crowdflower set): those are JetBlue's, or Delta's hype would be
    JetBlue's customers talking to JetBlue."""
    df = load_airline_tweets(data_dir)
    text = df["text"].astype(str)
    subject = df["airline"].where(~((df["airline"] == "Delta") & text.str.contains("@jetblue", case=False, regex=False)), "JetBlue")
    return pd.DataFrame({
        "source": AIRLINE_SOURCE, "external_id": df["tweet_id"], "subject": subject, "text": text,
        "author": df["name"].astype(str), "created_at": df["created_at"].dt.tz_convert("UTC").dt.tz_localize(None),
        "region": df["user_timezone"].map(_airline_region), "likes": 0, "reposts": df["retweet_count"].fillna(0).astype(int), "replies": 0,
        "sentiment": None, "label": None,
    })


def sxsw_posts(data_dir: Path) -> pd.DataFrame:
    """The SXSW 2011 tweets: one undated batch (created_at NULL), no authors; subject = the brand the
    annotators said the emotion was directed at, when they said one."""
    df = load_sxsw_posts(data_dir)
    df = df.loc[df["tweet_text"].notna()].reset_index()
    return pd.DataFrame({
        "source": SXSW_SOURCE, "external_id": df["index"].astype(str), "subject": df["emotion_in_tweet_is_directed_at"].map(SXSW_BRANDS),
        "text": df["tweet_text"].astype(str), "author": "", "created_at": pd.NaT, "region": "United States",
        "likes": 0, "reposts": 0, "replies": 0, "sentiment": None, "label": None,
    })


# --- storing ------------------------------------------------------------------------------------

def _existing(settings: Settings, source: str, ids: Sequence[str], keys: Sequence[str]) -> tuple[set[tuple[str, str]], set[str]]:
    seen_ids: set[tuple[str, str]] = set()
    seen_keys: set[str] = set()
    with session_scope(settings) as s:
        for i in range(0, len(ids), ID_CHUNK):
            chunk = list(ids[i:i + ID_CHUNK])
            seen_ids.update((source, x) for x in s.execute(select(PostRow.external_id).where(PostRow.source == source, PostRow.external_id.in_(chunk))).scalars())
        for i in range(0, len(keys), ID_CHUNK):
            seen_keys.update(s.execute(select(PostRow.text_key).where(PostRow.text_key.in_(list(keys[i:i + ID_CHUNK])))).scalars())
    return seen_ids, seen_keys


def store_posts(settings: Settings, frame: pd.DataFrame, *, source: str, read: int | None = None, errors: Sequence[RowError] = (),
                aliases: Mapping[str, Sequence[str]] = DEFAULT_ALIASES, embed: Embed | None = None) -> ImportReport:
    """Dedupe, insert and link posts to subjects (in one transaction). Links come from the row's own
    subject, then every alias that matches the text, then — when `embed` is given — the most similar
    known subject for posts still unlinked (cosine ≥ SIMILARITY_THRESHOLD)."""
    frame = frame.assign(source=source, text_key=[text_key(t) for t in frame["text"].tolist()])  # a list: mapping over an Arrow-backed column boxes each value slowly
    seen_ids, seen_keys = _existing(settings, source, frame["external_id"].tolist(), frame["text_key"].unique().tolist())
    kept, dup_ids, dup_texts = dedupe(frame, seen_ids, seen_keys)
    links = _links(kept, aliases, embed)
    rows = kept.drop(columns=["subject"]).assign(created_at=pd.to_datetime(kept["created_at"]).dt.tz_localize("UTC"))
    columns = {name: rows[name].astype(object).where(rows[name].notna(), None).tolist() for name in rows.columns}
    with session_scope(settings) as s:
        ids = _insert_posts(s.connection(), source, columns)
        link_columns = {"post_id": [ids[i] for i, _, _ in links], "subject": [normalise_subject(name) for _, name, _ in links],
                        "display": [name for _, name, _ in links], "how": [how for _, _, how in links]}
        linked = insert_columns(s.connection(), PostSubject.__table__, link_columns)
    return ImportReport(source=source, read=len(frame) if read is None else read, imported=len(ids), duplicate_ids=dup_ids, duplicate_texts=dup_texts, linked=linked, errors=list(errors))


SHARED_SOURCES = frozenset({AIRLINE_SOURCE, SXSW_SOURCE})  # the posts that come with the data dir


def ensure_shared_posts(settings: Settings) -> str:
    """Import the shared airline and SXSW posts once (a no-op when already stored); what happened,
    in sentences (a missing file is named, not raised: the other set still imports)."""
    reports = []
    for loader, source in ((airline_posts, AIRLINE_SOURCE), (sxsw_posts, SXSW_SOURCE)):  # = SHARED_SOURCES
        try:
            frame = loader(settings.data_dir)
        except DataFileMissing as exc:
            reports.append(str(exc))
            continue
        try:
            report = store_posts(settings, frame, source=source)
        except IntegrityError:
            # another process (a second bot, an eval beside the chat) imported the same posts between
            # our duplicate check and our insert; its rows are committed now, so a second pass keeps none
            report = store_posts(settings, frame, source=source)
        reports.append(report.sentence())
    return " ".join(reports)


def _insert_posts(conn: Connection, source: str, columns: dict[str, list]) -> list[int]:
    """Insert new posts (given column-wise) and return their ids in row order.

    A driver-level executemany without RETURNING (`memory.bulk`: per-row parameter handling, and
    RETURNING that SQLite can only answer row by row, cost more than the SQL here), then one query
    maps the source's new external ids back to ids: (source, external_id) is unique, and the rows
    hold only ids not stored before, so concurrent importers cannot confuse the mapping."""
    if not columns["external_id"]:
        return []
    posts = PostRow.__table__
    before = conn.execute(select(func.coalesce(func.max(posts.c.id), 0))).scalar_one()
    insert_columns(conn, posts, columns)
    stored = dict(conn.execute(select(posts.c.external_id, posts.c.id).where(posts.c.source == source, posts.c.id > before)).all())
    return [stored[external_id] for external_id in columns["external_id"]]


def _links(kept: pd.DataFrame, aliases: Mapping[str, Sequence[str]], embed: Embed | None) -> list[tuple[int, str, str]]:
    """(row index, subject display name, how) triples, one per distinct subject of a row."""
    links: dict[tuple[int, str], str] = {}
    for i, subject in enumerate(kept["subject"]):
        if isinstance(subject, str) and subject:
            links[(i, subject)] = "source"
    texts = kept["text"].tolist()
    for name, names in aliases.items():
        single = match_aliases(texts, {name: names})
        for i, hit in enumerate(single):
            if hit and (i, hit) not in links:
                links[(i, hit)] = "alias"
    linked_rows = {i for i, _ in links}
    unlinked = [i for i in range(len(texts)) if i not in linked_rows]
    if embed is not None and unlinked and aliases:
        subjects = list(aliases)
        hits = match_by_similarity(embed([texts[i] for i in unlinked]), embed(subjects), subjects, SIMILARITY_THRESHOLD)
        for i, hit in zip(unlinked, hits):
            if hit:
                links[(i, hit)] = "embedding"
    return [(i, name, how) for (i, name), how in links.items()]


# --- reading back -------------------------------------------------------------------------------

class SubjectInfo(BaseModel):
    display: str
    posts: int
    sources: list[str]
    searched: bool = False  # linked only by a text search on someone's ask ("worst"), never imported under that name


def known_subjects(settings: Settings) -> dict[str, SubjectInfo]:
    """Normalised subject → display name, post count and sources, for lookups, peers and 'did you
    mean' lists."""
    with session_scope(settings) as s:
        rows = s.execute(select(PostSubject.subject, PostRow.source, func.min(PostSubject.display), func.count(), func.max(case((PostSubject.how != "search", 1), else_=0)))
                         .join(PostRow, PostRow.id == PostSubject.post_id).group_by(PostSubject.subject, PostRow.source)).all()
    out: dict[str, SubjectInfo] = {}
    imported: set[str] = set()
    for subject, source, display, n, named in rows:
        info = out.setdefault(subject, SubjectInfo(display=display, posts=0, sources=[]))
        info.posts += n
        info.sources.append(source)
        if named:
            imported.add(subject)
    for subject, info in out.items():
        info.searched = subject not in imported
    return out


def link_by_text(settings: Settings, subject: str) -> int:
    """Link every stored post whose text names `subject` (whole word, any case) to it, for subjects
    nobody imported under that name (e.g. "JetBlue" in the airline tweets). Returns the link count."""
    pattern = alias_pattern([subject])
    key = normalise_subject(subject)
    with session_scope(settings) as s:
        candidates = s.execute(select(PostRow.id, PostRow.text).where(func.lower(PostRow.text).contains(subject.lower()))).all()
        linked = set(s.execute(select(PostSubject.post_id).where(PostSubject.subject == key)).scalars())  # another process may have linked some already
        ids = [pid for pid, text in candidates if pattern.search(text) and pid not in linked]
        if ids:
            s.execute(insert(PostSubject), [{"post_id": pid, "subject": key, "display": subject, "how": "search"} for pid in ids])
    return len(ids)


def fingerprint(settings: Settings) -> str:
    """Changes whenever a post is added or scored: the count and the largest id of all posts, how
    many are scored and the sum of their scores (a new sentiment model re-scores posts already
    scored). Snapshot reuse keys on it."""
    with session_scope(settings) as s:
        n, last, scored, total = s.execute(select(func.count(PostRow.id), func.max(PostRow.id), func.count(PostRow.sentiment), func.sum(PostRow.sentiment))).one()
    return f"{n}:{last or 0}:{scored}:{total or 0:.3f}"


def _in_region(region: str | None, wanted: str) -> bool:
    return region is not None and (region == wanted or wanted in ancestors(region))


FRAME_COLUMNS = ("id", "subject", "source", "external_id", "text", "text_key", "author", "created_at", "region", "likes", "reposts", "replies", "sentiment", "label", "scored_by")
_TEXT_COLUMNS = frozenset({"subject", "source", "external_id", "text", "text_key", "author", "region", "label", "scored_by"})


def subject_posts(settings: Settings, subjects: Sequence[str], region: str | None = None) -> pd.DataFrame:
    """Post frame (plus `id` and `subject` = normalised subject) for the given normalised subjects,
    optionally only posts in `region` (or a region inside it).

    Read through SQLAlchemy Core (the ORM's per-row bookkeeping doubled the time for 100k rows),
    and text columns kept as plain Python strings (object dtype): the metrics slice them into dozens
    of windows, and every slice of an Arrow-backed string column copies it."""
    posts, links = PostRow.__table__, PostSubject.__table__
    # created_at as the driver gives it (SQLite: an ISO string) for pandas to parse in one go;
    # the column type's own conversion runs in Python once per row.
    columns = {**posts.c, "subject": links.c.subject, "created_at": type_coerce(posts.c.created_at, String).label("created_at")}
    query = (select(*(columns[name] for name in FRAME_COLUMNS))
             .join(links, links.c.post_id == posts.c.id).where(links.c.subject.in_(list(subjects))))
    with session_scope(settings) as s:
        rows = s.connection().execute(query).all()
    values = list(zip(*rows)) if rows else [()] * len(FRAME_COLUMNS)
    frame = pd.DataFrame({name: pd.Series(column, dtype=object if name in _TEXT_COLUMNS else None) for name, column in zip(FRAME_COLUMNS, values)})
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601").dt.tz_localize(None)  # engines work in naive UTC
    if region is not None:
        frame = frame.loc[[_in_region(r, region) for r in frame["region"]]].reset_index(drop=True)
    return frame


def save_sentiment(settings: Settings, ids: Sequence[int], scores: Sequence[float], labels: Sequence[str], scored_by: str) -> None:
    """Store classifier outputs, and the model that made them, so a post is scored once per model."""
    if not ids:
        return
    with session_scope(settings) as s:
        table = PostRow.__table__
        s.connection().execute(update(table).where(table.c.id == bindparam("pid")).values(sentiment=bindparam("s"), label=bindparam("l"), scored_by=scored_by),
                               [{"pid": int(i), "s": float(v), "l": lab} for i, v, lab in zip(ids, scores, labels)])


def latest_post_time(frame: pd.DataFrame) -> datetime | None:
    """The newest dated post: windows end here, not at today (the shared posts are from 2015)."""
    dated = frame["created_at"].dropna()
    return None if dated.empty else dated.max().to_pydatetime()
