"""Labels, prose and number formats of the weekly report in Chinese and English (babel for
locale-aware numbers)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LANGS = ("zh", "en")
LOCALES = {"zh": "zh_CN", "en": "en_US"}

TEXT = {
    "zh": {
        "title": "客户体验周报", "week": "周", "generated": "生成时间", "data_through": "数据截至",
        "kpis": "核心指标", "alerts": "风险预警", "movers": "变化最大的话题与服务要素", "emerging": "新出现的问题",
        "drivers": "NPS 关键驱动因素（优先解决）", "findings": "商品洞察", "unpaid": "下单未支付诊断",
        "topic_map": "话题地图", "trends": "近 8 周趋势", "quality": "数据质量与链接",
        "nps": "净推荐值 NPS", "csat": "满意度 CSAT", "smart_resolution_rate": "智能解决率",
        "unpaid_rate": "未支付率", "volume": "客户声音量", "vs_last_week": "较上周",
        "significant": "显著", "not_significant": "不显著", "no_alerts": "本周没有风险预警。",
        "severity": "级别", "status": "状态", "entity": "对象", "first_seen": "首次出现", "observed": "观测值",
        "expected": "预期值", "example": "示例", "topic": "话题", "element": "服务要素", "change": "变化",
        "count": "数量", "negative_share": "负面占比", "rising": "上升最多", "falling": "下降最多",
        "product": "商品", "finding": "发现", "mentions": "提及", "quotes": "原声（已脱敏）",
        "driver": "驱动因素", "impact": "影响（NPS 点）", "ci": "95% 区间", "effect_ci": "单份回答效应 95% 区间", "answers": "份回答",
        "promotion": "活动", "top_reason": "首要原因", "reasons_mix": "原因构成", "baseline": "基线",
        "recovery": "待跟进订单", "recovered_gmv": "已挽回 GMV", "expected_recovery": "预计可挽回",
        "orders": "单", "data_docs": "GX 数据校验报告", "dbt_docs": "dbt 文档", "validation": "校验状态",
        "freshness": "数据新鲜度", "published_tables": "张表已发布", "none": "无", "week_axis": "周",
        "share": "占比", "points": "点", "no_data": "本周无数据。", "emerging_none": "本周没有新出现的问题。",
        "takeaway": "要点",
    },
    "en": {
        "title": "Customer experience weekly", "week": "Week", "generated": "Generated", "data_through": "Data through",
        "kpis": "Headline KPIs", "alerts": "Risk alerts", "movers": "Top movers: topics and service elements",
        "emerging": "New and emerging issues", "drivers": "Key drivers of NPS (fix first)", "findings": "Product findings",
        "unpaid": "Ordered but not paid", "topic_map": "Topic map", "trends": "Last 8 weeks",
        "quality": "Data quality and links", "nps": "NPS", "csat": "CSAT", "smart_resolution_rate": "Smart resolution rate",
        "unpaid_rate": "Unpaid rate", "volume": "Customer voice volume", "vs_last_week": "vs last week",
        "significant": "significant", "not_significant": "not significant", "no_alerts": "No risk alert this week.",
        "severity": "Severity", "status": "Status", "entity": "About", "first_seen": "First seen", "observed": "Observed",
        "expected": "Expected", "example": "Example", "topic": "Topic", "element": "Service element", "change": "Change",
        "count": "Count", "negative_share": "Negative share", "rising": "Rising most", "falling": "Falling most",
        "product": "Product", "finding": "Finding", "mentions": "Mentions", "quotes": "Quotes (PII-redacted)",
        "driver": "Driver", "impact": "Impact (NPS points)", "ci": "95 % interval",
        "effect_ci": "Per-answer effect, 95 % interval", "answers": "answers",
        "promotion": "Promotion", "top_reason": "Top reason", "reasons_mix": "Reasons mix", "baseline": "baseline",
        "recovery": "Orders to follow up", "recovered_gmv": "Recovered GMV", "expected_recovery": "Expected recovery",
        "orders": "orders", "data_docs": "GX data docs", "dbt_docs": "dbt docs", "validation": "Validation",
        "freshness": "Freshness", "published_tables": "tables published", "none": "none", "week_axis": "Week",
        "share": "Share", "points": "points", "no_data": "No data this week.",
        "emerging_none": "No new or emerging issue this week.", "takeaway": "Takeaway",
    },
}


def number(value, lang: str, digits: int = 1) -> str:
    """A number for the locale (grouping, decimals); an em dash for a missing value."""
    if value is None or value != value:  # NaN
        return "—"
    return format_decimal(round(float(value), digits), format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                          locale=LOCALES[lang])


def percent(value, lang: str, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage for the locale."""
    if value is None or value != value:
        return "—"
    return format_percent(float(value), format=f"#,##0.{'0' * digits}%", locale=LOCALES[lang])


def signed(value, lang: str, digits: int = 1, pct: bool = False) -> str:
    """A change with its sign (+1.2 / −3.4 / +2.0 %)."""
    if value is None or value != value:
        return "—"
    text = percent(abs(value), lang, digits) if pct else number(abs(value), lang, digits)
    return ("+" if value >= 0 else "−") + text


DRIVER_NAMES = {
    "had_late_delivery": ("配送延误", "late delivery"), "had_lost_parcel": ("包裹丢失", "lost parcel"),
    "had_failed_payment": ("支付失败", "failed payment"), "had_transfer_to_human": ("转人工", "transfer to a human"),
    "had_unresolved_session": ("咨询未解决", "unresolved service session"),
    "had_product_complaint": ("商品质量投诉", "product-quality complaint"),
}


def driver_name(driver: str, lang: str) -> str:
    """A readable name for a key-driver code (operational flags; themes keep their label)."""
    names = DRIVER_NAMES.get(driver)
    return names[0 if lang == "zh" else 1] if names else driver
