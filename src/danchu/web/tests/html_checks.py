"""A small HTML checker used across the page tests: labels, landmarks, no inline code (CSP)."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["PageAudit", "assert_accessible"]

_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """Collects form controls, labels, landmarks and inline styles or scripts of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.label_depth = 0
        self.landmarks: set[str] = set()
        self.inline: list[str] = []
        self.html_lang: str | None = None
        self.assets: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        labelled_type = tag != "input" or (a.get("type") or "text") not in _UNLABELLED_TYPES
        if tag in {"input", "select", "textarea"} and labelled_type:
            self.controls.append({**a, "_tag": tag, "_in_label": str(self.label_depth > 0)})
        if tag in {"main", "header", "footer", "nav"}:
            self.landmarks.add(tag)
        if "style" in a or any(k.startswith("on") for k in a):
            self.inline.append(f"<{tag}> with inline style or handler")
        if tag == "style":
            self.inline.append("<style> element")
        if tag == "script":
            if a.get("src"):
                self.assets.append(a["src"] or "")
            else:
                self._in_script = True
        if tag == "link" and a.get("rel") in {"stylesheet", "icon"} and a.get("href"):
            self.assets.append(a["href"] or "")
        if tag == "img" and a.get("src"):
            self.assets.append(a["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("inline <script>")

    def unlabelled(self) -> list[str]:
        missing = []
        for c in self.controls:
            labelled = (
                c["_in_label"] == "True"
                or (c.get("id") and c["id"] in self.label_for)
                or c.get("aria-label")
                or c.get("aria-labelledby")
            )
            if not labelled:
                missing.append(f"<{c['_tag']} name={c.get('name')!r} id={c.get('id')!r}>")
        return missing


def assert_accessible(html: str | bytes) -> PageAudit:
    """Every control labelled, the landmarks present, a language set, nothing inline."""
    page = PageAudit()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    assert not page.unlabelled(), f"controls without a label: {page.unlabelled()}"
    assert {"main", "header", "footer", "nav"} <= page.landmarks, page.landmarks
    assert page.html_lang, "<html> has no lang"
    assert not page.inline, f"inline code forbidden by the CSP: {page.inline}"
    return page
