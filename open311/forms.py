"""The POST requests form fields (GeoReport v2). Cleans input only; open311.services decides."""

import re

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from resident_requests.forms_public import normalise_mobile
from resident_requests.models import ResidentRequest

DESCRIPTION_MAX = 4000
# C0 control characters other than tab and line breaks: never typed, and XML cannot carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SubmissionForm(forms.Form):
    """The spec's arguments we use. email and device_id are accepted and ignored: residents are
    called back on their mobile, so neither is needed (PIPL: collect no more than the purpose needs)."""

    service_code = forms.CharField(max_length=30, error_messages={"required": _("缺少 service_code。")})
    lat = forms.FloatField(min_value=-90, max_value=90, required=False)
    long = forms.FloatField(min_value=-180, max_value=180, required=False)
    address_string = forms.CharField(max_length=ResidentRequest._meta.get_field("address").max_length, required=False)
    address_id = forms.CharField(max_length=24, required=False)
    first_name = forms.CharField(max_length=30, required=False)
    last_name = forms.CharField(max_length=30, required=False)
    phone = forms.CharField(max_length=30, required=False)
    account_id = forms.CharField(max_length=100, required=False)
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False)
    media_url = forms.URLField(
        max_length=1000, required=False, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])]
    )
    # Extension: the hotline's work-order number (交办单号), required from partners whose
    # requests are referrals (上级交办).
    referral_number = forms.CharField(max_length=40, required=False)

    def clean_description(self) -> str:
        description = _CONTROL.sub("", self.cleaned_data["description"]).strip()
        if not description:
            raise forms.ValidationError(_("缺少 description:请写明诉求内容(最多 4000 字)。"))
        return description

    def clean_phone(self) -> str:
        phone = normalise_mobile(self.cleaned_data["phone"]).removeprefix("0086")
        if not phone:
            raise forms.ValidationError(_("缺少 phone:请提供居民的手机号,社区回访和查询进度都要用。"))
        return phone

    def clean(self):
        cleaned = super().clean()
        has_lat, has_long = cleaned.get("lat") is not None, cleaned.get("long") is not None
        if has_lat != has_long:
            self.add_error(None, _("lat 和 long 须同时提供。"))
        located = (has_lat and has_long) or cleaned.get("address_string") or cleaned.get("address_id")
        if not located and not ({"lat", "long", "address_string", "address_id"} & set(self.errors)):
            self.add_error(None, _("缺少位置:请提供 lat 与 long、address_string 或 address_id(楼栋编码)之一。"))
        for name in ("address_string", "first_name", "last_name", "account_id", "referral_number", "address_id"):
            if name in cleaned:
                cleaned[name] = _CONTROL.sub("", cleaned[name]).strip()
        return cleaned

    def error_list(self) -> list[str]:
        """One message per error, each naming its parameter."""
        messages = []
        for field, errors in self.errors.items():
            for error in errors:
                messages.append(str(error) if field == "__all__" or field in str(error) else f"{field}: {error}")
        return messages
