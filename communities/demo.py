"""A realistic demo street (斜塘街道) for `manage.py seed_demo`: places, residents, the party
tree, co-building units, service positions and one staff account per role.

Figures follow the news reports in DOMAIN.md: 38 communities (20 resettlement), 105
楼道党小组, full 小区党支部 coverage, 152 co-building units, 53 community-level positions
(3 党群会客厅) plus 5 新业态党群服务中心, over 60% floating population or tenants.

Everything is fake: Faker zh_CN names, checksum-valid ID numbers on region 320571, made-up
mobiles. The run is seeded, so two fresh databases get the same street. Rows are written
with bulk_create in batches (no per-row full_clean) so `--scale 10` (~35,000 residents)
stays fast; party organisations, few hundred, go through `party_organisation_save`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from communities.models import (
    Building,
    CoBuildingUnit,
    CoBuildingUnitType,
    Community,
    CommunityType,
    Compound,
    DualReportStatus,
    Grid,
    Household,
    PartyMember,
    PartyMemberStatus,
    PartyOrganisation,
    PartyPosition,
    PartyTier,
    PositionLevel,
    PositionTitle,
    PositionType,
    ResidenceType,
    Resident,
    ResidentTag,
    ServicePosition,
    Stairwell,
    Street,
)
from communities.services import party_organisation_save
from communities.validators import build_id_number

STREET_NAME = "斜塘街道"
STREET_CODE = "320571006"
ID_REGION = "320571"  # 苏州工业园区
DEMO_PASSWORD = "Xietang@2026"
RANDOM_SEED = 2026
BATCH_SIZE = 2000
STAIRWELL_GROUP_COUNT = 105
ELDERLY_AGE = 60
CN_NUMERALS = "一二三四五六七八九十"

R, C, T = CommunityType.RESETTLEMENT, CommunityType.COMMERCIAL, CommunityType.TALENT

# (name, type, 邻里大党委, compounds). Compound names with required building numbers come
# from the articles: 莲香新村三区39幢 (car park project), 淞泽家园七区40幢 (红色管家 stairwell).
COMMUNITIES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("莲香", R, "莲花", ("莲香新村一区", "莲香新村二区", "莲香新村三区", "莲香新村四区")),
    ("淞渔", R, "淞泽", ("淞泽家园九区", "淞泽家园十区")),
    ("锦塘", R, "莲花", ("锦塘家园一区", "锦塘家园二区", "锦塘家园三区")),
    ("淞源", R, "淞泽", ("淞泽家园五区", "淞泽家园六区")),
    ("金星苑", C, "淞泽", ("北极星花园", "金星苑")),
    ("彩莲", R, "莲花", ("莲花新村二区", "莲花新村三区")),
    ("美颂", C, "翰林", ("美颂花园", "美颂雅苑")),
    ("翰林缘", C, "翰林", ("翰林缘花园", "翰林苑")),
    ("淞泽", R, "淞泽", ("淞泽家园七区", "淞泽家园八区")),
    ("星塘", C, "翰林", ("星塘公寓", "星塘花园")),
    ("玲珑湾", C, "玲珑湾", ("玲珑湾花园一期", "玲珑湾花园二期", "玲珑湾花园三期", "玲珑湾水岸")),
    ("东湖林语", C, "斜塘", ("东湖林语花园",)),
    ("莲花", R, "莲花", ("莲花新村一区", "莲花新村五区")),
    ("华莲", R, "莲花", ("莲花新村四区", "华莲公寓")),
    ("荷韵", R, "莲花", ("荷韵花园",)),
    ("锦华", R, "莲花", ("锦华苑",)),
    ("水乡", R, "莲花", ("水乡花园一区", "水乡花园二区")),
    ("淞涛", R, "淞泽", ("淞泽家园一区", "淞泽家园二区")),
    ("淞韵", R, "淞泽", ("淞泽家园三区", "淞泽家园四区")),
    ("吴淞", R, "淞泽", ("吴淞新村", "吴淞花园")),
    ("星港", R, "淞泽", ("星港苑一区", "星港苑二区", "星港苑三区")),
    ("斜塘", R, "斜塘", ("斜塘新村一区", "斜塘新村二区")),
    ("旺墩", R, "斜塘", ("旺墩花园",)),
    ("金厍", R, "斜塘", ("金厍新村一区", "金厍新村二区")),
    ("通园", R, "斜塘", ("通园新村",)),
    ("联丰", R, "斜塘", ("联丰花园一区", "联丰花园二区", "联丰花园三区")),
    ("东湖大郡", C, "斜塘", ("东湖大郡一期", "东湖大郡二期", "东湖大郡三期")),
    ("天域", C, "翰林", ("天域花园一期", "天域花园二期")),
    ("海悦", C, "翰林", ("海悦花园",)),
    ("星湖", C, "翰林", ("星湖花园", "星湖尚城")),
    ("都市华庭", C, "玲珑湾", ("都市华庭",)),
    ("水岸清华", C, "玲珑湾", ("水岸清华一期", "水岸清华二期")),
    ("望湖", C, "玲珑湾", ("望湖花园", "望湖庭")),
    ("新城花园", C, "玲珑湾", ("新城花园一区", "新城花园二区")),
    ("金湖", C, "玲珑湾", ("金湖湾花园",)),
    ("蝴蝶湾", C, "玲珑湾", ("蝴蝶湾花园", "蝴蝶湾公寓")),
    ("星汇", T, "翰林", ("星汇人才公寓一区", "星汇人才公寓二区")),
    ("青年汇", T, "玲珑湾", ("青年汇人才公寓",)),
]
REQUIRED_BUILDINGS = {"莲香新村三区": 39, "淞泽家园七区": 40}
# Stairwell groups the articles mention (淞泽家园七区40幢, 莲香新村三区39幢); the rest are drawn.
FIXED_GROUP_BUILDINGS = (("淞泽家园七区", "40幢"), ("莲香新村三区", "39幢"))
NEIGHBOURHOODS = ("莲花", "淞泽", "斜塘", "翰林", "玲珑湾")
# Big resettlement communities have a 党委; the others a 党总支 (淞渔社区党总支 in the article).
PARTY_COMMITTEE_COMMUNITIES = {"莲香", "锦塘", "淞泽", "莲花", "星港", "联丰", "玲珑湾", "东湖大郡"}
ROADS = (
    "星塘街", "松涛街", "钟南街", "星湖街", "南施街", "淞江路", "东方大道", "现代大道",
    "金鸡湖大道", "葑亭大道", "苏胜路", "方洲路", "莲花路", "淞泽路", "斜塘路", "东延路",
)
MOBILE_PREFIXES = (
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "199",
)
OPENING_HOURS = ("周一至周六 8:30–17:30", "周一至周日 9:00–20:00", "周一至周五 8:30–17:00")
NEW_EMPLOYMENT_JOBS = (
    ("快递员", "顺丰速运斜塘营业部"), ("快递员", "中通快递斜塘网点"), ("快递员", "京东物流斜塘营业部"),
    ("外卖骑手", "美团外卖斜塘站点"), ("外卖骑手", "饿了么斜塘站点"), ("外卖骑手", "叮咚买菜斜塘站"),
    ("网约车司机", "滴滴出行"), ("网络主播", "苏州星塘直播文化传媒有限公司"),
)
WORK_UNITS = (
    "苏州工业园区管理委员会", "苏州大学", "西交利物浦大学", "中国工商银行苏州工业园区分行",
    "苏州工业园区星湖医院", "国网苏州供电公司", "中国电信苏州分公司", "苏州工业园区斜塘学校",
    "苏州工业园区社会事业局", "同程网络科技股份有限公司", "中衡设计集团股份有限公司", "苏州银行",
)

# 共建单位 (152). The first three are the 百凳为百姓 sponsors of 淞渔 (DOMAIN.md §4):
# (name, party organisation).
FEATURED_UNITS: tuple[tuple[str, str], ...] = (
    ("苏州银行", "苏州银行零售银行总部党委"),
    ("同程网络", "中共同程网络科技股份有限公司委员会"),
    ("中衡设计", "中衡设计集团股份有限公司"),
)
CO_BUILDING_UNITS: dict[str, tuple[str, ...]] = {
    CoBuildingUnitType.FINANCIAL: (
        "中国工商银行苏州工业园区分行", "中国农业银行苏州工业园区支行", "中国银行苏州工业园区分行",
        "中国建设银行苏州工业园区支行", "交通银行苏州工业园区支行", "招商银行苏州独墅湖支行",
        "江苏银行苏州工业园区支行", "苏州农村商业银行斜塘支行", "中国邮政储蓄银行苏州斜塘支行",
        "浦发银行苏州工业园区支行", "中信银行苏州独墅湖支行", "宁波银行苏州工业园区支行",
        "华夏银行苏州工业园区支行", "东吴证券斜塘营业部", "中国人寿苏州工业园区支公司",
        "中国太平洋保险苏州工业园区支公司",
    ),
    CoBuildingUnitType.STATE_OWNED: (
        "中新苏州工业园区开发集团股份有限公司", "苏州工业园区国有资本投资运营控股有限公司",
        "苏州工业园区兆润投资控股集团有限公司", "苏州工业园区城市重建有限公司",
        "苏州工业园区建屋发展集团有限公司", "国网苏州供电公司工业园区供电分公司",
        "苏州工业园区清源华衍水务有限公司", "苏州港华燃气有限公司", "中国电信苏州工业园区分公司",
        "中国移动苏州工业园区分公司", "中国联通苏州工业园区分公司", "苏州工业园区邻里中心发展有限公司",
        "苏州工业园区公共交通有限公司", "中国邮政苏州工业园区分公司",
    ),
    CoBuildingUnitType.GOVERNMENT: (
        "苏州独墅湖科教创新区管理办公室", "苏州工业园区社会事业局", "苏州工业园区规划建设委员会",
        "苏州工业园区公安分局斜塘派出所", "苏州工业园区消防救援大队星塘街消防站",
        "苏州工业园区市场监督管理局斜塘分局", "苏州工业园区综合行政执法局斜塘中队",
        "苏州工业园区人民法院", "苏州工业园区人民检察院", "苏州工业园区图书馆",
        "苏州工业园区总工会", "共青团苏州工业园区工作委员会", "苏州工业园区妇女联合会",
        "苏州工业园区科技创新委员会",
    ),
    CoBuildingUnitType.SCHOOL: (
        "苏州大学独墅湖校区", "西交利物浦大学", "苏州工业园区服务外包职业学院", "苏州工业职业技术学院",
        "苏州百年职业学院", "苏州工业园区职业技术学院", "苏州工业园区斜塘学校", "苏州工业园区莲花学校",
        "苏州工业园区星港学校", "苏州工业园区星湾学校", "苏州工业园区星海实验中学",
        "苏州工业园区金鸡湖学校", "苏州工业园区独墅湖学校", "苏州工业园区星湖学校",
        "苏州工业园区东延路实验学校", "苏州工业园区莲花幼儿园", "苏州工业园区斜塘幼儿园",
        "苏州工业园区翰林幼儿园", "苏州工业园区淞泽幼儿园", "苏州工业园区玲珑湾幼儿园",
    ),
    CoBuildingUnitType.HOSPITAL: (
        "苏州大学附属第一医院独墅湖院区", "苏州工业园区星湖医院", "苏州工业园区斜塘社区卫生服务中心",
        "苏州工业园区淞泽社区卫生服务站", "苏州工业园区莲花社区卫生服务站", "苏州工业园区疾病防治中心",
        "苏州明基医院", "苏州九龙医院", "苏州大学附属儿童医院园区总院", "苏州工业园区星塘口腔门诊部",
    ),
    CoBuildingUnitType.PROPERTY: (
        "苏州工业园区城市重建物业管理有限公司", "苏州中新物业管理有限公司", "苏州新港物业服务有限公司",
        "苏州工业园区建屋物业发展有限公司", "苏州莲香物业服务有限公司", "苏州淞泽物业服务有限公司",
        "苏州锦塘物业服务有限公司", "苏州翰林物业服务有限公司", "苏州玲珑湾物业服务有限公司",
        "苏州星塘物业服务有限公司", "苏州东湖物业服务有限公司", "苏州美颂物业服务有限公司",
        "苏州金星物业服务有限公司", "苏州彩莲物业服务有限公司", "苏州斜塘物业服务有限公司",
        "苏州联丰物业服务有限公司", "苏州星港物业服务有限公司", "苏州天域物业服务有限公司",
        "苏州海悦物业服务有限公司", "苏州水岸物业服务有限公司", "苏州望湖物业服务有限公司",
        "苏州蝴蝶湾物业服务有限公司", "苏州星汇公寓管理有限公司", "苏州青年汇公寓管理有限公司",
    ),
    CoBuildingUnitType.SOCIAL: (
        "苏州工业园区海棠社会工作服务社", "苏州工业园区友邻公益发展中心", "斜塘街道志愿者协会",
        "苏州工业园区红十字会斜塘分会", "苏州工业园区银龄互助会", "苏州工业园区星光助残服务中心",
        "苏州工业园区心语心理咨询服务中心", "苏州工业园区小橘灯青少年服务中心",
        "苏州工业园区彩虹桥家庭服务中心", "斜塘街道老年人协会", "斜塘街道商会",
        "苏州工业园区暖新新就业群体服务中心", "苏州工业园区乐龄社会工作服务中心",
        "苏州工业园区睦邻社区发展中心", "苏州工业园区绿色家园环保公益中心",
        "苏州工业园区邻里调解服务社", "苏州工业园区悦读公益图书馆", "苏州工业园区星儿关爱服务中心",
        "苏州工业园区花田守护人志愿服务队", "苏州工业园区法律援助志愿者协会",
        "苏州工业园区反诈宣传志愿服务队", "苏州工业园区健康促进会", "苏州工业园区书法家协会斜塘分会",
        "苏州工业园区社区营造研究中心",
    ),
    CoBuildingUnitType.PRIVATE: (
        "思必驰科技股份有限公司", "信达生物制药(苏州)有限公司", "科沃斯机器人股份有限公司",
        "苏州博瑞医药股份有限公司", "苏州纳微科技股份有限公司", "苏州星塘直播文化传媒有限公司",
        "苏州斜塘网络直播产业园", "顺丰速运斜塘营业部", "中通快递斜塘网点", "京东物流斜塘营业部",
        "美团外卖斜塘站点", "饿了么斜塘站点", "叮咚买菜斜塘站", "菜鸟驿站斜塘服务站",
        "苏州斜塘邻里商业管理有限公司", "苏州东沙湖文旅发展有限公司", "苏州金鸡湖律师事务所",
        "苏州独墅湖会计师事务所", "苏州工业园区莲花商贸有限公司", "苏州星湖建筑设计有限公司",
        "苏州淞泽家政服务有限公司", "苏州乐家养老服务有限公司", "苏州康乐居家养老服务中心",
        "苏州好邻居便利店有限公司", "苏州莲香农贸市场管理有限公司", "苏州蝴蝶湾商业管理有限公司",
        "苏州翰林教育科技有限公司",
    ),
}
UNIT_SERVICES = {
    CoBuildingUnitType.FINANCIAL: ("反诈宣传进社区", "金融知识讲座", "便民凳捐赠", "慰问困难群众"),
    CoBuildingUnitType.STATE_OWNED: ("靓居工程", "水电气安全检查", "慰问探访", "公益市集便民服务"),
    CoBuildingUnitType.GOVERNMENT: ("政策宣讲", "社情民意联系日", "普法宣传", "安全隐患排查"),
    CoBuildingUnitType.SCHOOL: ("星儿课堂", "大学生志愿服务", "青少年书法课堂", "暑期托管"),
    CoBuildingUnitType.HOSPITAL: ("健康义诊", "慢病随访", "量血压", "健康讲座"),
    CoBuildingUnitType.PROPERTY: ("楼道清理", "停车场改造", "充电棚维护", "绿化养护"),
    CoBuildingUnitType.SOCIAL: ("温情陪伴", "助老服务", "心理疏导", "邻里调解"),
    CoBuildingUnitType.PRIVATE: ("随手拍随手帮", "新就业群体关爱", "公益市集", "实事项目认领"),
}

# 53 community-level positions: one 党群服务中心 per community plus these 15 (DOMAIN.md §8).
COMMUNITY_POSITIONS: tuple[tuple[str, str, str, str], ...] = (
    ("金星苑", PositionType.LIVING_ROOM, "北极星花园党群会客厅", "活力社、志趣馆、童心所:健身、下棋、亲子阅读、家庭影院"),
    ("翰林缘", PositionType.LIVING_ROOM, "翰林缘党群会客厅", "居民议事、兴趣课堂、图书阅览"),
    ("东湖林语", PositionType.LIVING_ROOM, "东湖林语党群会客厅", "邻里活动、志愿服务、意见收集"),
    ("淞渔", PositionType.OPINION_STATION, "淞渔海棠先锋民情站", "社情民意联系日、民情收集、网格员值守"),
    ("锦塘", PositionType.OPINION_STATION, "锦塘海棠先锋民情站", "民情恳谈、诉求登记"),
    ("莲香", PositionType.OPINION_STATION, "莲香海棠先锋民情站", "海棠先锋联系日、协商议事"),
    ("淞源", PositionType.OPINION_STATION, "淞源海棠先锋民情站", "楼道微党课、民情收集"),
    ("吴淞", PositionType.HAPPINESS_STATION, "吴淞幸福驿站", "儿童游乐、长者娱乐、图书阅览"),
    ("星港", PositionType.HAPPINESS_STATION, "星港幸福驿站", "亲子阅读、手工制作、健康讲座"),
    ("斜塘", PositionType.HAPPINESS_STATION, "斜塘幸福驿站", "休闲会客、长者娱乐"),
    ("淞泽", PositionType.HEALTH_HUT, "淞泽健康小屋", "健康数据监测、慢病随访、合理用药指导"),
    ("旺墩", PositionType.HEALTH_HUT, "旺墩健康小屋", "量血压、血糖检测、全科医生坐诊"),
    ("彩莲", PositionType.SHARED_GARDEN, "莲花新村二区南门共享花圃", "博爱亭、苏棠心影、党史灯箱"),
    ("美颂", PositionType.SHARED_GARDEN, "美颂共享花圃", "花田守护人认领养护,七条“花圃契约”"),
    ("锦塘", PositionType.WARM_STATION, "锦塘暖心驿站", "快递员休息、饮水、充电,每周两次早餐"),
)
# Grid-level 共享花圃 in nine more communities (11 communities in all, over 2,000 m²).
GRID_GARDEN_COMMUNITIES = ("翰林缘", "莲香", "淞渔", "金星苑", "星塘", "玲珑湾", "东湖大郡", "天域", "水岸清华")
GRID_WARM_STATION_COMMUNITIES = ("莲香", "淞渔", "淞泽", "华莲", "星港", "联丰", "星汇", "青年汇")
NEW_ECONOMY_CENTRES = (
    ("斜塘街道新业态党群服务中心", "星塘街"),
    ("淞泽“暖新”党群服务中心", "淞泽路"),
    ("莲花快递小哥之家党群服务中心", "莲花路"),
    ("玲珑湾新就业群体党群服务中心", "东方大道"),
    ("斜塘网络直播行业党群服务中心", "松涛街"),
)


# ---------------------------------------------------------------------------
# Run state


class _IdNumbers:
    """Unique ID numbers. `build_id_number` wraps its serial at 500, so a global serial alone
    collides once two people share a birth date; count per (birth date, gender) instead."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = taken
        self.next_serial: dict[tuple[dt.date, str], int] = {}

    def allocate(self, birth: dt.date, gender: str) -> str:
        key = (birth, gender)
        for _ in range(500):
            serial = self.next_serial.setdefault(key, self.rng.randrange(500))
            self.next_serial[key] = serial + 1
            value = build_id_number(region=ID_REGION, birth=birth, serial=serial, gender=gender)
            if value not in self.taken:
                self.taken.add(value)
                return value
        raise RuntimeError(f"more than 500 demo residents born on {birth} ({gender})")


