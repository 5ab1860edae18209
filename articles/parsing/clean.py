"""Text of a page → clean paragraphs.

`normalise` makes every input format spell the same text the same way (NFKC, radical
code points from PDF fonts, Chinese punctuation). `clean_page` removes layout debris
(photo credits, captions, banners, edition markers, stray fragments from other
columns) and glues back sentences that the layout broke across lines, while keeping
headlines and intertitles on their own lines. Every pass is linear in the page size.
"""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement code points that PDF fonts emit for ordinary characters;
# NFKC leaves these alone (it does handle the Kangxi radicals U+2F00–U+2FD5).
_RADICALS = dict(
    zip(
        "⺁⺂⺃⺅⺆⺉⺊⺋⺌⺎⺏⺐⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳⺴⺶⺷⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄"
        "⻅⻆⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
        "厂乛乚亻冂刂卜㔾小兀尣尢巳幺彑彐忄心扌攵旡日月歺母民氵氺灬爫丬牛犭王疋目示礻竹糸纟罒罒㓁罓羊羊耂肀聿月臼艹艹艹虎衤覀西"
        "见角讠贝足车辶辶辶阝钅長镸长门阝雨青韦页风飞食飠饣首马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
        strict=True,
    )
)
# Kangxi radicals whose NFKC target is the traditional glyph variant, where simplified
# Chinese fonts use the radical for the simplified character (银行开⼾ → 开户, not 开戶).
_RADICALS.update({"⼾": "户", "⿈": "黄"})
_RADICAL_TABLE = str.maketrans(_RADICALS)
# Zero-width characters, soft hyphens and bidirectional controls (U+202A–U+202E,
# U+2066–U+2069, LRM/RLM): invisible in print, but an override can make article
# text display reversed, so they are dropped before anything else.
_INVISIBLE = str.maketrans(
    dict.fromkeys(
        "\x00\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069"
    )
)
_INVISIBLE_OR_RADICAL = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted({*_INVISIBLE, *_RADICAL_TABLE})) + "]"
)

