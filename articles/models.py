"""Uploaded newspaper issues, the articles cut from them and the quotes behind every fact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.search import Searchable, SearchDocumentField


class StoredFile(models.Model):
    """The uploaded bytes, kept in the database so that a worker on any machine can read them."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} B)"


class Bulletin(models.Model):
    """One uploaded issue of a newspaper or zone bulletin, and the state of its parse."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        PARSING = "parsing", _("解析中")
        PARSED = "parsed", _("已解析")
        FAILED = "failed", _("失败")

    publication = models.CharField(_("报刊"), max_length=128)
    issue_number = models.CharField(_("期号"), max_length=32, blank=True)
    issue_date = models.DateField(_("出版日期"), null=True, blank=True, db_index=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="bulletin")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    format = models.CharField(_("格式"), max_length=8, blank=True)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.TextField(_("错误"), blank=True)
    parser_version = models.CharField(_("解析器版本"), max_length=16, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    # Deliveries that claimed this parse since it was last asked for; a bulletin that keeps
    # killing its worker is failed after a few (see articles.tasks.MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("解析尝试次数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始解析"), null=True, blank=True)
    # The running parse's last sign of life (articles/heartbeat.py): stale when it stops.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成解析"), null=True, blank=True)

    class Meta:
        verbose_name = _("报刊期次")
        verbose_name_plural = _("报刊期次")
        ordering = ["-issue_date", "-created_at"]

    def __str__(self) -> str:
        label = self.publication
        if self.issue_number:
            label += f" {self.issue_number}"
        if self.issue_date:
            label += f" ({self.issue_date:%Y-%m-%d})"
        return label

    def get_absolute_url(self) -> str:
        return reverse("bulletin-detail", args=[self.pk])

    @property
    def heartbeat_age(self) -> int | None:
        """Seconds since the parse's last sign of life (its start before the first beat)."""
        last = self.heartbeat_at or self.started_at
        return None if last is None else max(0, int((timezone.now() - last).total_seconds()))

    @property
    def parse_stalled(self) -> bool:
        """"parsing", but silent for STALE_PARSE_SECONDS: its worker is gone (articles/heartbeat.py)."""
        age = self.heartbeat_age
        return self.status == self.Status.PARSING and age is not None and age > settings.STALE_PARSE_SECONDS


class Article(Searchable, models.Model):
    """One article of a bulletin, its text cleaned of page debris."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name=_("报刊期次"), on_delete=models.CASCADE, related_name="articles"
    )
    position = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=500, blank=True)
    subtitle = models.CharField(_("副标题"), max_length=500, blank=True)
    byline = models.CharField(_("署名"), max_length=255, blank=True)
    text = models.TextField(_("正文"))
    zones = models.ManyToManyField(
        "zones.Zone", verbose_name=_("开发区"), blank=True, related_name="articles"
    )
    # The grams of title, subtitle and text (projects/search.py), GIN-indexed on PostgreSQL.
    search_document = SearchDocumentField()
    # Whether the article quotes a record still awaiting review: derived, kept by
    # articles/review_state.py, so that the review page finds an issue's pending articles by index.
    awaiting_review = models.BooleanField(_("待审核"), default=False, editable=False)

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["bulletin", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "position"], name="article_position_unique"),
        ]
        indexes = [
            models.Index(fields=["bulletin", "position"], condition=models.Q(awaiting_review=True),
                         name="article_awaiting_review"),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:30]

    SEARCHED_FIELDS = ("title", "subtitle", "text")  # the search document's (projects/search.py)

    def get_absolute_url(self) -> str:
        return reverse("article-detail", args=[self.pk])


class Mention(models.Model):
    """The quote a fact came from: where it sits in the article, and what was read from it."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("项目")
        BATCH = "batch", _("批量签约")

    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="mentions"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    quote = models.TextField(_("原文"))
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    extracted = models.JSONField(_("解析结果"), default=dict)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    event = models.ForeignKey(
        "projects.ProjectEvent",
        verbose_name=_("项目事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
    )
    batch = models.ForeignKey(
        "projects.Batch",
        verbose_name=_("批量签约"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )

    class Meta:
        verbose_name = _("出处")
        verbose_name_plural = _("出处")
        ordering = ["article", "start"]

    def __str__(self) -> str:
        return self.quote[:40]


class ReviewCounts(models.Model):
    """What is left to review in one issue: derived, kept by articles/review_state.py.

    A row of its own rather than columns of `Bulletin`: the parse writes the bulletin's row
    (status, heartbeat) while editors review, and these counts are written by every review
    action; apart, neither waits for the other."""

    bulletin = models.OneToOneField(
        Bulletin, on_delete=models.CASCADE, primary_key=True, related_name="pending_counts"
    )
    articles = models.PositiveIntegerField(default=0)
    pending_articles = models.PositiveIntegerField(default=0)
    pending_projects = models.PositiveIntegerField(default=0)
    pending_batches = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("待审核计数")
        verbose_name_plural = _("待审核计数")

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.pending_articles}/{self.articles}"
