"""Development zones and the names newspapers use for them."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Zone(models.Model):
    """A development zone. Gazetteer zones are verified; zones first seen in text are not."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        UNKNOWN = "unknown", _("未知")

    short_name = models.CharField(_("简称"), max_length=64, unique=True)
    full_name = models.CharField(_("全称"), max_length=128, blank=True)
    slug = models.SlugField(_("标识"), max_length=80, unique=True, allow_unicode=True)
    kind = models.CharField(_("类型"), max_length=16, default="高新区")
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, default=Level.UNKNOWN)
    province = models.CharField(_("省份"), max_length=16, blank=True, db_index=True)
    city = models.CharField(_("城市"), max_length=32, blank=True)
    approved_year = models.PositiveSmallIntegerField(_("批准年份"), null=True, blank=True)
    # Where the zone's place lies (the county, city or town its name opens with), from the
    # place data of articles/parsing/places.py: enough to draw a province map, not a survey.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    verified = models.BooleanField(
        _("已核实"), default=False, help_text=_("来自名录或经管理员核实；正文中新发现的开发区默认为未核实。")
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("开发区")
        verbose_name_plural = _("开发区")
        # The gazetteer's (verified) zones first: a zone first seen in text has no province
        # and would otherwise head every list and dropdown.
        ordering = ["-verified", "province", "short_name"]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("zone-detail", args=[self.slug])


class ZoneAlias(models.Model):
    """Another name for a zone: full-name variants, 简称, old names."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=128, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("别名")
        verbose_name_plural = _("别名")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
