"""Charts of the weekly report: Vega-Lite specs built with altair, rendered by vl-convert to
SVG (inlined in the page: no JavaScript, so the page opens offline and in mail clients) and to
PNG (the chart images beside the page).

Every chart has a title, axis titles with units and a one-sentence takeaway computed from its
data. Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies). Chinese text renders with Noto Sans CJK when installed (Debian
``fonts-noto-cjk``; ``make test`` installs it), registered with vl-convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from include.report.i18n import TEXT, driver_name, number, percent, signed

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FONT = "Noto Sans CJK SC, Noto Sans, Arial, sans-serif"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")


@dataclass
class Chart:
    """One rendered chart."""

    key: str
    title: str
    takeaway: str
    svg: str
    png: bytes


@lru_cache(maxsize=1)
def _fonts_registered() -> bool:
    import vl_convert as vlc

    found = False
    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
            found = True
    return found


def _render(key: str, chart, title: str, takeaway: str) -> Chart:
    import vl_convert as vlc

    _fonts_registered()
    spec = chart.properties(title=title, width=560, height=220).configure(font=FONT).configure_range(
        category=OKABE_ITO).to_json()
    return Chart(key, title, takeaway, vlc.vegalite_to_svg(spec), vlc.vegalite_to_png(spec, scale=2))


def nps_trend(frame: pd.DataFrame, lang: str) -> Chart | None:
    """NPS per week with its 95 % interval (``frame``: week, answers, promoters, detractors)."""
    import altair as alt

    from include.report.data import nps_stats

    if frame.empty:
        return None
    t = TEXT[lang]
    rows = []
    for r in frame.itertuples():
        value, se = nps_stats(int(r.promoters), int(r.detractors), int(r.answers))
        rows.append({"week": pd.Timestamp(r.week).strftime("%m-%d"), "nps": value,
                     "low": max(-100, value - 1.96 * se), "high": min(100, value + 1.96 * se)})
    data = pd.DataFrame(rows)
    x = alt.X("week:O", title=f"{t['week_axis']} (Mon)" if lang == "en" else "周（周一）")
    band = alt.Chart(data).mark_area(opacity=0.25, color=OKABE_ITO[0]).encode(x=x, y="low:Q", y2="high:Q")
    line = alt.Chart(data).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=x, y=alt.Y("nps:Q", title=f"NPS ({t['points']})"))
    last = data.iloc[-1]
    mean = float((frame["promoters"].sum() - frame["detractors"].sum()) / frame["answers"].sum() * 100)
    position = ("高于" if last.nps > mean else "低于") if lang == "zh" else ("above" if last.nps > mean else "below")
    takeaway = (f"本周 NPS {number(last.nps, lang)}（95% 区间 {number(last.low, lang)}–{number(last.high, lang)}），"
                f"{position} {len(data)} 周合计的 {number(mean, lang)}。" if lang == "zh" else
                f"NPS {number(last.nps, lang)} this week (95 % interval {number(last.low, lang)} to "
                f"{number(last.high, lang)}), {position} the {len(data)}-week figure of {number(mean, lang)}.")
    return _render("nps_trend", band + line, f"{t['nps']} · {t['trends']}", takeaway)


def volume_trend(frame: pd.DataFrame, lang: str) -> Chart | None:
    """Customer voices per week and service element, stacked."""
    import altair as alt

    if frame.empty:
        return None
    t = TEXT[lang]
    data = frame.assign(week=pd.to_datetime(frame["week"]).dt.strftime("%m-%d"))
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("week:O", title="周（周一）" if lang == "zh" else "Week (Mon)"),
        y=alt.Y("sum(interactions):Q", title="条" if lang == "zh" else "voices"),
        color=alt.Color("service_element:N", title=t["element"]))
    weekly = data.groupby("week")["interactions"].sum()
    last = data[data["week"] == weekly.index[-1]].set_index("service_element")["interactions"]
    prev = data[data["week"] == weekly.index[-2]].set_index("service_element")["interactions"] \
        if len(weekly) > 1 else last * 0
    growth = (last - prev.reindex(last.index).fillna(0)).sort_values()
    top = growth.index[-1]
    takeaway = (f"本周共 {number(weekly.iloc[-1], lang, 0)} 条客户声音，增长最多的是「{top}」"
                f"（{signed(growth.iloc[-1], lang, 0)} 条）。" if lang == "zh" else
                f"{number(weekly.iloc[-1], lang, 0)} voices this week; '{top}' grew most "
                f"({signed(growth.iloc[-1], lang, 0)}).")
    return _render("volume_trend", chart, f"{t['volume']} · {t['trends']}", takeaway)


def unpaid_trend(frame: pd.DataFrame, lang: str) -> Chart | None:
    """Unpaid rate per week (orders not paid within 30 minutes / orders placed)."""
    import altair as alt

    if frame.empty:
        return None
    t = TEXT[lang]
    data = frame.assign(week=pd.to_datetime(frame["week"]).dt.strftime("%m-%d"),
                        rate=frame["unpaid_orders"] / frame["orders"])
    chart = alt.Chart(data).mark_line(point=True, color=OKABE_ITO[3]).encode(
        x=alt.X("week:O", title="周（周一）" if lang == "zh" else "Week (Mon)"),
        y=alt.Y("rate:Q", title=f"{t['unpaid_rate']} (%)", axis=alt.Axis(format="%")))
    peak = data.loc[data["rate"].idxmax()]
    last = data.iloc[-1]
    takeaway = (f"本周未支付率 {percent(last.rate, lang)}，近 8 周最高为 {peak.week} 周的 {percent(peak.rate, lang)}。"
                if lang == "zh" else
                f"Unpaid rate {percent(last.rate, lang)} this week; the 8-week high was {percent(peak.rate, lang)} "
                f"in the week of {peak.week}.")
    return _render("unpaid_trend", chart, f"{t['unpaid_rate']} · {t['trends']}", takeaway)


def topic_movers(frame: pd.DataFrame, lang: str) -> Chart | None:
    """The topics whose volume changed most since last week."""
    import altair as alt

    if frame.empty:
        return None
    t = TEXT[lang]
    data = frame.assign(direction=frame["change"].map(lambda c: t["rising"] if c >= 0 else t["falling"]))
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("topic_label:N", sort="-x", title=t["topic"]),
        x=alt.X("change:Q", title=f"{t['change']} ({'条' if lang == 'zh' else 'voices'})"),
        color=alt.Color("direction:N", title="", scale=alt.Scale(range=[OKABE_ITO[3], OKABE_ITO[0]])))
    top = data.iloc[0]
    takeaway = (f"变化最大的话题是「{top.topic_label}」：{signed(top.change, lang, 0)} 条，负面占比 "
                f"{percent(top.negative_share, lang, 0)}。" if lang == "zh" else
                f"The biggest mover is '{top.topic_label}': {signed(top.change, lang, 0)} voices, "
                f"{percent(top.negative_share, lang, 0)} negative.")
    return _render("topic_movers", chart, t["movers"], takeaway)


def topic_map(frame: pd.DataFrame, lang: str) -> Chart | None:
    """Every active topic of the week: volume (log) vs negative share, sized by volume."""
    import altair as alt

    if frame.empty:
        return None
    t = TEXT[lang]
    chart = alt.Chart(frame).mark_circle(opacity=0.7).encode(
        x=alt.X("interaction_count:Q", scale=alt.Scale(type="log"),
                title=f"{t['count']} ({'条，对数轴' if lang == 'zh' else 'voices, log scale'})"),
        y=alt.Y("negative_share:Q", title=f"{t['negative_share']} (%)", axis=alt.Axis(format="%")),
        size=alt.Size("interaction_count:Q", legend=None),
        color=alt.Color("topic_service_element:N", title=t["element"]),
        tooltip=["topic_label:N", "interaction_count:Q", "negative_share:Q"])
    hot = frame[frame["negative_share"] >= 0.5]
    worst = hot.sort_values("interaction_count").iloc[-1] if len(hot) else None
    count = len(frame)
    if worst is None:
        takeaway = (f"本周 {count} 个话题，没有以负面为主的话题。" if lang == "zh" else
                    f"{count} topics this week; none is mostly negative.")
    else:
        takeaway = (f"本周 {count} 个话题中 {len(hot)} 个以负面为主，最大的是「{worst.topic_label}」"
                    f"（{number(worst.interaction_count, lang, 0)} 条）。" if lang == "zh" else
                    f"{len(hot)} of {count} topics are mostly negative; the largest is '{worst.topic_label}' "
                    f"({number(worst.interaction_count, lang, 0)} voices).")
    return _render("topic_map", chart, t["topic_map"], takeaway)


def drivers(frame: pd.DataFrame, lang: str) -> Chart | None:
    """Operational key drivers: regression-adjusted impact in NPS points."""
    import altair as alt

    if frame.empty or frame["impact_adjusted"].isna().all():
        return None
    t = TEXT[lang]
    data = frame.dropna(subset=["impact_adjusted"])
    data = data.assign(driver=data["driver"].map(lambda d: driver_name(d, lang)))
    chart = alt.Chart(data).mark_bar(color=OKABE_ITO[3]).encode(
        y=alt.Y("driver:N", sort="x", title=t["driver"]),
        x=alt.X("impact_adjusted:Q", title=f"{t['impact']}"))
    top = data.sort_values("impact_adjusted").iloc[0]
    takeaway = (f"最该先解决：「{top.driver}」，使整体 NPS 降低 {number(-top.impact_adjusted, lang)} 点"
                f"（{int(top.n_with)} 份回答受影响）。" if lang == "zh" else
                f"Fix first: '{top.driver}', which costs {number(-top.impact_adjusted, lang)} NPS points "
                f"overall ({int(top.n_with)} answers affected).")
    return _render("drivers", chart, t["drivers"], takeaway)


def all_charts(data, lang: str) -> list[Chart]:
    """The report's charts, in page order (missing inputs skip a chart)."""
    made = [nps_trend(data.trends["nps"], lang), volume_trend(data.trends["volume"], lang),
            unpaid_trend(data.trends["unpaid"], lang), topic_movers(data.topic_movers, lang),
            topic_map(data.topic_map, lang), drivers(data.drivers, lang)]
    return [c for c in made if c is not None]