@dataclass
class _Run:
    rng: random.Random
    fake: Faker
    today: dt.date
    scale: int
    id_numbers: _IdNumbers
    mobiles: set[str] = field(default_factory=set)

    def mobile(self) -> str:
        while True:
            value = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value

    def landline(self) -> str:
        return f"0512-{self.rng.randint(62000000, 69999999)}"

    def address(self, suffix: str = "") -> str:
        return f"苏州工业园区{self.rng.choice(ROADS)}{self.rng.randint(1, 399)}号{suffix}"

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(max((end - start).days, 1)))


@dataclass
class _Places:
    street: Street
    communities: list[Community]
    grids: dict[int, list[Grid]]  # community pk → its grids
    compounds: list[Compound]
    buildings: list[Building]
    stairwells: dict[int, list[Stairwell]]  # building pk → its stairwells
    households: list[Household]


@dataclass
class _Person:
    """A resident being built, with what the later phases need to know about them."""

    resident: Resident
    household: Household
    age: int
    owner: bool  # lives in an owner-occupied household (else a rented one)
    tags: set[str]
    employer: str = ""  # new employment groups: the platform or depot

    @property
    def stairwell(self) -> Stairwell:
        return self.household.stairwell

    @property
    def building(self) -> Building:
        return self.household.stairwell.building

    @property
    def compound(self) -> Compound:
        return self.household.stairwell.building.compound


