"""Forms editors fill in: the upload, and the edit of a candidate."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
        help_text=_("用于推算“6月28日”“今年3月”等相对日期。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refuse by declared size before reading a byte into memory.
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


class ProjectEditForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "zone",
            "investor",
            "industry",
            "stage",
            "date",
            "date_precision",
            "amount",
            "currency",
            "amount_text",
            "approximate",
            "jobs",
        ]
        widgets = {"date": IsoDateInput()}
