"""Every SQL table of the product. Engine issues add their tables here (posts, sales, watches…)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from memory.owner import LEGACY_KEY, OWNER_MAX


def utcnow() -> datetime:
    """Aware UTC: SQLModel refuses naive datetimes, and Postgres/SQLite then agree on what is stored."""
    return datetime.now(timezone.utc)


class StoredResult(SQLModel, table=True):
    """A tool's output, kept so that follow-ups and `export_report` can refer to it by `result_id`."""

    __tablename__ = "tool_results"

    result_id: str = Field(primary_key=True, max_length=40)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)  # memory/owner.py: reads are scoped to it
    tool: str = Field(index=True, max_length=64)
    thread_id: str | None = Field(default=None, index=True, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    arguments: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    output: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))


# --- hype: posts, snapshots, watches and the alert outbox (engines/hype, bots/watcher) ----------

from sqlalchemy import Index, UniqueConstraint  # noqa: E402  - kept beside the hype tables


class PostRow(SQLModel, table=True):
    """A social post from any source. (source, external_id) is unique; `text_key` fingerprints the
    text so near-identical copies are not imported twice. `created_at` is NULL for undated batches
    (SXSW). `sentiment`/`label` are filled by the classifier the first time a window needs them, and
    re-written by the build's transformer pass (`memory.hype_transformer`); `scored_by` names which."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_posts_source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=40)
    external_id: str = Field(max_length=120)
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_key: str = Field(max_length=16, index=True)
    author: str = Field(default="", max_length=120)
    created_at: datetime | None = Field(default=None, index=True)
    region: str | None = Field(default=None, max_length=60)
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    sentiment: float | None = Field(default=None, index=True)  # indexed: the snapshot fingerprint counts scored posts
    label: str | None = Field(default=None, max_length=10)
    scored_by: str | None = Field(default=None, max_length=40)  # the model that wrote `sentiment` (NULL: the fast model, or none yet)


class PostSubject(SQLModel, table=True):
    """Which subjects a post is about (a post can name two brands). `subject` is normalised
    (casefolded); `display` keeps the spelling to show; `how` is 'source', 'alias' or 'embedding'."""

    __tablename__ = "post_subjects"

    post_id: int = Field(foreign_key="posts.id", primary_key=True)
    subject: str = Field(primary_key=True, max_length=200)
    display: str = Field(max_length=200)
    how: str = Field(default="source", max_length=12)


Index("ix_post_subjects_subject", PostSubject.subject)


class HypeSnapshot(SQLModel, table=True):
    """One computed hype score. `fingerprint` (post count and last post id of the subject) lets a
    repeated request reuse the snapshot while no post has arrived."""

    __tablename__ = "hype_snapshots"

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True, max_length=200)
    window_days: int
    region: str | None = Field(default=None, max_length=60)
    window_start: datetime | None = None  # None for undated batches
    window_end: datetime | None = None
    score: float | None = None  # None when there were too few (or undated) posts
    state: str = Field(max_length=8)
    confidence: float
    posts: int
    fingerprint: str = Field(max_length=64, index=True)
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class HypeWatch(SQLModel, table=True):
    """A standing request: alert `channel` when `subject`'s score crosses `threshold` in `direction`.
    `armed` is the hysteresis state: a watch fires only when armed, and re-arms only after the score
    has gone back past the threshold by the hysteresis margin. `crossings` numbers the alerts."""

    __tablename__ = "hype_watches"
    __table_args__ = (UniqueConstraint("owner", "subject", "channel", name="uq_watch_owner_subject_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)
    subject: str = Field(max_length=200)
    display: str = Field(max_length=200)
    threshold: float
    direction: str = Field(max_length=5)
    channel: str = Field(max_length=300)
    window_days: int = 7
    days_in_row: int = 1  # fire only when the score's interval is past the threshold in the windows ending on each of the last N days
    armed: bool = True
    crossings: int = 0
    last_score: float | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OutboxColumns(SQLModel):
    """The columns `memory.outbox` leases rows by, shared by every outbox table (alerts, report runs):
    `status` pending → done or failed, the attempts made, when the next one is due, who holds the
    lease until when, and why the last attempt failed."""

    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, sa_type=Text)


class HypeAlert(OutboxColumns, table=True):
    """The outbox: one row per crossing, written in the same transaction as its snapshot.
    (watch_id, crossing) is unique, so a crossing can never be queued twice; `alert_key` is the
    idempotency key sent to the receiver. A worker claims a row by setting `lease_owner` and
    `lease_until`; `status` goes pending → delivered, or failed after MAX attempts."""

    __tablename__ = "hype_alerts"
    __table_args__ = (UniqueConstraint("watch_id", "crossing", name="uq_alert_watch_crossing"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)  # the watch's owner
    watch_id: int = Field(index=True)
    crossing: int
    alert_key: str = Field(max_length=40, unique=True)
    snapshot_id: int | None = None
    subject: str = Field(max_length=200)
    channel: str = Field(max_length=300)
    score: float
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class QlooCacheEntry(SQLModel, table=True):
    """A Qloo response kept until `expires_at` (affinity issue): the same question twice costs one request."""

    __tablename__ = "qloo_cache"

    key: str = Field(primary_key=True, max_length=64)
    path: str = Field(max_length=64)
    fetched_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    response: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class EngagementEvent(SQLModel, table=True):
    """One view/click/wishlist/add_to_cart/purchase (CADENCE issue): personalises suggestions and search."""

    __tablename__ = "engagement_events"

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)  # user ids are the tenant's own: scoped by owner
    user_id: str = Field(index=True, max_length=128)
    session_id: str | None = Field(default=None, index=True, max_length=128)
    action: str = Field(max_length=16)
    item_id: str = Field(max_length=128)
    item_kind: str = Field(default="product", max_length=16)  # product | suggestion
    rank: int | None = None
    query: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    # storefront events (bots/api): the sender's id makes a replayed event a no-op; variant and value feed experiments
    event_id: str | None = Field(default=None, max_length=128)
    variant: str | None = Field(default=None, max_length=64)
    value: float | None = None  # revenue of a purchase, in the storefront's currency


Index("uq_engagement_owner_event", EngagementEvent.owner, EngagementEvent.event_id, unique=True)  # NULL ids (chat events) never collide


class CatalogProduct(SQLModel, table=True):
    """A catalog product (CADENCE issue): Flipkart, Amazon UK toys and Online Retail descriptions."""

    __tablename__ = "catalog_products"

    item_id: str = Field(primary_key=True, max_length=128)
    source: str = Field(index=True, max_length=32)
    title: str = Field(sa_column=Column(Text, nullable=False))
    phrase: str = Field(default="", max_length=300)
    category_path: str = Field(default="", max_length=500)
    pseudo_category: int = Field(default=-1, index=True)
    price: float | None = None


class SalesDay(SQLModel, table=True):
    """Net sales of one stock code in one country on one day (forecast issue); returns make it negative."""

    __tablename__ = "sales_daily"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True, max_length=64)
    day: date = Field(index=True)
    stock_code: str = Field(index=True, max_length=40)
    country: str = Field(index=True, max_length=80)
    quantity: float
    revenue: float = 0.0
    invoices: int = 0
    customers: int = 0


class SalesProduct(SQLModel, table=True):
    """One stock code's name and sales span (forecast issue): lookups, close matches, analog curves."""

    __tablename__ = "sales_products"

    stock_code: str = Field(primary_key=True, max_length=40)
    source: str = Field(index=True, max_length=64)
    description: str = Field(default="", max_length=300)
    first_day: date
    last_day: date
    total_quantity: float = 0.0