@dataclass
class _PartyTree:
    community_orgs: dict[int, PartyOrganisation]  # community pk →
    branches: dict[int, PartyOrganisation]  # compound pk →
    groups: list[PartyOrganisation]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str
    password: str = DEMO_PASSWORD


@dataclass(frozen=True)
class SeedResult:
    created: bool
    counts: dict[str, int]
    floating_share: float | None
    accounts: list[DemoAccount]
    grid_worker_accounts: int


# ---------------------------------------------------------------------------
# Entry point


def seed_demo(*, scale: int = 1) -> SeedResult:
    """Build the demo street once; later runs only make sure the demo accounts exist."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    with transaction.atomic():
        street, _ = Street.objects.get_or_create(code=STREET_CODE, defaults={"name": STREET_NAME})
        created = not _already_seeded()
        if created:
            _build_street(street, scale)
        password_hash = make_password(DEMO_PASSWORD)
        accounts = ensure_demo_accounts(password_hash)
        grid_workers = ensure_grid_worker_accounts(password_hash)
    return SeedResult(
        created=created,
        counts=street_counts(street),
        floating_share=floating_share(street),
        accounts=accounts,
        grid_worker_accounts=grid_workers,
    )


def _already_seeded() -> bool:
    codes = [community_code(index) for index in range(1, len(COMMUNITIES) + 1)]
    names = [name for name, *_ in COMMUNITIES]
    return Community.objects.filter(Q(code__in=codes) | Q(name__in=names)).exists()


def _build_street(street: Street, scale: int) -> None:
    rng = random.Random(RANDOM_SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(RANDOM_SEED)
    taken = set(Resident.objects.filter(id_number__startswith=ID_REGION).values_list("id_number", flat=True))
    run = _Run(rng=rng, fake=fake, today=timezone.localdate(), scale=scale, id_numbers=_IdNumbers(rng, taken))
    places = build_places(run, street)
    people = build_people(run, places)
    choose_building_leaders(run, places, people)
    tree = build_party_tree(run, places)
    members = choose_party_members(run, people, tree)
    save_people(people)
    save_party_members(run, members)
    build_co_building_units(run, street, places.communities)
    build_service_positions(run, places)


def community_code(index: int) -> str:
    return f"{STREET_CODE}{index:03d}"


# ---------------------------------------------------------------------------
# The grid tree


def build_places(run: _Run, street: Street) -> _Places:
    communities = _create_communities(run, street)
    compounds = _create_compounds(run, communities)
    buildings_by_community = _plan_buildings(run, compounds)
    grids = _create_grids(communities, buildings_by_community)
    buildings = [b for community in communities for b in buildings_by_community[community.pk]]
    Building.objects.bulk_create(buildings, batch_size=BATCH_SIZE)
    stairwells = _create_stairwells(run, buildings)
    households = _create_households(run, [s for group in stairwells.values() for s in group])
    return _Places(street, communities, grids, compounds, buildings, stairwells, households)


def _create_communities(run: _Run, street: Street) -> list[Community]:
    communities = [
        Community(
            street=street,
            name=name,
            code=community_code(index),
            community_type=community_type,
            address=run.address(f"{name}社区党群服务中心"),
            phone=run.landline(),
        )
        for index, (name, community_type, _, _) in enumerate(COMMUNITIES, start=1)
    ]
    return Community.objects.bulk_create(communities)


def _create_compounds(run: _Run, communities: list[Community]) -> list[Compound]:
    compounds = [
        Compound(community=community, name=name, address=run.address())
        for community, (_, _, _, names) in zip(communities, COMMUNITIES)
        for name in names
    ]
    return Compound.objects.bulk_create(compounds)


def _building_numbers(run: _Run, compound: Compound) -> list[int]:
    count = run.rng.randint(6, 12)
    required = REQUIRED_BUILDINGS.get(compound.name)
    start = required - run.rng.randrange(count) if required else run.rng.choice((1, 1, 1, 11, 21))
    return list(range(start, start + count))


def _plan_buildings(run: _Run, compounds: list[Compound]) -> dict[int, list[Building]]:
    """Unsaved buildings per community; grids are attached once they exist."""
    plan: dict[int, list[Building]] = defaultdict(list)
    index_in_community: dict[int, int] = defaultdict(int)
    for compound in compounds:
        index_in_community[compound.community_id] += 1
        compound_index = index_in_community[compound.community_id]
        for number in _building_numbers(run, compound):
            plan[compound.community_id].append(
                Building(
                    compound=compound,
                    number=f"{number}幢",
                    code=f"{compound.community.code}{compound_index}{number:03d}",
                )
            )
    return plan


def _create_grids(communities: list[Community], plan: dict[int, list[Building]]) -> dict[int, list[Grid]]:
    """3–6 grids per community, each a contiguous run of its buildings."""
    grids: dict[int, list[Grid]] = {}
    for community in communities:
        buildings = plan[community.pk]
        count = max(3, min(6, round(len(buildings) / 4)))
        grids[community.pk] = [
            Grid(community=community, serial=serial, name=f"{community.name}第{CN_NUMERALS[serial - 1]}网格")
            for serial in range(1, count + 1)
        ]
    Grid.objects.bulk_create([grid for group in grids.values() for grid in group])
    for community in communities:
        buildings, community_grids = plan[community.pk], grids[community.pk]
        for position, building in enumerate(buildings):
            building.grid = community_grids[position * len(community_grids) // len(buildings)]
    return grids


def _create_stairwells(run: _Run, buildings: list[Building]) -> dict[int, list[Stairwell]]:
    by_building = {
        building.pk: [Stairwell(building=building, number=f"{n}单元") for n in range(1, run.rng.randint(2, 3) + 1)]
        for building in buildings
    }
    Stairwell.objects.bulk_create([s for group in by_building.values() for s in group], batch_size=BATCH_SIZE)
    return by_building


def _rooms(run: _Run, community_type: str, count: int) -> list[str]:
    """Room numbers like 101, 102, 201: a sample of the stairwell's flats, taller if needed."""
    floors, per_floor = {R: (6, 2), C: (run.rng.choice((6, 11, 18)), 2), T: (12, 4)}[community_type]
    capacity = floors * per_floor
    slots = sorted(run.rng.sample(range(capacity), count)) if count <= capacity else list(range(count))
    return [f"{slot // per_floor + 1}{slot % per_floor + 1:02d}" for slot in slots]


