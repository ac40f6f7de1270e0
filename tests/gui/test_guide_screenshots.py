"""The user guide's pictures (docs/guide/HUONG-DAN.md), taken from the real app on the demo centre.

Each test drives the windows to the states the guide describes and captures them; the last test checks
that the guide shows exactly these pictures and that every one of them is in docs/guide/img.
Set CAREMGR_GUIDE_DIR=docs/guide/img to refresh the committed pictures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PIL import Image, ImageOps

from tests.gui.conftest import ADMIN_PASSWORD, login, pump
from tests.gui.screens import capture

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
WIDTH, HEIGHT = 1280, 780
NURSE = ("lan", "Nguyễn Thị Lan", "dieu-duong-7")
DIRECTOR = ("giamdoc", "Trần Văn Minh", "giam-doc-2026")

# Every picture of the guide, by the test that takes it.
SHOTS = {
    "wizard": ["thiet-lap-buoc-1", "thiet-lap-buoc-2"],
    "admin": ["dang-nhap", "bo-cuc", "phim-tat", "cai-dat-co-quan", "nguoi-dung", "nhap-excel-xem-truoc",
              "nhap-excel-ket-qua", "sao-luu", "nhat-ky", "du-lieu-ca-nhan", "khoa-man-hinh"],
    "nurse": ["tim-doi-tuong", "ho-so", "ho-so-loi", "kham-suc-khoe", "kham-loi", "benh-ly-icd10", "chuyen-vien",
              "buoi-tap", "barthel", "the-bhyt"],
    "director": ["tong-quan", "bao-cao-so-lieu", "bao-cao-trang-dau", "ky-dong-dau", "bhyt-danh-sach", "tap-huan",
                 "bao-cao-khac"],
}
PICTURES = {name for names in SHOTS.values() for name in names}


class Camera:
    """Captures pictures into the output folder as small 256-colour PNGs, and remembers their names."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken: list[str] = []

    def window(self, root, name: str) -> Path:
        """The main window placed at the top left of the screen, with its menu bar, and whatever small
        window is open over it."""
        from PIL import ImageGrab

        # No pointer warping here: Tk keeps the window under the pointer across interpreters, and a warp
        # made while one test's window existed crashed a later test's focus -force. Tooltips are
        # switched off instead (the ``quiet`` fixture).
        root.update_idletasks()
        root.update()
        assert (root.winfo_rootx(), root.winfo_width(), root.winfo_height()) == (0, WIDTH, HEIGHT)
        menu_bar = root.winfo_rooty()  # the menu bar sits above the window's content (0 without one)
        assert menu_bar < 60
        raw = self.folder / f"{name}.png"
        ImageGrab.grab(bbox=(0, 0, WIDTH, menu_bar + HEIGHT), xdisplay=os.environ.get("DISPLAY")).save(raw)
        path = self.save(raw, name)
        assert Image.open(path).size == (WIDTH, menu_bar + HEIGHT)
        assert_real_screen(path)
        return path

    def dialog(self, window, name: str, size: tuple[int, int]) -> Path:
        window.update_idletasks()
        window.update()
        path = self.save(capture(window, self.folder / f"{name}.png"), name)
        assert Image.open(path).size == size
        assert_real_screen(path)
        return path

    def save(self, path: Path, name: str) -> Path:
        assert name in PICTURES, name
        image = Image.open(path).convert("RGB")
        small = image.quantize(colors=256, dither=Image.Dither.NONE)
        target = self.folder / f"{name}.png"
        small.save(target, optimize=True)
        self.taken.append(name)
        return target


