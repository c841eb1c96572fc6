"""The sample pages a live preview renders: the texts most likely to break a card design."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pictify_ssg.core import PageRecord


@dataclass(frozen=True)
class Sample:
    """One synthetic page of the live preview.

    Attributes:
        key: File name stem of its card and its id in the contact sheet.
        label: What it tests, shown under the card.
        title: Page title.
        description: Page description (empty: the card's no-description case).
        lang: Page language.
    """

    key: str
    label: str
    title: str
    description: str
    lang: str = "en"


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "long-title",
        "Longest title",
        "A deliberately long page title that goes on and on, to show how the card wraps, "
        "clamps or cuts text when a page has far more to say than one line can hold",
        "Long titles push descriptions down; this one checks that both still fit the card.",
    ),
    Sample(
        "cjk",
        "Japanese, Chinese and Korean",
        "はじめてのソーシャルカード：中文标题与한국어 제목",  # noqa: RUF001 - a real CJK colon
        "日本語の説明文です。中文描述。한국어 설명입니다.",
        lang="ja",
    ),
    Sample(
        "rtl",
        "Right-to-left (Arabic)",
        "مرحبا بالعالم: بطاقات اجتماعية لكل صفحة",
        "وصف قصير للصفحة باللغة العربية",
        lang="ar",
    ),
    Sample(
        "emoji",
        "Emoji",
        "Release notes 🚀 Faster builds, fewer surprises 🎉✨",
        "Emoji need a colour emoji font on the machine that renders 👍",
    ),
    Sample("no-description", "No description", "A page without a description", ""),
)


def sample_pages() -> list[PageRecord]:
    """The synthetic sample as page records."""
    from pictify_ssg.core import PageRecord

    return [
        PageRecord.create(
            key=f"sample/{sample.key}",
            url=f"samples/{sample.key}/",
            source_path=f"samples/{sample.key}.md",
            title=sample.title,
            description=sample.description,
            lang=sample.lang,
        )
        for sample in SAMPLES
    ]


def labels() -> dict[str, str]:
    """Contact-sheet label per sample page key."""
    return {f"sample/{sample.key}": sample.label for sample in SAMPLES}
