"""Money as printed in Chinese news → `Amount` (Decimal, ISO currency, approximate flag).

This module only finds and normalises sums of money; whether a sum is an *investment*
is decided by `extract.py`, which looks at the words around it.

Accepted shapes (matched on `textfold.fold(text)`, so 億元/萬元 work too):
- Arabic or Chinese numerals: 15亿元, 1,200万元, 1.2万亿元, 十二亿元, 一百二十亿, 两亿, 三千万元;
- a multiplier (万, 亿, 万亿, 千万, 百万, 十万, 千亿, 百亿) and/or a currency (元, 人民币,
  美元, 欧元, 港元, 日元, 英镑 …, also a prefix: 人民币15亿元, 美元5000万);
  a bare multiplier without currency (120亿, 3000万) is CNY unless a counted noun follows
  (5万平方米, 1万人, 10亿颗 are not money);
- a counted multiplier as spoken: 3个亿, 4个亿 (= 3亿, 4亿; CNY);
- a prefix currency of Taiwan pages: 新台币80亿元 / 新臺幣80億元 → TWD;
- approximate markers before (约, 近, 超, 逾, 超过, 将近, 上百亿…) or after (余, 多, 左右, 以上,
  许) the number;
- 亿 and 万 in one number: 三亿五千万元, 3亿5000万元 → 350000000;
- ranges: 10亿—12亿元, 10至12亿元, 10-12亿美元 → `value` lower bound, `value_max` upper.
Vague quantities (数十亿元, 几百万元, 上亿元) are not amounts: they have no value. A magnitude
with a bound is one ("超百亿元", "逾百亿元", "上百亿元" → 100亿, approximate), but a size
class is not: 百亿级项目, 千亿级产业集群, 十亿元级 name a league, not a sum (级 after it).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .textfold import fold
from .types import Amount

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}

# Multipliers after the number, longest first.
_MULTIPLIERS = {
    "万亿": Decimal(10) ** 12,
    "千亿": Decimal(10) ** 11,
    "百亿": Decimal(10) ** 10,
    "十亿": Decimal(10) ** 9,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "十万": Decimal(10) ** 5,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
}
# Currency words after the number (longest first) → ISO 4217.
_CURRENCIES = {
    "元人民币": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
    "韩元": "KRW",
    "新加坡元": "SGD",
    "新元": "SGD",
    "澳元": "AUD",
    "加元": "CAD",
    "瑞士法郎": "CHF",
    "法郎": "CHF",
    "卢布": "RUB",
    "新台币": "TWD",
    "台币": "TWD",
    "泰铢": "THB",
}
_PREFIX_CURRENCIES = {
    "人民币": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "港币": "HKD",
    "港元": "HKD",
    "新台币": "TWD",  # 新臺幣80億元 (folded): Taiwan pages put the currency first
    "台币": "TWD",
}
# Spoken "3个亿", "4个亿": a count of 亿 (or 万) is the same sum as 3亿.
_COUNTED_MULTIPLIERS = ("亿", "万", "千万", "百万")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = r"[一二两三四五六七八九十百千零]+(?:点[零一二三四五六七八九]+)?"
# 亿 and 万 inside one number: 三亿五千万, 3亿5000万 (read as one value, not two amounts).
_MIXED = r"(?:\d+|[一二两三四五六七八九十百千零]+)亿(?:\d{1,4}|[一二两三四五六七八九十百千零]+)万"
_NUM = rf"(?:{_MIXED}|{_ARABIC}|{_CHINESE})"
_MUL = _alt(_MULTIPLIERS)
_CUR = _alt(_CURRENCIES)
_APPROX_IN = r"余|多"
_RANGE_SEP = r"\s?(?:—{1,2}|－|-|–|~|～|至|到)\s?"

# The guard (?=[…]) lists every character an amount can open with (a digit, a Chinese
# numeral, a prefix currency): positions that cannot open one fail at once instead of
# exploring the optional groups (2.5× faster scans, same matches).
_AMOUNT_RE = re.compile(
    rf"""
    (?=[\d一二两三四五六七八九十百千零人美欧港新台])
    (?<![\d.])
    (?P<pcur>{_alt(_PREFIX_CURRENCIES)})?
    (?:(?P<lo>{_NUM})(?P<lomul>{_MUL})?(?:{_CUR})?{_RANGE_SEP})?
    (?P<num>{_NUM})
    (?P<in1>{_APPROX_IN})?
    (?P<ge>个(?=亿|万|千万|百万))?
    (?P<mul>{_MUL})?
    (?P<in2>{_APPROX_IN})?
    (?P<cur>{_CUR})?
    (?P<post>左右|以上|上下|许)?
    """,
    re.VERBOSE,
)
# Approximate markers just before a number.
# 约 of 签约/合约/履约 … is a word of its own, not "about": "签约10亿元" is exact.
_APPROX_BEFORE = re.compile(
    r"(?:大约|约合|(?<![签合预节制履公条特违毁解])约|将近|接近|近|超过|超|逾|不少于|不低于|至少|高于|上)$"
)
# A bare multiplier ("3000万") followed by one of these counts things, not money.
_COUNTED = set("人次个件台套吨颗片只支平方千瓦度字条份张辆户家项粒米公亩根栋间位名盏株头册部架艘座块亿万")
_VAGUE_BEFORE = set("数几若")


def chinese_to_int(text: str) -> int | None:
    """Value of a Chinese numeral such as 一百二十, 十二, 两千三百, 三千; None if malformed."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and ch != "零":
                # Digit after digit without a unit: read as a digit string (二〇二二).
                digit = digit * 10 + _DIGITS[ch]
            else:
                digit = _DIGITS[ch] if ch != "零" else digit
        elif ch in _SMALL_UNITS:
            section += (digit if digit is not None else 1) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _to_decimal(num: str) -> Decimal | None:
    if num.endswith("万") and "亿" in num:
        yi, wan = num[:-1].split("亿", 1)
        high, low = _to_decimal(yi), _to_decimal(wan)
        return None if high is None or low is None else high * 10**8 + low * 10**4
    if num[0].isdigit():
        return Decimal(num.replace(",", ""))
    if "点" in num:
        whole, frac = num.split("点", 1)
        base = chinese_to_int(whole) if whole else 0
        if base is None:
            return None
        digits = "".join(str(_DIGITS[c]) for c in frac if c in _DIGITS)
        return Decimal(f"{base}.{digits}")
    value = chinese_to_int(num)
    return Decimal(value) if value is not None else None


