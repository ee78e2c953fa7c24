"""Help → Glossary: every symbol nnviz shows, its meaning and how it is computed (the entries of
nnviz.core.glossary), opened at one entry from the inspector's symbol links."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QTextBrowser

from nnviz.core.glossary import ENTRIES, Entry, entry
from nnviz.core.mathtext import document, line, span
from nnviz.render import richtext
from nnviz.render.theme import get_theme


def entry_lines(e: Entry) -> list:
    """An entry as formula-panel lines: symbol and name, meaning, how it is computed."""
    return [
        line(e.symbol, "  ", e.name, kind="title"),
        line(e.meaning),
        line(span("computed: ", "m"), e.computed, kind="item"),
    ]


class GlossaryDialog(QDialog):
    """The symbols listed on the left; the chosen one's meaning and computation on the right."""

    def __init__(self, parent=None, theme: str = "light") -> None:
        super().__init__(parent)
        self.setWindowTitle("Glossary")
        self.setObjectName("glossary")
        self.theme = theme
        self.resize(720, 420)
        row = QHBoxLayout(self)
        self.index = QListWidget()
        self.index.setMaximumWidth(230)
        for e in ENTRIES:
            item = QListWidgetItem(f"{_plain_symbol(e)}   {e.name}")
            item.setData(Qt.ItemDataRole.UserRole, e.key)
            self.index.addItem(item)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        row.addWidget(self.index)
        row.addWidget(self.text, 1)
        self.index.currentItemChanged.connect(self._shown_changed)
        self.index.setCurrentRow(0)

    def current_key(self) -> str:
        item = self.index.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def show_entry(self, key: str) -> bool:
        """Select the entry ``key`` and bring the dialog up; False for an unknown key."""
        for i in range(self.index.count()):
            if self.index.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.index.setCurrentRow(i)
                self.index.scrollToItem(self.index.item(i))
                self.show()
                return True
        return False

    def _shown_changed(self, item: QListWidgetItem | None, _old=None) -> None:
        if item is None:
            return
        e = entry(str(item.data(Qt.ItemDataRole.UserRole)))
        css = richtext.css(get_theme(self.theme))
        self.text.setHtml(document(entry_lines(e), css=css))


def _plain_symbol(e: Entry) -> str:
    return str(e.symbol)