class SalesLoad(SQLModel, table=True):
    """Marks a sales source as loaded, so first use loads it once even when the table holds other rows."""

    __tablename__ = "sales_loads"

    source: str = Field(primary_key=True, max_length=64)
    rows: int
    first_day: date
    last_day: date
    loaded_at: datetime = Field(default_factory=utcnow)


# --- scheduled reports and their run outbox (memory/schedules.py, bots/scheduler.py) -------------

class ReportSchedule(SQLModel, table=True):
    """A standing request: re-run `tool` once per entry of `arguments` when the cron expression
    `cron` comes due in the IANA zone `timezone`, and send the digest to every destination
    ('slack:#brand', 'discord:<id>', 'email:a@b.c', 'sheets:<spreadsheet id>[/<tab>]', 'webhook:<name>').
    `next_due_at` (UTC) is the next due time; `revision` counts changes, so that two schedulers
    advancing it race on a compare-and-set and one of them wins. (owner, name) is unique."""

    __tablename__ = "report_schedules"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_schedule_owner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)
    name: str = Field(max_length=120)
    cron: str = Field(max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    tool: str = Field(max_length=64)
    arguments: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # one dict per re-run
    destinations: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paused: bool = False
    next_due_at: datetime = Field(index=True)
    revision: int = 0
    last_result_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the last sent digest's results (follow-ups)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ScheduleRun(OutboxColumns, table=True):
    """The run outbox: one row per (schedule, due time), unique, so a due time is run once across
    restarts and processes. `run_key` is the idempotency key receivers see. The first attempt
    stores the re-run results and the digest (`result_ids`, `digest`) so a retry re-sends the same
    digest; `delivered` lists the destinations done, so a retry sends only to the rest. Leased like
    the alert outbox (memory/outbox.py); `status` goes pending → sent, or failed with `last_error`."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at", name="uq_run_schedule_due"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)  # the schedule's owner
    schedule_id: int = Field(index=True)
    due_at: datetime
    run_key: str = Field(max_length=40, unique=True)
    result_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    digest: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # bots/digest.py's Digest, kept for retries
    delivered: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


# --- the owner's own data (memory/imports): sales, catalog, customers, surveys, campaign results ---

from sqlalchemy import LargeBinary  # noqa: E402  - kept beside the import tables


class ImportedDataset(SQLModel, table=True):
    """One named import of an owner (`caeser import sales q3_orders.csv` → kind sales, name q3_orders).
    Re-importing under the same name adds only rows whose natural key is new."""

    __tablename__ = "imported_datasets"
    __table_args__ = (UniqueConstraint("owner", "kind", "name", name="uq_import_owner_kind_name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(index=True, max_length=OWNER_MAX)
    kind: str = Field(max_length=12)
    name: str = Field(max_length=120)
    origin: str = Field(default="", max_length=500)  # the last file or (password-free) database URL read
    format: str = Field(default="csv", max_length=16)
    rows: int = 0
    first_day: date | None = None
    last_day: date | None = None
    currencies: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ImportedSalesDay(SQLModel, table=True):
    """Net units and revenue of one SKU on one day in one country and currency, for one import.
    Revenue is never summed across currencies: the currency is part of the row."""

    __tablename__ = "imported_sales_daily"
    __table_args__ = (UniqueConstraint("dataset_id", "sku", "day", "country", "currency", name="uq_imported_sales_day"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="imported_datasets.id", index=True)
    sku: str = Field(max_length=80)
    day: date
    country: str = Field(default="", max_length=80)
    currency: str = Field(default="", max_length=3)
    units: float = 0.0
    revenue: float = 0.0


class ImportedKeyBlock(SQLModel, table=True):
    """The natural-key hashes of the sales lines one import run added, as a sorted int64 array (8
    bytes a line): a million lines are one 8 MB row, written and read in milliseconds where a row per
    key cost seconds. A line whose hash any of the owner's blocks holds is not counted twice."""

    __tablename__ = "imported_key_blocks"

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="imported_datasets.id", index=True)
    lines: int
    hashes: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportedRecord(SQLModel, table=True):
    """One catalog product, customer, survey respondent or campaign of an import (for sales: one
    product's name), by its natural key; the latest import of a key wins."""

    __tablename__ = "imported_records"

    dataset_id: int = Field(foreign_key="imported_datasets.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=120)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

class ExperimentRow(SQLModel, table=True):
    """An A/B test of suggestion or search ranking (experiments issue): its variants and plan.
    `variants` is [{"name", "weight"}]; the first is the control."""

    __tablename__ = "experiments"

    id: str = Field(primary_key=True, max_length=40)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)
    name: str = Field(max_length=200)
    surface: str = Field(max_length=16)  # suggest | search
    variants: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    traffic: float = 1.0  # share of users enrolled; the rest keep the usual ranking, unlogged
    primary_metric: str = Field(max_length=32)
    mde: float  # relative minimum detectable effect the sample size is planned for
    alpha: float = 0.05
    power: float = 0.8
    baseline: float | None = None  # the primary metric's expected control value, when known in advance
    status: str = Field(default="running", max_length=10, index=True)
    started_at: datetime = Field(default_factory=utcnow)
    stopped_at: datetime | None = None
    stop_reason: str | None = Field(default=None, max_length=500)


class ExperimentExposure(SQLModel, table=True):
    """The first time a user was served a variant of an experiment; later servings add nothing."""

    __tablename__ = "experiment_exposures"
    __table_args__ = (UniqueConstraint("experiment_id", "user_id", name="uq_exposure_experiment_user"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)
    experiment_id: str = Field(index=True, max_length=40)
    user_id: str = Field(max_length=128)
    variant: str = Field(max_length=64)
    first_at: datetime = Field(default_factory=utcnow)


class ServedQuery(SQLModel, table=True):
    """A query or prefix the storefront API answered, and how many results it had (experiments
    issue): shopper analytics reads top and zero-result queries from it."""

    __tablename__ = "served_queries"

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(default=LEGACY_KEY, index=True, max_length=OWNER_MAX)
    surface: str = Field(max_length=16)  # suggest | search
    user_id: str | None = Field(default=None, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    query: str = Field(max_length=500)
    results: int
    variant: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