def assert_real_screen(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    colours = image.resize((64, 40)).getcolors(64 * 40)
    assert colours is not None and len(colours) > 20  # a real screen, not a blank one
    assert path.stat().st_size < 200_000  # kept small: the pictures live in the repository


@pytest.fixture
def camera(tmp_path):
    folder = Path(os.environ.get("CAREMGR_GUIDE_DIR") or tmp_path / "guide")
    folder.mkdir(parents=True, exist_ok=True)
    return Camera(folder)


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    """PDFs are written, not opened in a viewer; the notes that pop up in the corner for a few seconds
    would otherwise cover a corner of some pictures."""
    from ttkbootstrap import ToastNotification

    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    monkeypatch.setattr(ToastNotification, "show_toast", lambda self, *a, **k: None)
    from ttkbootstrap import ToolTip

    monkeypatch.setattr(ToolTip, "show_tip", lambda self, *a, **k: None)  # no tooltip over a picture


@pytest.fixture
def centre_db(demo_db):
    """The demo centre in a folder with a short name: the status bar shows where the data is."""
    folder = Path(tempfile.mkdtemp(prefix="caremgr-"))
    target = folder / "caremgr.sqlite"
    shutil.copy(demo_db, target)
    yield str(target)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def documents():
    """A folder like the user's own, for the files the guide's pictures show (import list, backups)."""
    folder = Path(tempfile.mkdtemp(prefix="Tai-lieu-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def place(app) -> None:
    app.root.geometry(f"{WIDTH}x{HEIGHT}+0+0")
    pump(app.root)


def go(app, shell, key: str):
    shell.nav_buttons[key].invoke()
    pump(app.root)
    return shell.screen


def add_users() -> None:
    from caremgr import auth

    admin = auth.authenticate("admin", ADMIN_PASSWORD)
    auth.create_user(admin, NURSE[0], NURSE[2], "nurse", NURSE[1])
    auth.create_user(admin, DIRECTOR[0], DIRECTOR[2], "director", DIRECTOR[1])


def logged_in(make_app, demo_db, who=None):
    app = make_app(demo_db)
    if who is not None:
        add_users()
    place(app)
    shell = login(app, who[0], who[2]) if who else login(app)
    place(app)
    return app, shell


# --- the set-up wizard ------------------------------------------------------------------------------

def test_guide_wizard(make_app, camera):
    app = make_app(demo=False)
    place(app)
    wizard = app.view
    for key, value in {"centre.name": "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa", "centre.symbol": "TTBTXH",
                       "centre.province": "Thanh Hóa", "centre.address": "Phường Hạc Thành, tỉnh Thanh Hóa",
                       "centre.director": "Lê Văn Thắng"}.items():
        wizard.fields[key].set(value)
    camera.window(app.root, "thiet-lap-buoc-1")
    wizard.next()
    pump(app.root)
    assert wizard.step == 1, "the first step is complete"
    for key, value in {"agency.governing_body": "SỞ Y TẾ TỈNH THANH HÓA", "agency.receiving": "Sở Y tế tỉnh Thanh Hóa",
                       "agency.recipients": "Ban Giám đốc\nLưu: VT, HC-TH"}.items():
        wizard.fields[key].set(value)
    camera.window(app.root, "thiet-lap-buoc-2")
    assert camera.taken == SHOTS["wizard"]


# --- administrator --------------------------------------------------------------------------------

def resident_sheet(path: Path) -> None:
    """Three new residents, one with an impossible birth date: what the guide's import pictures show."""
    from caremgr.resident_io import RESIDENT_COLUMNS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([header for header, _key in RESIDENT_COLUMNS[:9]])
    ws.append(["DT0901", "Hoàng Thị Mai", "12/04/1948", "Nữ", "Kinh", "chưa có", "Xã Nga Sơn, Thanh Hóa", "NCT",
               "02/03/2026"])
    ws.append(["DT0902", "Bùi Văn Tâm", "1955", "Nam", "Mường", "đang làm thủ tục", "Xã Bá Thước, Thanh Hóa", "TT",
               "02/03/2026"])
    ws.append(["DT0903", "Đinh Thị Hằng", "31/02/1950", "Nữ", "Mường", "chưa có", "Xã Cẩm Thủy, Thanh Hóa", "NCT",
               "02/03/2026"])
    wb.save(path)


def test_guide_administrator(make_app, centre_db, camera, documents):
    from caremgr import audit

    app = make_app(centre_db)
    place(app)
    camera.window(app.root, "dang-nhap")
    shell = login(app)
    place(app)
    assert shell.current_key == "dashboard"
    camera.window(app.root, "bo-cuc")

    shell.show_shortcuts()
    pump(app.root)
    window = shell.shortcuts_window
    window.geometry("+200+120")
    pump(app.root)
    camera.window(app.root, "phim-tat")  # the window over the main one, as the user sees it
    window.destroy()

    settings_screen = go(app, shell, "settings")
    settings_screen.notebook.select(1)  # Cơ quan chủ quản, nơi nhận báo cáo: the dated names
    pump(app.root)
    assert settings_screen.fields["agency.governing_body"].get()
    camera.window(app.root, "cai-dat-co-quan")

    users = settings_screen.users_panel
    settings_screen.notebook.select(users)
    users.fields["username"].set("hoa")
    users.fields["full_name"].set("Phạm Thị Hoa")
    users.fields["role"].set("nurse")
    users.fields["password"].set("tam-thoi-2026")
    users.add()
    pump(app.root)
    assert "hoa" in users.table.get_children(), users.message.cget("text")
    users.table.selection_set("hoa")
    users.new_password.set("mat-khau-moi-1")
    pump(app.root)
    camera.window(app.root, "nguoi-dung")

    residents_screen = go(app, shell, "residents")
    from ui.import_dialog import ImportDialog

    source = documents / "danh-sach-doi-tuong.xlsx"
    resident_sheet(source)
    dialog = ImportDialog(residents_screen, shell.actor, path=str(source),
                          on_finished=lambda _r: residents_screen.refresh())
    dialog.geometry("980x560+150+110")
    pump(app.root)
    assert len(dialog.preview.get_children()) == 3
    camera.dialog(dialog, "nhap-excel-xem-truoc", (980, 560))
    dialog.start()
    pump(app.root, lambda: dialog.result is not None, timeout=60)
    assert (dialog.result.added, dialog.result.rejected_count) == (2, 1), dialog.result.summary()
    assert str(dialog.errors_button.cget("state")) == "normal"
    camera.dialog(dialog, "nhap-excel-ket-qua", (980, 560))
    dialog.destroy()

    settings_screen = go(app, shell, "settings")
    panel = settings_screen.backup_panel
    settings_screen.notebook.select(panel)
    usb = documents / "caremgr-sao-luu"  # on the centre's PC: a folder on the USB stick, e.g. E:\\caremgr-sao-luu
    usb.mkdir()
    panel.folder.set(str(usb))
    panel.passphrase.set("cat-giu-ky-2026")
    panel.repeat.set("cat-giu-ky-2026")
    panel.backup_now()
    pump(app.root, lambda: panel.task.finished, timeout=60)
    pump(app.root)
    assert list(usb.glob("*.cmbak")), panel.message.cget("text")
    assert len(panel.table.get_children()) == 1
    camera.window(app.root, "sao-luu")

    log = settings_screen.audit_panel
    settings_screen.notebook.select(log)
    log.verify()
    pump(app.root)
    assert audit.verify(shell.actor).ok
    camera.window(app.root, "nhat-ky")

    residents_screen = go(app, shell, "residents")
    residents_screen.table.selection_set(residents_screen.table.get_children()[0])
    residents_screen.open_selected()
    pump(app.root)
    profile = shell.screen
    profile.notebook.select(profile.consent)
    tab = profile.consent
    tab.fields["given_by"].set(profile.detail.full_name)
    tab.fields["document"].set("01/ĐY-2026")
    tab.add()
    pump(app.root)
    assert tab.table.get_children(), tab.message.cget("text")
    camera.window(app.root, "du-lieu-ca-nhan")

    app.idle_lock.lock()
    pump(app.root)
    assert app.idle_lock.locked
    camera.window(app.root, "khoa-man-hinh")
    assert camera.taken == SHOTS["admin"]


# --- nurse ----------------------------------------------------------------------------------------

def test_guide_nurse(make_app, centre_db, camera):
    from caremgr import insurance

    app, shell = logged_in(make_app, centre_db, NURSE)
    assert shell.actor.role == "nurse"
    screen = go(app, shell, "residents")
    screen.search.insert(0, "nguyen thi")
    screen.refresh(reset=True)
    pump(app.root)
    assert screen.table.get_children(), "a name typed without its marks is found"
    camera.window(app.root, "tim-doi-tuong")

    screen.table.selection_set(screen.table.get_children()[0])
    screen.open_selected()
    pump(app.root)
    profile = shell.screen
    assert profile.detail is not None
    camera.window(app.root, "ho-so")

    birth = profile.fields["birth"].get()
    profile.fields["birth"].set("31/02/1950")
    profile.save()
    pump(app.root)
    assert profile.fields["birth"].error.cget("text"), "the wrong field is named"
    camera.window(app.root, "ho-so-loi")
    profile.fields["birth"].set(birth)
    profile.fields["birth"].clear_error()
    profile.message.configure(text="")

    profile.notebook.select(profile.health)
    health = profile.health
    values = {"pulse": "96", "blood_pressure": "150/95", "temperature": "37,2", "weight_kg": "39,4",
              "height_cm": "155", "spo2": "97", "glucose": "6,1", "examiner": "BS. Lê Thị Thu",
              "findings": "Huyết áp cao, hẹn khám lại sau 1 tuần"}
    for key, value in values.items():
        health.check_fields[key].set(value)
    health._show_bmi()
    pump(app.root)
    camera.window(app.root, "kham-suc-khoe")
    before = len(health.check_table.get_children())
    health.add_check()
    pump(app.root)
    assert len(health.check_table.get_children()) == before + 1, health.check_message.cget("text")

    health.check_fields["pulse"].set("9O")
    health.check_fields["temperature"].set("37,5")
    health.add_check()
    pump(app.root)
    assert health.check_fields["pulse"].error.cget("text")
    camera.window(app.root, "kham-loi")
    health.check_fields["pulse"].set("")
    health.check_fields["temperature"].set("")

    health.tabs.select(1)
    health.icd_search.insert(0, "tang huyet ap")
    health._search_icd()
    assert health.icd_results.size() > 0
    health.icd_results.selection_set(0)
    health._icd_selected()
    health.onset.set("15/01/2026")
    pump(app.root)
    camera.window(app.root, "benh-ly-icd10")

    health.tabs.select(2)
    for key, value in {"facility": "Bệnh viện Đa khoa tỉnh", "reason": "Khó thở, theo dõi viêm phổi",
                       "result": "Điều trị nội trú 7 ngày"}.items():
        health.referral_fields[key].set(value)
    health.add_referral()
    pump(app.root)
    assert health.referral_table.get_children(), health.referral_message.cget("text")
    camera.window(app.root, "chuyen-vien")

    sheet = go(app, shell, "rehab")
    assert sheet.lines, "the demo centre has active plans"
    for line in sheet.lines[:4]:
        line.done.set(True)
    pump(app.root)
    camera.window(app.root, "buoi-tap")
    sheet.record()
    pump(app.root)
    assert "4" in sheet.message.cget("text"), sheet.message.cget("text")

    shell.open_resident(sheet.lines[0].row.resident_id, tab="rehab")
    pump(app.root)
    rehab_tab = shell.screen.rehab
    rehab_tab.tabs.select(3)
    form = rehab_tab.barthel
    form.set_items({"feeding": 10, "bathing": 0, "grooming": 5, "dressing": 5, "bowels": 10, "bladder": 10,
                    "toilet_use": 5, "transfers": 15, "mobility": 10, "stairs": 5})
    form.fields["assessor"].set(form.staff_choices[0][1])
    pump(app.root)
    rehab_tab.draw_chart()
    assert "75/100" in form.total_label.cget("text")
    camera.window(app.root, "barthel")
    before = len(rehab_tab.assessment_table.get_children())
    rehab_tab.add_barthel()
    pump(app.root)
    assert len(rehab_tab.assessment_table.get_children()) == before + 1, rehab_tab.barthel_message.cget("text")

    due = insurance.needing_cards(shell.actor, date.today())
    expiring = next(r for r in due if r.card_number and r.valid_to and r.valid_to >= date.today())
    shell.open_resident(expiring.resident_id, tab="cards")
    pump(app.root)
    cards = shell.screen.cards
    form = cards.form
    form.fields["number"].set(expiring.card_number)
    start = expiring.valid_to + timedelta(days=1)
    form.fields["valid_from"].set(start.strftime("%d/%m/%Y"))
    form.fields["valid_to"].set((date(start.year + 1, start.month, 1) - timedelta(days=1)).strftime("%d/%m/%Y"))
    pump(app.root)
    camera.window(app.root, "the-bhyt")
    form.save()
    pump(app.root)
    assert len(cards.table.get_children()) == len(cards.rows) >= 2, form.message.cget("text")
    assert camera.taken == SHOTS["nurse"]


# --- director -------------------------------------------------------------------------------------

def pdf_picture(camera: Camera, pdf: Path, page_number: int, name: str, folder: Path, part: float = 1.0) -> Path:
    """A printed page as the reader sees it: the printed part of the page (its top ``part`` only)."""
    stem = folder / f"trang-{page_number}"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page_number), "-l", str(page_number), "-singlefile",
                    str(pdf), str(stem)], check=True)
    page = Image.open(f"{stem}.png").convert("RGB")
    page = page.crop((0, 0, page.width, int(page.height * part)))
    left, top, right, bottom = ImageOps.invert(page).getbbox()  # where something is printed
    crop = page.crop((max(0, left - 30), max(0, top - 30), min(page.width, right + 30),
                      min(page.height, bottom + 40)))
    raw = folder / f"{name}.png"
    crop.save(raw)
    path = camera.save(raw, name)
    assert_real_screen(path)
    return path


