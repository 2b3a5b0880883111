"""StreamField blocks for the free-form part of knowledge pages (sections that have no field of their own)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SectionBlock(blocks.StructBlock):
    """A headed section: imported Markdown headings that map to no field land here."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=200)
    text = blocks.RichTextBlock(label=_("Text"))

    class Meta:
        icon = "doc-full"
        template = "knowledge/blocks/section.html"


class KeyFigureBlock(blocks.StructBlock):
    """One number that carries a result (e.g. "42 % more guide downloads")."""

    figure = blocks.CharBlock(label=_("Figure"), max_length=40)
    caption = blocks.CharBlock(label=_("Caption"), max_length=200)

    class Meta:
        icon = "pick"
        template = "knowledge/blocks/key_figure.html"


class BodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), icon="pilcrow")
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    key_figure = KeyFigureBlock()
