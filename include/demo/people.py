"""Customers (persons) and their platform accounts."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from include.demo.catalog import PLATFORM_WEIGHTS, PLATFORMS, USER_ID_PREFIX
from include.privacy.keys import hash_key, normalise_phone, phone_hash

# The producer's phone hash (phone_hash, re-exported here) is HMAC-SHA256 of the normalised number
# under the installation's PII key (EE_PII_HASH_KEY or <EE_DATA_DIR>/.pii_hash_key), so it cannot
# be reversed by enumerating numbers.

__all__ = ["Account", "Population", "build_population", "normalise_phone", "phone_hash"]

PERSONS_PER_SCALE = 9000
NO_PHONE_RATE = 0.07

_NICK_A = ("小", "大", "阿", "快乐的", "爱吃", "努力的", "佛系", "温柔", "暴躁", "甜甜")
_NICK_B = ("熊", "猫咪", "鱼", "兔子", "橙子", "豆豆", "西瓜", "团子", "宝宝", "星星", "吃货")
_NICK_EN = ("lily", "momo", "kevin", "coco", "jack", "nana", "leo", "yuki", "amy", "tony")


@dataclass(frozen=True, slots=True)
class Account:
    platform: str
    user_id: str
    phone_hash: str | None
    nickname: str | None
    registered_at: datetime  # local time
    person: int
    weight: float


class Population:
    """All accounts, sorted by registration, with weighted sampling of the active ones."""

    def __init__(self, accounts: list[Account]):
        self.accounts = sorted(accounts, key=lambda a: (a.registered_at, a.platform, a.user_id))
        self._reg = [a.registered_at for a in self.accounts]
        self._cum: list[float] = []
        total = 0.0
        for a in self.accounts:
            total += a.weight
            self._cum.append(total)

    def registered_on(self, day: date) -> list[Account]:
        lo = bisect.bisect_left(self._reg, datetime.combine(day, time()))
        hi = bisect.bisect_left(self._reg, datetime.combine(day + timedelta(days=1), time()))
        return self.accounts[lo:hi]

    def registered_before(self, day: date) -> list[Account]:
        return self.accounts[: bisect.bisect_left(self._reg, datetime.combine(day, time()))]

    def pick(self, day: date, rng: random.Random) -> Account:
        """A random account registered before ``day``, weighted by activity."""
        k = bisect.bisect_left(self._reg, datetime.combine(day, time()))
        if k == 0:
            raise ValueError("no account is registered before the first day")
        r = rng.random() * self._cum[k - 1]
        return self.accounts[min(k - 1, bisect.bisect_right(self._cum, r, 0, k))]


def _nickname(rng: random.Random) -> str | None:
    r = rng.random()
    if r < 0.15:
        return None
    if r < 0.75:
        return rng.choice(_NICK_A) + rng.choice(_NICK_B) + (str(rng.randint(1, 999)) if rng.random() < 0.4 else "")
    return f"{rng.choice(_NICK_EN)}_{rng.randint(1, 9999)}"


def build_population(start: date, days: int, scale: float, rng: random.Random) -> Population:
    """Persons with 1-3 platform accounts sharing a phone hash (7 % of accounts lack it).

    About 88 % of accounts exist before the window; the rest register during it.
    """
    n_persons = max(50, int(PERSONS_PER_SCALE * scale))
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    accounts: list[Account] = []
    key = hash_key()  # read once, not per person
    for person in range(n_persons):
        while True:
            phone = "1" + rng.choice("3456789") + f"{rng.randrange(10**9):09d}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        if rng.random() < 0.3:  # how people type phone numbers differs; the hash does not
            phone = rng.choice(["+86 ", "0086-", "+86-"]) + phone
        hashed = phone_hash(phone, key=key)
        n_platforms = 1 if rng.random() < 0.55 else (2 if rng.random() < 0.67 else 3)
        platforms: list[str] = []
        while len(platforms) < n_platforms:
            p = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
            if p not in platforms:
                platforms.append(p)
        activity = rng.lognormvariate(0, 0.9)
        for p in platforms:
            while True:
                uid = f"{USER_ID_PREFIX[p]}{rng.randrange(10**7, 10**10)}"
                if uid not in used_ids:
                    used_ids.add(uid)
                    break
            if rng.random() < 0.88:
                reg = datetime.combine(start, time()) - timedelta(seconds=rng.randrange(86400, 1500 * 86400))
            else:
                reg = datetime.combine(start, time()) + timedelta(seconds=rng.randrange(0, days * 86400))
            accounts.append(Account(p, uid, None if rng.random() < NO_PHONE_RATE else hashed,
                                    _nickname(rng), reg, person, activity / len(platforms)))
    return Population(accounts)
