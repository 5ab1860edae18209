"""Editor-facing wording for the parser's refusals.

The parser has no Django and speaks plain English (`UnreadableFile`), which is
also what `parse_bulletin` prints. Pages speak the user's language, so this
table turns each kind of refusal, recognised by the stable start of its
message, into a translatable sentence; an unknown refusal is shown as it is.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REFUSALS = (
    ("empty Word file", gettext_lazy("Word 文件里没有文字。")),
    ("empty file", gettext_lazy("文件是空的，没有可读的文字。")),
    ("file too large", gettext_lazy("文件过大，超过了上传上限。")),
    ("old Word (.doc)", gettext_lazy("这是旧版 Word（.doc）或加了密码的文件：请另存为 .docx 后重新上传。")),
    ("a zip archive", gettext_lazy("这是一个压缩包，不是文本、PDF、Word 或 HTML 文件。")),
    (
        "not a text, PDF, Word or HTML file",
        gettext_lazy("无法识别的文件：不是文本、PDF、Word 或 HTML 文件。"),
    ),
    ("unknown text encoding", gettext_lazy("无法识别文本编码：请另存为 UTF-8 或 GB18030 后重新上传。")),
    ("the file says it is", gettext_lazy("文件声明的编码与内容不符，无法解码：请另存为 UTF-8 后重新上传。")),
    ("corrupt Word", gettext_lazy("Word 文件已损坏，无法读取。")),
    ("Word file too large once unpacked", gettext_lazy("Word 文件解压后过大，已拒绝读取。")),
    ("Word file too complex", gettext_lazy("Word 文件过于复杂（元素或压缩包成员过多），已拒绝读取。")),
    ("PDF too large once unpacked", gettext_lazy("PDF 解压后过大，已拒绝读取。")),
    ("PDF page too complex", gettext_lazy("PDF 页面过于复杂（文字和图形过多），已拒绝读取。")),
    ("file too slow to read", gettext_lazy("读取文件耗时过长，已停止，没有写入任何结果。")),
    ("file too costly to read", gettext_lazy("读取文件所需内存过多，已停止，没有写入任何结果。")),
    (
        "looks like UTF-16 without a byte-order mark",
        gettext_lazy("文件像是没有字节顺序标记（BOM）的 UTF-16 编码：请另存为 UTF-8 后重新上传。"),
    ),
    ("looks like Big5", gettext_lazy("文件像是繁体中文 Big5 编码：请另存为 UTF-8 或 GB18030 后重新上传。")),
    ("truncated PDF", gettext_lazy("PDF 文件不完整（提前结束），请重新上传完整文件。")),
    ("scanned image", gettext_lazy("扫描图片：PDF 没有文字层，无法读取文字。")),
    ("PDF fonts have no Unicode mapping", gettext_lazy("PDF 的字体缺少 Unicode 映射，无法提取文字。")),
    ("encrypted PDF", gettext_lazy("PDF 已加密：请去掉密码后重新上传。")),
    ("corrupt PDF", gettext_lazy("PDF 文件已损坏，无法读取。")),
)


def explain_refusal(reason: str) -> str:
    """The sentence an editor sees for a parser refusal, with the parser's words after it."""
    for start, sentence in REFUSALS:
        if reason.startswith(start):
            return _("%(sentence)s（%(reason)s）") % {"sentence": sentence, "reason": reason}
    return _("无法读取此文件：%(reason)s") % {"reason": reason}


def explain_no_articles(file_format: str, size: int) -> str:
    """Why a file that was read yielded no article, and what the editor can do about it."""
    return _(
        "没有找到文章：这份 %(format)s 文件（%(size)s）读出的文字里没有一篇报道（标题加正文）。"
        "它是报纸或园区简报的版面吗？扫描的 PDF 需要先做文字识别。"
        "没有写入任何结果，此前的解析结果（如有）保持不变。"
    ) % {"format": (file_format or "?").upper(), "size": filesizeformat(size)}
