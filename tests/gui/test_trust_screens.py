"""Trust in the windows: backup and restore from Settings, the audit viewer and its integrity check, consent
and the data-subject export in a profile, the record of who opened a profile."""

import zipfile
from datetime import date

import pytest

from db.connection import current_database
from db.models import AuditLog, Resident
from tests.gui.conftest import login, pump


@pytest.fixture
def shell(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    monkeypatch.setattr("ui.dialogs.confirm", lambda *_a, **_k: True)
    app = make_app(demo_db)
    return login(app)


def open_settings_tab(shell, name):
    shell.nav_buttons["settings"].invoke()
    pump(shell.app.root)
    panel = getattr(shell.screen, name)
    shell.screen.notebook.select(panel)
    pump(shell.app.root)
    return panel


def test_backup_then_restore_brings_the_data_back(shell, tmp_path):
    panel = open_settings_tab(shell, "backup_panel")
    panel.folder.set(str(tmp_path / "usb"))
    panel.backup_now()
    pump(shell.app.root, lambda: panel.task.finished, timeout=60)
    files = list((tmp_path / "usb").glob("*.cmbak"))
    assert len(files) == 1 and "Đã sao lưu" in panel.message.cget("text")
    assert panel.table.get_children() == (str(files[0]),)

    before = Resident.select().count()
    victim = Resident.select().order_by(Resident.code).first()
    Resident.delete().where(Resident.id == victim.id).execute()  # as if the data were lost
    assert Resident.select().count() == before - 1
    app = shell.app
    panel.restore(path=str(files[0]), confirmed=True)
    pump(app.root, lambda: panel.task.finished, timeout=90)
    pump(app.root)
    assert "Đã khôi phục" in app.restored_message
    assert current_database() is not None
    assert Resident.select().count() == before
    assert Resident.get_or_none(Resident.code == victim.code) is not None


def test_audit_viewer_filters_and_detects_tampering(shell):
    panel = open_settings_tab(shell, "audit_panel")
    assert panel.rows
    panel.filters["username"].set("admin")
    panel.refresh()
    assert panel.rows and all(r.username == "admin" for r in panel.rows)
    panel.verify()
    assert "nguyên vẹn" in panel.message.cget("text")
    victim = AuditLog.select().order_by(AuditLog.id).first()
    AuditLog.update(summary="đã bị sửa").where(AuditLog.id == victim.id).execute()
    panel.verify()
    assert "CẢNH BÁO" in panel.message.cget("text")


def test_consent_view_log_and_subject_export(shell, tmp_path):
    resident = Resident.select().where(Resident.status == "in_care").order_by(Resident.code).first()
    views = AuditLog.select().where((AuditLog.action == "view") & (AuditLog.resident_id == resident.id)).count()
    shell.open_resident(resident.id)
    pump(shell.app.root)
    profile = shell.screen
    assert AuditLog.select().where((AuditLog.action == "view") & (AuditLog.resident_id == resident.id)).count() \
        == views + 1, "opening a profile is logged"
    tab = profile.consent
    tab.fields["given_by"].set("Nguyễn Văn Bình")
    tab.fields["relation"].set("guardian")
    tab.fields["document"].set("12/BB-TTBTXH")
    tab.add_button.invoke()
    assert [tab.table.set(i, "given_by") for i in tab.table.get_children()][0] == "Nguyễn Văn Bình"
    tab.fields["given_by"].set("")
    tab.add_button.invoke()
    assert tab.fields["given_by"].error.cget("text"), "who consented is required"
    first = tab.table.get_children()[0]
    tab.table.selection_set(first)
    tab.withdraw_button.invoke()
    assert tab.table.set(first, "withdrawn") == date.today().strftime("%d/%m/%Y")

    out = tmp_path / "du-lieu.zip"
    tab.export(path=str(out))
    pump(shell.app.root, lambda: tab.last_task.finished, timeout=60)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".json") for n in names)
        text = b"".join(archive.read(n) for n in names if n.endswith(".json")).decode("utf-8")
    assert resident.full_name in text and "Nguyễn Văn Bình" in text