def _create_households(run: _Run, stairwells: list[Stairwell]) -> list[Household]:
    households = []
    for stairwell in stairwells:
        community_type = stairwell.building.compound.community.community_type
        # Scale 1 registers one flat per stairwell (two in the small-flat talent dormitories);
        # --scale N multiplies that, so grids fill towards their real 160–255 households.
        base = run.rng.choice((1, 2, 2)) if community_type == T else 1
        households += [
            Household(stairwell=stairwell, room=room) for room in _rooms(run, community_type, base * run.scale)
        ]
    return Household.objects.bulk_create(households, batch_size=BATCH_SIZE)


# ---------------------------------------------------------------------------
# Residents

# Share of rented households by community type: resettlement flats are widely let to
# newcomers (锦塘: 8,000+ residents, under 3,000 local hukou); talent dormitories all are.
RENTED_SHARE = {R: 0.66, C: 0.45, T: 1.0}


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier, if negative); 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _birth_date(run: _Run, age: int) -> dt.date:
    return _years_after(run.today, -age) - dt.timedelta(days=run.rng.randrange(1, 365))


def _age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _given_name(run: _Run, gender: str) -> str:
    return run.fake.first_name_male() if gender == "male" else run.fake.first_name_female()


def _person(
    run: _Run, household: Household, *, age: int, gender: str, residence_type: str, owner: bool, surname: str = ""
) -> _Person:
    birth = _birth_date(run, age)
    real_age = _age_on(birth, run.today)
    resident = Resident(
        community=household.stairwell.building.compound.community,
        household=household,
        name=(surname or run.fake.last_name()) + _given_name(run, gender),
        gender=gender,
        birth_date=birth,
        mobile=_mobile_for(run, real_age),
        id_number=run.id_numbers.allocate(birth, gender),
        residence_type=residence_type,
    )
    tags = {"老年人"} if real_age >= ELDERLY_AGE else set()
    return _Person(resident=resident, household=household, age=real_age, owner=owner, tags=tags)


