"""HTML from outside (imported Markdown) turned into rich text the Wagtail editor itself could have produced.

The HTML goes through the editor's own whitelist for the field's features and then a round trip through the
Draftail content state, so what is stored is exactly what the admin editor can open and save again: no
script, no event handler, no `javascript:` link, no element the editor does not know (which made such pages
fail to open with "Unmatched tags").
"""

from __future__ import annotations

from collections.abc import Sequence

from bs4 import BeautifulSoup
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.rich_text import features as feature_registry
from wagtail.whitelist import check_url

# Elements whose content is code or an embedded document, never text for the reader: dropped with their content
# (the whitelist alone would unwrap them and leave e.g. a script's source as visible text).
_DROPPED_WITH_CONTENT = (
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "template",
    "noscript",
    "textarea",
    "select",
    "button",
    "form",
    "input",
    "link",
    "meta",
    "base",
    "head",
    "title",
)


def _features(features: Sequence[str] | None) -> list[str]:
    return list(features) if features is not None else list(feature_registry.get_default_features())


def _images_as_links(html: str, *, links_allowed: bool) -> str:
    """A Markdown image has no place in the editor's format (images there are picked from the image library):
    keep its alternative text, as a link to the image where links are allowed and the address is safe."""
    doc = BeautifulSoup(html, "html.parser")
    for tag in doc.find_all(_DROPPED_WITH_CONTENT):
        tag.decompose()
    for image in doc.find_all("img"):
        alt = str(image.get("alt") or "").strip()
        src = str(image.get("src") or "").strip()
        safe = (
            bool(src) and check_url(src) is not None and src.lower().startswith(("http://", "https://", "/"))
        )
        if links_allowed and safe:
            link = doc.new_tag("a", href=src)
            link.string = alt or src
            image.replace_with(link)
        elif alt:
            image.replace_with(alt)
        else:
            image.decompose()
    return str(doc)


def editor_rich_text(html: str, *, features: Sequence[str] | None = None) -> str:
    """`html` as the Draftail editor would store it with `features` (None: Wagtail's default features)."""
    if not html.strip():
        return ""
    wanted = _features(features)
    whitelisted = EditorHTMLConverter(features=wanted).to_database_format(
        _images_as_links(html, links_allowed="link" in wanted)
    )
    converter = ContentstateConverter(features=wanted)
    stored: str = converter.to_database_format(converter.from_database_format(whitelisted))
    return stored
