"""Admin for Open311: partners and their API keys, category fields, what partners filed.

A key is issued from the partner list (action 「签发 API 密钥」) and shown once on
the page that answers the action. It is not put into a flash message: those wait
in a cookie or the session until the next page, and the key must not be stored
anywhere but in the partner's system. Keys are revoked, never deleted, so the
audit log and the submissions keep naming them.
"""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from open311 import services
from open311.models import (
    LIST_DATATYPES,
    ApiKey,
    AttributeValue,
    Partner,
    PartnerSubmission,
    ServiceAttribute,
)
from resident_requests.models import ResidentRequest


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "channel", "is_active", "contact_name", "contact_phone", "created_at")
    list_filter = ("kind", "channel", "is_active")
    search_fields = ("name",)
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    def has_issue_key_permission(self, request) -> bool:
        return request.user.has_perm("open311.add_apikey")

    @admin.action(description=_("签发 API 密钥(只显示一次)"), permissions=["issue_key"])
    def issue_key(self, request, queryset):
        issued = [
            (partner, *services.key_issue(partner=partner, acting_user=request.user))
            for partner in queryset.filter(is_active=True)
        ]
        skipped = queryset.filter(is_active=False)
        context = {
            **self.admin_site.each_context(request),
            "title": _("已签发的 API 密钥"),
            "issued": issued,
            "skipped": skipped,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "open311/admin/issued_keys.html", context)
        # The page holds the plain keys: no browser or proxy cache may keep it.
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("partner", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    list_filter = ("partner", ("revoked_at", admin.EmptyFieldListFilter))
    readonly_fields = ("partner", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued from the partner list, where the key is shown once

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("open311.change_apikey")

    @admin.action(description=_("吊销所选密钥(立即失效)"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = sum(services.key_revoke(api_key=key, acting_user=request.user) for key in queryset.select_related("partner"))
        self.message_user(request, _("已吊销 %(n)s 个密钥。") % {"n": revoked})


class AttributeValueFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        datatype = getattr(self.instance, "datatype", "")
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if datatype in LIST_DATATYPES and not kept:
            raise forms.ValidationError(_("单选、多选字段至少要有一个选项。"))
        if datatype not in LIST_DATATYPES and kept:
            raise forms.ValidationError(_("只有单选、多选字段才有选项。"))


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    formset = AttributeValueFormSet
    extra = 1
    fields = ("key", "name", "order")


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category", "order", "code", "description", "datatype", "required", "variable")
    list_filter = ("category", "datatype")
    inlines = [AttributeValueInline]
    fieldsets = (
        (
            None,
            {
                "fields": ("category", "code", "order", "description", "datatype", "datatype_description", "required", "variable"),
                # Answers stay on the request's timeline after contact data is purged (PIPL).
                "description": _("合作平台提交该类别诉求时需填写的附加字段。附加字段的内容会长期保存在办理记录中,请不要设计收集姓名、电话等个人信息的字段。"),
            },
        ),
    )


@admin.register(PartnerSubmission)
class PartnerSubmissionAdmin(admin.ModelAdmin):
    list_display = ("request", "partner", "token", "created_at")
    list_filter = ("partner",)
    search_fields = ("request__tracking_code", "token")
    list_select_related = ("request__category", "partner")
    readonly_fields = ("request", "partner", "api_key", "token", "lat", "long", "media_url", "attributes", "created_at")
    fields = readonly_fields

    def get_queryset(self, request):
        # Scoped like the request pages: a community's staff see only their community's requests.
        visible = ResidentRequest.objects.visible_to(request.user)
        return super().get_queryset(request).filter(request__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
