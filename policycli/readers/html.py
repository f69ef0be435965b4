"""Web pages: the article's text, without the site's navigation, scripts and footers.

Uses only the standard library's ``html.parser``. The page is parsed into a
small tree (tolerant of the unclosed tags real pages have), the article
container is chosen, and its text is laid out one paragraph per line: block
elements break lines, table cells are joined by tabs so that figures in
adjacent cells never run together, whitespace inside a paragraph collapses.
The page title comes first.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from .source import ReadError, Source
from .text import decode

VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
})
# Never article text, whatever they hold.
DROP = frozenset({
    "script", "style", "noscript", "template", "iframe", "svg", "math", "nav", "header",
    "footer", "aside", "select", "textarea", "button", "object", "embed", "canvas",
    "map", "audio", "video", "head", "title",
})
BLOCK = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "html", "legend", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "ul",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
RICH = HEADINGS | {"p", "table", "article", "main"}
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "var",
})
# Start tags that end an open element of the same family, up to a boundary.
IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table", "tbody", "thead", "tfoot"}),
    "tbody": ({"tbody", "thead", "tfoot"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot"}, {"table"}),
    "option": ({"option"}, {"select"}),
}

# id/class words that mark site furniture. Strong ones always do; weak ones
# only when no word of the same name marks content ("top-content" is content).
CHROME_STRONG = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "crumb",
    "crumbs", "footer", "header", "sidebar", "share", "sharing", "copyright", "login",
    "logon", "register", "toolbar", "topbar", "advert", "advertisement", "banner", "skip",
    "qrcode", "dqwz", "weizhi",
})
CHROME_WEAK = frozenset({
    "head", "foot", "side", "top", "bottom", "ad", "ads", "print", "search", "tools",
    "pager", "pagination", "position", "location", "related", "comment", "comments",
})
CONTENT_STRONG = frozenset({
    "trs_editor", "zoom", "ucap-content", "pages_content", "article-content",
    "article_content", "articlecontent", "art_content", "artcontent", "zhengwen",
    "content_zw", "zw", "main-text", "article-body", "articlebody", "detail-content",
})
CONTENT_WEAK = frozenset({
    "content", "article", "main", "text", "detail", "details", "neirong", "wenzhang",
    "post", "entry", "body", "con", "nr",
})
_NAV_PART = re.compile(r"nav\w*|\w*nav|\w*menu\w*")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

CHARSET_SCAN = 16384
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([-\w.:]+)", re.I)

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\xa0]*\n[ \t\r\n\f\xa0]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# An article candidate must hold this share of the page's text.
MIN_SHARE = 0.25


class Node:
    """An element of the page tree: tag, attributes, children (nodes and strings)."""

    __slots__ = ("tag", "attrs", "children", "parent", "chrome", "rank")

    def __init__(self, tag: str, attrs: dict[str, str], parent: "Node | None"):
        self.chrome = False
        self.rank = 0
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []
        self.parent = parent


class TreeBuilder(HTMLParser):
    """Builds a ``Node`` tree, closing what browsers close implicitly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.stack = [self.root]

    def _pop_to(self, index: int) -> None:
        del self.stack[index:]

    def _close_family(self, family: set[str], boundary: set[str]) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag in family:
                self._pop_to(i)
                return
            if tag in boundary:
                return

    def _close_paragraph(self) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag == "p":
                self._pop_to(i)
                return
            if tag not in INLINE:
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in IMPLIED_END:
            self._close_family(*IMPLIED_END[tag])
        if tag in BLOCK or tag in ("tr", "td", "th"):
            self._close_paragraph()
        parent = self.stack[-1]
        node = Node(tag, {k: v or "" for k, v in attrs}, parent)
        parent.children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                self._pop_to(i)
                return
        if tag in ("br", "p"):
            self.handle_starttag(tag, [])
            if tag == "p":
                self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _words(node: Node) -> set[str]:
    """The id and class tokens of ``node``, whole and split at - and _, lower case."""
    words: set[str] = set()
    if not node.attrs:
        return words
    for value in (node.attrs.get("id", ""), node.attrs.get("class", "")):
        for token in value.lower().split():
            words.add(token)
            words.update(p for p in re.split(r"[-_]+", token) if p)
    return words


