"""Day-by-day simulation of the demo world.

Each simulated day creates orders and, for each order, its whole future (payments,
shipping, chats, reviews, NPS answers). Rows are filed under the local business day of
their event time in :class:`Pending`; the caller writes and drops one day at a time, so
memory holds only the days still open (about two weeks of future events), never the
whole run. Rows that fall after the window are not exported (as with a real export).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from include.demo import catalog, text
from include.demo.catalog import Product, Promotion
from include.demo.config import GeneratorConfig, IncidentPlan
from include.demo.people import Account, Population
from include.demo.phrases import SUB_INTENT_BY_CODE

ORDERS_PER_DAY = 260  # at scale 1.0
SOCIAL_PER_DAY = 60
PRESALE_SESSIONS_PER_ORDER = 0.36
PLATFORM_VARIANT_RATE = 0.02

HOUR_WEIGHTS = (2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 6, 7, 7, 6, 5, 5, 5, 5, 5, 6, 7, 9, 10, 9, 5)
METHODS = (("alipay", 0.45), ("wechat_pay", 0.30), ("card", 0.10), ("huabei", 0.15))
FAILURES = (("INSUFFICIENT_FUNDS", 0.30), ("BANK_DECLINED", 0.20), ("TIMEOUT", 0.30), ("RISK_CONTROL", 0.20))
SITES = (("weibo", 0.40), ("xiaohongshu", 0.30), ("douyin", 0.20), ("zhihu", 0.10))

# "Ordered but not paid": an order not paid within UNPAID_WINDOW gets a true reason. One seen at
# payment (its last failed attempt's code) is always observable; an order abandoned without an
# attempt gets a reason from ABANDON_REASONS that shows only in a chat, and only for
# ABANDON_CHAT_RATE of them (the rest leave no signal: the honest answer is "unknown").
# RECOVERY_RATE: chance the order is paid later anyway (retry, reminder, answered question).
UNPAID_WINDOW = timedelta(minutes=30)
FAILURE_REASON = {"INSUFFICIENT_FUNDS": "payment_insufficient_funds", "BANK_DECLINED": "payment_bank_declined",
                  "TIMEOUT": "payment_timeout", "RISK_CONTROL": "payment_risk_control",
                  "COUPON_INVALID": "coupon_promotion_error"}
ABANDON_REASONS = (("price_concern", 0.28), ("shipping_fee_concern", 0.14), ("stock_delivery_concern", 0.14),
                   ("unanswered_question", 0.20), ("address_account_problem", 0.12),
                   ("coupon_promotion_error", 0.12))
ABANDON_CHAT_RATE = 0.7
REASON_CHAT = {"price_concern": ("promotion.price_concern",), "shipping_fee_concern": ("logistics.shipping_fee",),
               "stock_delivery_concern": ("product_consultation.stock_availability",),
               "unanswered_question": ("product_consultation.size_spec", "product_consultation.usage",
                                       "product_consultation.authenticity", "product_consultation.shelf_life"),
               "address_account_problem": ("logistics.wrong_address", "account.login_problem",
                                           "account.change_phone"),
               "coupon_promotion_error": ("promotion.coupon_not_applicable",)}
RECOVERY_RATE = {"payment_insufficient_funds": 0.35, "payment_bank_declined": 0.40, "payment_timeout": 0.55,
                 "payment_risk_control": 0.25, "coupon_promotion_error": 0.30, "price_concern": 0.15,
                 "shipping_fee_concern": 0.20, "stock_delivery_concern": 0.30, "unanswered_question": 0.35,
                 "address_account_problem": 0.45}

POSITIVE_REVIEW = (("product_quality.praise", 0.45), ("logistics.fast_delivery", 0.20),
                   ("promotion.good_deal", 0.13), ("after_sales.service_praise", 0.08), ("other.brand_love", 0.14))
NEUTRAL_REVIEW = (("product_quality.average", 0.75), ("other.suggestion", 0.25))
NEGATIVE_REVIEW = (("product_quality.freshness", 0.2), ("product_quality.not_as_described", 0.2),
                   ("product_quality.defect", 0.1), ("logistics.damaged_package", 0.15),
                   ("after_sales.missing_item", 0.1), ("logistics.courier_attitude", 0.1),
                   ("logistics.delivery_delay", 0.15))
AFTER_DELIVERY_CHAT = (("after_sales.return_request", 0.16), ("after_sales.refund_status", 0.12),
                       ("after_sales.exchange", 0.08), ("after_sales.missing_item", 0.07),
                       ("product_quality.freshness", 0.08), ("product_quality.not_as_described", 0.07),
                       ("logistics.damaged_package", 0.07), ("logistics.courier_attitude", 0.05),
                       ("payment.invoice", 0.08), ("payment.double_charge", 0.04),
                       ("promotion.price_protection", 0.08), ("account.membership_points", 0.05),
                       ("after_sales.service_praise", 0.05))
BEFORE_SHIP_CHAT = (("logistics.wrong_address", 0.5), ("logistics.tracking_no_update", 0.3),
                    ("promotion.presale_deposit", 0.2))
PRESALE_CHAT = (("product_consultation.size_spec", 0.13), ("product_consultation.stock_availability", 0.12),
                ("product_consultation.usage", 0.12), ("product_consultation.authenticity", 0.07),
                ("product_consultation.shelf_life", 0.08), ("promotion.rules_question", 0.12),
                ("promotion.presale_deposit", 0.05), ("promotion.coupon_not_applicable", 0.06),
                ("payment.installment_huabei", 0.05), ("account.login_problem", 0.05),
                ("account.membership_points", 0.04), ("account.change_phone", 0.03),
                ("account.security_alert", 0.02), ("other.off_topic", 0.04), ("other.suggestion", 0.02))
SOCIAL_MIX = (("other.brand_love", 0.12), ("product_quality.praise", 0.12), ("promotion.good_deal", 0.10),
              ("logistics.fast_delivery", 0.04), ("promotion.rules_question", 0.08),
              ("product_consultation.usage", 0.05), ("other.off_topic", 0.10), ("other.suggestion", 0.05),
              ("product_quality.average", 0.04), ("logistics.delivery_delay", 0.07),
              ("product_quality.not_as_described", 0.05), ("product_quality.freshness", 0.04),
              ("after_sales.refund_status", 0.05), ("promotion.price_protection", 0.04),
              ("account.security_alert", 0.02), ("product_quality.food_safety", 0.03))


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    """Pick the first element of a (value, weight) pair by weight."""
    r = rng.random() * sum(w for _, w in pairs)
    for value, w in pairs:
        r -= w
        if r < 0:
            return value
    return pairs[-1][0]


def ts(moment: datetime, platform: str | None) -> str:
    """ISO 8601 text: ``+08:00`` offset, except the app platform's naive local time."""
    base = moment.replace(microsecond=0).isoformat()
    return base if platform == "app" else base + "+08:00"


