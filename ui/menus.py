"""The menu bar of the main window: every command with its keyboard shortcut shown beside it."""

from __future__ import annotations

import tkinter as tk

from caremgr.i18n import _

# (sequence to bind, the text shown in menus and tooltips)
SHORTCUTS = {
    "focus_search": ("<Control-f>", "Ctrl+F"),
    "new_resident": ("<Control-n>", "Ctrl+N"),
    "save": ("<Control-s>", "Ctrl+S"),
    "refresh": ("<F5>", "F5"),
    "back": ("<Escape>", "Esc"),
    "quit": ("<Control-q>", "Ctrl+Q"),
    "bigger": ("<Control-plus>", "Ctrl++"),
    "smaller": ("<Control-minus>", "Ctrl+−"),
    "normal_size": ("<Control-0>", "Ctrl+0"),
    "help": ("<F1>", "F1"),
}


def screen_shortcut(index: int) -> tuple[str, str]:
    """Alt+1 … Alt+9 open the screens in the order of the side bar."""
    return f"<Alt-Key-{index}>", f"Alt+{index}"


def build(shell) -> tk.Menu:
    root = shell.app.root
    bar = tk.Menu(root, tearoff=False)

    def add(menu: tk.Menu, label: str, key: str, command) -> None:
        menu.add_command(label=label, accelerator=SHORTCUTS[key][1], command=command)

    file_menu = tk.Menu(bar, tearoff=False)
    add(file_menu, _("Lưu"), "save", lambda: shell.dispatch("save"))
    add(file_menu, _("Làm mới"), "refresh", lambda: shell.dispatch("refresh"))
    add(file_menu, _("Quay lại / đóng"), "back", lambda: shell.dispatch("back"))
    file_menu.add_separator()
    file_menu.add_command(label=_("Đăng xuất"), command=shell.logout)
    add(file_menu, _("Thoát"), "quit", shell.app.quit)
    bar.add_cascade(label=_("Tệp"), menu=file_menu)

    residents_menu = tk.Menu(bar, tearoff=False)
    add(residents_menu, _("Tìm đối tượng"), "focus_search", lambda: shell.dispatch("focus_search"))
    if shell.actor.can("residents.edit"):
        add(residents_menu, _("Thêm đối tượng"), "new_resident", lambda: shell.dispatch("new_resident"))
    bar.add_cascade(label=_("Đối tượng"), menu=residents_menu)

    go_menu = tk.Menu(bar, tearoff=False)
    for index, (key, label) in enumerate(shell.screen_labels(), start=1):
        go_menu.add_command(label=label, accelerator=screen_shortcut(index)[1], command=lambda k=key: shell.show(k))
    bar.add_cascade(label=_("Đi tới"), menu=go_menu)

    view_menu = tk.Menu(bar, tearoff=False)
    add(view_menu, _("Chữ to hơn"), "bigger", lambda: shell.app.change_font_size(1))
    add(view_menu, _("Chữ nhỏ hơn"), "smaller", lambda: shell.app.change_font_size(-1))
    add(view_menu, _("Cỡ chữ bình thường"), "normal_size", lambda: shell.app.change_font_size(0))
    view_menu.add_separator()
    shell.dark_var = tk.BooleanVar(value=shell.app.theme_name() == "dark")
    view_menu.add_checkbutton(label=_("Giao diện tối"), variable=shell.dark_var,
                              command=lambda: shell.app.set_theme("dark" if shell.dark_var.get() else "light"))
    bar.add_cascade(label=_("Xem"), menu=view_menu)

    help_menu = tk.Menu(bar, tearoff=False)
    add(help_menu, _("Phím tắt"), "help", shell.show_shortcuts)
    help_menu.add_command(label=_("Hướng dẫn sử dụng"), command=shell.open_guide)
    bar.add_cascade(label=_("Trợ giúp"), menu=help_menu)
    shell.menus = {"file": file_menu, "residents": residents_menu, "go": go_menu, "view": view_menu,
                   "help": help_menu}
    return bar


def shortcut_lines(shell) -> list[tuple[str, str]]:
    """(keys, what they do) for the "Phím tắt" window, in the user's language."""
    lines = [
        ("Ctrl+F", _("Tìm đối tượng (từ mọi màn hình)")),
        ("Ctrl+N", _("Thêm đối tượng mới")),
        ("Ctrl+S", _("Lưu biểu mẫu đang mở")),
        ("F5", _("Làm mới danh sách")),
        ("Esc", _("Quay lại danh sách / đóng")),
        ("Alt+↓", _("Mở lịch trong ô ngày")),
        ("Ctrl+Tab", _("Sang thẻ tiếp theo của hồ sơ")),
        ("Ctrl++ / Ctrl+− / Ctrl+0", _("Chữ to hơn / nhỏ hơn / bình thường")),
        ("Ctrl+Q", _("Thoát")),
    ]
    for index, (_key, label) in enumerate(shell.screen_labels(), start=1):
        lines.append((screen_shortcut(index)[1], label))
    return lines
