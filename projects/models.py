"""Investment projects, their events, aggregate signings (batches) and currency rates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .search import Searchable, SearchDocumentField


class ReviewStatus(models.TextChoices):
    CANDIDATE = "candidate", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class Stage(models.TextChoices):
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    OPERATING = "operating", _("投产")
    STALLED = "stalled", _("停滞")
    CANCELLED = "cancelled", _("取消")
    OTHER = "other", _("其他")


class DatePrecision(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")
    YEAR = "year", _("年")


# History rows are read by the record's id (its history pages) and by date and user; the
# indexes of the tracked columns themselves would be updated for every history row an ingest
# writes (tens of thousands per issue) and serve no query. Names not on a model are ignored.
UNINDEXED_IN_HISTORY = (
    "amount_yuan", "date", "zone", "batch", "merged_into", "review_status", "investor", "industry",
    "project",
)


# Derived from the events (projects/timeline.py): not edited, so not in the history, and not
# written by a project's save.
TIMELINE_HISTORY_EXCLUDED = (
    "signed_on", "signed_precision", "started_on", "started_precision", "operating_on",
    "operating_precision", "months_to_start", "months_to_start_max", "followed_up",
)


class MoneyFields(models.Model):
    """An amount as printed (value in its own currency) and its value in yuan."""

    amount = models.DecimalField(_("金额（原币种）"), max_digits=24, decimal_places=4, null=True, blank=True)
    amount_max = models.DecimalField(_("金额上限"), max_digits=24, decimal_places=4, null=True, blank=True)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    amount_yuan = models.DecimalField(
        _("金额（元）"), max_digits=24, decimal_places=2, null=True, blank=True, db_index=True
    )
    amount_text = models.CharField(_("金额原文"), max_length=128, blank=True)
    approximate = models.BooleanField(_("约数"), default=False)

    class Meta:
        abstract = True


class DatedFields(models.Model):
    """A date known to the day, the month or the year; stored as the first day it covers."""

    date = models.DateField(_("日期"), null=True, blank=True, db_index=True)
    date_precision = models.CharField(_("日期精度"), max_length=5, choices=DatePrecision.choices, blank=True)

    class Meta:
        abstract = True


class ReviewedRecord(MoneyFields, DatedFields):
    """What a project and a batch share: an amount and a date, an editor's review, and the
    record it was merged into as a duplicate."""

    review_status = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.CANDIDATE,
        db_index=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Batch(ReviewedRecord):
    """An aggregate signing: "签约项目16个，总投资约122亿元" in one zone."""

    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    title = models.CharField(_("名称"), max_length=255, blank=True)
    project_count = models.PositiveIntegerField(_("项目数"), null=True, blank=True)
    history = HistoricalRecords(no_db_index=UNINDEXED_IN_HISTORY)

    class Meta:
        verbose_name = _("批量签约")
        verbose_name_plural = _("批量签约")
        ordering = ["-date", "-id"]
        indexes = [
            # The few records known only to the year: the default chart range asks whether the
            # latest year has one (projects/chart_range.py) without reading that year's records.
            models.Index(fields=["date"], name="batch_year_only_date_idx",
                         condition=Q(date_precision="year")),
        ]

    def __str__(self) -> str:
        zone = self.zone.short_name if self.zone_id else "?"
        count = self.project_count if self.project_count is not None else "?"
        projects = _("%(n)s个项目") % {"n": count}
        return self.title or f"{zone} · {projects} · {self.amount_text or '—'}"

    def get_absolute_url(self) -> str:
        return reverse("batch-detail", args=[self.pk])


class Project(Searchable, ReviewedRecord):
    """One investment project; `date` is when it counts: its signing, else its first event."""

    name = models.CharField(_("项目名称"), max_length=255)
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    investor = models.CharField(_("投资方"), max_length=255, blank=True, db_index=True)
    industry = models.CharField(_("行业"), max_length=32, blank=True, db_index=True)
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default=Stage.SIGNED)
    jobs = models.PositiveIntegerField(_("带动就业（人）"), null=True, blank=True)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("所属批量签约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    # The grams of name and investor (projects/search.py), GIN-indexed on PostgreSQL.
    search_document = SearchDocumentField()
    # The follow-through timeline, derived from the events (projects/timeline.py, rules in
    # projects/follow_through.py): the earliest signing, the earliest start from the signing on,
    # the earliest operating; the months signing → start from the stored dates (the median's)
    # and the fewest months within which the start is certain ("started within N months").
    signed_on = models.DateField(_("签约日期"), null=True, blank=True, editable=False)
    signed_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, db_default="", editable=False)
    started_on = models.DateField(_("开工日期"), null=True, blank=True, editable=False)
    started_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, db_default="", editable=False)
    operating_on = models.DateField(_("投产日期"), null=True, blank=True, editable=False)
    operating_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, db_default="", editable=False)
    months_to_start = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    months_to_start_max = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # An event of another stage than 签约 was reported (the stalled list's "no later event").
    followed_up = models.BooleanField(default=False, db_default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["search_document", *TIMELINE_HISTORY_EXCLUDED],
                                no_db_index=UNINDEXED_IN_HISTORY)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-date", "-id"]
        indexes = [
            # The project list: a review status, not merged, newest first (docs/benchmarks.md).
            models.Index(fields=["review_status", "merged_into", "-date", "-id"], name="project_list_idx"),
            models.Index(fields=["-date", "-id"], name="project_date_id_idx"),
            # Recomputing a zone-month cell of the rollup, the zone page, the live totals.
            models.Index(fields=["zone", "date"], name="project_zone_date_idx"),
            # The follow-through's aggregates read only this index on PostgreSQL (an index-only
            # scan of ~80 MB at a million projects instead of the table), by review status.
            models.Index(
                fields=["review_status", "zone", "industry"], name="project_follow_through_idx",
                include=["signed_on", "started_on", "operating_on", "months_to_start", "months_to_start_max",
                         "followed_up", "amount_yuan", "date", "date_precision", "stage"],
                condition=models.Q(merged_into__isnull=True),
            ),
            # The stalled list's index (amount DESC NULLS LAST, which SQLite cannot index) is
            # made on PostgreSQL only, by migration 0017.
            # Records known only to the year (projects/chart_range.py, as for Batch).
            models.Index(fields=["date"], name="project_year_only_date_idx",
                         condition=Q(date_precision="year")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        """Saving a project never writes its timeline: the events keep it (projects/timeline.py),
        and an instance read before its events changed would write it back stale."""
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            update_fields = [f.name for f in self._meta.concrete_fields
                             if not f.primary_key and f.name not in TIMELINE_HISTORY_EXCLUDED]
        super().save(*args, update_fields=update_fields, **kwargs)

    SEARCHED_FIELDS = ("name", "investor")  # the search document's (projects/search.py)

    def get_absolute_url(self) -> str:
        return reverse("project-detail", args=[self.pk])


class ProjectEvent(DatedFields):
    """A step in a project's life as reported: signed, started, operating, stalled, cancelled.

    The article that reported it is the article of its quote (`event.mentions`): the sources
    point at the records, never the other way (docs/architecture.md)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events"
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    # Where it was reported: the quotes that point at the event (`articles.Mention.event`).
    note = models.CharField(_("备注"), max_length=255, blank=True)
    history = HistoricalRecords(no_db_index=UNINDEXED_IN_HISTORY)

    class Meta:
        verbose_name = _("项目事件")
        verbose_name_plural = _("项目事件")
        ordering = ["project", "date", "id"]

    def __str__(self) -> str:
        when = self.date.isoformat() if self.date else "?"
        return f"{self.get_stage_display()} {when}"


