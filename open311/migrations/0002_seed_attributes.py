"""Seed the Open311 fields of the categories that need more than a description; editable in admin.

Chosen so staff can act at once and so no field asks for personal data (the
answers stay on the timeline after contact data is purged): the kind of hazard,
which utility failed and since when, a facility's number, the kind of dispute.
"""

from django.db import migrations

# category code → [(code, question, datatype, required, variable, hint, [(key, name)])]
ATTRIBUTES = {
    "hazard": [
        (
            "hazard_kind",
            "隐患类型",
            "singlevaluelist",
            True,
            True,
            "",
            [
                ("corridor_clutter", "楼道堆物"),
                ("ebike_charging", "电动车楼道充电"),
                ("fire_lane", "消防通道堵塞"),
                ("falling_object", "高空坠物风险"),
                ("gas_smell", "燃气异味"),
                ("other", "其他"),
            ],
        ),
    ],
    "utilities": [
        (
            "outage",
            "受影响的是",
            "multivaluelist",
            True,
            True,
            "可多选",
            [("water", "停水"), ("power", "停电"), ("gas", "停气"), ("leak", "管道漏水"), ("pressure", "水压低")],
        ),
        ("since", "大约从什么时候开始", "datetime", False, True, "ISO 8601,如 2026-11-21T08:00:00+08:00", []),
    ],
    "facilities": [
        ("facility_id", "设施编号(路灯杆号、电梯编号等,没有可不填)", "string", False, True, "", []),
    ],
    "dispute": [
        (
            "dispute_kind",
            "纠纷类型",
            "singlevaluelist",
            True,
            True,
            "",
            [("neighbour", "邻里纠纷"), ("property", "物业纠纷"), ("family", "家庭纠纷"), ("other", "其他")],
        ),
        ("parties", "涉及几户(或几方)", "number", False, True, "整数", []),
        (
            "mediation_notice",
            "矛盾纠纷由社区调解员联系双方调解;请不要在描述中填写对方的姓名和电话。",
            "string",
            False,
            False,
            "",
            [],
        ),
    ],
}


def seed(apps, schema_editor):
    Category = apps.get_model("resident_requests", "RequestCategory")
    Attribute = apps.get_model("open311", "ServiceAttribute")
    Value = apps.get_model("open311", "AttributeValue")
    for category_code, attributes in ATTRIBUTES.items():
        category = Category.objects.filter(code=category_code).first()
        if category is None:  # renamed or removed by the street: nothing to attach to
            continue
        for order, (code, question, datatype, required, variable, hint, values) in enumerate(attributes, start=1):
            attribute, _ = Attribute.objects.update_or_create(
                category=category,
                code=code,
                defaults={
                    "description": question,
                    "datatype": datatype,
                    "required": required,
                    "variable": variable,
                    "datatype_description": hint,
                    "order": order,
                },
            )
            for value_order, (key, name) in enumerate(values):
                Value.objects.update_or_create(
                    attribute=attribute, key=key, defaults={"name": name, "order": value_order}
                )


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("resident_requests", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
