"""Reference data of the demo world: platforms, carriers, regions, products, promotions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

PLATFORMS: tuple[str, ...] = ("tmall", "taobao", "eleme", "hema", "app")
PLATFORM_WEIGHTS: tuple[float, ...] = (0.30, 0.25, 0.15, 0.15, 0.15)
PLATFORM_ZH = {"tmall": "天猫", "taobao": "淘宝", "eleme": "饿了么", "hema": "盒马", "app": "官方App"}
PLATFORM_EN = {"tmall": "Tmall", "taobao": "Taobao", "eleme": "Ele.me", "hema": "Hema", "app": "our app"}
# Spellings real exports use for the same platform; staging normalises them.
PLATFORM_VARIANTS = {
    "tmall": ("TMALL", "Tmall", "天猫"),
    "taobao": ("Taobao", "TAOBAO", "淘宝"),
    "eleme": ("Eleme", "ELEME", "饿了么", "ele.me"),
    "hema": ("Hema", "HEMA", "盒马"),
    "app": ("APP", "App"),
}
USER_ID_PREFIX = {"tmall": "tm", "taobao": "tb", "eleme": "ele", "hema": "hm", "app": "u"}

CARRIERS: tuple[str, ...] = ("SF", "ZTO", "YTO", "JD", "CAINIAO")
CARRIER_ZH = {"SF": "顺丰", "ZTO": "中通", "YTO": "圆通", "JD": "京东物流", "CAINIAO": "菜鸟"}
CARRIER_EN = {"SF": "SF Express", "ZTO": "ZTO", "YTO": "YTO", "JD": "JD Logistics", "CAINIAO": "Cainiao"}
# carrier weights per platform (same order as CARRIERS)
CARRIER_WEIGHTS = {
    "tmall": (0.20, 0.30, 0.20, 0.10, 0.20),
    "taobao": (0.10, 0.35, 0.30, 0.05, 0.20),
    "eleme": (0.30, 0.10, 0.05, 0.05, 0.50),
    "hema": (0.25, 0.05, 0.05, 0.05, 0.60),
    "app": (0.35, 0.25, 0.10, 0.20, 0.10),
}
# hours from payment to the promised delivery, per platform
PROMISE_HOURS = {"tmall": 72, "taobao": 96, "eleme": 24, "hema": 24, "app": 72}

# (code used in data, English name, weight)
REGIONS: tuple[tuple[str, str, float], ...] = (
    ("广东", "Guangdong", 14), ("浙江", "Zhejiang", 10), ("江苏", "Jiangsu", 9), ("上海", "Shanghai", 8),
    ("北京", "Beijing", 7), ("山东", "Shandong", 6), ("四川", "Sichuan", 5), ("福建", "Fujian", 5),
    ("湖北", "Hubei", 4), ("河南", "Henan", 4), ("湖南", "Hunan", 4), ("安徽", "Anhui", 3),
    ("天津", "Tianjin", 3), ("重庆", "Chongqing", 3), ("陕西", "Shaanxi", 3), ("河北", "Hebei", 3),
    ("辽宁", "Liaoning", 2), ("江西", "Jiangxi", 2), ("广西", "Guangxi", 2), ("云南", "Yunnan", 2),
    ("黑龙江", "Heilongjiang", 1), ("吉林", "Jilin", 1), ("山西", "Shanxi", 1), ("贵州", "Guizhou", 1),
    ("海南", "Hainan", 1), ("内蒙古", "Inner Mongolia", 1), ("新疆", "Xinjiang", 0.5), ("甘肃", "Gansu", 0.5),
)
REGION_EN = {code: en for code, en, _ in REGIONS}


@dataclass(frozen=True)
class Product:
    product_id: str
    name_zh: str
    name_en: str
    category: str
    list_price: float
    popularity: float
    launched_on: date
    launch_in_window: bool


# (zh, en, category, list price, popularity)
_CATALOGUE: tuple[tuple[str, str, str, float, float], ...] = (
    ("阳光玫瑰葡萄 2斤", "Shine Muscat grapes 1kg", "fresh_produce", 59.9, 3.0),
    ("赣南脐橙 5斤", "Gannan navel oranges 2.5kg", "fresh_produce", 39.9, 3.0),
    ("智利车厘子 1斤", "Chilean cherries 500g", "fresh_produce", 89.0, 2.0),
    ("有机菠菜 500g", "Organic spinach 500g", "fresh_produce", 12.8, 2.0),
    ("云南小土豆 3斤", "Yunnan baby potatoes 1.5kg", "fresh_produce", 15.9, 1.5),
    ("厄瓜多尔白虾 1kg", "Ecuador white shrimp 1kg", "seafood", 109.0, 2.0),
    ("阳澄湖大闸蟹 6只", "Yangcheng Lake hairy crabs x6", "seafood", 299.0, 2.5),
    ("挪威三文鱼 300g", "Norwegian salmon 300g", "seafood", 79.0, 1.5),
    ("鲜牛奶 950ml", "Fresh milk 950ml", "dairy", 16.8, 4.0),
    ("希腊酸奶 4杯", "Greek yogurt 4 cups", "dairy", 25.9, 3.0),
    ("马苏里拉奶酪 250g", "Mozzarella 250g", "dairy", 32.0, 1.0),
    ("低脂牛奶 24盒", "Low-fat milk 24 cartons", "dairy", 69.0, 2.5),
    ("每日坚果礼盒 30袋", "Daily mixed nuts gift box 30 packs", "snacks", 128.0, 3.0),
    ("海苔脆片 10包", "Seaweed crisps 10 packs", "snacks", 29.9, 2.0),
    ("手撕牛肉干 500g", "Shredded beef jerky 500g", "snacks", 68.0, 2.0),
    ("黑巧克力 100g", "Dark chocolate 100g", "snacks", 19.9, 1.5),
    ("芒果干 250g", "Dried mango 250g", "snacks", 22.0, 1.5),
    ("月饼礼盒 8枚", "Mooncake gift box x8", "snacks", 168.0, 2.0),
    ("冷萃咖啡 12瓶", "Cold brew coffee 12 bottles", "beverages", 89.0, 2.0),
    ("无糖气泡水 24瓶", "Sugar-free sparkling water 24 bottles", "beverages", 59.0, 3.5),
    ("西湖龙井 250g", "West Lake Longjing tea 250g", "beverages", 198.0, 1.0),
    ("椰子水 12瓶", "Coconut water 12 bottles", "beverages", 65.0, 1.5),
    ("精酿啤酒 6罐", "Craft beer 6 cans", "beverages", 49.0, 1.5),
    ("东北大米 10kg", "Northeast rice 10kg", "grocery", 79.9, 2.5),
    ("橄榄油 1L", "Olive oil 1L", "grocery", 89.0, 1.5),
    ("手工挂面 2kg", "Handmade noodles 2kg", "grocery", 26.0, 1.5),
    ("速冻水饺 1kg", "Frozen dumplings 1kg", "grocery", 35.0, 2.5),
    ("有机鸡蛋 30枚", "Organic eggs x30", "grocery", 45.0, 3.0),
    ("氨基酸洗面奶", "Amino acid facial cleanser", "personal_care", 79.0, 2.0),
    ("保湿面霜 50ml", "Moisturising cream 50ml", "personal_care", 159.0, 1.5),
    ("电动牙刷", "Electric toothbrush", "personal_care", 199.0, 1.5),
    ("洗发水套装", "Shampoo set", "personal_care", 99.0, 2.0),
    ("防晒霜 SPF50", "Sunscreen SPF50", "personal_care", 88.0, 1.0),
    ("婴儿纸尿裤 L码", "Baby diapers size L", "mother_baby", 139.0, 2.5),
    ("婴儿奶粉 3段", "Infant formula stage 3", "mother_baby", 268.0, 2.0),
    ("儿童保温杯", "Kids thermos bottle", "mother_baby", 69.0, 1.0),
    ("宝宝湿巾 10包", "Baby wipes 10 packs", "mother_baby", 39.9, 2.0),
    ("抽纸 24包", "Facial tissues 24 packs", "household", 49.9, 3.5),
    ("洗衣凝珠 60颗", "Laundry pods x60", "household", 59.9, 2.5),
    ("厨房湿巾", "Kitchen wipes", "household", 19.9, 1.5),
    ("垃圾袋 100只", "Trash bags x100", "household", 15.9, 2.0),
    ("四件套床品", "Bedding set of four", "household", 299.0, 1.0),
    ("电饭煲 4L", "Rice cooker 4L", "home_appliance", 399.0, 1.5),
    ("破壁料理机", "High-speed blender", "home_appliance", 599.0, 1.0),
    ("扫地机器人", "Robot vacuum", "home_appliance", 1699.0, 1.0),
    ("电热水壶", "Electric kettle", "home_appliance", 129.0, 1.5),
    ("加湿器", "Humidifier", "home_appliance", 199.0, 1.0),
    ("蓝牙耳机", "Bluetooth earbuds", "electronics", 299.0, 1.5),
    ("充电宝 20000mAh", "Power bank 20000mAh", "electronics", 149.0, 1.5),
    ("智能手环", "Smart band", "electronics", 249.0, 1.0),
    ("无线鼠标", "Wireless mouse", "electronics", 89.0, 1.0),
    ("猫粮 2kg", "Cat food 2kg", "pet", 119.0, 1.5),
    ("狗零食礼包", "Dog treats pack", "pet", 59.0, 1.0),
)
# Products launched inside the window: (zh, en, category, price, popularity, launch position 0..1).
# The second one is the default defect product.
_LAUNCHES: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("桂花乌龙茶饮 12瓶", "Osmanthus oolong tea drink 12 bottles", "beverages", 72.0, 3.0, 0.12),
    ("智能空气炸锅 Pro 5L", "Smart air fryer Pro 5L", "home_appliance", 459.0, 4.0, 0.20),
    ("冻干草莓酸奶块", "Freeze-dried strawberry yogurt bites", "snacks", 36.0, 2.5, 0.35),
    ("降噪耳机 Max", "Noise-cancelling headphones Max", "electronics", 899.0, 1.5, 0.50),
    ("秋冬保湿精华", "Autumn hydrating serum", "personal_care", 239.0, 1.5, 0.65),
    ("双十一限定零食大礼包", "Double 11 limited snack box", "snacks", 99.0, 4.0, 0.70),
)


def build_products(start: date, days: int, rng: random.Random) -> list[Product]:
    """The catalogue: existing products plus a few launched during the window."""
    products = []
    for i, (zh, en, cat, price, pop) in enumerate(_CATALOGUE):
        launched = start - timedelta(days=rng.randint(30, 900))
        products.append(Product(f"SKU{10001 + i}", zh, en, cat, price, pop, launched, False))
    for j, (zh, en, cat, price, pop, pos) in enumerate(_LAUNCHES):
        offset = min(days - 1, max(1, int(round(pos * days))))
        products.append(Product(f"SKU{20001 + j}", zh, en, cat, price, pop, start + timedelta(days=offset), True))
    return products


@dataclass(frozen=True)
class Promotion:
    promotion_id: str
    name_zh: str
    name_en: str
    platform: str | None
    coupon_code: str | None
    coupon_value: float
    starts_at: datetime  # local time
    ends_at: datetime  # local time
    volume_boost: float
    festival: bool


def _dt(d: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute, second))


def build_promotions(start: date, days: int) -> list[Promotion]:
    """Promotion calendar: dated festivals overlapping the window plus recurring campaigns.

    Festivals: 国庆黄金周 (Oct 1-7), 双11预售 (Oct 20 - Nov 10), 双11主会场 (Nov 10 20:00 -
    Nov 11), 双12 (Dec 12), 618 (Jun 1-18). Recurring: a window-long new-customer coupon and
    a weekend flash sale per platform every other weekend.
    """
    end = start + timedelta(days=days)
    promos: list[Promotion] = []
    for year in sorted({start.year, end.year}):
        yy = str(year)[2:]
        festivals = [
            (f"PROMO-{year}-GOLDENWEEK", "国庆黄金周狂欢", "National Day golden week sale", f"GW{yy}30",
             30.0, _dt(date(year, 10, 1)), _dt(date(year, 10, 7), 23, 59, 59), 1.4),
            (f"PROMO-{year}-D11PRE", "双11预售", "Double 11 pre-sale", f"D11PRE{yy}", 50.0,
             _dt(date(year, 10, 20), 20), _dt(date(year, 11, 10), 19, 59, 59), 1.3),
            (f"PROMO-{year}-D11", "双11全球狂欢节", "Double 11 main day", f"D11MAIN{yy}", 80.0,
             _dt(date(year, 11, 10), 20), _dt(date(year, 11, 11), 23, 59, 59), 3.0),
            (f"PROMO-{year}-D12", "双12年终盛典", "Double 12 year-end sale", f"D12{yy}20", 20.0,
             _dt(date(year, 12, 12)), _dt(date(year, 12, 12), 23, 59, 59), 1.8),
            (f"PROMO-{year}-618", "618年中大促", "618 mid-year sale", f"S618{yy}", 40.0,
             _dt(date(year, 6, 1), 20), _dt(date(year, 6, 18), 23, 59, 59), 1.6),
        ]
        for pid, zh, en, coupon, value, s, e, boost in festivals:
            if s.date() < end and e.date() >= start:
                promos.append(Promotion(pid, zh, en, None, coupon, value, s, e, boost, True))
    promos.append(Promotion("PROMO-NEWCUST", "新人专享券", "New customer coupon", None, "NEW10", 10.0,
                            _dt(start), _dt(end - timedelta(days=1), 23, 59, 59), 1.0, False))
    for k, week_start in enumerate(range(0, days, 14)):
        saturday = start + timedelta(days=week_start + (5 - start.weekday()) % 7)
        if saturday >= end:
            break
        platform = ("tmall", "taobao", "app", "hema", "eleme")[k % 5]
        promos.append(Promotion(
            f"PROMO-FLASH-{saturday:%Y%m%d}", f"{PLATFORM_ZH[platform]}周末闪购", f"{PLATFORM_EN[platform]} weekend flash sale",
            platform, f"FLASH{saturday:%m%d}", 15.0, _dt(saturday), _dt(saturday + timedelta(days=1), 23, 59, 59),
            1.2, False))
    return promos