class CurrencyRate(models.Model):
    """Yuan per unit of a foreign currency for one year (annual average), editable by admins."""

    currency = models.CharField(_("币种"), max_length=3)
    year = models.PositiveSmallIntegerField(_("年份"))
    yuan_per_unit = models.DecimalField(_("人民币/单位"), max_digits=12, decimal_places=6)
    source = models.CharField(_("来源"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("汇率")
        verbose_name_plural = _("汇率")
        ordering = ["currency", "-year"]
        constraints = [models.UniqueConstraint(fields=["currency", "year"], name="rate_currency_year_unique")]

    def __str__(self) -> str:
        return f"{self.currency} {self.year}: {self.yuan_per_unit}"


class CellKind(models.TextChoices):
    PROJECT = "project", _("项目")
    BATCH = "batch", _("批量签约")


class Cell(models.Model):
    """What every rollup cell keeps (see `projects/rollup.py`): derived data, never edited.

    The keys every level shares, and the five sums. A project cell also records the review
    status of the batch its projects belong to (when that batch is not merged), because the
    counting rule skips a member project exactly when its batch is counted under the same filter."""

    kind = models.CharField(max_length=7, choices=CellKind.choices)
    review_status = models.CharField(max_length=10)
    batch_review_status = models.CharField(max_length=10, null=True)  # noqa: DJ001 -- null: no batch
    projects = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    batch_projects = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    approximate_amount = models.DecimalField(max_digits=28, decimal_places=2, default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind} {self.review_status}: {self.amount}"


class ZoneCell(Cell):
    """A cell of a level kept by zone: the records' zone and, for project cells, their batch's zone
    (a zone filter counts the batch, and skips its members, only when the batch is in the zone)."""

    # No index of their own: (zone, …) indexes serve the zone; nothing looks for a batch's zone.
    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    batch_zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                                   db_constraint=False, db_index=False)

    class Meta:
        abstract = True


class TotalsCell(ZoneCell):
    """The full level: zone × month × review status × stage × industry (+ the batch's status and
    zone) — what every other level sums, and what an industry filter reads."""

    date = models.DateField(null=True)  # first day of the month; null: undated
    # False: the records are known only to the year (`date` is its 1 January; projects/months.py)
    month_known = models.BooleanField(default=True)
    stage = models.CharField(max_length=10)  # a batch: "signed"
    industry = models.CharField(max_length=32, blank=True)  # a batch: ""

    class Meta:
        verbose_name = _("合计汇总格")
        verbose_name_plural = _("合计汇总格")
        indexes = [
            models.Index(fields=["zone", "date"], name="totalscell_zone_date_idx"),
            # A recompute re-sums the breakdown cells of a month from every zone's full cells.
            models.Index(fields=["date", "review_status"], name="totalscell_date_idx"),
            # An industry filter reads the full cells (the coarser levels keep no industry by zone):
            # all its cells, then each charted zone's.
            models.Index(fields=["industry", "review_status", "zone", "date"],
                         name="totalscell_industry_idx"),
        ]


class TotalsZoneCell(ZoneCell):
    """Zone × month × review status (+ the batch's status and zone), without stage and industry:
    the zone × month sums of filters that name no stage or industry."""

    date = models.DateField(null=True)
    # False: the records are known only to the year (`date` is its 1 January; projects/months.py)
    month_known = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("合计汇总格（开发区×月）")
        verbose_name_plural = _("合计汇总格（开发区×月）")
        indexes = [
            models.Index(fields=["zone", "date"], name="totalszonecell_zone_date_idx"),
            models.Index(fields=["review_status", "date", "zone"], name="totalszonecell_status_idx"),
        ]


class TotalsStageCell(ZoneCell):
    """Zone × month × review status × stage (+ the batch's status and zone), without industry: the
    zone × month sums of filters that name a stage but no industry."""

    date = models.DateField(null=True)
    # False: the records are known only to the year (`date` is its 1 January; projects/months.py)
    month_known = models.BooleanField(default=True)
    stage = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("合计汇总格（开发区×月×阶段）")
        verbose_name_plural = _("合计汇总格（开发区×月×阶段）")
        indexes = [
            models.Index(fields=["zone", "date"], name="totalsstagecell_zone_date_idx"),
            models.Index(fields=["stage", "review_status", "date"], name="totalsstagecell_stage_idx"),
        ]


class TotalsZoneTotalCell(ZoneCell):
    """Zone × review status × stage (+ the batch's status and zone) without the month — only
    whether the records are dated: each zone's sums (the ranking, the undated figure, the zone
    list's counts) for filters with no month range or industry, from a few cells per zone."""

    dated = models.BooleanField()
    stage = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("合计汇总格（开发区）")
        verbose_name_plural = _("合计汇总格（开发区）")
        indexes = [models.Index(fields=["zone", "review_status"], name="totalszonetotal_zone_idx")]


class TotalsBreakdownCell(Cell):
    """Month × review status × stage × industry (+ the batch's status), without zone: the stage and
    industry breakdowns (and a stage filter's monthly totals) of filters that name no zone or
    province."""

    date = models.DateField(null=True)
    # False: the records are known only to the year (`date` is its 1 January; projects/months.py)
    month_known = models.BooleanField(default=True)
    stage = models.CharField(max_length=10)
    industry = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("合计汇总格（月×阶段×行业）")
        verbose_name_plural = _("合计汇总格（月×阶段×行业）")
        indexes = [models.Index(fields=["review_status", "date"], name="totalsbreakdown_status_idx")]


class TotalsMonthCell(Cell):
    """Month × review status (+ the batch's status), without zone, stage or industry: the monthly
    totals (the bars' heights) of filters that name none of those, from a few cells per month."""

    date = models.DateField(null=True)
    # False: the records are known only to the year (`date` is its 1 January; projects/months.py)
    month_known = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("合计汇总格（月）")
        verbose_name_plural = _("合计汇总格（月）")
        indexes = [models.Index(fields=["review_status", "date"], name="totalsmonth_status_idx")]


class FollowCell(models.Model):
    """What every follow-through cell keeps (`projects/follow_cells.py`): derived data, never
    edited. For the not-merged projects of its keys, the count (`_n`) and amount (`_y`) of each
    condition of the follow-through rule (`projects/follow_through.py`)."""

    review_status = models.CharField(max_length=10)
    signed_n = models.PositiveIntegerField(default=0)
    signed_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    started_n = models.PositiveIntegerField(default=0)
    started_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    operating_n = models.PositiveIntegerField(default=0)
    operating_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    unsigned_started_n = models.PositiveIntegerField(default=0)
    unsigned_started_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    within_6_n = models.PositiveIntegerField(default=0)
    within_6_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    within_12_n = models.PositiveIntegerField(default=0)
    within_12_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    within_24_n = models.PositiveIntegerField(default=0)
    within_24_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)
    # signed, no event of another stage: stalled once signed before the cutoff
    idle_n = models.PositiveIntegerField(default=0)
    idle_y = models.DecimalField(max_digits=28, decimal_places=2, default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.review_status}: {self.signed_n} signed"


