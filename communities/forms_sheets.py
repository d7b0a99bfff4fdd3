"""The upload form of the resident import. It checks only what the browser sent;
reading the sheet is the service's job (communities.sheets)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class ResidentImportForm(forms.Form):
    file = forms.FileField(
        label=_("居民表格(.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_MIME}"}),
        error_messages={"required": _("请选择要上传的表格文件。"), "empty": _("上传的文件是空的。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import, so the limits follow the settings in force.
        self.fields["file"].help_text = _(
            "请使用模板填写,一次最多 %(rows)s 行、%(mb)s MB。上传后先预检,确认后才会导入。"
        ) % {"rows": settings.RESIDENT_IMPORT_MAX_ROWS, "mb": _megabytes(settings.RESIDENT_IMPORT_MAX_BYTES)}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("只支持.xlsx格式的表格。.xls或.csv文件请在Excel或WPS中“另存为”.xlsx后再上传。")
            )
        if uploaded.size > settings.RESIDENT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)s MB,请分批导入。")
                % {"mb": _megabytes(settings.RESIDENT_IMPORT_MAX_BYTES)}
            )
        return uploaded
