"""Catalogue product names are masked before topics: whole names, short forms, whole words."""

from __future__ import annotations

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from ml.pipeline.jobs import topic_texts
from ml.pipeline.warehouse import read_product_names
from ml.topics.catalogue import CatalogueMask
from ml.topics.config import TopicConfig

NAMES = ["智能空气炸锅 Pro 5L", "Smart air fryer Pro 5L", "鲜牛奶 950ml", "Fresh milk 950ml", "电动牙刷", "Tea"]


def test_full_names_and_the_short_forms_customers_use_are_masked():
    mask = CatalogueMask.from_names(NAMES)
    assert mask.apply([
        "智能空气炸锅 Pro 5L 用了两天就漏油",
        "智能空气炸锅漏油",
        "the Smart Air Fryer Pro leaks oil",
        "fresh milk 950ml arrived sour",
        "电动牙刷充不进电",
    ]) == ["商品 用了两天就漏油", "商品漏油", "the product leaks oil", "product arrived sour", "商品充不进电"]


def test_latin_names_match_whole_words_only():
    mask = CatalogueMask.from_names(NAMES)
    assert mask.apply(["the steak was cold", "tea arrived cold", "smart service, fresh delivery"]) == [
        "the steak was cold", "product arrived cold", "smart service, fresh delivery"]


def test_case_and_whitespace_runs_do_not_hide_a_name_and_the_rest_of_the_text_is_kept():
    mask = CatalogueMask.from_names(NAMES)
    assert mask.apply(["  the SMART  air\tfryer PRO leaks  ", "智能空气炸锅  Pro   5L 很好", "smart air fryer pros"]) == [
        "  the product leaks  ", "商品 很好", "smart air fryer pros"]


def test_overlapping_names_take_the_leftmost_then_the_longest():
    mask = CatalogueMask.from_names(["Fresh milk 950ml", "milk powder"])
    assert mask.apply(["fresh milk powder"]) == ["product powder"]
    assert mask.apply(["fresh milk 950ml and milk powder"]) == ["product and product"]


def test_a_one_character_head_is_not_used():
    # "米 5kg" would otherwise mask every 米 (大米, 米饭, 厘米)
    mask = CatalogueMask.from_names(["米 5kg"])
    assert mask.apply(["大米有虫", "米 5kg 到了"]) == ["大米有虫", "商品 到了"]


def test_no_names_changes_nothing():
    mask = CatalogueMask.from_names([None, "", "  "])
    assert len(mask) == 0
    assert mask.apply(["智能空气炸锅漏油", None]) == ["智能空气炸锅漏油", ""]


@given(st.lists(st.text(max_size=40), max_size=20))
def test_texts_without_a_catalogue_name_are_unchanged(texts):
    mask = CatalogueMask.from_names(["智能空气炸锅 Pro 5L", "Smart air fryer Pro 5L"])
    out = mask.apply(texts)
    assert len(out) == len(texts)
    for before, after in zip(texts, out, strict=True):
        if "智能空气炸锅" not in before and "smart air fryer pro" not in " ".join(before.lower().split()):
            assert after == before


def _warehouse(path, products):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.fct_interactions (interaction_id varchar, text_redacted varchar)")
    if products is not None:
        con.execute("create table marts.dim_product (product_id varchar, product_name varchar, product_name_en varchar)")
        con.executemany("insert into marts.dim_product values (?, ?, ?)", products)
    con.close()
    return path


def test_topic_texts_masks_with_the_warehouse_catalogue(tmp_path):
    wh = _warehouse(tmp_path / "w.duckdb", [("SKU1", "智能空气炸锅 Pro 5L", "Smart air fryer Pro 5L"),
                                            ("SKU2", "鲜牛奶 950ml", None)])
    assert sorted(read_product_names(wh)) == ["Smart air fryer Pro 5L", "智能空气炸锅 Pro 5L", "鲜牛奶 950ml"]
    texts = ["智能空气炸锅漏油", "鲜牛奶过期了", "the smart air fryer pro 5L leaks", "快递太慢"]
    assert topic_texts(texts, TopicConfig(), wh) == ["商品漏油", "商品过期了", "the product leaks", "快递太慢"]
    assert topic_texts(texts, TopicConfig(mask_catalogue=False), wh) == texts


def test_topic_texts_without_a_catalogue_leaves_texts_alone(tmp_path):
    wh = _warehouse(tmp_path / "w.duckdb", None)
    assert read_product_names(wh) == []
    assert topic_texts(["智能空气炸锅漏油"], TopicConfig(), wh) == ["智能空气炸锅漏油"]