def _mobile_for(run: _Run, age: int) -> str:
    # Children under 16 have none; about half of the oldest residents give a relative's or none.
    if age < 16 or (age >= 85 and run.rng.random() < 0.5):
        return ""
    return run.mobile()


def _owner_residence_type(run: _Run, community_type: str) -> str:
    weights = {R: (0.85, 0.15, 0.0), C: (0.3, 0.3, 0.4), T: (0.0, 0.3, 0.7)}[community_type]
    return run.rng.choices((ResidenceType.HUKOU, ResidenceType.PERMANENT, ResidenceType.FLOATING), weights)[0]


FAMILY_SHAPES = ("alone", "old_couple", "family", "three_generations")
FAMILY_SHAPE_WEIGHTS = {R: (0.2, 0.35, 0.2, 0.25), C: (0.1, 0.15, 0.5, 0.25), T: (0.5, 0.0, 0.5, 0.0)}


def _any_gender(run: _Run) -> str:
    return run.rng.choice(("male", "female"))


def _owner_family(run: _Run, household: Household, community_type: str) -> list[_Person]:
    """A couple (or a widow/widower living alone), maybe with a child and a grandparent."""
    shape = run.rng.choices(FAMILY_SHAPES, FAMILY_SHAPE_WEIGHTS[community_type])[0]
    residence_type = _owner_residence_type(run, community_type)
    head_age = run.rng.randint(62, 88) if shape in ("alone", "old_couple") else run.rng.randint(30, 58)

    def member(age: int, gender: str, surname: str = "", kind: str = residence_type) -> _Person:
        return _person(run, household, age=age, gender=gender, residence_type=kind, owner=True, surname=surname)

    if shape == "alone":
        person = member(head_age, _any_gender(run))
        person.tags.add("独居")
        return [person]
    husband = member(head_age, "male")
    surname = husband.resident.name[0]
    family = [husband, member(max(22, head_age + run.rng.randint(-4, 2)), "female")]
    if shape in ("family", "three_generations"):
        family.append(member(max(0, head_age - run.rng.randint(24, 34)), _any_gender(run), surname))
    if shape == "three_generations":
        # In resettlement areas the grandparents are the original villagers, with local hukou.
        elder_kind = ResidenceType.HUKOU if community_type == R else residence_type
        family.append(member(min(95, head_age + run.rng.randint(24, 32)), _any_gender(run), surname, elder_kind))
    return family


def _tenants(run: _Run, household: Household, community_type: str) -> list[_Person]:
    """Rented flats: one to four adults, often couriers and riders in resettlement areas."""
    count = run.rng.choice({R: (1, 1, 2, 2, 3, 4), C: (1, 2, 2, 3), T: (1, 1, 2)}[community_type])
    new_employment_share = {R: 0.25, C: 0.1, T: 0.15}[community_type]
    people = []
    for _ in range(count):
        kind = run.rng.choices((ResidenceType.TENANT, ResidenceType.FLOATING), (0.55, 0.45))[0]
        person = _person(
            run, household, age=run.rng.randint(20, 48), gender=_any_gender(run), residence_type=kind, owner=False
        )
        if run.rng.random() < new_employment_share:
            job, employer = run.rng.choice(NEW_EMPLOYMENT_JOBS)
            person.tags.add("新就业群体")
            person.employer = employer
            person.resident.note = f"{job},{employer}"
        people.append(person)
    return people


def _add_social_tags(run: _Run, person: _Person, community_type: str) -> None:
    rng, adult = run.rng, person.age >= 18
    if rng.random() < 0.02:
        person.tags.add("残疾")
    if person.owner and rng.random() < (0.05 if community_type == R else 0.015):
        person.tags.add("困难群众")
    if adult and rng.random() < 0.08:
        person.tags.add("志愿者")
    if adult and rng.random() < 0.015:
        person.tags.add("居民能人")
    if person.owner and person.age >= 50 and community_type == R and rng.random() < 0.03:
        person.tags.add("居民小组长")
    if person.owner and adult and community_type == C and rng.random() < 0.015:
        person.tags.add("业委会成员")


def build_people(run: _Run, places: _Places) -> list[_Person]:
    people: list[_Person] = []
    for household in places.households:
        community_type = household.stairwell.building.compound.community.community_type
        rented = run.rng.random() < RENTED_SHARE[community_type]
        members = _tenants(run, household, community_type) if rented else _owner_family(run, household, community_type)
        for person in members:
            _add_social_tags(run, person, community_type)
        people += members
    return people


def choose_building_leaders(run: _Run, places: _Places, people: list[_Person]) -> None:
    """About two thirds of the buildings have a 楼道长, a settled adult living there."""
    candidates: dict[int, list[_Person]] = defaultdict(list)
    for person in people:
        if person.owner and 35 <= person.age <= 75:
            candidates[person.building.pk].append(person)
    for building in places.buildings:
        if candidates[building.pk] and run.rng.random() < 0.65:
            leader = run.rng.choice(candidates[building.pk])
            leader.tags.add("楼道长")
            building.leader = leader.resident


def save_people(people: list[_Person]) -> None:
    Resident.objects.bulk_create([p.resident for p in people], batch_size=BATCH_SIZE)
    tag_ids = dict(ResidentTag.objects.values_list("name", "pk"))
    Through = Resident.tags.through
    rows = [
        Through(resident_id=p.resident.pk, residenttag_id=tag_ids[name])
        for p in people
        for name in sorted(p.tags)
        if name in tag_ids
    ]
    Through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    leaders = [p.building for p in people if "楼道长" in p.tags and p.building.leader is p.resident]
    for building in leaders:
        building.leader_id = building.leader.pk
    Building.objects.bulk_update(leaders, ["leader"], batch_size=BATCH_SIZE)


# ---------------------------------------------------------------------------
# The party tree


def _save_organisation(organisation: PartyOrganisation, covered=None) -> PartyOrganisation:
    return party_organisation_save(organisation=organisation, covered_communities=covered)


def _community_org_name(community: Community) -> str:
    if community.name in PARTY_COMMITTEE_COMMUNITIES:
        return f"中共{community.name}社区委员会"
    return f"中共{community.name}社区总支部委员会"


TREE_FOUNDED = dt.date(2019, 7, 1)