class FollowMonthFields(models.Model):
    """The month of a cell as the totals' cells keep it (`date`, `month_known`) and the
    projects' signing month (`signed_on`'s first day; null: not signed)."""

    date = models.DateField(null=True)
    month_known = models.BooleanField(default=True)
    signed_month = models.DateField(null=True)

    class Meta:
        abstract = True


class FollowZoneMonthCell(FollowCell, FollowMonthFields):
    """Zone × month × review status × signing month: the zones (and provinces, total) of a filter
    with no zone, province or industry."""

    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)

    class Meta:
        indexes = [models.Index(fields=["zone", "date"], name="followzonemonth_zone_idx"),
                   models.Index(fields=["review_status", "date"], name="followzonemonth_status_idx")]


class FollowIndustryMonthCell(FollowCell, FollowMonthFields):
    """Industry × month × review status × signing month: the industries, the total and the
    stalled total of a filter with no zone or province (and no month range with an industry)."""

    industry = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["date", "review_status"], name="followindmonth_date_idx")]


class FollowZoneIndustryCell(FollowCell):
    """Zone × industry × review status: the zones of an industry filter (no month range)."""

    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    industry = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["zone", "industry"], name="followzoneind_zone_idx"),
                   models.Index(fields=["industry", "review_status"], name="followzoneind_ind_idx")]