def _chrome_by_name(node: Node, words: set[str]) -> bool:
    """Furniture by tag, hidden style or id/class words."""
    if node.tag in DROP or "hidden" in node.attrs:
        return True
    if _HIDDEN_STYLE.search(node.attrs.get("style", "")):
        return True
    if not words:
        return False
    if words & CHROME_STRONG or any(_NAV_PART.fullmatch(w) for w in words):
        return True
    return bool(words & CHROME_WEAK) and not words & (CONTENT_WEAK | CONTENT_STRONG)


def mark_chrome(root: Node) -> None:
    """Set ``node.chrome`` and ``node.rank`` on every node.

    A form is furniture unless it holds paragraphs, headings or tables (whole
    pages sit in one form on some sites); an element named like furniture is
    not when it wraps the article itself.
    """
    order = list(_walk(root, skip=lambda n: False))
    rich: dict[int, bool] = {}
    holds_article: dict[int, bool] = {}
    for node in reversed(order):
        words = _words(node)
        node.rank = _content_rank(node, words)
        kids = [c for c in node.children if isinstance(c, Node)]
        rich[id(node)] = any(c.tag in RICH or rich[id(c)] for c in kids)
        holds_article[id(node)] = any(c.rank == 2 or holds_article[id(c)] for c in kids)
        if node.tag == "form":
            node.chrome = not rich[id(node)]
        elif node.tag in DROP:
            node.chrome = True
        else:
            node.chrome = _chrome_by_name(node, words) and not holds_article[id(node)]


def is_chrome(node: Node) -> bool:
    """Whether ``node`` is furniture, as ``mark_chrome`` decided."""
    return node.chrome


def _content_rank(node: Node, words: set[str]) -> int:
    """2 for a container that plainly holds the article, 1 for a likely one, 0 otherwise."""
    if node.tag == "article" or words & CONTENT_STRONG:
        return 2
    if node.tag == "main" or words & CONTENT_WEAK:
        return 1
    return 0


def _walk(root: Node, skip=is_chrome):
    """Every node under ``root`` in document order, not entering skipped subtrees."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in reversed(node.children) if isinstance(c, Node) and not skip(c))


def _text_lengths(root: Node) -> dict[int, int]:
    """Visible non-space characters under each node, chrome excluded, keyed by ``id(node)``."""
    order = list(_walk(root))
    lengths: dict[int, int] = {}
    for node in reversed(order):
        total = 0
        for child in node.children:
            if isinstance(child, str):
                total += len(child) - child.count(" ") - child.count("\n")
            elif not is_chrome(child):
                total += lengths.get(id(child), 0)
        lengths[id(node)] = total
    return lengths


def _find(root: Node, tag: str, skip=is_chrome) -> Node | None:
    return next((n for n in _walk(root, skip) if n.tag == tag), None)


def choose_article(body: Node) -> Node:
    """The article container if the page marks one clearly enough, else the body."""
    lengths = _text_lengths(body)
    total = lengths[id(body)]
    best: dict[int, Node] = {}
    for node in _walk(body):
        rank = node.rank
        if rank and (rank not in best or lengths[id(node)] > lengths[id(best[rank])]):
            best[rank] = node
    for rank in (2, 1):
        node = best.get(rank)
        if node is not None and lengths[id(node)] > 0 and lengths[id(node)] >= MIN_SHARE * total:
            return node
    return body


def tidy(text: str) -> str:
    """One paragraph's text: line wraps between Chinese characters removed, spaces collapsed."""
    text = _INVISIBLE.sub("", text)
    text = _WRAP_BETWEEN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