def _whole(value: Decimal) -> Decimal:
    """Drop a meaningless fraction (1.20亿 → 120000000) and never keep an exponent."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _match_amount(m: re.Match, folded: str, original: str) -> tuple[int, int, Amount] | None:
    num, mul, cur, pcur = m.group("num"), m.group("mul"), m.group("cur"), m.group("pcur")
    if not (mul or cur or pcur):
        return None
    start, end = m.start(), m.end()
    if start > 0 and folded[start - 1] in _VAGUE_BEFORE:
        return None  # 数十亿元, 几百万元
    if not num[0].isdigit() and start > 0 and folded[start - 1] in "第":
        return None
    if folded.startswith("级", end):
        return None  # 百亿级项目, 千亿级产业集群: a size class
    if not (cur or pcur):
        nxt = folded[end : end + 1]
        if nxt and nxt in _COUNTED:
            return None
        if not mul:
            return None
    value = _to_decimal(num)
    if value is None or value <= 0:
        return None
    factor = _MULTIPLIERS[mul] if mul else Decimal(1)
    if pcur and cur == "元":
        currency = _PREFIX_CURRENCIES[pcur]  # 新台币80亿元, 美元5000万元: 元 is that currency's unit
    else:
        currency = _CURRENCIES.get(cur or "", None) or _PREFIX_CURRENCIES.get(pcur or "", "CNY")
    value_max = None
    if m.group("lo"):
        lo = _to_decimal(m.group("lo"))
        if lo is None:
            return None
        lo_factor = _MULTIPLIERS[m.group("lomul")] if m.group("lomul") else factor
        low, high = lo * lo_factor, value * factor
        if low <= 0 or low >= high:
            return None
        value, value_max = _whole(low), _whole(high)
    else:
        value = _whole(value * factor)
    approximate = bool(m.group("in1") or m.group("in2") or m.group("post"))
    before = _APPROX_BEFORE.search(folded, max(0, start - 4), start)
    if before and (before.group() != "上" or num[0] in "百千万"):
        approximate = True
        start = before.start()
    return (
        start,
        end,
        Amount(
            value=value,
            currency=currency,
            approximate=approximate,
            text=original[start:end],
            value_max=value_max,
        ),
    )


def find_amounts(
    text: str, lo: int = 0, hi: int | None = None, *, folded: str | None = None
) -> list[tuple[int, int, Amount]]:
    """Every sum of money in text[lo:hi], as (start, end, Amount) with offsets into `text`.

    `folded` is `fold(text)` when the caller has it already (it saves folding twice).
    """
    folded = fold(text) if folded is None else folded
    hi = len(text) if hi is None else hi
    found = []
    for m in _AMOUNT_RE.finditer(folded, lo, hi):
        mul, cur, pcur = m.group("mul", "cur", "pcur")
        if not (mul or cur or pcur):
            continue  # a bare number (a date, a count): _match_amount would refuse it
        hit = _match_amount(m, folded, text)
        if hit is not None:
            found.append(hit)
    return found


def parse_amount(text: str) -> Amount | None:
    """The first sum of money in `text`, or None."""
    hits = find_amounts(text)
    return hits[0][2] if hits else None


def format_value(value: Decimal) -> str:
    """Decimal → plain string without exponent, as the JSON contract wants."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# The word written after a number in each currency: the shortest word the reader takes for it.
_CURRENCY_WORDS: dict[str, str] = {}
for _word, _code in _CURRENCIES.items():
    if len(_word) < len(_CURRENCY_WORDS.get(_code, _word + "_")):
        _CURRENCY_WORDS[_code] = _word


def _number_text(value: Decimal) -> str:
    for word in ("亿", "万"):
        if value >= _MULTIPLIERS[word]:
            return format_value(value / _MULTIPLIERS[word]) + word
    return format_value(value)


def format_amount(
    value: Decimal, currency: str, *, approximate: bool = False, value_max: Decimal | None = None
) -> str:
    """The text `parse_amount` reads back as this amount: 120亿元, 约3.3亿美元, 6000万元, 10亿—12亿元.

    Editors see a stored amount in this form and type amounts the same way, so an edit form
    can show a value without ever printing raw yuan (`12000000000.0000`)."""
    text = _number_text(value)
    if value_max is not None:
        text = f"{text}—{_number_text(value_max)}"
    word = _CURRENCY_WORDS.get(currency)
    text = f"{text}{word}" if word else f"{text} {currency}"
    return f"约{text}" if approximate else text


def read_whole_amount(text: str) -> Amount | None:
    """The amount when `text` is one and nothing else ("约120亿元", " 3.3 亿美元 "), else None.

    For what people type into a form: spaces anywhere are ignored."""
    stripped = "".join(text.split())
    hits = find_amounts(stripped)
    if len(hits) == 1 and hits[0][0] == 0 and hits[0][1] == len(stripped):
        return hits[0][2]
    return None