class FollowLagCell(models.Model):
    """How many projects took `lag` whole months from signing to start (`months_to_start`; the
    medians stay exact), or — for the cohorts — the signed count and amount by
    `months_to_start_max` (null: no start, or beyond the cohorts' 24 months)."""

    review_status = models.CharField(max_length=10)
    lag = models.PositiveSmallIntegerField(null=True)
    projects = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=28, decimal_places=2, default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.review_status} {self.lag}: {self.projects}"


class FollowZoneLagCell(FollowLagCell):
    """Zone × month × review status × months to start."""

    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    date = models.DateField(null=True)
    month_known = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["zone", "date"], name="followzonelag_zone_idx")]


class FollowIndustryLagCell(FollowLagCell):
    """Industry × month × review status × months to start."""

    industry = models.CharField(max_length=32, blank=True)
    date = models.DateField(null=True)
    month_known = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["date", "review_status"], name="followindlag_date_idx")]


class FollowZoneIndustryLagCell(FollowLagCell):
    """Zone × industry × review status × months to start: the zones' medians of an industry filter."""

    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    industry = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["zone", "industry"], name="followzoneindlag_zone_idx")]


class FollowZoneTotalLagCell(FollowLagCell):
    """Zone × review status × months to start: the zones' medians of a filter with no month range."""

    zone = models.ForeignKey("zones.Zone", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)

    class Meta:
        indexes = [models.Index(fields=["zone", "review_status"], name="followzonetotallag_zone_idx")]