@dataclass(frozen=True)
class VoiceLabel:
    """Ground truth of one customer voice text."""

    sub_intent: str
    language: str
    incident_id: str | None = None

    @property
    def service_element(self) -> str:
        return self.sub_intent.split(".", 1)[0]

    @property
    def sentiment(self) -> str:
        return SUB_INTENT_BY_CODE[self.sub_intent].polarity


@dataclass
class Pending:
    """Rows waiting for their day: ``by_day[day][source] -> [(sort key, row, label)]``."""

    end: date
    by_day: dict[date, dict[str, list[tuple[tuple, dict, VoiceLabel | None]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, source: str, moment: datetime, key: str, row: dict, label: VoiceLabel | None = None) -> bool:
        """File a row under the local day of ``moment``; returns False (and drops it) past the window."""
        day = moment.date()
        if day >= self.end:
            return False
        self.by_day[day][source].append(((moment, key), row, label))
        return True

    def pop(self, day: date) -> dict[str, list[tuple[tuple, dict, VoiceLabel | None]]]:
        return self.by_day.pop(day, {})


@dataclass
class Stats:
    """Counters behind the expected signals in the ground truth (only exported rows count)."""

    delay: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # group -> [late, n]
    defect_reviews: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    coupon_failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    coupon_orders: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    social: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0.0]))
    incident_voice: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    nps_answers: list[tuple[tuple[str, ...], int]] = field(default_factory=list)  # (drivers present, baseline)
    unpaid: list[dict] = field(default_factory=list)  # one per order not paid within UNPAID_WINDOW