def test_guide_director(make_app, centre_db, camera, tmp_path):
    app, shell = logged_in(make_app, centre_db, DIRECTOR)
    assert shell.actor.role == "director" and shell.current_key == "dashboard"
    assert shell.screen.alert_labels, "the demo centre has things needing attention"
    camera.window(app.root, "tong-quan")

    screen = go(app, shell, "reports")
    panel = screen.return_panel
    year = date.today().year - 1  # a finished period: the whole of last year
    panel.kind.set("year")
    panel._kind_changed()
    panel.year.set(str(year))
    panel.narrative["results"].set("Chăm sóc, nuôi dưỡng an toàn, không có sự cố nghiêm trọng; tổ chức khám sức "
                                   "khỏe định kỳ và phục hồi chức năng theo kế hoạch.")
    panel.narrative["difficulties"].set("Thiếu bác sĩ chuyên khoa tâm thần.")
    panel.narrative["proposals"].set("Đề nghị Sở bổ sung 01 biên chế bác sĩ.")
    panel.show_figures()
    pump(app.root, lambda: panel.data is not None, timeout=60)
    assert panel.table.get_children()

    issued = tmp_path / "bao-cao.pdf"
    panel.issue(path=str(issued))
    pump(app.root, lambda: panel.last_task.finished, timeout=90)
    pump(app.root)
    runs = panel.history.get_children()
    assert runs and issued.is_file()
    panel.history.selection_set(runs[0])
    pump(app.root)
    number = panel.history.set(runs[0], "number")
    camera.window(app.root, "bao-cao-so-lieu")

    # the printed return: its number at the top of the first page, the signature at the end
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(issued), "-"], capture_output=True, text=True).stdout
    assert number.split("/")[0] in text and "GIÁM ĐỐC" in text
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(issued)], capture_output=True,
                                                              text=True).stdout).group(1))
    pdf_picture(camera, issued, 1, "bao-cao-trang-dau", tmp_path, part=0.42)
    pdf_picture(camera, issued, pages, "ky-dong-dau", tmp_path)

    insurance_screen = go(app, shell, "insurance")
    assert insurance_screen.table.get_children()
    camera.window(app.root, "bhyt-danh-sach")

    staff_screen = go(app, shell, "staff")
    staff_screen.tabs.select(staff_screen.training_panel)
    courses = staff_screen.training_panel.course_table
    courses.selection_set(courses.get_children()[0])
    pump(app.root)
    camera.window(app.root, "tap-huan")

    screen = go(app, shell, "reports")
    screen.tabs.select(screen.others)
    screen.inputs["plan"].set("DT0001")
    screen.inputs["record"].set("DT0001")
    pump(app.root)
    camera.window(app.root, "bao-cao-khac")
    assert camera.taken == SHOTS["director"]


# --- the guide shows exactly these pictures ----------------------------------------------------------

def test_guide_pictures_are_the_suites_own():
    text = (GUIDE / "HUONG-DAN.md").read_text(encoding="utf-8")
    referenced = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert referenced, "the guide has pictures"
    assert all(ref.startswith("img/") and ref.endswith(".png") for ref in referenced), referenced
    names = [ref.removeprefix("img/").removesuffix(".png") for ref in referenced]
    assert set(names) == PICTURES
    for name in names:
        assert (GUIDE / "img" / f"{name}.png").is_file(), name
    committed = {p.stem for p in (GUIDE / "img").glob("*")}
    assert committed == PICTURES, "no stale or hand-made pictures in docs/guide/img"
