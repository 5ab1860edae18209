"""Forms editors fill in: the upload, and the edit of a candidate."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.parsing.amounts import format_amount, read_whole_amount
from articles.parsing.types import Amount
from projects.models import Project
from projects.widgets import IsoDateInput

from .uploads import too_large_message


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（TXT、PDF、Word、HTML）"))
    publication = forms.CharField(label=_("报刊"), max_length=128, initial="中国高新技术产业导报")
    issue_number = forms.CharField(label=_("期号"), max_length=32, required=False)
    issue_date = forms.DateField(
        label=_("出版日期"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("用于推算“6月28日”“今年3月”等相对日期；留空时按版面上印的日期行读取（如有）。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refuse by declared size before reading a byte into memory.
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


def amount_as_typed(project: Project) -> str:
    """A stored amount as editors write it (`120亿元`, `约3.3亿美元`); "" when not disclosed."""
    if project.amount is None:
        return ""
    return format_amount(project.amount, project.currency, approximate=project.approximate,
                         value_max=project.amount_max)


class ProjectEditForm(forms.ModelForm):
    """The edit of a project. The amount is typed as it is printed (`120亿元`, `3.3亿美元`,
    `约6000万元`) and read by the parser's own amount reader; the yuan value follows from it
    (`projects.services.save_project_edit`, at the rate of the project's year)."""

    amount = forms.CharField(
        label=_("金额"), required=False, max_length=128,
        help_text=_("按报道的写法填写，如 120亿元、3.3亿美元、约6000万元；留空表示未披露。"),
    )

    class Meta:
        model = Project
        fields = ["name", "zone", "investor", "industry", "stage", "date", "date_precision", "jobs"]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2, "class": "wide"}),
            "investor": forms.TextInput(attrs={"class": "wide"}),
            "date": IsoDateInput(),
        }

    field_order = [
        "name", "zone", "investor", "industry", "stage", "amount", "date", "date_precision", "jobs",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = amount_as_typed(self.instance)
        self.fields["amount"].widget.attrs.update({"class": "wide", "placeholder": _("例如 120亿元")})

    def clean_name(self) -> str:
        # A textarea, so that a long name shows in full; a name is still one line.
        return " ".join(self.cleaned_data["name"].split())

    def clean_amount(self) -> Amount | None:
        text = self.cleaned_data["amount"].strip()
        if not text:
            return None
        amount = read_whole_amount(text)
        if amount is None:
            raise forms.ValidationError(
                _("“%(text)s”不是一个金额：请写数字和单位，如 120亿元、3.3亿美元、6000万元。"),
                code="not_an_amount", params={"text": text},
            )
        return amount

    def save(self, commit: bool = True) -> Project:
        if "amount" in self.changed_data:
            amount: Amount | None = self.cleaned_data["amount"]
            project = self.instance
            if amount is None:
                project.amount = project.amount_max = project.amount_yuan = None
                project.amount_text, project.approximate = "", False
            else:
                project.amount, project.amount_max = amount.value, amount.value_max
                project.currency, project.approximate = amount.currency, amount.approximate
                project.amount_text = amount.text
        return super().save(commit)