class World:
    """The demo world: catalogue, promotions, customers and incidents, plus id counters."""

    def __init__(self, config: GeneratorConfig, products: list[Product], promotions: list[Promotion],
                 population: Population, plan: IncidentPlan):
        self.config = config
        self.products = products
        self.promotions = promotions
        self.population = population
        self.plan = plan
        self.pending = Pending(config.end)
        self.stats = Stats()
        self._product_cache: dict[date, tuple[list[Product], list[float]]] = {}
        self._regions = [r[0] for r in catalog.REGIONS]
        self._region_w = [r[2] for r in catalog.REGIONS]

    # ------------------------------------------------------------------ helpers
    def raw_platform(self, platform: str, rng: random.Random) -> str:
        if rng.random() < PLATFORM_VARIANT_RATE:
            return rng.choice(catalog.PLATFORM_VARIANTS[platform])
        return platform

    def products_on(self, day: date) -> tuple[list[Product], list[float]]:
        if day not in self._product_cache:
            live = [p for p in self.products if p.launched_on <= day]
            weights = []
            for p in live:
                boost = 2.0 if p.launch_in_window and (day - p.launched_on).days < 14 else 1.0
                weights.append(p.popularity * boost)
            self._product_cache[day] = (live, weights)
        return self._product_cache[day]

    def active_promotions(self, moment: datetime, platform: str) -> list[Promotion]:
        return [p for p in self.promotions if p.starts_at <= moment <= p.ends_at
                and (p.platform is None or p.platform == platform)]

    def day_boost(self, day: date) -> float:
        lo, hi = datetime.combine(day, time()), datetime.combine(day, time(23, 59, 59))
        boosts = [p.volume_boost for p in self.promotions if p.starts_at <= hi and p.ends_at >= lo]
        weekend = 1.15 if day.weekday() >= 5 else 1.0
        return max([1.0, *boosts]) * weekend

    def slots(self, rng: random.Random, *, product: Product | None = None, order_id: str = "",
              amount: float | None = None, carrier: str | None = None, coupon: str | None = None,
              platform: str | None = None, region: str | None = None, day: date | None = None,
              days: int | None = None) -> text.Slots:
        if product is None:
            live, w = self.products_on(day or self.config.start)
            product = rng.choices(live, w)[0]
        platform = platform or rng.choice(catalog.PLATFORMS)
        carrier = carrier or rng.choice(catalog.CARRIERS)
        region = region or rng.choices(self._regions, self._region_w)[0]
        d = day or self.config.start
        short = product.name_zh.split(" ")[0]
        return text.Slots(
            product=short if rng.random() < 0.6 else product.name_zh,
            product_en=product.name_en.lower() if rng.random() < 0.3 else product.name_en,
            order=order_id,
            amount=f"{amount if amount is not None else rng.choice([10, 20, 30, 50, 100]):g}",
            date=f"{d.month}月{d.day}日" if rng.random() < 0.7 else f"{d.month}.{d.day}",
            date_en=d.strftime("%b ") + str(d.day),
            carrier=catalog.CARRIER_ZH[carrier] if rng.random() < 0.7 else carrier,
            carrier_en=catalog.CARRIER_EN[carrier],
            coupon=coupon or rng.choice(["NEW10", "满减券", "店铺券", "FLASH券"]),
            days=days if days is not None else rng.randint(2, 9),
            platform=catalog.PLATFORM_ZH[platform], platform_en=catalog.PLATFORM_EN[platform],
            region=region, region_en=catalog.REGION_EN[region],
        )

    # -------------------------------------------------------------------- a day
    def simulate_day(self, day: date) -> None:
        """Create everything that starts on ``day`` (rows may land on later days)."""
        rng = random.Random(f"{self.config.seed}:day:{day.isoformat()}")
        self._reference_rows(day)
        mean = ORDERS_PER_DAY * self.config.scale * self.day_boost(day)
        n_orders = max(0, round(rng.gauss(mean, mean ** 0.5)))
        seconds = sorted(self._second_of_day(rng) for _ in range(n_orders))
        for seq, sec in enumerate(seconds, start=1):
            self._order(day, seq, datetime.combine(day, time()) + timedelta(seconds=sec), rng)
        n_pre = max(0, round(rng.gauss(n_orders * PRESALE_SESSIONS_PER_ORDER, 2)))
        for seq in range(1, n_pre + 1):
            moment = datetime.combine(day, time()) + timedelta(seconds=self._second_of_day(rng))
            acct = self.population.pick(day, rng)
            intent = weighted(rng, PRESALE_CHAT)
            self._session(f"CS{day:%y%m%d}P{seq:05d}", acct, moment, intent, None, rng,
                          self.slots(rng, platform=acct.platform, day=day))
        self._social(day, rng)

    @staticmethod
    def _second_of_day(rng: random.Random) -> int:
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        return hour * 3600 + rng.randrange(3600)

    def _reference_rows(self, day: date) -> None:
        first = day == self.config.start
        midnight = datetime.combine(day, time())
        accounts = self.population.registered_before(day) if first else []
        accounts = accounts + self.population.registered_on(day)
        for a in accounts:
            self.pending.add("customer_accounts", midnight if a.registered_at < midnight else a.registered_at,
                             f"{a.platform}:{a.user_id}", {
                                 "platform": a.platform, "platform_user_id": a.user_id,
                                 "phone_hash": a.phone_hash, "nickname": a.nickname,
                                 "registered_at": ts(a.registered_at, a.platform)})
        for p in self.products:
            if (first and p.launched_on <= day) or (p.launch_in_window and p.launched_on == day):
                updated = midnight + timedelta(hours=9 if p.launch_in_window else 0)
                self.pending.add("products", updated, p.product_id, {
                    "product_id": p.product_id, "product_name": p.name_zh, "product_name_en": p.name_en,
                    "category": p.category, "launched_on": p.launched_on.isoformat(),
                    "list_price": p.list_price, "updated_at": ts(updated, None)})
        if first:
            for p in self.promotions:
                self.pending.add("promotions", midnight, p.promotion_id, {
                    "promotion_id": p.promotion_id, "promotion_name": p.name_zh, "promotion_name_en": p.name_en,
                    "platform": p.platform, "coupon_code": p.coupon_code, "starts_at": ts(p.starts_at, None),
                    "ends_at": ts(p.ends_at, None), "updated_at": ts(midnight, None)})

    # ------------------------------------------------------------------ orders
    def _order(self, day: date, seq: int, created: datetime, rng: random.Random) -> None:
        acct = self.population.pick(day, rng)
        platform = acct.platform
        live, weights = self.products_on(day)
        product = rng.choices(live, weights)[0]
        order_id = f"O{day:%y%m%d}{seq:06d}"
        qty = rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]
        unit_price = round(product.list_price * rng.choice((1.0, 1.0, 0.95, 0.9, 0.85)), 2)
        promo = coupon = None
        coupon_value = 0.0
        inc = self.plan.coupon_failure
        incident_coupon = inc is not None and inc.covers(day)
        promos = self.active_promotions(created, platform)
        if promos and rng.random() < (0.7 if incident_coupon else 0.5):
            promo = rng.choice(promos)
            if incident_coupon and any(p.promotion_id == inc.promotion_id for p in promos) and rng.random() < 0.6:
                promo = next(p for p in promos if p.promotion_id == inc.promotion_id)
            if promo.coupon_code and rng.random() < 0.7:
                coupon, coupon_value = promo.coupon_code, promo.coupon_value
        amount = round(max(0.01, qty * unit_price - coupon_value), 2)
        hit_incident = incident_coupon and coupon is not None and coupon == inc.coupon_code
        slots = self.slots(rng, product=product, order_id=order_id, amount=amount, coupon=coupon,
                           platform=platform, day=day)

        status, paid_at, last_attempt, failures, last_code = self._payments(order_id, platform, amount, coupon,
                                                                            created, hit_incident, rng)
        if hit_incident:
            self.stats.coupon_orders["incident"] += 1
            self.stats.coupon_orders["incident_unpaid"] += status == "created"
        if rng.random() < 0.03 and status == "paid":
            status = "cancelled"
        unpaid_status = status
        recovered = False
        if paid_at is None or paid_at - created > UNPAID_WINDOW:
            status, recovered_at = self._unpaid(acct, order_id, platform, amount, promo, coupon, created, status,
                                                paid_at, last_attempt, last_code, slots, inc if hit_incident else None)
            recovered = paid_at is None and recovered_at is not None
            paid_at = paid_at or recovered_at
        self.pending.add("orders", created, order_id, {
            "order_id": order_id, "platform": self.raw_platform(platform, rng), "platform_user_id": acct.user_id,
            "product_id": product.product_id, "quantity": qty, "unit_price": unit_price, "amount": amount,
            "promotion_id": promo.promotion_id if promo else None, "coupon_code": coupon, "status": status,
            "created_at": ts(created, platform)})

        if unpaid_status in ("created", "closed") and failures:
            if hit_incident and rng.random() < 0.55:
                intent = "payment.coupon_checkout_error" if rng.random() < 0.8 else "promotion.coupon_not_applicable"
                self._session(f"CS{order_id[1:]}A", acct, last_attempt + timedelta(minutes=rng.randint(1, 40)),
                              intent, order_id, rng, slots, incident_id=inc.id)
            elif not hit_incident and rng.random() < 0.3:
                self._session(f"CS{order_id[1:]}A", acct, last_attempt + timedelta(minutes=rng.randint(1, 40)),
                              "payment.payment_failed", order_id, rng, slots)
        if status != "paid" or paid_at is None:
            return
        # a recovered order's future draws from its own stream, so the rest of the world stays as it was
        self._fulfil(acct, product, order_id, platform, paid_at, slots,
                     random.Random(f"{self.config.seed}:recovered:{order_id}") if recovered else rng,
                     failed_payment=failures > 0)

    def _unpaid(self, acct: Account, order_id: str, platform: str, amount: float, promo: Promotion | None,
                coupon: str | None, created: datetime, status: str, paid_at: datetime | None,
                last_attempt: datetime, last_code: str | None, slots: text.Slots,
                incident: object | None) -> tuple[str, datetime | None]:
        """Give an order not paid within ``UNPAID_WINDOW`` its true reason, the chat that shows it
        (when it shows at all) and maybe a later payment; returns (status, recovered payment time).
        Draws from the order's own random stream."""
        urng = random.Random(f"{self.config.seed}:unpaid:{order_id}")
        session_id = None
        if last_code is not None:
            reason, observable = FAILURE_REASON[last_code], True
        else:
            reason = weighted(urng, ABANDON_REASONS)
            observable = urng.random() < ABANDON_CHAT_RATE
            if observable:
                intent = urng.choice(REASON_CHAT[reason])
                start = created - timedelta(minutes=urng.uniform(5, 120))
                linked = urng.random() < 0.6 or start.date() != created.date()
                if linked:  # asked from the order page, after ordering
                    start = created + timedelta(minutes=urng.uniform(2, 90))
                session_id = f"CS{order_id[1:]}U"
                self._session(session_id, acct, start, intent, order_id if linked else None, urng, slots,
                              outcome="unanswered" if reason == "unanswered_question" else None)
        recovered_at = None
        rate = RECOVERY_RATE[reason] * (0.5 if incident is not None else 1.0)
        if paid_at is None and status != "cancelled" and urng.random() < rate:
            moment = max(last_attempt, created) + timedelta(minutes=urng.uniform(45, 2880))
            attempt_id = f"PA{order_id[1:]}R"
            if self.pending.add("payment_attempts", moment, attempt_id, {
                    "attempt_id": attempt_id, "order_id": order_id, "platform": self.raw_platform(platform, urng),
                    "method": weighted(urng, METHODS), "amount": amount, "status": "success", "failure_code": None,
                    "attempted_at": ts(moment, platform)}):
                recovered_at, status = moment, "paid"
        elif paid_at is None and status == "created" and reason == "price_concern" and urng.random() < 0.3:
            status = "cancelled"
        self.stats.unpaid.append({
            "order_id": order_id, "created_at": ts(created, None), "platform": platform, "amount": amount,
            "promotion_id": promo.promotion_id if promo else None, "coupon_code": coupon, "true_reason": reason,
            "observable": observable, "chat_session_id": session_id,
            "paid_at": ts(paid_at or recovered_at, None) if (paid_at or recovered_at) else None,
            "final_status": status, "incident_id": getattr(incident, "id", None)})
        return status, recovered_at

    def _payments(self, order_id: str, platform: str, amount: float, coupon: str | None, created: datetime,
                  hit_incident: bool, rng: random.Random) -> tuple[str, datetime | None, datetime, int, str | None]:
        """Emit payment attempts; returns (order status, paid time, last attempt time, failures,
        last failure code)."""
        moment = created
        last_code = None
        if not hit_incident and rng.random() < 0.03:
            return ("created" if rng.random() < 0.5 else "closed"), None, created, 0, None
        failures = 0
        for n in range(1, 4):
            moment = moment + timedelta(seconds=rng.randint(5, 120) if n == 1 else rng.randint(30, 900))
            method = weighted(rng, METHODS)
            if hit_incident:
                code: str | None = "COUPON_INVALID"
            elif coupon and rng.random() < 0.015:
                code = "COUPON_INVALID"
            elif rng.random() < (0.07 if n == 1 else 0.2):
                code = "RISK_CONTROL" if method == "huabei" and rng.random() < 0.5 else weighted(rng, FAILURES)
            else:
                code = None
            attempt_id = f"PA{order_id[1:]}{n}"
            exported = self.pending.add("payment_attempts", moment, attempt_id, {
                "attempt_id": attempt_id, "order_id": order_id, "platform": self.raw_platform(platform, rng),
                "method": method, "amount": amount, "status": "failed" if code else "success",
                "failure_code": code, "attempted_at": ts(moment, platform)})
            if code is None:
                return "paid", moment, moment, failures, last_code
            failures += 1
            last_code = code
            if code == "COUPON_INVALID" and exported:
                self.stats.coupon_failures["incident" if hit_incident else "other"] += 1
            if rng.random() > (0.75 if hit_incident else 0.65):
                break
        if hit_incident:
            return "created", None, moment, failures, last_code
        return ("created" if rng.random() < 0.5 else "closed"), None, moment, failures, last_code

    def _fulfil(self, acct: Account, product: Product, order_id: str, platform: str, paid_at: datetime,
                slots: text.Slots, rng: random.Random, failed_payment: bool = False) -> None:
        carrier = catalog.CARRIERS[rng.choices(range(len(catalog.CARRIERS)), catalog.CARRIER_WEIGHTS[platform])[0]]
        region = rng.choices(self._regions, self._region_w)[0]
        same_day = platform in ("eleme", "hema")
        shipped = paid_at + timedelta(minutes=rng.randint(15, 120) if same_day else rng.randint(240, 2160))
        promise_h = catalog.PROMISE_HOURS[platform]
        promised = paid_at + timedelta(hours=promise_h)
        delay_inc = self.plan.delivery_delay
        in_delay = (delay_inc is not None and delay_inc.covers(promised.date()) and carrier == delay_inc.carrier
                    and region == delay_inc.region)
        late = rng.random() < (self.config.incident_settings.delay_late_rate if in_delay else 0.05)
        transit_h = (promised - shipped).total_seconds() / 3600
        if late:
            delivered = promised + timedelta(hours=rng.uniform(24, 120) if in_delay else rng.uniform(4, 48))
        else:
            delivered = shipped + timedelta(hours=max(0.5, transit_h * rng.uniform(0.3, 0.95)))
        lost = rng.random() < self.config.driver_effects.lost_rate
        exception = lost or rng.random() < (0.25 if in_delay else 0.02)
        raw_p = self.raw_platform(platform, rng)
        events = [("shipped", shipped)]
        span = (delivered - shipped).total_seconds()
        hops = 1 if same_day else rng.randint(1, 3)
        for h in range(hops):
            events.append(("in_transit", shipped + timedelta(seconds=span * (h + 1) / (hops + 2))))
        if exception:
            events.append(("exception", shipped + timedelta(seconds=span * (hops + 0.5) / (hops + 2))))
        if not lost:
            events.append(("out_for_delivery", delivered - timedelta(minutes=rng.randint(10, 40 if same_day else 300))))
            events.append(("delivered", delivered))
        delivered_exported = False
        for i, (kind, moment) in enumerate(events, start=1):
            event_id = f"LE{order_id[1:]}{i}"
            ok = self.pending.add("logistics_events", moment, event_id, {
                "event_id": event_id, "order_id": order_id, "platform": raw_p, "carrier": carrier,
                "region": region, "event_type": kind, "promised_at": ts(promised, platform),
                "event_at": ts(moment, platform)})
            delivered_exported = delivered_exported or (kind == "delivered" and ok)
        is_late = delivered > promised
        if delivered_exported:
            self._count_delay(carrier, region, promised.date(), is_late)
        cs_slots = text.Slots(**{**slots.__dict__, "carrier": catalog.CARRIER_ZH[carrier],
                                 "carrier_en": catalog.CARRIER_EN[carrier], "region": region,
                                 "region_en": catalog.REGION_EN[region],
                                 "days": max(1, round((delivered - paid_at).total_seconds() / 86400))})
        delay_id = delay_inc.id if in_delay else None
        contacts: list[tuple[datetime, bool]] = []  # (start, resolved) of this order's service sessions
        # chats caused by the delivery
        if (late or lost) and rng.random() < 0.45:
            intent = "logistics.delivery_delay" if rng.random() < 0.7 else "logistics.tracking_no_update"
            start = promised + timedelta(hours=rng.uniform(1, 20))
            contacts.append((start, self._session(f"CS{order_id[1:]}L", acct, start, intent, order_id, rng, cs_slots,
                                                  incident_id=delay_id)))
        elif exception and rng.random() < 0.3:
            intent = "logistics.tracking_no_update" if rng.random() < 0.6 else "logistics.damaged_package"
            start = shipped + timedelta(hours=rng.uniform(10, 40))
            contacts.append((start, self._session(f"CS{order_id[1:]}L", acct, start, intent, order_id, rng, cs_slots,
                                                  incident_id=delay_id)))
        elif rng.random() < 0.02:
            start = paid_at + timedelta(minutes=rng.randint(5, 300))
            contacts.append((start, self._session(f"CS{order_id[1:]}B", acct, start, weighted(rng, BEFORE_SHIP_CHAT),
                                                  order_id, rng, cs_slots)))
        events = {"late_delivery": is_late and not lost, "lost_parcel": lost, "failed_payment": failed_payment}
        if lost:
            self._nps(acct, product, order_id, platform, promised + timedelta(hours=rng.uniform(48, 150)), events,
                      contacts, None, cs_slots, rng)
            return
        defect_inc = self.plan.product_defect
        defective = (defect_inc is not None and product.product_id == defect_inc.product_id
                     and delivered.date() >= defect_inc.start and rng.random() < self.config.incident_settings.defect_rate)
        defect_id = defect_inc.id if defective else None
        complaint = None
        if defective and rng.random() < self.config.driver_effects.defect_contact_rate:
            intent = "product_quality.defect" if rng.random() < 0.8 else "after_sales.return_request"
            start = delivered + timedelta(hours=rng.uniform(6, 96))
            contacts.append((start, self._session(f"CS{order_id[1:]}Q", acct, start, intent, order_id, rng, cs_slots,
                                                  incident_id=defect_id)))
        elif not defective and rng.random() < 0.09:
            start = delivered + timedelta(hours=rng.uniform(2, 120))
            complaint = weighted(rng, AFTER_DELIVERY_CHAT)
            contacts.append((start, self._session(f"CS{order_id[1:]}Q", acct, start, complaint, order_id, rng,
                                                  cs_slots)))
        issue = "defect" if defective else ("late" if is_late else None)
        incident_id = defect_id or (delay_id if is_late else None)
        if rng.random() < (0.55 if issue else 0.28):
            self._review(acct, product, order_id, platform, delivered, issue, incident_id, cs_slots, rng)
        events["product_problem"] = defective or (complaint or "").startswith("product_quality.")
        self._nps(acct, product, order_id, platform, delivered + timedelta(hours=rng.uniform(24, 150)), events,
                  contacts, incident_id, cs_slots, rng)

    def _count_delay(self, carrier: str, region: str, promise_day: date, is_late: bool) -> None:
        inc = self.plan.delivery_delay
        if inc is None:
            group = "all"
        elif carrier == inc.carrier and region == inc.region:
            group = "incident_window" if inc.covers(promise_day) else "same_keys_outside_window"
        else:
            group = "other_shipments"
        self.stats.delay[group][0] += is_late
        self.stats.delay[group][1] += 1

    # ----------------------------------------------------------------- voices
    def _session(self, session_id: str, acct: Account, start: datetime, intent: str, order_id: str | None,
                 rng: random.Random, slots: text.Slots, incident_id: str | None = None,
                 outcome: str | None = None) -> bool:
        """Emit one service session with its messages; returns whether it ended resolved.
        ``outcome="unanswered"``: only the bot replies and the question stays unresolved."""
        platform = acct.platform
        lang = text.pick_language(rng)
        polarity = SUB_INTENT_BY_CODE[intent].polarity
        element = intent.split(".", 1)[0]
        turns: list[tuple[str, str, VoiceLabel | None]] = []

        def customer(sub_intent: str, inc: str | None = None) -> None:
            turns.append(("customer", text.render(sub_intent, lang, slots, rng),
                          VoiceLabel(sub_intent, lang, inc)))

        def bot(el: str) -> None:
            turns.append(("bot", text.bot_reply(el, lang, rng), None))

        if rng.random() < 0.35:
            customer("other.greeting_chitchat")
            bot("default")
        customer(intent, incident_id)
        bot(element)
        if rng.random() < 0.55:
            customer(intent, incident_id)
            bot(element)
        transferred = rng.random() < (0.5 if polarity == "negative" else 0.2) and outcome != "unanswered"
        agent = f"agent-{rng.randint(1, 60):03d}"
        if transferred:
            if rng.random() < 0.6:
                customer("other.request_human")
            bot("transfer")
            for _ in range(rng.randint(1, 2)):
                turns.append(("agent", text.agent_reply(lang, rng, agent=agent, amount=str(rng.choice((5, 10, 20, 30))),
                                                        carrier=slots.carrier_en if lang == "en" else slots.carrier),
                              None))
                if rng.random() < 0.5:
                    customer(intent, incident_id)
        resolved = rng.random() < {"negative": 0.5, "neutral": 0.75, "positive": 0.95}[polarity] + (
            0.2 if transferred else 0) and outcome != "unanswered"
        if rng.random() < 0.5:
            customer("other.thanks" if resolved else intent, None if resolved else incident_id)
        moment = start
        platform_raw = self.raw_platform(platform, rng)
        first_exported = False
        for i, (role, body, label) in enumerate(turns, start=1):
            if i > 1:
                moment += timedelta(seconds=rng.randint(2, 8) if role == "bot" else (
                    rng.randint(20, 180) if role == "agent" else rng.randint(10, 120)))
                if role == "agent" and turns[i - 2][0] == "bot":
                    moment += timedelta(seconds=rng.randint(30, 400))  # queue for a human
            message_id = f"{session_id}M{i:02d}"
            ok = self.pending.add("cs_messages", moment, message_id, {
                "message_id": message_id, "session_id": session_id, "sender_role": role, "text": body,
                "sent_at": ts(moment, platform)}, label)
            first_exported = first_exported or ok
            if ok and label and label.incident_id:
                self.stats.incident_voice[label.incident_id] += 1
        ended = moment + timedelta(seconds=rng.randint(30, 300))
        score = None
        if rng.random() < 0.45:
            score = rng.choice((4, 5, 5)) if resolved else rng.choice((1, 1, 2, 3))
        self.pending.add("cs_sessions", start, session_id, {
            "session_id": session_id, "platform": platform_raw, "platform_user_id": acct.user_id,
            "order_id": order_id, "agent_type": "human" if transferred else "bot",
            "agent_id": agent if transferred else f"bot-{rng.randint(1, 4):02d}", "is_resolved": resolved,
            "is_transferred": transferred, "satisfaction_score": score, "started_at": ts(start, platform),
            "ended_at": ts(ended, platform)})
        return resolved

    def _review(self, acct: Account, product: Product, order_id: str, platform: str, delivered: datetime,
                issue: str | None, incident_id: str | None, slots: text.Slots, rng: random.Random) -> None:
        created = delivered + timedelta(hours=rng.uniform(6, 72) if issue == "defect" else rng.uniform(6, 200))
        if issue == "defect":
            stars = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
            intent = "product_quality.defect" if rng.random() < 0.85 else "product_quality.not_as_described"
        elif issue == "late":
            stars = rng.choices((1, 2, 3), (0.3, 0.4, 0.3))[0]
            intent = "logistics.delivery_delay"
        else:
            stars = rng.choices((5, 4, 3, 2, 1), (0.62, 0.25, 0.08, 0.03, 0.02))[0]
            intent = weighted(rng, POSITIVE_REVIEW if stars >= 4 else NEUTRAL_REVIEW if stars == 3 else NEGATIVE_REVIEW)
            incident_id = None
        has_text = rng.random() < (0.78 if stars >= 4 else 0.95)
        lang = text.pick_language(rng)
        review_id = f"RV{order_id[1:]}"
        body = text.render(intent, lang, slots, rng, channel="post", detail_rate=0.5) if has_text else None
        label = VoiceLabel(intent, lang, incident_id) if has_text else None
        ok = self.pending.add("reviews", created, review_id, {
            "review_id": review_id, "platform": self.raw_platform(platform, rng), "platform_user_id": acct.user_id,
            "order_id": order_id, "product_id": product.product_id, "stars": stars, "text": body,
            "created_at": ts(created, platform)}, label)
        defect = self.plan.product_defect
        if ok and defect is not None and product.product_id == defect.product_id:
            group = "after_emergence" if created.date() >= defect.start else "before_emergence"
            self.stats.defect_reviews[group][0] += stars <= 2
            self.stats.defect_reviews[group][1] += 1
        if ok and label and incident_id:
            self.stats.incident_voice[incident_id] += 1

    def _nps(self, acct: Account, product: Product, order_id: str, platform: str, submitted: datetime,
             events: dict[str, bool], contacts: list[tuple[datetime, bool]], incident_id: str | None,
             slots: text.Slots, rng: random.Random) -> None:
        """Maybe emit the order's NPS answer: a baseline score minus the penalties of what happened
        before ``submitted`` (``DriverEffects``); its drivers are kept for ``drivers.json``."""
        effects = self.config.driver_effects
        events = {**events, "unresolved_session": any(start < submitted and not resolved
                                                       for start, resolved in contacts)}
        problem = events.get("late_delivery") or events.get("lost_parcel") or events.get("product_problem")
        if rng.random() >= (effects.survey_rate_with_issue if problem else effects.survey_rate):
            return
        baseline = rng.choices([s for s, _ in effects.baseline], [w for _, w in effects.baseline])[0]
        score = max(0, baseline - effects.penalty(events))
        if score >= 9:
            intent, incident_id = weighted(rng, POSITIVE_REVIEW), None
        elif score >= 7:
            intent, incident_id = weighted(rng, NEUTRAL_REVIEW), None
        elif events.get("product_problem") and self.plan.product_defect and incident_id == self.plan.product_defect.id:
            intent = "product_quality.defect"
        elif events.get("product_problem"):
            intent, incident_id = weighted(rng, NEGATIVE_REVIEW[:2]), None
        elif events.get("late_delivery"):
            intent = "logistics.delivery_delay"
        elif events.get("lost_parcel"):
            intent, incident_id = "logistics.tracking_no_update", None
        else:
            intent, incident_id = weighted(rng, NEGATIVE_REVIEW), None
        has_text = rng.random() < (0.65 if score <= 6 else 0.4)
        lang = text.pick_language(rng)
        response_id = f"NPS{order_id[1:]}"
        label = VoiceLabel(intent, lang, incident_id) if has_text else None
        ok = self.pending.add("nps_responses", submitted, response_id, {
            "response_id": response_id, "platform": self.raw_platform(platform, rng),
            "platform_user_id": acct.user_id, "order_id": order_id,
            "product_id": product.product_id if rng.random() < 0.7 else None, "score": score,
            "verbatim": text.render(intent, lang, slots, rng, channel="post") if has_text else None,
            "submitted_at": ts(submitted, platform)}, label)
        if ok:
            self.stats.nps_answers.append((tuple(name for name in effects.NAMES if events.get(name)), baseline))
        if ok and label and incident_id:
            self.stats.incident_voice[incident_id] += 1

    def _social(self, day: date, rng: random.Random) -> None:
        base = SOCIAL_PER_DAY * self.config.scale * self.day_boost(day) ** 0.5
        n = max(1, round(rng.gauss(base, base ** 0.5)))
        plan: list[tuple[str, str | None, float]] = [(weighted(rng, SOCIAL_MIX), None, 1.0) for _ in range(n)]
        delay, defect, surge = self.plan.delivery_delay, self.plan.product_defect, self.plan.social_surge
        if delay and delay.covers(day):
            plan += [("logistics.delivery_delay", delay.id, 2.0) for _ in range(round(base * 0.15))]
        if defect and defect.covers(day):
            plan += [("product_quality.defect", defect.id, 2.0) for _ in range(round(base * 0.1))]
        in_surge = surge is not None and surge.covers(day)
        if in_surge:
            plan += [("product_quality.food_safety", surge.id, 20.0)
                     for _ in range(round(base * self.config.incident_settings.surge_multiplier))]
        products = {p.product_id: p for p in self.products}
        for seq, (intent, incident_id, reach_boost) in enumerate(plan, start=1):
            moment = datetime.combine(day, time()) + timedelta(seconds=self._second_of_day(rng))
            product = None
            if incident_id and surge and incident_id == surge.id:
                product = products[surge.product_id]
                site = weighted(rng, (("weibo", 0.5), ("douyin", 0.3), ("xiaohongshu", 0.2)))
            else:
                site = weighted(rng, SITES)
                if incident_id and defect and incident_id == defect.id:
                    product = products[defect.product_id]
            mention_product = product or self.products_on(day)[0][rng.randrange(len(self.products_on(day)[0]))]
            carrier = delay.carrier if incident_id and delay and incident_id == delay.id else None
            region = delay.region if carrier else None
            slots = self.slots(rng, product=mention_product, carrier=carrier, region=region, day=day)
            lang = text.pick_language(rng)
            body = text.render(intent, lang, slots, rng, channel="post", detail_rate=0.4)
            if rng.random() < 0.3:
                tags = ["@鲜选官方 ", "#鲜选# ", "@FreshPick "]
                if date(day.year, 10, 20) <= day <= date(day.year, 11, 11):
                    tags.append("#双11# ")
                elif date(day.year, 10, 1) <= day <= date(day.year, 10, 7):
                    tags.append("#国庆# ")
                body = rng.choice(tags) + body
            reach = int(rng.paretovariate(1.3) * 40 * reach_boost)
            mention_id = f"SM{day:%y%m%d}{seq:05d}"
            platform = rng.choice(catalog.PLATFORMS) if rng.random() < 0.5 else None
            label = VoiceLabel(intent, lang, incident_id)
            handle = f"{rng.choice(['', 'user_', '小', 'the_'])}{rng.randrange(16**6):06x}"
            ok = self.pending.add("social_mentions", moment, mention_id, {
                "mention_id": mention_id, "site": site, "author_handle": handle, "text": body, "reach": reach,
                "product_id": mention_product.product_id if (product or rng.random() < 0.4) else None,
                "mentioned_platform": self.raw_platform(platform, rng) if platform else None,
                "posted_at": ts(moment, None)}, label)
            if ok:
                group = "surge" if in_surge else "normal"
                stat = self.stats.social[group]
                stat[0] += 1
                stat[1] += label.sentiment == "negative"
                stat[2] += reach
                if incident_id:
                    self.stats.incident_voice[incident_id] += 1