class FollowCohortCell(FollowLagCell):
    """Industry × month × review status × signing month × `months_to_start_max` (≤ 24, else null):
    the signed projects' count and amount, for the cohorts."""

    industry = models.CharField(max_length=32, blank=True)
    date = models.DateField(null=True)
    month_known = models.BooleanField(default=True)
    signed_month = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["date", "review_status"], name="followcohort_date_idx")]


class DataVersion(models.Model):
    """A token that changes with every write the follow-through figures read (a project, an event,
    a zone, a bulk ingest): the cache key of those figures (projects/follow_through.py), read from
    the database so that every process and worker sees the same one. It changes just after the
    write's commit, never on a rollback (`projects.timeline.touch`: why, and why that is safe)."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return self.token


class ExportJob(models.Model):
    """An Excel export too big to build inside a web request (issue 15, item 14): the worker
    writes it (projects/export_jobs.py) and its owner downloads it from the job's page. The
    finished file is kept in the database (`ExportChunk`), so the web process that serves it
    may run on another machine than the worker that built it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(max_length=20)  # projects / totals / stalled (export_jobs.SPECS)
    query = models.TextField(blank=True)  # the export's query string, as asked
    language = models.CharField(max_length=10, blank=True)
    base_url = models.CharField(max_length=200, blank=True)  # links in the stalled list
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    disposition = models.CharField(max_length=500, blank=True)  # the Content-Disposition to send
    size = models.PositiveBigIntegerField(null=True, blank=True)  # bytes of the file, once done
    rows = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The delivery that claimed it and how many did (projects/claims.py): a message handed out
    # again after its worker died restarts the build; one that keeps killing it fails it.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When it was last claimed, or put back in the queue by the sweeper (export_jobs.requeue_stale):
    # a job silent long past the task's hard time limit since then lost its worker or its message.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What makes two asks the same export (export_jobs.query_key): one job per key is queued or
    # running at a time, so a second click waits on the first job (blank: jobs from before).
    query_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "query_key"],
                condition=Q(status__in=("queued", "running")) & ~Q(query_key=""),
                name="export_job_one_active_per_ask",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ExportChunk(models.Model):
    """One piece of a finished export's file, in order: the file is copied in pieces of at most
    export_jobs.CHUNK_BYTES and served back one piece at a time, so neither side holds it whole.
    Deleted with its job."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("导出文件片段")
        verbose_name_plural = _("导出文件片段")
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="export_chunk_one_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.position}"
