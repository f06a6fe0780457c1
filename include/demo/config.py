"""Generator settings and the injected incidents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from include.demo.catalog import Product, Promotion

INCIDENT_TYPES: tuple[str, ...] = ("delivery_delay", "product_defect", "coupon_failure", "social_surge")
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")


@dataclass(frozen=True)
class IncidentSettings:
    """Where and how strongly the default incidents strike (tunable in code and tests).

    Attributes:
        delay_carrier: carrier of the delivery-delay spike.
        delay_region: province of the delivery-delay spike.
        delay_late_rate: chance a shipment of that carrier/region is late during the spike.
        defect_product_index: which in-window launch (0-based) turns out defective.
        defect_after_days: days from launch until the defect shows.
        defect_rate: chance a delivered unit is defective after emergence.
        surge_product_id: product the social complaint surge is about.
        surge_days: length of the surge in days.
        surge_multiplier: surge posts per day as a multiple of normal daily posts.
        delay_week: week (0-based) of the delivery delay; ``None``: the middle week.
        surge_start_share: where in the window the social surge starts (0..1).
    """

    delay_carrier: str = "ZTO"
    delay_region: str = "广东"
    delay_late_rate: float = 0.75
    defect_product_index: int = 1
    defect_after_days: int = 10
    defect_rate: float = 0.55
    surge_product_id: str = "SKU10013"
    surge_days: int = 3
    surge_multiplier: float = 4.0
    delay_week: int | None = None
    surge_start_share: float = 0.7

    @classmethod
    def placed_by_seed(cls, seed: int, weeks: int = 8) -> IncidentSettings:
        """Incidents placed elsewhere, drawn from ``seed``: another carrier and region, another
        week for the delay, another launch for the defect, another product and start for the
        surge (``xe demo generate --incident-placement seeded``); the coupon failure stays on
        the latest festival promotion (it needs one). Used to check a detector tuned on the
        default placement."""
        import random

        from include.demo.catalog import REGIONS

        rng = random.Random(f"incident-placement-{seed}")
        carriers = ["SF", "YTO", "CAINIAO"]  # carriers big enough to see a one-region delay within a day
        regions = [r for r, _, w in REGIONS if w >= 9 and r != cls.delay_region]
        return cls(delay_carrier=rng.choice(carriers), delay_region=rng.choice(regions),
                   delay_week=rng.randrange(1, max(2, weeks - 1)), defect_product_index=rng.choice((0, 2)),
                   surge_product_id=rng.choice(("SKU10003", "SKU10009", "SKU10021", "SKU10027")),
                   surge_start_share=rng.choice((0.3, 0.45, 0.55, 0.85)))


@dataclass(frozen=True)
class DriverEffects:
    """How what happened to a customer lowers their NPS answer: the ground truth of the key drivers.

    Every answer starts from a baseline 0-10 score drawn from ``baseline`` (score, weight)
    pairs; each event that happened to the answer's order before the survey subtracts its
    penalty (points on the 0-10 scale), floored at 0. The realised impact of each driver on
    the generated answers is written to ``_ground_truth/drivers.json``.

    Attributes:
        late_delivery: the order was delivered after the promised time.
        lost_parcel: the parcel never arrived (the carrier logged an exception, no delivery).
        product_problem: the delivered unit was defective (the product-defect incident), or the
            customer complained after delivery that it was not fresh or not as described.
        failed_payment: at least one failed payment attempt before the order was paid.
        unresolved_session: a service session about the order ended unresolved before the survey.
        survey_rate: chance an order gets an NPS survey answer.
        survey_rate_with_issue: the same for an order with a delivery or product problem (late,
            lost, product problem): unhappy customers answer more often.
        defect_contact_rate: chance a customer with a defective unit contacts customer service.
        lost_rate: chance a shipped parcel is lost.
    """

    late_delivery: int = 3
    lost_parcel: int = 6
    product_problem: int = 5
    failed_payment: int = 1
    unresolved_session: int = 4
    survey_rate: float = 0.09
    survey_rate_with_issue: float = 0.2
    defect_contact_rate: float = 0.85
    lost_rate: float = 0.004
    baseline: tuple[tuple[int, float], ...] = (
        (10, 0.30), (9, 0.25), (8, 0.17), (7, 0.11), (6, 0.05), (5, 0.04), (4, 0.03), (3, 0.02), (2, 0.01),
        (1, 0.01), (0, 0.01))

    #: Driver names, in the order they are reported.
    NAMES = ("late_delivery", "lost_parcel", "product_problem", "failed_payment", "unresolved_session")

    def penalty(self, events: dict[str, bool]) -> int:
        """Total points subtracted for the events present (keys from ``NAMES``)."""
        return sum(getattr(self, name) for name in self.NAMES if events.get(name))


@dataclass(frozen=True)
class GeneratorConfig:
    """Everything one generator run depends on (output is a pure function of it).

    Attributes:
        weeks: number of weeks to generate.
        scale: volume multiplier (1.0 is about 185k interactions and 35k voice texts for 8 weeks).
        seed: random seed; same seed and settings give byte-identical files.
        start: first business day (local, Asia/Shanghai).
        out: landing directory; ``None`` means ``settings().landing_dir``.
        fmt: file format, one of ``jsonl``, ``csv``, ``parquet``.
        bad_row_rate: share of rows that get a deliberately malformed twin.
        incidents: which incident types to inject.
        incident_settings: where and how strongly they strike.
        driver_effects: how events lower NPS answers (the key-driver ground truth).
        quiet: suppress progress output.
    """

    weeks: int = 8
    scale: float = 1.0
    seed: int = 42
    start: date = date(2026, 9, 21)
    out: Path | None = None
    fmt: str = "jsonl"
    bad_row_rate: float = 0.0005
    incidents: tuple[str, ...] = INCIDENT_TYPES
    incident_settings: IncidentSettings = field(default_factory=IncidentSettings)
    driver_effects: DriverEffects = field(default_factory=DriverEffects)
    quiet: bool = True

    @property
    def days(self) -> int:
        return self.weeks * 7

    @property
    def end(self) -> date:
        """First day after the window (exclusive end)."""
        return self.start + timedelta(days=self.days)

    def validate(self) -> None:
        """Raise ``ValueError`` with a clear message for settings that cannot work."""
        if self.weeks < 1:
            raise ValueError(f"weeks must be >= 1, got {self.weeks}")
        if not 0 < self.scale <= 1000:
            raise ValueError(f"scale must be in (0, 1000], got {self.scale}")
        if self.fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {self.fmt!r}")
        if not 0 <= self.bad_row_rate <= 0.1:
            raise ValueError(f"bad_row_rate must be in [0, 0.1], got {self.bad_row_rate}")
        unknown = set(self.incidents) - set(INCIDENT_TYPES)
        if unknown:
            raise ValueError(f"unknown incident type(s): {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(INCIDENT_TYPES)}")


@dataclass(frozen=True)
class Incident:
    """One injected incident, resolved to concrete keys and dates (end inclusive)."""

    id: str
    type: str
    start: date
    end: date
    platform: str | None = None
    carrier: str | None = None
    region: str | None = None
    product_id: str | None = None
    promotion_id: str | None = None
    coupon_code: str | None = None
    description: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class IncidentPlan:
    """The incidents of one run, by type (absent types are ``None``)."""

    delivery_delay: Incident | None = None
    product_defect: Incident | None = None
    coupon_failure: Incident | None = None
    social_surge: Incident | None = None

    def all(self) -> list[Incident]:
        return [i for i in (self.delivery_delay, self.product_defect, self.coupon_failure, self.social_surge) if i]


def plan_incidents(config: GeneratorConfig, products: list[Product], promotions: list[Promotion]) -> IncidentPlan:
    """Place the requested incidents inside the window.

    * delivery_delay: ``delay_week`` (default the middle week), 7 days, one carrier and region: shipments
      promised for delivery in those days (a hub disruption) arrive days late.
    * product_defect: the chosen in-window launch, from ``defect_after_days`` after launch.
    * coupon_failure: the first two days of the latest festival promotion with a coupon that
      starts inside the window (else a weekend flash sale, else the new-customer coupon).
    * social_surge: ``surge_days`` days starting at ``surge_start_share`` (70 %) of the window.
    """
    s = config.incident_settings
    last = config.end - timedelta(days=1)
    chosen: dict[str, Incident] = {}
    if "delivery_delay" in config.incidents:
        week = config.weeks // 2 if s.delay_week is None else min(max(0, s.delay_week), config.weeks - 1)
        start = config.start + timedelta(days=7 * week)
        end = min(last, start + timedelta(days=6 if config.weeks > 1 else 2))
        chosen["delivery_delay"] = Incident(
            "INC-DELAY-1", "delivery_delay", start, end, carrier=s.delay_carrier, region=s.delay_region,
            description=f"{s.delay_carrier} shipments to {s.delay_region} arrive days past the promised time")
    if "product_defect" in config.incidents:
        launches = [p for p in products if p.launch_in_window]
        product = launches[min(s.defect_product_index, len(launches) - 1)]
        start = min(last, product.launched_on + timedelta(days=s.defect_after_days))
        chosen["product_defect"] = Incident(
            "INC-DEFECT-1", "product_defect", start, last, product_id=product.product_id,
            description=f"a batch defect of the newly launched {product.name_en} shows about "
                        f"{s.defect_after_days} days after launch")
    if "coupon_failure" in config.incidents:
        def starts_inside(p: Promotion) -> bool:
            return config.start <= p.starts_at.date() <= last - timedelta(days=1) and p.coupon_code is not None

        candidates = [p for p in promotions if p.festival and starts_inside(p)]
        candidates = candidates or [p for p in promotions if not p.festival and p.platform and starts_inside(p)]
        if candidates:
            promo = max(candidates, key=lambda p: p.starts_at)
            start = promo.starts_at.date()
        else:
            promo = next(p for p in promotions if p.promotion_id == "PROMO-NEWCUST")
            start = config.start + timedelta(days=config.days // 2)
        end = min(last, start + timedelta(days=1))
        chosen["coupon_failure"] = Incident(
            "INC-COUPON-1", "coupon_failure", start, end, platform=promo.platform,
            promotion_id=promo.promotion_id, coupon_code=promo.coupon_code,
            description=f"coupon {promo.coupon_code} of {promo.name_en} is rejected at payment; orders stay unpaid")
    if "social_surge" in config.incidents:
        start = config.start + timedelta(days=int(config.days * s.surge_start_share))
        end = min(last, start + timedelta(days=s.surge_days - 1))
        chosen["social_surge"] = Incident(
            "INC-SOCIAL-1", "social_surge", start, end, product_id=s.surge_product_id,
            description="a viral wave of negative posts (foreign object found in a snack) with high reach")
    return IncidentPlan(**chosen)
