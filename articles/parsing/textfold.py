"""Same-length folding of text for matching: traditional → simplified, width, punctuation.

Every rule module matches against `fold(text)` rather than `text`, so one regex serves
簡體 and 繁體 pages alike. The fold maps one character to exactly one character, so an
offset found in the folded text is the same offset in the original: quotes and spans are
always cut from the text as printed.

Speed: `str.translate` with a dict looks up every character in Python's mapping protocol;
most text has no foldable character at all, so `fold` finds the foldable characters with
one precompiled character class (a C scan) and replaces only those.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Traditional forms that occur in investment news, mapped to simplified. Only
# one-to-one pairs: a multi-character mapping would break offsets.
_TRAD = (
    "億亿萬万簽签約约開开項项資资總总額额產产發发區区園园設设業业華华東东廣广電电"
    "協协議议達达實实際际餘余個个幾几兩两將将來来於于與与稅税營营銷销補补貼贴勵励"
    "專专導导規规場场標标動动運运轉转歐欧幣币點点過过約约計计劃划擬拟預预總总礎础"
    "頭头兒儿貨货據据權权組组織织網网絡络體体車车廠厂線线礦矿鋼钢鐵铁機机械械裝装"
    "備备製制樂乐縣县廳厅門门員员龍龙鄉乡灣湾島岛陽阳慶庆寧宁遼辽蘇苏嶺岭濱滨漢汉"
    "澤泽滬沪陝陕貴贵雲云廈厦臺台馬马億亿億亿漲涨區区頓顿貿贸進进務务態态費费維维"
    "舉举辦办們们這这為为創创術术產产訊讯記记聯联興兴築筑徵征獎奖勵励紀纪錄录億亿"
    "擴扩續续優优質质數数億亿萬万簽签訂订約约暨暨竣竣啟启動动奠奠準准備备擊击億亿"
    "層层藝艺愛爱聖圣張张陳陈劉刘楊杨趙赵黃黄吳吴鄭郑謝谢韓韩馮冯鄧邓蕭萧許许羅罗"
    "億亿兆兆圓圆參参貳贰陸陆國国經经濟济醫医藥药環环綠绿儲储鋰锂氫氢軟软換换儀仪統统"
    "産产絶绝單单價价長长閉闭線线庫库號号間间後后並并積积極极與与邊边"
)
# Financial (anti-forgery) numerals and the circled zero, folded to ordinary numerals.
_NUMERALS = "壹一贰二貳二叁三肆四伍五柒七捌八玖九拾十佰百仟千〇零"
# ASCII punctuation that clean.normalise makes full-width; fold it to full-width too.
_PUNCT = ";；:：(（)）!！?？"  # "," stays: it is also a thousands separator


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for src in (_TRAD, _NUMERALS, _PUNCT):
        for i in range(0, len(src) - 1, 2):
            a, b = src[i], src[i + 1]
            if a != b:
                table[ord(a)] = ord(b)
    # Full-width digits and Latin letters → ASCII (NFKC would too, keeping length).
    for code in range(0xFF10, 0xFF1A):
        table[code] = code - 0xFF10 + ord("0")
    for code in range(0xFF21, 0xFF3B):
        table[code] = code - 0xFF21 + ord("A")
    for code in range(0xFF41, 0xFF5B):
        table[code] = code - 0xFF41 + ord("a")
    table[0xFF0E] = ord(".")  # ．
    table[0x3000] = ord(" ")  # ideographic space
    return table


_TABLE = _build_table()
_CHARS = {chr(k): chr(v) for k, v in _TABLE.items()}
_FOLDABLE = re.compile("[" + "".join(re.escape(c) for c in sorted(_CHARS)) + "]")


def _replace(match: re.Match) -> str:
    return _CHARS[match.group()]


@lru_cache(maxsize=256)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    return _FOLDABLE.sub(_replace, text) if _FOLDABLE.search(text) else text


def fold(text: str) -> str:
    """`text` with traditional forms and widths folded; `len(fold(t)) == len(t)` always."""
    if len(text) <= 4096:
        return _fold_cached(text)
    return _fold(text)