def build_party_tree(run: _Run, places: _Places) -> _PartyTree:
    """街道大工委 → 邻里大党委 → 社区党组织 → 小区党支部 (every compound) → 楼道党小组 (105)."""
    tiers = {tier.level: tier for tier in PartyTier.objects.all()}
    top = _save_organisation(
        PartyOrganisation(
            tier=tiers[PartyTier.STREET], name=f"{STREET_NAME}大工委", street=places.street, founded_on=TREE_FOUNDED
        )
    )
    neighbourhoods = _neighbourhood_committees(tiers[PartyTier.NEIGHBOURHOOD], top, places.communities)
    community_orgs = _community_organisations(run, tiers[PartyTier.COMMUNITY], neighbourhoods, places.communities)
    branches = {
        compound.pk: _save_organisation(_compound_branch(run, tiers[PartyTier.COMPOUND], community_orgs, compound))
        for compound in places.compounds
    }
    groups = [
        _save_organisation(_stairwell_group(run, tiers[PartyTier.STAIRWELL], branches, building, stairwell))
        for building, stairwell in _group_locations(run, places)
    ]
    return _PartyTree(community_orgs=community_orgs, branches=branches, groups=groups)


def _neighbourhood_committees(tier: PartyTier, top: PartyOrganisation, communities: list[Community]) -> dict:
    by_name = {c.name: c for c in communities}
    return {
        key: _save_organisation(
            PartyOrganisation(tier=tier, parent=top, name=f"{key}邻里大党委", founded_on=TREE_FOUNDED),
            covered=[by_name[name] for name, _, hood, _ in COMMUNITIES if hood == key],
        )
        for key in NEIGHBOURHOODS
    }


def _community_organisations(
    run: _Run, tier: PartyTier, neighbourhoods: dict, communities: list[Community]
) -> dict[int, PartyOrganisation]:
    organisations = {}
    for community, (_, _, hood, _) in zip(communities, COMMUNITIES):
        organisation = PartyOrganisation(
            tier=tier,
            parent=neighbourhoods[hood],
            name=_community_org_name(community),
            founded_on=run.date_between(dt.date(2001, 1, 1), TREE_FOUNDED),
        )
        organisations[community.pk] = _save_organisation(organisation, covered=[community])
    return organisations


def _compound_branch(run: _Run, tier: PartyTier, community_orgs: dict, compound: Compound) -> PartyOrganisation:
    return PartyOrganisation(
        tier=tier,
        parent=community_orgs[compound.community_id],
        name=f"中共{compound.name}支部委员会",
        compound=compound,
        founded_on=run.date_between(dt.date(2020, 1, 1), dt.date(2023, 12, 31)),
    )


def _group_locations(run: _Run, places: _Places) -> list[tuple[Building, Stairwell | None]]:
    """105 楼道党小组: the two from the articles, the rest on buildings drawn at random;
    a little over half cover one stairwell, the others the whole building."""
    fixed = [b for b in places.buildings if (b.compound.name, b.number) in FIXED_GROUP_BUILDINGS]
    others = [b for b in places.buildings if b not in fixed]
    chosen = fixed + run.rng.sample(others, STAIRWELL_GROUP_COUNT - len(fixed))
    locations = []
    for building in chosen:
        one_stairwell = building not in fixed and run.rng.random() < 0.55
        locations.append((building, run.rng.choice(places.stairwells[building.pk]) if one_stairwell else None))
    return locations


