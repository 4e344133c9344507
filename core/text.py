"""Text as people meant it: invisible characters taken out of every text a form or serializer reads.

What happens to each kind of character, decided once for the whole portal:

- NUL (U+0000) is **refused** with the field's own message ("Null characters are not allowed.",
  from the validator Django's and DRF's text fields already carry, translated by them). No text
  here holds one, PostgreSQL cannot store it, and only a broken or hostile client sends one, so
  it is told rather than silently mended.
- Zero-width characters (U+200B..U+200D, U+2060, U+FEFF), bidirectional embeddings, overrides and
  isolates (U+202A..U+202E, U+2066..U+2069) and every other format (Cf) or control (Cc) character,
  and lone surrogates, are **stripped** silently. Nobody can have meant to type what they cannot
  see; left in, they make one name look like another to a person while a duplicate check sees
  two ("Wati" and "Wa\\u200bti"), turn a line around on screen (U+202E) and break exports.
- Tabs and line breaks are **kept** in multi-line text (a textarea; in the API a field without a
  length limit or allowing more than 255 characters), with CR LF and lone CR made LF and the other
  line separators LF too; in a single-line field each becomes a space.
- Passwords are left exactly as typed: they are never shown, so nothing can be spoofed with them,
  and changing one would lock its owner out.

:func:`install` puts :func:`clean_text` in front of ``django.forms.CharField.to_python`` and
DRF's ``CharField.run_validation`` (``core.apps``), so every text field of every form and
serializer gets it, subclasses (e-mail, slug, URL, django-filter's filters, the admin's forms)
and fields added later included; tests/core/test_text.py walks them all.
"""

from __future__ import annotations

import unicodedata

NUL = "\x00"
MULTI_LINE_MIN_LENGTH = 256  # an API text field allowing this many characters or more takes paragraphs
_LINE_BREAKS = frozenset("\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")  # what str.splitlines() splits at, less CR
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # control, format (zero-width, bidi), lone surrogate


def clean_text(value: str, *, multiline: bool) -> str:
    """``value`` without invisible characters (NUL kept, for the field's validator to refuse)."""
    if value.isprintable():  # letters, digits, punctuation and plain spaces only: nearly every value
        return value
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for character in value:
        if character == NUL or (character == "\t" and multiline):
            kept.append(character)
        elif character in _LINE_BREAKS or character in "\t\r":
            kept.append("\n" if multiline else " ")
        elif unicodedata.category(character) not in _STRIPPED_CATEGORIES:
            kept.append(character)
    return "".join(kept)


def form_field_is_multiline(field) -> bool:
    from django import forms

    return isinstance(field.widget, forms.Textarea)


def serializer_field_is_multiline(field) -> bool:
    if field.style.get("base_template") == "textarea.html":  # what ModelSerializer gives a TextField
        return True
    return field.max_length is None or field.max_length >= MULTI_LINE_MIN_LENGTH


def install() -> None:
    """Clean the text of every form field and serializer field before it is parsed and validated."""
    from django import forms
    from rest_framework import fields

    if getattr(forms.CharField.to_python, "cleans_text", False):
        return
    parse_form_text = forms.CharField.to_python
    validate_serializer_text = fields.CharField.run_validation

    def to_python(self, value):
        if isinstance(value, str) and not isinstance(self.widget, forms.PasswordInput):
            value = clean_text(value, multiline=form_field_is_multiline(self))
        return parse_form_text(self, value)

    # Before DRF's own checks, so a value of invisible characters only is blank, as it looks.
    def run_validation(self, data=fields.empty):
        if isinstance(data, str) and self.style.get("input_type") != "password":
            data = clean_text(data, multiline=serializer_field_is_multiline(self))
        return validate_serializer_text(self, data)

    to_python.cleans_text = run_validation.cleans_text = True
    forms.CharField.to_python = to_python
    fields.CharField.run_validation = run_validation
