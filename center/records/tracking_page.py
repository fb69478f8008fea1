"""The tracking page a resident opens on a phone from the receipt's QR code: one small HTML
document, no script, no outside resource, large plain type, Chinese first and English."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import urlencode

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "办件进度查询",
        "item": "办理事项",
        "case_number": "办件编号",
        "opened_on": "受理日期",
        "closed_on": "办结日期",
        "status": "办理状态",
        "center": "服务中心",
        "phone": "咨询电话",
        "privacy": "本页不显示任何个人信息。",
        "other_language": "English",
        "not_found_title": "没有找到这个办件",
        "not_found_text": "请核对回执上的二维码是否完整，或者拿着回执到居委会或服务中心询问。",
        "too_many_title": "查询太频繁",
        "too_many_text": "请稍等一会儿再打开。",
    },
    "en": {
        "title": "Case status",
        "item": "Service",
        "case_number": "Case number",
        "opened_on": "Opened",
        "closed_on": "Closed",
        "status": "Status",
        "center": "Service center",
        "phone": "Phone",
        "privacy": "This page shows no personal information.",
        "other_language": "中文",
        "not_found_title": "Case not found",
        "not_found_text": (
            "Please check that the QR code on your receipt is complete, or ask at the "
            "neighbourhood committee or the service center with your receipt."
        ),
        "too_many_title": "Too many requests",
        "too_many_text": "Please wait a moment and open the page again.",
    },
}

_STYLE = """
body{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;font-size:20px;line-height:1.6;color:#1a1a1a;background:#f3f5f7}
main{max-width:36em;margin:0 auto;padding:16px}
h1{font-size:1.3em;margin:.2em 0 .6em}
.card{background:#fff;border-radius:12px;padding:16px 18px;margin-bottom:14px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
.status{font-size:1.6em;font-weight:700;line-height:1.25;margin:0}
.stage-accepted .status,.stage-in_progress .status{color:#0b6b2f}
.stage-needs_more .status,.stage-referred .status{color:#9a5b00}
.stage-cannot_be_done .status{color:#b3261e}
dl{margin:0}dt{color:#555;font-size:.85em;margin-top:.5em}dd{margin:0;font-weight:600;
word-break:break-all}
ul{margin:.3em 0 0;padding-left:1.2em}li{margin:.2em 0}
a{color:#0b57d0}.lang{text-align:right;margin:0 0 .5em}
.note{color:#555;font-size:.85em}
"""


def _document(language: str, title: str, body: str, other_language_href: str) -> str:
    words = LABELS[language]
    html_lang = "zh-CN" if language == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><main><p class="lang"><a href="{escape(other_language_href)}">'
        f"{escape(words['other_language'])}</a></p>{body}</main></body></html>\n"
    )


def other_language_href(language: str, query: Mapping[str, str]) -> str:
    """The same page in the other language: the query (the token) kept, ``lang`` switched."""
    kept = {key: value for key, value in query.items() if key == "t"}
    kept["lang"] = "en" if language == "zh" else "zh"
    return "?" + urlencode(kept)


def case_page(view: Mapping[str, Any], other_href: str) -> str:
    language = view["language"]
    words = LABELS[language]
    parts = [
        f'<h1>{escape(words["title"])}</h1>',
        f'<section class="card stage-{escape(view["stage"])}">',
        f'<p class="status">{escape(view["status_text"])}</p>',
        f"<p>{escape(view['explanation'])}</p>",
    ]
    if view["missing_materials"]:
        items = "".join(f"<li>{escape(m)}</li>" for m in view["missing_materials"])
        parts.append(f"<ul>{items}</ul>")
    if view["referred_to"]:
        parts.append(f"<p><strong>{escape(view['referred_to'])}</strong></p>")
    if view["follow_up"] is not None:
        parts.append(f"<p>{escape(view['follow_up']['text'])}</p>")
    parts.append("</section>")

    rows = [
        ("item", view["item_name"]),
        ("case_number", view["case_number"]),
        ("opened_on", view["opened_on"]),
        ("closed_on", view["closed_on"]),
        ("center", view["center"]["name"]),
    ]
    details = "".join(
        f"<dt>{escape(words[key])}</dt><dd>{escape(value)}</dd>" for key, value in rows if value
    )
    phone = view["center"]["phone"]
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        details += (
            f"<dt>{escape(words['phone'])}</dt>"
            f'<dd><a href="tel:{escape(digits)}">{escape(phone)}</a></dd>'
        )
    parts.append(f'<section class="card"><dl>{details}</dl></section>')
    parts.append(f'<p class="note">{escape(words["privacy"])}</p>')
    title = f"{words['title']} {view['case_number']}"
    return _document(language, title, "".join(parts), other_href)


def message_page(language: str, title_key: str, text_key: str, other_href: str) -> str:
    """The not-found and too-many pages: the same words whatever was asked for."""
    words = LABELS[language]
    body = (
        f'<h1>{escape(words["title"])}</h1><section class="card">'
        f'<p class="status">{escape(words[title_key])}</p>'
        f"<p>{escape(words[text_key])}</p></section>"
    )
    return _document(language, words[title_key], body, other_href)
