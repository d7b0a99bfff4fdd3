"""Seed request categories with the time limits of DOMAIN.md §3; the street edits them in admin."""

from django.db import migrations

# (code, name, urgency, hours, default handler, is_dispute, description)
CATEGORIES = [
    ("hazard", "安全隐患", "urgent", 2, "grid_worker", False, "消防通道堵塞、高空坠物、电动车楼道充电等,2小时内响应"),
    ("utilities", "水电气", "utilities", 24, "property_company", False, "停水停电、燃气、管道漏水,24小时内处理"),
    ("sanitation", "环境卫生", "general", 7 * 24, "grid_worker", False, "垃圾分类、楼道杂物、绿化养护"),
    ("facilities", "公共设施", "general", 7 * 24, "property_company", False, "座椅、路灯、健身器材、电梯、门禁"),
    ("parking", "停车交通", "general", 7 * 24, "community_staff", False, "停车位、非机动车棚、充电桩"),
    ("elderly", "为老助残", "general", 7 * 24, "community_staff", False, "助餐、助浴、探访、适老化改造"),
    ("policy", "政策咨询", "general", 7 * 24, "community_staff", False, "社保、医保、证明办理等咨询"),
    ("dispute", "矛盾纠纷", "complex", 15 * 24, "community_staff", True, "邻里纠纷、物业纠纷,需调解"),
    ("property", "物业管理", "complex", 15 * 24, "street_department", False, "物业服务、维修基金、业委会事务"),
    ("other", "其他", "general", 7 * 24, "community_staff", False, ""),
]


def seed(apps, schema_editor):
    Category = apps.get_model("resident_requests", "RequestCategory")
    for order, (code, name, urgency, hours, handler, dispute, description) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "urgency": urgency,
                "time_limit_hours": hours,
                "default_handler_kind": handler,
                "is_dispute": dispute,
                "description": description,
                "sort_order": order,
            },
        )
    apps.get_model("resident_requests", "AssessmentWeights").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("resident_requests", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
