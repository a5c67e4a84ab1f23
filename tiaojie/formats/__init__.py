"""Date formats per language (settings.FORMAT_MODULE_PATH), over Django's own: docs/i18n.md.

Templates and texts name a format (`|date:"DATE_FORMAT"`, `formats.date_format(day, "DATE_FORMAT")`) instead of
spelling "Y年n月j日", so an English page shows an English date while Chinese output stays as it was."""
