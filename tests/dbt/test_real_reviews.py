"""The service-element rules on real review text (../shared/data), landed as `reviews`."""

from __future__ import annotations

import pytest

from include.warehouse.real_reviews import DATASETS, read_dataset, run, write_landing
from tests.support import missing_resource

pytestmark = pytest.mark.shared_data
OTHER_SHARE_BOUND = 0.45  # measured on all 74,760 texts: 29 % (online_shopping) and 28 % (waimai)


@pytest.fixture(scope="module")
def review_data(shared_data):
    """The shared-data folder, skipping when the two review datasets are not in it."""
    root = shared_data
    missing = [name for name, (rel, _) in DATASETS.items() if not (root / rel).exists()]
    if missing:
        message = f"real review datasets {', '.join(missing)} not found under {root} (EE_SHARED_DATA)"
        missing_resource(message)
    return root


def test_landing_files_follow_the_reviews_contract(review_data, tmp_path):
    from include.landing.contract import Review

    reviews = read_dataset("online_shopping_10_cats", review_data, limit=300)
    per_day = write_landing(reviews, tmp_path)
    assert sum(per_day.values()) == 300
    import json

    for part in (tmp_path / "reviews").glob("dt=*/part-0000.jsonl"):
        for line in part.read_text(encoding="utf-8").splitlines():
            record = Review.model_validate(json.loads(line))
            assert record.text is None or not record.text.startswith("\ufeff")


@pytest.mark.slow
def test_other_share_on_real_reviews_is_bounded(review_data, tmp_path):
    out = run(tmp_path, limit=1500, shared_data=review_data)
    assert set(out["datasets"]) == set(DATASETS)
    for name, d in out["datasets"].items():
        assert d["reviews"] > 1000, name
        assert 0 < d["other_share"] < OTHER_SHARE_BOUND, (name, d)