class Layout:
    """Lays a subtree out as lines: one per paragraph, one per table row with tab-joined cells."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def text(self, data: str) -> None:
        (self.cell if self.cell is not None else self.parts).append(data)

    def brk(self) -> None:
        if self.cell is not None:
            self.cell.append(" ")
            return
        line = tidy("".join(self.parts))
        if line:
            self.lines.append(line)
        self.parts = []

    def open(self, node: Node) -> None:
        tag = node.tag
        if tag == "tr" and self.cell is None:
            self.brk()
            self.row = []
        elif tag in ("td", "th") and self.row is not None and self.cell is None:
            self.cell = []
        elif tag in BLOCK or tag in ("br", "tr", "td", "th"):
            self.brk()

    def close(self, node: Node) -> None:
        tag = node.tag
        if tag in ("td", "th") and self.cell is not None and self._owns_cell(node):
            self.row.append(tidy("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.cell is None:
            if any(self.row):
                self.lines.append("\t".join(self.row))
            self.row = None
        elif tag in BLOCK or tag in ("tr", "td", "th"):
            self.brk()

    def _owns_cell(self, node: Node) -> bool:
        """True for the cell of the outer table, not a cell of a table nested in it."""
        parent = node.parent
        while parent is not None and parent.tag not in ("td", "th"):
            parent = parent.parent
        return parent is None

    def render(self, root: Node) -> list[str]:
        stack: list[tuple[bool, Node | str]] = [(False, root)]
        while stack:
            closing, item = stack.pop()
            if isinstance(item, str):
                self.text(item)
            elif closing:
                self.close(item)
            else:
                self.open(item)
                stack.append((True, item))
                stack.extend(
                    (False, c) for c in reversed(item.children)
                    if isinstance(c, str) or not is_chrome(c)
                )
        if self.row is not None:
            if self.cell is not None:
                self.row.append(tidy("".join(self.cell)))
            if any(self.row):
                self.lines.append("\t".join(self.row))
        self.brk()
        return self.lines


def declared_charset(data: bytes) -> str | None:
    """The charset a meta tag or XML declaration near the top names, if any."""
    head = data[:CHARSET_SCAN]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def page_text(markup: str) -> str:
    """The article text of an HTML page, title first, one paragraph per line."""
    builder = TreeBuilder()
    builder.feed(markup)
    builder.close()
    root = builder.root
    mark_chrome(root)
    body = _find(root, "body", skip=lambda n: n.tag in ("head", "script", "style")) or root
    article = choose_article(body)
    lines = Layout().render(article)

    title = page_title(root, body, article)
    if title:
        if title in lines:
            lines.remove(title)
        lines.insert(0, title)
    return "\n".join(lines)


def page_title(root: Node, body: Node, article: Node) -> str:
    """The <title>, or the first <h1> when there is no title or the title is the h1 plus a site name."""
    node = _find(root, "title", skip=lambda n: n.tag in ("script", "style"))
    title = tidy(_plain(node)) if node is not None else ""
    node = _find(article, "h1") or _find(body, "h1")
    heading = tidy(_plain(node)) if node is not None else ""
    return heading if heading and (not title or heading in title) else title


def _plain(node: Node) -> str:
    """All text under ``node`` run together, for short things like titles."""
    return "".join(c for n in _walk(node, skip=lambda n: n.tag in ("script", "style"))
                   for c in n.children if isinstance(c, str))


def read_html(data: bytes, name: str) -> Source:
    """An HTML document decoded by its BOM or declared charset, reduced to its article text."""
    markup, encoding = decode(data, name, declared=declared_charset(data))
    try:
        text = page_text(markup)
    except (AssertionError, ValueError, RecursionError) as exc:
        raise ReadError(name, f"cannot parse HTML ({exc})") from None
    return Source(name, text, "html", encoding)