# The compatibility characters of every Chinese page with their NFKC forms (ASCII marks,
# which compose with nothing): replacing them first gives what NFKC gives, and leaves most
# pages already normalised, so the costly full normalisation runs only when needed.
_NFKC_COMMON = (
    ("，", ","),
    ("：", ":"),
    ("；", ";"),
    ("（", "("),
    ("）", ")"),
    ("！", "!"),
    ("？", "?"),
    ("\u3000", " "),
    ("…", "..."),
)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# What counts as Chinese context for punctuation: ideographs, CJK and full-width punctuation.
_CJK_CONTEXT = f"{CJK}\u3000-\u303f\uff01-\uff5e“”‘’…—"
# A run of ASCII marks touching Chinese (a space apart at most) is Chinese punctuation.
# The guard (?=[ ,;:()!?]) names the characters a match can open with: other positions fail
# at once instead of testing the look-behind (same matches, several times faster).
_ASCII_PUNCT = re.compile(
    rf"(?=[ ,;:()!?])(?:(?<=[{_CJK_CONTEXT}]) ?[,;:()!?]{{1,8}}|[,;:()!?]{{1,8}} ?(?=[{_CJK_CONTEXT}]))"
)
_TO_FULL = str.maketrans(",;:()!?", "，；：（）！？")
_DOTS = re.compile(rf"(?<=[{_CJK_CONTEXT}])\.{{3,12}}|\.{{3,12}}(?=[{_CJK_CONTEXT}])")
_HSPACE = re.compile(r"[^\S\n]+")
# A space beside Chinese punctuation (deleted; matching only spaces is far cheaper than
# matching every punctuation mark).
_SPACE_AT_PUNCT = re.compile(r"(?= )(?: (?=[，。、；：！？（）])|(?<=[，。、；：！？（）]) )")
_BLANK_RUNS = re.compile(r"\n{3,}")


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, fast when the page is plain Chinese."""
    for wide, narrow in _NFKC_COMMON:  # what NFKC would make of them, at C speed
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):  # a quick check; most pages pass it
        return text
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """One spelling for every format: NFKC, radicals → ideographs, Chinese punctuation."""
    if _INVISIBLE_OR_RADICAL.search(text):  # rare: skip two whole-text translations
        text = text.translate(_INVISIBLE).translate(_RADICAL_TABLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = nfkc(text)  # also turns ，：（ into , : ( — restored below
    text = _ASCII_PUNCT.sub(lambda m: m.group().strip(" ").translate(_TO_FULL), text)
    if "..." in text:
        text = _DOTS.sub(lambda m: "…" * max(1, len(m.group()) // 3), text)
    text = _HSPACE.sub(" ", text)
    text = _SPACE_AT_PUNCT.sub("", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


# ---------------------------------------------------------------- page debris

_FINAL = "。！？!?…"
_CLOSERS = "”’」』）)"
# Punctuation that cannot start a sentence, and that a headline never ends with.
_NO_START = "，、。；：！？）」』”’%,.;:)?!"
_NO_END = "，、；：（“「《—-"
_SENTENCE_MARKS = re.compile(r"[，、；。]")
# A headline may enumerate with 、 ("签约、开工速递") but never holds a clause break.
_CLAUSE_MARKS = re.compile(r"[，；。]")
# Lines that are items of a list or fields of a form, never headlines:
# "1.齐鲁光谷激光产业园项目", "（2）…", "建设单位：…", "总投资：35亿元".
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[①-⑳])")
_FORM_FIELD = re.compile(
    rf"^[{CJK}]{{0,4}}(?:单位|内容|地点|时间|期限|规模|性质|名称|投资|金额|总额|进度|周期|面积|联系人|电话|地址)[：:]"
)

# A space between two Chinese characters separates phrases; one inside "Aurion Biotech" does not.
_PHRASE_GAP = re.compile(rf"(?<=[{CJK}\d”」』）]) (?=[{CJK}“「『（])")
_HEADLINE_QUESTION = re.compile(r"^(?![问答][：:])[^，；。！？!?]{4,30}[？！?!]$")
_CREDIT = re.compile(
    r"^(?:[（(]?\s*(?:图片|照片|图)\s*(?:来源|来自|提供|由)"
    r"|[（(]?(?:资料)?图片?[/／]"
    r"|摄影\s*[：:/／]"
    r"|[（(]?\s*(?:本报)?(?:特约)?(?:记者|通讯员)?\s*[^\s，。；]{0,12}\s*[/／ ]\s*摄(?:影)?\s*[）)]?$"
    r"|[（(]?\s*(?:资料图片?|资料照片|新华社发|视觉中国)\s*[）)]?$)"
)
_CAPTION = re.compile(r"^(?:图为|▲|△|[上下左右中]图[：:为]|图[①-⑩0-9]+[：:\s])")
_CREDIT_TAIL = re.compile(r"(?:[（(]\s*[^（）()]{1,20}\s*摄\s*[）)]|[/／ ]\s*摄)$")
_EDITION_TOKEN = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|星期[一二三四五六日天]|周[一二三四五六日天]"
    r"|第?[0-9一二三四五六七八九十]+版|\b[A-Z]?\d{1,3}\b"
    r"|(?:责任编辑|编辑|责编|美编|校对|版式|组版|电话|邮箱|E-?mail|来源|审核|初审|复审|终审|排版|供稿)\s*[：:]\s*\S+"
    r"|[（(]?[上下][转接]第?[0-9一二三四五六七八九十]+版[）)]?|[-—\s]"
)
_ONLY_SYMBOLS = re.compile(r"^[\W_]+$")
# Characters no edition token can consume, except through a "编辑：…" style field.
_NON_TOKEN_CHAR = re.compile(r"[^\d年月日星期一二三四五六七八九十天周第版A-Z上下转接（()）\-—\s]")
# A running page head/foot of a PDF: "2023年5月12日 星期五 第3版 综合新闻". A full date plus a
# weekday or edition number, and at most a section name (≤ 8 characters) besides.
_RUNNING_HEAD_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_RUNNING_HEAD_MARK = re.compile(r"星期[一二三四五六日天]|第?[0-9一二三四五六七八九十]+版")
_SECTION_NAME_MAX = 8
# The account and time stamp of a WeChat post: "成都高新区 2024-01-08 18:30 发表于四川".
_POST_STAMP = re.compile(
    r"^\S{0,16}\s?\d{4}-\d{1,2}-\d{1,2}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?(?:\s?发表于\S{0,8})?$"
)
# Words a sentence does not begin with: a short line starting so is a piece of another column.
_MID_SENTENCE = re.compile(
    r"^(?:作出|做出|形成|实现|提供|注入|发挥|带动|助力|提升|加快|推动|促进|打造|迈出|取得"
    r"|[的了和并而且也都才又则被着等])"
)
_BYLINE_ROLE = re.compile(
    # any publication may sign: "21世纪经济报道记者 许明 广州报道", "科技日报记者 …"
    rf"^(?:本报|新华社|[0-9A-Za-z{CJK}]{{1,12}}?(?:日报|报道|报|社|网|台|杂志|周刊))?"
    r"(?:特约|驻[^\s]{1,4})?(?:记者|通讯员|实习生|特约通讯员|评论员)"
    r"|^(?:文|文图|文/图|图文)\s*[/／：:]"
)
_BYLINE_LEADS = "▶►■●◆▷"
_NEWS_LEAD = re.compile(
    rf"^(?:本报[{CJK}]{{0,8}}?讯|新华社[{CJK}0-9]{{0,12}}?电|中新[网社][{CJK}0-9]{{0,12}}?电)"
    r"(?:\s*（[^（）]{0,40}）)?"
    # "央视网消息（新闻联播）：…": a site's lead, always closed by a colon
    rf"|^[{CJK}]{{2,4}}网消息(?:（[^（）]{{0,20}}）)?(?=[：:])"
)


def is_byline(line: str) -> bool:
    """A whole line naming reporters: "▶ 本报特约通讯员 杨皓 张静攀", "记者 王明 报道"."""
    line = line.lstrip(_BYLINE_LEADS).strip()
    if not line or len(line) > 40 or line[-1:] in "。！？" or "，" in line:
        return False
    if line.endswith("报道"):
        line = line[:-2].rstrip()
    return bool(_BYLINE_ROLE.match(line))


_CLOSING = re.compile(r"^[（(]\s*([^（）()]{2,36}?)\s*[）)]$")
# A brief's bold lead-in: "■合肥高新区：3月18日，…" (a label of at most 12 characters, then ：).
_BRIEF = re.compile(rf"^[{_BYLINE_LEADS}]\s*([^\s，。；：:、]{{2,12}})[：:]\s*(?=\S)")


# Two to four personal names in brackets, no role word: "（王某 赵某）" ends an article too.
_CLOSING_NAMES = re.compile(rf"^[{CJK}]{{2,3}}(?:[ 　、]+[{CJK}]{{2,3}}){{1,3}}$")
_NOT_NAMES = re.compile(r"图片|资料|完|续|上接|下转|待续|摘编|来源")


def closing_byline(line: str) -> str | None:
    """The reporters named in brackets at an article's end: "（记者 王明）" → "记者 王明",
    "（王某 赵某）" → "王某 赵某"."""
    match = _CLOSING.match(line)
    if match is None:
        return None
    inner = match.group(1).strip()
    if is_byline(inner):
        return inner
    return inner if _CLOSING_NAMES.match(inner) and not _NOT_NAMES.search(inner) else None


def brief_label(line: str) -> str | None:
    """The bold lead-in of a news brief ("■合肥高新区：…" → "合肥高新区"), if the line is one."""
    match = _BRIEF.match(line)
    return match.group(1) if match else None


def is_bulleted(line: str) -> bool:
    """Does the line open with a bullet ("■石家庄高新区生物医药项目开工")?"""
    return line[:1] in _BYLINE_LEADS


def news_lead(line: str) -> str | None:
    """The "本报讯（记者 …）" dateline that opens a body paragraph, if there is one."""
    match = _NEWS_LEAD.match(line)
    return match.group() if match else None


# Date lines and time stamps of a page or a programme, never headlines: "[2024/07/03 08:15]",
# "24-07-05 08:15", "《新闻联播》 (20240506)", "第21期", "株洲高新区党政办公室编　2023年11月20日".
_DATE_LINE = re.compile(
    r"^[\[【（(]?\d{2,4}[/.-]\d{1,2}[/.-]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\]】）)]?$"
    r"|^《[^《》]{1,12}》\s*[（(]\d{8}[）)]$"
    r"|^第\s*\d{1,4}\s*期$"
    r"|^\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*来源[：:]\s*\S{1,20})?$"
    rf"|^[{CJK}]{{2,20}}(?:编|主办|编印|出版)\s+\d{{4}}年\d{{1,2}}月\d{{1,2}}日$"
)


def is_date_line(line: str) -> bool:
    """A page's or programme's date line or time stamp (see _DATE_LINE): layout, not text."""
    return len(line) <= 40 and _DATE_LINE.match(line) is not None


def is_debris(line: str) -> bool:
    """Photo credits, captions, edition markers, date lines and lone symbols."""
    if _ONLY_SYMBOLS.match(line) or (len(line) <= 60 and _only_edition_tokens(line)):
        return True
    if is_date_line(line):
        return True
    if len(line) <= 60 and _RUNNING_HEAD_DATE.search(line) and _RUNNING_HEAD_MARK.search(line):
        if len(_EDITION_TOKEN.sub("", line)) <= _SECTION_NAME_MAX:
            return True
    if _CREDIT.match(line) or _CAPTION.match(line) or _POST_STAMP.match(line):
        return True
    return len(line) <= 60 and bool(_CREDIT_TAIL.search(line))


def _only_edition_tokens(line: str) -> bool:
    """Is the line nothing but edition tokens? A colon-free line with a character no token
    can hold (most lines) is answered without running the substitution."""
    if ":" not in line and "：" not in line and _NON_TOKEN_CHAR.search(line):
        return False
    return not _EDITION_TOKEN.sub("", line)


def is_final(line: str) -> bool:
    """Does the line end a sentence (closing quotes count only after 。！？…)?"""
    line = line.rstrip(_CLOSERS) if line[-1:] in _CLOSERS else line
    return line[-1:] in _FINAL if line else False


def is_long_headline(line: str) -> bool:
    """A headline too long for `is_title_like` (41–64 characters, often with 、 or a space
    between phrases) but still no sentence: split.py takes it as one when a byline or a
    news lede follows it."""
    return (
        40 < len(line) <= 64
        and not is_final(line)
        and not _CLAUSE_MARKS.search(line)
        and not _LIST_ITEM.match(line)
        and line[-1:] not in _NO_END
    )


def is_title_like(line: str) -> bool:
    """Short, no sentence punctuation inside, not ending a sentence: a headline candidate.

    A headline may ask or exclaim ("…怎么用？", "开门红！"): one short phrase ending in ？/！
    still counts, unless it is a Q&A turn ("问：…？").
    """
    return (
        len(line) <= 40
        and (not is_final(line) or _HEADLINE_QUESTION.match(line) is not None)
        and not _CLAUSE_MARKS.search(line)
        and not _LIST_ITEM.match(line)
        and not _FORM_FIELD.match(line)
        and not is_byline(line)
        and line[-1:] not in _NO_END
    )


def clean_page(text: str) -> list[str]:
    """Paragraphs of one page, debris dropped and broken sentences rejoined."""
    lines = [line for line in normalise(text).split("\n") if line and not is_debris(line)]
    paragraphs = _join_broken(unflatten_tables(lines))
    return _drop_banner(_drop_stray_fragments(paragraphs))


def is_phrases(line: str) -> bool:
    """Two or more space-separated phrases of 4+ characters: a slogan or a line of figures.

    A main headline is one phrase; such a line above or below it is a kicker or sub-headline.
    """
    parts = _PHRASE_GAP.split(line)
    return len(parts) >= 2 and all(len(p) >= 4 for p in parts)


def is_section_head(line: str) -> bool:
    """A WeChat-style section head "【招商引资】": a label inside the body, never a headline."""
    return len(line) <= 12 and line.startswith("【") and line.endswith("】")


def is_bracketed_headline(line: str) -> bool:
    """An item's headline in a digest, "【合肥高新区一批量子信息项目集中开工】": longer than a
    section head, it opens an article of its own (the brackets are not part of the title)."""
    return 12 < len(line) <= 42 and line.startswith("【") and line.endswith("】") and "】" not in line[1:-1]


# A table header cell that gives the unit of its column: "总投资(亿元)", "投资额（万美元）".
_MONEY_HEADER = re.compile(
    r"^(?P<label>总投资|投资总额|投资额|计划总投资|计划投资|协议投资)[（(](?P<unit>(?:万|亿)(?:元|美元|欧元|港元|日元))[)）]$"
)
_HEADER_GAP = re.compile(r" |(?<=[)）])(?=[^\s，。])")
_CELL_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def unflatten_tables(lines: list[str]) -> list[str]:
    """Rows of a table flattened to text → sentences that say what the header says.

    Under a header "项目名称 总投资(亿元) 建设内容", the row "格瑞电池隔膜项目 25 年产10亿平方米隔膜"
    reads "格瑞电池隔膜项目，总投资25亿元，年产10亿平方米隔膜。": the header gives the bare
    number its label and unit. The header line itself is layout and is dropped; a row ends
    at the first line whose cells do not line up with the header's.
    """
    out: list[str] = []
    header: tuple[int, int, str, str] | None = None  # (cells, column, label, unit)
    for line in lines:
        cells = line.split(" ")
        if header is not None:
            width, col, label, unit = header
            if len(cells) == width and _CELL_NUMBER.match(cells[col]):
                rest = [c for k, c in enumerate(cells) if k != col]
                row = f"{rest[0]}，{label}{cells[col]}{unit}，{'，'.join(rest[1:])}。"
                out.append(row.replace("，。", "。"))
                continue
            header = None
        cells = _HEADER_GAP.split(line)  # normalise glued "总投资（亿元）建设内容"
        money = [k for k, c in enumerate(cells) if _MONEY_HEADER.match(c)]
        if len(cells) >= 2 and len(money) == 1 and money[0] > 0:
            m = _MONEY_HEADER.match(cells[money[0]])
            header = (len(cells), money[0], m.group("label"), m.group("unit"))
            continue
        out.append(line)
    return out


_ZONE_NAME = re.compile(
    rf"[{CJK}]{{2,6}}?(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|工业园区)"
)
_WRAPPED_HEAD = 10


def wrapped_headline(first: str, second: str) -> bool:
    """Is `first` the first half of a headline wrapped over two lines, `second` its rest?

    A short line (≤ 10 characters) naming a zone and more, followed by one naming none:
    "南昌高新区航空装备" / "配套产业园项目签约落地". A kicker or slogan above a headline names
    no zone; a line that is only a zone's name ("淮安高新区") is a label over the headline.
    """
    zone = _ZONE_NAME.search(first)
    return (
        len(first) <= _WRAPPED_HEAD
        and zone is not None
        and zone.end() < len(first)
        and _ZONE_NAME.search(second) is None
        and not is_phrases(first)
        and not is_phrases(second)
    )


def _drop_banner(lines: list[str]) -> list[str]:
    """A slogan over the page: the first of two headline-like lines, when shorter than the second.

    The headline is the longest line of its group, so a first line longer than the next is
    the headline itself (the next one is its sub-headline: "3个项目总投资68.5亿元"); so is a
    shorter first line when the next is several phrases ("签约项目8个 总投资52.6亿元").
    """
    if len(lines) >= 3 and is_title_like(lines[0]) and is_title_like(lines[1]):
        if is_phrases(lines[1]) and not is_phrases(lines[0]):
            return lines
        if wrapped_headline(lines[0], lines[1]):
            return lines
        if not lines[1].startswith(("—", "-")) and len(lines[0]) < len(lines[1]):
            return lines[1:]
    return lines


def _drop_stray_fragments(lines: list[str]) -> list[str]:
    """A short sentence tail that follows a finished sentence belongs to another column."""
    kept: list[str] = []
    for line in lines:
        if (
            kept
            and is_final(kept[-1])
            and len(line) <= 20
            and is_final(line)
            and (line[0] in _NO_START or _MID_SENTENCE.match(line))
        ):
            continue
        kept.append(line)
    return kept


def _wrap_width(lines: list[str]) -> int | None:
    """Column width of a hard-wrapped page (most lines equally long), else None."""
    if len(lines) < 8:
        return None
    lengths = sorted(len(line) for line in lines)
    width = lengths[len(lengths) * 9 // 10]
    near = sum(1 for n in lengths if n >= width * 0.85)
    return width if width <= 60 and near >= len(lengths) / 2 else None


def _continues(line: str, under_way: bool, nxt: str, wrap: int | None) -> bool:
    """Is `nxt` the rest of the sentence cut at the end of `line`? The headline/broken call.

    `under_way` says the paragraph so far already holds ，、；。 — a sentence, since
    headlines and intertitles carry none. A line opening with a pictograph or bullet
    (📌, ✅, ●) is a new paragraph whatever precedes it: that is how posts lay out items.
    """
    if is_final(line) or is_byline(nxt) or news_lead(nxt) or _opens_item(nxt):
        return False
    if closing_byline(line) or closing_byline(nxt):
        return False
    if nxt[0] in _NO_START or (nxt[0].isascii() and nxt[0].islower()):
        return True
    if under_way or line[-1] in _NO_END:
        return True
    if len(nxt) > 1 and nxt[1] in "、，" and len(line) >= 8:
        return True  # "心、交叉…": a one-character list item is the tail of a word
    return wrap is not None and len(line) >= wrap * 0.85


def _opens_item(line: str) -> bool:
    """Does the line open with a pictograph or a bullet ("📌", "✅【签约】", "● ")?"""
    return unicodedata.category(line[0]) == "So" or line[0] in "•●■◆▶►◇○"


def _join_broken(lines: list[str]) -> list[str]:
    wrap = _wrap_width(lines)
    paragraphs: list[list[str]] = []
    last, under_way = "", False
    for line in lines:
        if paragraphs and _continues(last, under_way, line, wrap):
            if last[-1].isascii() and last[-1].isalpha() and line[0].isascii() and line[0].isalpha():
                paragraphs[-1].append(" ")
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
            under_way = False
        last = line
        under_way = under_way or bool(_SENTENCE_MARKS.search(line))
    return ["".join(parts) for parts in paragraphs]