def _stairwell_group(run: _Run, tier: PartyTier, branches, building: Building, stairwell: Stairwell | None):
    place = f"{building}{stairwell.number}" if stairwell else str(building)
    return PartyOrganisation(
        tier=tier,
        parent=branches[building.compound_id],
        name=f"{place}党小组",
        building=building,
        stairwell=stairwell,
        founded_on=run.date_between(dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
    )


@dataclass
class _Member:
    person: _Person
    status: str
    organisation: PartyOrganisation
    titles: list[tuple[PartyOrganisation, str]] = field(default_factory=list)


def _party_status(person: _Person) -> str:
    if person.age >= ELDERLY_AGE:
        return PartyMemberStatus.RETIRED
    if "新就业群体" in person.tags:
        return PartyMemberStatus.NEW_EMPLOYMENT
    if person.resident.residence_type in (ResidenceType.FLOATING, ResidenceType.TENANT):
        return PartyMemberStatus.FLOATING
    return PartyMemberStatus.EMPLOYED


def _is_party_member_by_chance(run: _Run, person: _Person) -> bool:
    if person.age < 22:
        return False
    rate = 0.12 if person.age >= ELDERLY_AGE else (0.08 if person.owner else 0.03)
    return run.rng.random() < rate


def choose_party_members(run: _Run, people: list[_Person], tree: _PartyTree) -> list[_Member]:
    """About 7% of adults, topped up so that every community committee, compound branch and
    stairwell group can be staffed by members who live there."""
    chosen = {id(p): p for p in people if _is_party_member_by_chance(run, p)}
    eligible = [p for p in people if p.age >= 22]
    _top_up(run, chosen, eligible, key=lambda p: p.resident.community.pk, minimum=5)
    _top_up(run, chosen, eligible, key=lambda p: p.compound.pk, minimum=2)
    _top_up(run, chosen, eligible, key=lambda p: p.building.pk, minimum=1,
            only={g.building_id for g in tree.groups if not g.stairwell_id})
    _top_up(run, chosen, eligible, key=lambda p: p.stairwell.pk, minimum=1,
            only={g.stairwell_id for g in tree.groups if g.stairwell_id})
    members = [_member(run, person, tree) for person in chosen.values()]
    _assign_positions(run, members, tree)
    return members


def _top_up(run: _Run, chosen: dict, eligible: list[_Person], *, key, minimum: int, only=None) -> None:
    have: dict[int, int] = defaultdict(int)
    for person in chosen.values():
        have[key(person)] += 1
    pool: dict[int, list[_Person]] = defaultdict(list)
    for person in eligible:
        if id(person) not in chosen and (only is None or key(person) in only):
            pool[key(person)].append(person)
    for place, candidates in pool.items():
        missing = minimum - have[place]
        if missing <= 0:
            continue
        # Settled residents first: committee posts go to people who stay.
        owners = [p for p in candidates if p.owner]
        picks = run.rng.sample(owners, min(missing, len(owners)))
        others = [p for p in candidates if not p.owner]
        picks += run.rng.sample(others, min(missing - len(picks), len(others)))
        for person in picks:
            chosen[id(person)] = person


def _member(run: _Run, person: _Person, tree: _PartyTree) -> _Member:
    status = _party_status(person)
    person.tags.add("党员")
    in_community = status in (PartyMemberStatus.FLOATING, PartyMemberStatus.NEW_EMPLOYMENT)
    if in_community:
        organisation = tree.community_orgs[person.resident.community.pk]
    else:
        organisation = tree.branches[person.compound.pk]
    return _Member(person=person, status=status, organisation=organisation)


def _pick(run: _Run, candidates: list[_Member], taken: set[int]) -> _Member | None:
    """A member not yet holding a post in this organisation, settled residents first."""
    free = [m for m in candidates if id(m) not in taken]
    if not free:
        return None
    settled = [m for m in free if m.status in (PartyMemberStatus.EMPLOYED, PartyMemberStatus.RETIRED)]
    choice = run.rng.choice(settled or free)
    taken.add(id(choice))
    return choice


def _assign_positions(run: _Run, members: list[_Member], tree: _PartyTree) -> None:
    """书记/副书记/委员 for community organisations, 书记 (+委员) for branches, 组长 for groups."""
    by_community, by_compound = defaultdict(list), defaultdict(list)
    by_building, by_stairwell = defaultdict(list), defaultdict(list)
    for member in members:
        by_community[member.person.resident.community.pk].append(member)
        by_compound[member.person.compound.pk].append(member)
        by_building[member.person.building.pk].append(member)
        by_stairwell[member.person.stairwell.pk].append(member)
    for community_pk, organisation in tree.community_orgs.items():
        taken: set[int] = set()
        titles = [PositionTitle.SECRETARY, PositionTitle.DEPUTY] + [PositionTitle.MEMBER] * run.rng.randint(2, 3)
        for title in titles:
            if member := _pick(run, by_community[community_pk], taken):
                member.titles.append((organisation, title))
    for compound_pk, organisation in tree.branches.items():
        taken = set()
        committee = len(by_compound[compound_pk]) >= 4
        for title in [PositionTitle.SECRETARY] + ([PositionTitle.MEMBER] * 2 if committee else []):
            if member := _pick(run, by_compound[compound_pk], taken):
                member.titles.append((organisation, title))
    for group in tree.groups:
        # The leader lives in the stairwell (or building); failing that, in the compound.
        nearby = by_stairwell[group.stairwell_id] if group.stairwell_id else []
        candidates = nearby or by_building[group.building_id] or by_compound[group.building.compound_id]
        if member := _pick(run, candidates, set()):
            member.titles.append((group, PositionTitle.GROUP_LEADER))


def save_party_members(run: _Run, members: list[_Member]) -> None:
    profiles = [_profile(run, member) for member in members]
    PartyMember.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    positions = [
        PartyPosition(organisation=organisation, member=profile, title=title,
                      since=run.date_between(dt.date(2021, 1, 1), dt.date(2025, 6, 30)))
        for member, profile in zip(members, profiles)
        for organisation, title in member.titles
    ]
    PartyPosition.objects.bulk_create(positions, batch_size=BATCH_SIZE)


def _profile(run: _Run, member: _Member) -> PartyMember:
    person, rng = member.person, run.rng
    joined_age = rng.randint(20, max(20, min(person.age - 1, 45)))
    joined_on = min(_years_after(person.resident.birth_date, joined_age), run.today)
    profile = PartyMember(
        resident=person.resident,
        organisation=member.organisation,
        status=member.status,
        joined_on=joined_on,
        haitang_vanguard=rng.random() < (0.45 if member.status == PartyMemberStatus.RETIRED else 0.2),
    )
    if member.status == PartyMemberStatus.EMPLOYED:
        reported = rng.random() < 0.75
        profile.dual_report = DualReportStatus.REPORTED if reported else DualReportStatus.PENDING
        profile.dual_reported_on = run.date_between(dt.date(2019, 3, 1), dt.date(2025, 6, 30)) if reported else None
        profile.work_unit = rng.choice(WORK_UNITS)
    elif member.status == PartyMemberStatus.NEW_EMPLOYMENT:
        profile.work_unit = person.employer
    return profile


# ---------------------------------------------------------------------------
# Co-building units and service positions


def _unit_party_name(name: str, unit_type: str) -> str:
    if unit_type == CoBuildingUnitType.GOVERNMENT:
        return f"中共{name}机关支部委员会"
    if unit_type in (CoBuildingUnitType.STATE_OWNED, CoBuildingUnitType.FINANCIAL):
        return f"中共{name}委员会"
    return f"中共{name}支部委员会"


def co_building_unit_rows() -> list[tuple[str, str, str]]:
    """(name, type, party organisation) for the 152 units."""
    rows = [(name, CoBuildingUnitType.FINANCIAL if name == "苏州银行" else CoBuildingUnitType.PRIVATE, party)
            for name, party in FEATURED_UNITS]
    rows += [(name, unit_type, _unit_party_name(name, unit_type))
             for unit_type, names in CO_BUILDING_UNITS.items() for name in names]
    return rows


def build_co_building_units(run: _Run, street: Street, communities: list[Community]) -> None:
    """152 units, each paired with one to three communities; 淞渔 with its three bench sponsors."""
    songyu = next(c for c in communities if c.name == "淞渔")
    featured = dict(FEATURED_UNITS)
    units, partners = [], []
    for name, unit_type, party in co_building_unit_rows():
        units.append(_co_building_unit(run, street, name, unit_type, party))
        paired = {songyu} if name in featured else set()
        paired.update(run.rng.sample(communities, run.rng.randint(1, 3) - len(paired)))
        partners.append(paired)
    CoBuildingUnit.objects.bulk_create(units)
    Through = CoBuildingUnit.communities.through
    Through.objects.bulk_create(
        [
            Through(cobuildingunit_id=unit.pk, community_id=community.pk)
            for unit, paired in zip(units, partners)
            for community in paired
        ]
    )


def _co_building_unit(run: _Run, street: Street, name: str, unit_type: str, party: str) -> CoBuildingUnit:
    services = run.rng.sample(UNIT_SERVICES[unit_type], 2)
    return CoBuildingUnit(
        street=street,
        name=name,
        unit_type=unit_type,
        party_organisation_name=party,
        contact_name=run.fake.name(),
        contact_phone=run.landline(),
        address=run.address(),
        joined_on=run.date_between(dt.date(2019, 1, 1), dt.date(2024, 12, 31)),
        description=f"与结对社区开展{'、'.join(services)}等共建活动。",
    )


def build_service_positions(run: _Run, places: _Places) -> None:
    """街道—社区—网格: 1 street centre and 5 新业态 centres, 53 community positions, some grid ones."""
    positions = [_street_centre(run)]
    positions += [_new_economy_centre(run, name, road) for name, road in NEW_ECONOMY_CENTRES]
    positions += [_community_centre(run, community) for community in places.communities]
    by_name = {c.name: c for c in places.communities}
    positions += [
        ServicePosition(
            name=name,
            position_type=position_type,
            level=PositionLevel.COMMUNITY,
            community=by_name[community],
            address=run.address(),
            opening_hours=_hours_for(run, position_type),
            area_sqm=_area_for(run, position_type),
            services=services,
        )
        for community, position_type, name, services in COMMUNITY_POSITIONS
    ]
    positions += _grid_positions(run, places, by_name)
    ServicePosition.objects.bulk_create(positions)


def _street_centre(run: _Run) -> ServicePosition:
    return ServicePosition(
        name=f"{STREET_NAME}党群服务中心",
        position_type=PositionType.SERVICE_CENTRE,
        level=PositionLevel.STREET,
        address=run.address(),
        opening_hours="周一至周日 8:30–20:30",
        area_sqm=2600,
        services="政务服务、党员教育、志愿服务调度、共建资源对接",
        phone=run.landline(),
    )


def _new_economy_centre(run: _Run, name: str, road: str) -> ServicePosition:
    return ServicePosition(
        name=name,
        position_type=PositionType.NEW_ECONOMY_CENTRE,
        level=PositionLevel.STREET,
        address=f"苏州工业园区{road}{run.rng.randint(1, 399)}号",
        opening_hours="全天开放",
        area_sqm=run.rng.randint(60, 200),
        services="休息、饮水、充电、应急药箱、技能培训、暖新关爱",
        phone=run.landline(),
    )


def _community_centre(run: _Run, community: Community) -> ServicePosition:
    return ServicePosition(
        name=f"{community.name}社区党群服务中心",
        position_type=PositionType.SERVICE_CENTRE,
        level=PositionLevel.COMMUNITY,
        community=community,
        address=community.address,
        opening_hours=run.rng.choice(OPENING_HOURS),
        area_sqm=run.rng.randint(300, 1200),
        services="便民服务、党员活动、议事协商、居家养老",
        phone=community.phone,
    )


def _grid_positions(run: _Run, places: _Places, by_name: dict[str, Community]) -> list[ServicePosition]:
    rows = [(name, PositionType.SHARED_GARDEN, "共享花圃", "居民认领种花种菜、垃圾分类科普")
            for name in GRID_GARDEN_COMMUNITIES]
    rows += [(name, PositionType.WARM_STATION, "暖心驿站", "快递员、外卖员休息、饮水、充电")
             for name in GRID_WARM_STATION_COMMUNITIES]
    positions = []
    for community_name, position_type, label, services in rows:
        community = by_name[community_name]
        grid = run.rng.choice(places.grids[community.pk])
        positions.append(
            ServicePosition(
                name=f"{grid.name}{label}",
                position_type=position_type,
                level=PositionLevel.GRID,
                community=community,
                grid=grid,
                address=run.address(),
                opening_hours=_hours_for(run, position_type),
                area_sqm=_area_for(run, position_type),
                services=services,
            )
        )
    return positions


def _hours_for(run: _Run, position_type: str) -> str:
    if position_type in (PositionType.SHARED_GARDEN, PositionType.WARM_STATION):
        return "全天开放"
    return run.rng.choice(OPENING_HOURS)


def _area_for(run: _Run, position_type: str) -> int:
    # Gardens: 11 of them at 190–320 m² make "超2000平方米".
    return run.rng.randint(190, 320) if position_type == PositionType.SHARED_GARDEN else run.rng.randint(20, 400)


# ---------------------------------------------------------------------------
# Staff accounts

DEMO_ACCOUNTS = (
    # username, role, community name, (last name, first name)
    ("jiedao_admin", Role.STREET_ADMIN, None, ("沈", "建国")),
    ("jiedao_shenyue", Role.STREET_REVIEWER, None, ("陆", "文静")),
    ("lianxiang_shuji", Role.COMMUNITY_SECRETARY, "莲香", ("顾", "卫东")),
    ("lianxiang_gongzuo", Role.COMMUNITY_WORKER, "莲香", ("周", "婷")),
    ("lianxiang_wangge", Role.GRID_WORKER, "莲香", ("朱", "海峰")),
    ("songyu_gongzuo", Role.COMMUNITY_WORKER, "淞渔", ("钱", "丽华")),
)
DEMO_GRID = "莲香第一网格"


def ensure_demo_accounts(password_hash: str) -> list[DemoAccount]:
    """Create the missing demo accounts; existing ones are left as they are."""
    communities = {c.name: c for c in Community.objects.filter(name__in=["莲香", "淞渔"])}
    accounts = []
    for username, role, community_name, (last_name, first_name) in DEMO_ACCOUNTS:
        community = communities.get(community_name) if community_name else None
        if community_name and community is None:
            continue
        street_admin = role == Role.STREET_ADMIN
        user, _ = User.objects.get_or_create(username=username, defaults={
            "role": role, "community": community, "last_name": last_name, "first_name": first_name,
            "password": password_hash, "is_staff": street_admin, "is_superuser": street_admin,
        })
        scope = f"{community}" if community else STREET_NAME
        if role == Role.GRID_WORKER:
            scope = f"{scope} · {_attach_demo_grid_worker(user, community)}"
        accounts.append(DemoAccount(username=username, role=str(Role(role).label), scope=scope))
    return accounts


def _attach_demo_grid_worker(user: User, community: Community) -> str:
    grid = Grid.objects.filter(community=community, name=DEMO_GRID).first()
    if grid is None:
        return "(无网格)"
    grid.workers.add(user)
    if grid.leader_id is None:
        grid.leader = user
        grid.save(update_fields=["leader"])
    return grid.name


def grid_worker_username(grid: Grid) -> str:
    return f"gw_{grid.code}"


def ensure_grid_worker_accounts(password_hash: str) -> int:
    """One 网格员 per other grid (gw_<grid code>), leader of it, sharing one password hash."""
    grids = list(Grid.objects.filter(community__street__code=STREET_CODE).exclude(name=DEMO_GRID)
                 .select_related("community"))
    existing = set(User.objects.filter(username__startswith="gw_").values_list("username", flat=True))
    fake = Faker("zh_CN")
    fake.seed_instance(RANDOM_SEED + 1)
    new_users = {
        grid.pk: User(username=grid_worker_username(grid), role=Role.GRID_WORKER, community=grid.community,
                      last_name=fake.last_name(), first_name=fake.first_name(), password=password_hash,
                      phone=f"139{fake.random_number(digits=8, fix_len=True)}")
        for grid in grids if grid_worker_username(grid) not in existing
    }
    User.objects.bulk_create(new_users.values())
    Through = Grid.workers.through
    Through.objects.bulk_create(
        [Through(grid_id=grid_pk, user_id=user.pk) for grid_pk, user in new_users.items()], ignore_conflicts=True
    )
    leaderless = [grid for grid in grids if grid.pk in new_users and grid.leader_id is None]
    for grid in leaderless:
        grid.leader = new_users[grid.pk]
    Grid.objects.bulk_update(leaderless, ["leader"])
    return len(grids)


# ---------------------------------------------------------------------------
# Summary


def street_counts(street: Street) -> dict[str, int]:
    in_street = Q(community__street=street)
    return {
        "社区": Community.objects.filter(street=street).count(),
        "网格": Grid.objects.filter(in_street).count(),
        "小区": Compound.objects.filter(in_street).count(),
        "楼栋": Building.objects.filter(compound__community__street=street).count(),
        "户": Household.objects.filter(stairwell__building__compound__community__street=street).count(),
        "居民": Resident.objects.filter(in_street).count(),
        "党组织": PartyOrganisation.objects.filter(in_street | Q(community__isnull=True)).count(),
        "楼道党小组": PartyOrganisation.objects.filter(in_street, tier__level=PartyTier.STAIRWELL).count(),
        "党员": PartyMember.objects.filter(resident__community__street=street).count(),
        "共建单位": CoBuildingUnit.objects.filter(street=street).count(),
        "服务阵地": ServicePosition.objects.filter(in_street | Q(level=PositionLevel.STREET)).count(),
    }


def floating_share(street: Street) -> float | None:
    """流动 + 租户 ÷ residents (DOMAIN.md §1: over 60% floating population)."""
    residents = Resident.objects.filter(community__street=street)
    total = residents.count()
    if not total:
        return None
    moving = residents.filter(residence_type__in=[ResidenceType.FLOATING, ResidenceType.TENANT]).count()
    return moving / total
