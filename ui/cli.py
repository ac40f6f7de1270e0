"""The ``caremgr`` command line (contract: shared/design/CLI.md).

Exit codes: 0 done; 1 refused (bad input, permission), with a one-line reason on stderr;
2 could not run (file unreadable, database unreachable, command not available yet).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable

from caremgr.errors import (
    AuthenticationFailed,
    CaremgrError,
    PermissionDenied,
    ValidationError,
    database_locked_message,
    encryption_message,
    schema_too_new_message,
)
from caremgr.i18n import _, set_language
from db.errors import DatabaseLocked, EncryptionError, SchemaTooNew

GLOBAL_OPTIONS = ("--db", "--user", "--lang")
PASSWORD_ENV = "CAREMGR_PASSWORD"
NEW_PASSWORD_ENV = "CAREMGR_NEW_PASSWORD"


class Refused(Exception):
    """Exit 1: the request was understood and refused."""


class CannotRun(Exception):
    """Exit 2: the command could not run at all."""


def split_global_options(argv: list[str]) -> tuple[dict, list[str]]:
    """Takes ``--db``, ``--user`` and ``--lang`` from anywhere on the line (before or after the
    command words), as CLI.md promises."""
    found: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            if not eq:
                if i + 1 >= len(argv):
                    raise Refused(_("Thiếu giá trị sau {option}.").format(option=name))
                value = argv[i + 1]
                i += 1
            found[name[2:]] = value
        else:
            rest.append(arg)
        i += 1
    return found, rest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caremgr",
        description=_("caremgr: quản lý đối tượng, sức khỏe, phục hồi chức năng, nhân sự và báo cáo "
                      "của cơ sở trợ giúp xã hội. Không có lệnh nào: mở cửa sổ chương trình."),
        epilog=_("Tùy chọn chung (đặt ở bất kỳ vị trí nào): --db FILE|postgresql://... (hoặc biến "
                 "CAREMGR_DB), --user TÊN (mật khẩu lấy từ CAREMGR_PASSWORD hoặc hỏi), --lang vi|en."),
    )
    parser.add_argument("--version", action="store_true", help=_("in phiên bản rồi thoát"))
    parser.add_argument("--self-test", action="store_true",
                        help=_("tự kiểm tra bản cài đặt trên một cơ sở dữ liệu mẫu tạm (mở cửa sổ, tạo PDF) rồi thoát"))
    parser.add_argument("--demo", action="store_true",
                        help=_("khi mở cửa sổ trên cơ sở dữ liệu trống: chọn sẵn \"nạp dữ liệu mẫu\" trong bước thiết lập"))
    sub = parser.add_subparsers(dest="command", metavar=_("LỆNH"))

    p = sub.add_parser("init", help=_("tạo hoặc nâng cấp cơ sở dữ liệu; --demo nạp dữ liệu mẫu"))
    p.add_argument("--demo", action="store_true", help=_("nạp một cơ sở mẫu đầy đủ dữ liệu"))
    p.add_argument("--admin", metavar=_("TÊN"), help=_("tên đăng nhập của quản trị viên đầu tiên (mặc định admin)"))

    p = sub.add_parser("user", help=_("quản lý người dùng"))
    usub = p.add_subparsers(dest="user_command", metavar=_("LỆNH"))
    u = usub.add_parser("add", help=_("thêm người dùng (mật khẩu từ CAREMGR_NEW_PASSWORD hoặc hỏi hai lần)"))
    u.add_argument("name", metavar=_("TÊN"))
    u.add_argument("--role", required=True, choices=["administrator", "nurse", "director"])
    u.add_argument("--full-name", default="", help=_("họ và tên"))
    usub.add_parser("list", help=_("danh sách người dùng"))
    u = usub.add_parser("reset", help=_("quản trị viên đặt lại mật khẩu và mở khóa tài khoản (mật khẩu mới từ "
                                        "CAREMGR_NEW_PASSWORD hoặc hỏi hai lần)"))
    u.add_argument("name", metavar=_("TÊN"))

    p = sub.add_parser("audit", help=_("nhật ký thay đổi: kiểm tra tính toàn vẹn, xuất ra .xlsx"))
    asub = p.add_subparsers(dest="audit_command", metavar=_("LỆNH"))
    asub.add_parser("verify", help=_("kiểm tra nhật ký có dòng nào bị sửa hay xóa (mã thoát 1 nếu có)"))
    a = asub.add_parser("export", help=_("xuất nhật ký ra .xlsx"))
    a.add_argument("file", metavar=_("TỆP"))
    a.add_argument("--user-filter", metavar=_("TÊN"), help=_("chỉ các thao tác của người dùng này"))
    a.add_argument("--from", dest="date_from", metavar=_("NGÀY"), help=_("từ ngày (dd/mm/yyyy)"))
    a.add_argument("--to", dest="date_to", metavar=_("NGÀY"), help=_("đến ngày (dd/mm/yyyy)"))
    a.add_argument("--action", help=_("chỉ một loại thao tác, ví dụ update, view"))
    a.add_argument("--resident", metavar=_("MÃ"), help=_("chỉ các dòng về đối tượng có mã này"))

    for name in ("import", "export", "template"):
        p = sub.add_parser(name, help={"import": _("nhập danh sách từ .xlsx/.csv"),
                                       "export": _("xuất danh sách ra .xlsx/.csv"),
                                       "template": _("tạo mẫu nhập liệu .xlsx")}[name])
        p.add_argument("what", choices=["residents", "staff", "training"])
        p.add_argument("file", metavar=_("TỆP"))
        if name == "import":
            p.add_argument("--errors", metavar=_("TỆP"), help=_("nơi ghi các dòng bị từ chối"))
            p.add_argument("--sheet", help=_("tên trang tính"))
        if name == "export":
            p.add_argument("--year", type=int, help=_("chỉ các khóa tập huấn bắt đầu trong năm này (với training)"))

    p = sub.add_parser("report", help=_("in báo cáo PDF"))
    p.add_argument("kind", choices=["return", "roster", "insurance", "training", "plan", "record"])
    p.add_argument("code", nargs="?", help=_("mã đối tượng (với plan, record)"))
    p.add_argument("--out", metavar=_("TỆP"))
    p.add_argument("--period")
    p.add_argument("--json", metavar=_("TỆP"))
    p.add_argument("--xlsx", metavar=_("TỆP"))
    p.add_argument("--at")
    p.add_argument("--year", type=int)
    p.add_argument("--narrative-file", metavar=_("TỆP"),
                   help=_("phần lời của báo cáo định kỳ (với return): JSON có results, difficulties, proposals"))

    p = sub.add_parser("backup", help=_("sao lưu cơ sở dữ liệu"))
    p.add_argument("--to", metavar=_("THƯ MỤC"))
    p.add_argument("--passphrase-env", metavar=_("BIẾN"),
                   help=_("mã hóa bằng mật khẩu lấy từ biến môi trường này (mặc định CAREMGR_BACKUP_PASSPHRASE)"))
    p = sub.add_parser("restore", help=_("khôi phục từ bản sao lưu"))
    p.add_argument("file", metavar=_("TỆP"))
    p.add_argument("--yes", action="store_true", help=_("không hỏi xác nhận"))
    p.add_argument("--passphrase-env", metavar=_("BIẾN"),
                   help=_("mật khẩu của bản sao lưu mã hóa lấy từ biến môi trường này (mặc định "
                          "CAREMGR_BACKUP_PASSPHRASE)"))

    p = sub.add_parser("db", help=_("mã hóa tệp cơ sở dữ liệu SQLite (SQLCipher): encrypt, decrypt, rekey, status"))
    dsub = p.add_subparsers(dest="db_command", metavar=_("LỆNH"))
    d = dsub.add_parser("encrypt", help=_("mã hóa tệp cơ sở dữ liệu bằng một khóa (ít nhất 12 ký tự)"))
    d.add_argument("--key-env", metavar=_("BIẾN"), help=_("khóa lấy từ biến môi trường này (mặc định CAREMGR_DB_KEY, "
                                                          "không có thì hỏi hai lần)"))
    d.add_argument("--remember", action="store_true", help=_("nhớ khóa trên máy này"))
    d = dsub.add_parser("decrypt", help=_("bỏ mã hóa, trở lại tệp SQLite thường"))
    d.add_argument("--key-env", metavar=_("BIẾN"), help=_("khóa hiện tại lấy từ biến môi trường này"))
    d = dsub.add_parser("rekey", help=_("đổi khóa cơ sở dữ liệu"))
    d.add_argument("--key-env", metavar=_("BIẾN"), help=_("khóa hiện tại lấy từ biến môi trường này"))
    d.add_argument("--new-key-env", metavar=_("BIẾN"), help=_("khóa mới lấy từ biến môi trường này (không có thì "
                                                              "hỏi hai lần)"))
    d.add_argument("--remember", action="store_true", help=_("nhớ khóa mới trên máy này"))
    dsub.add_parser("status", help=_("cho biết tệp cơ sở dữ liệu có được mã hóa không"))

    p = sub.add_parser("consolidate", help=_("tổng hợp báo cáo JSON của nhiều cơ sở"))
    p.add_argument("files", nargs="+", metavar="RETURN.json")
    p.add_argument("--out", metavar=_("TỆP"))
    p.add_argument("--json", metavar=_("TỆP"))
    p.add_argument("--name", metavar=_("TÊN"), help=_("tên bản tổng hợp (mặc định: Tổng hợp tỉnh ...)"))
    # the Sở's own header, addressee and signer (by default: the agency every centre reports to)
    p.add_argument("--issuing", metavar=_("TÊN"), help=_("cơ quan lập bản tổng hợp, ví dụ \"Sở Y tế tỉnh Thanh Hóa\""))
    p.add_argument("--governing-body", metavar=_("TÊN"), help=_("cơ quan cấp trên, ví dụ \"UBND tỉnh Thanh Hóa\""))
    p.add_argument("--symbol", metavar=_("KÝ HIỆU"), help=_("ký hiệu văn bản của cơ quan, ví dụ SYT"))
    p.add_argument("--place", metavar=_("ĐỊA DANH"), help=_("địa danh ở dòng ngày tháng"))
    p.add_argument("--to", metavar=_("TÊN"), help=_("Kính gửi"))
    p.add_argument("--recipient", action="append", metavar=_("NƠI NHẬN"), help=_("nơi nhận (lặp lại được)"))
    p.add_argument("--signer", metavar=_("HỌ TÊN"), help=_("người ký"))
    p.add_argument("--signer-title", metavar=_("CHỨC DANH"), help=_("chức danh người đứng đầu, mặc định GIÁM ĐỐC"))
    return parser


# --- helpers -------------------------------------------------------------------------------------

def _open(options: dict):
    from db.connection import describe, open_database, resolve_target

    target = resolve_target(options.get("db"))
    try:
        open_database(target)
    except SchemaTooNew:
        raise
    except DatabaseLocked as exc:
        raise CannotRun(database_locked_message(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is "could not run"
        raise CannotRun(_("Không mở được cơ sở dữ liệu {db}: {error}").format(
            db=describe(target).location, error=str(exc).strip().splitlines()[0] if str(exc).strip() else exc)) from exc
    return target


def _ask_password(prompt: str, env: str, twice: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise Refused(_("Cần mật khẩu: đặt biến môi trường {env} hoặc chạy trong cửa sổ dòng lệnh.").format(env=env))
    first = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Nhập lại mật khẩu: ")) != first:
        raise Refused(_("Hai lần nhập mật khẩu không khớp."))
    return first


def _login(options: dict):
    from caremgr import auth

    username = options.get("user")
    if not username:
        raise Refused(_("Lệnh này thay đổi dữ liệu: cần --user TÊN (mật khẩu từ CAREMGR_PASSWORD hoặc hỏi)."))
    password = _ask_password(_("Mật khẩu của {user}: ").format(user=username), PASSWORD_ENV)
    return auth.authenticate(username, password)


def _say(message: str) -> None:
    print(message)


# --- commands ------------------------------------------------------------------------------------

def cmd_init(args, options) -> int:
    from caremgr import auth, setup
    from db.connection import describe

    target = _open(options)
    where = describe(target).location
    if not auth.has_users():
        username = args.admin or options.get("user") or "admin"
        password = _ask_password(_("Mật khẩu cho quản trị viên {user}: ").format(user=username), PASSWORD_ENV,
                                 twice=True)
        admin = auth.create_user(None, username, password, "administrator")
        _say(_("Đã tạo quản trị viên {user}.").format(user=admin.username))
        if not args.demo:  # a new centre starts with the editable starter checklists
            from caremgr import facility

            facility.seed_starters(admin)
    else:
        admin = None
        _say(_("Cơ sở dữ liệu đã có người dùng; đã kiểm tra và nâng cấp cấu trúc."))
    if args.demo:
        actor = admin or _login(options)
        summary = setup.load_demo_centre(actor)
        _say(_("Đã nạp dữ liệu mẫu: {residents} đối tượng, {staff} nhân viên, {courses} khóa tập huấn.").format(
            residents=summary.residents, staff=summary.staff, courses=summary.courses))
    _say(_("Cơ sở dữ liệu sẵn sàng: {db}").format(db=where))
    return 0


def cmd_user(args, options) -> int:
    from caremgr import auth

    _open(options)
    actor = _login(options)
    if args.user_command == "add":
        password = _ask_password(_("Mật khẩu cho {user}: ").format(user=args.name), NEW_PASSWORD_ENV, twice=True)
        user = auth.create_user(actor, args.name, password, args.role, args.full_name)
        _say(_("Đã thêm người dùng {user} ({role}).").format(user=user.username, role=user.role_label))
        return 0
    if args.user_command == "list":
        for user in auth.list_users(actor):
            _say(f"{user.username}\t{user.role}\t{user.full_name}")
        return 0
    if args.user_command == "reset":
        auth.require(actor, "users.manage")
        password = _ask_password(_("Mật khẩu mới cho {user}: ").format(user=args.name), NEW_PASSWORD_ENV,
                                 twice=True)
        auth.reset_password(actor, args.name, password)
        _say(_("Đã đặt lại mật khẩu và mở khóa tài khoản {user}.").format(user=args.name.strip().lower()))
        return 0
    raise Refused(_("Hãy chọn: caremgr user add TÊN --role ... hoặc caremgr user list."))


def cmd_audit(args, options) -> int:
    from caremgr import audit

    if args.audit_command not in ("verify", "export"):
        raise Refused(_("Hãy chọn: caremgr audit verify hoặc caremgr audit export TỆP.xlsx."))
    _need_user(options, _("Nhật ký thay đổi"))
    _open(options)
    actor = _login(options)
    if args.audit_command == "verify":
        report = audit.verify(actor)
        if not report.ok:
            raise Refused(report.message)
        _say(report.message)
        return 0
    filters = {"username": args.user_filter, "date_from": args.date_from, "date_to": args.date_to,
               "action": args.action, "resident_code": args.resident}
    try:
        count = audit.export_xlsx(actor, args.file, **{k: v for k, v in filters.items() if v})
    except OSError as exc:
        raise CannotRun(_("Không ghi được {file}: {error}").format(file=args.file, error=exc.strerror or exc)) from exc
    _say(_("Đã xuất {n} dòng nhật ký ra {file}.").format(n=count, file=args.file))
    return 0


def _at_date(args):
    """``--at DATE`` as a date (None when not given); a bad date is refused with the reason."""
    from caremgr.dates import parse_date

    if not args.at:
        return None
    try:
        return parse_date(args.at)
    except ValueError as exc:
        raise Refused(str(exc)) from None


def _need_out(args) -> None:
    if not args.out:
        raise Refused(_("Thiếu --out TỆP.pdf: nơi ghi tệp PDF."))


def _need_user(options, why: str) -> None:
    """Documents with personal or health data say who printed them: ``--user`` is required."""
    if not options.get("user"):
        raise Refused(_("{what}: cần --user TÊN (mật khẩu từ CAREMGR_PASSWORD hoặc hỏi).").format(what=why))


def _write_pdf(out: str, write) -> None:
    """Writes one file through ``_write_all`` and says so."""
    from pathlib import Path

    _write_all([(Path(out), write)])
    _say(_("Đã ghi {file}").format(file=out))


def _report_insurance(args, options) -> int:
    """``caremgr report insurance --out FILE.pdf [--xlsx FILE.xlsx] [--at DATE]``: the residents in care
    needing a health-insurance card issued or renewed, for the social-insurance office."""
    from pathlib import Path

    from caremgr.insurance_report import collect_insurance_list
    from reports.insurance import render_insurance_list, write_insurance_xlsx

    _need_out(args)
    on = _at_date(args)
    _need_user(options, _("Danh sách thẻ BHYT có thông tin cá nhân của đối tượng"))
    _open(options)
    actor = _login(options)
    data = collect_insurance_list(actor, on)
    targets = [(Path(args.out), lambda path: render_insurance_list(data, path))]
    if args.xlsx:
        targets.append((Path(args.xlsx), lambda path: write_insurance_xlsx(data, path)))
    _write_all(targets)
    for out, _write in targets:
        _say(_("Đã ghi {file}").format(file=out))
    return 0


def _report_plan(args, options) -> int:
    """``caremgr report plan CODE --out FILE.pdf [--at DATE]``: the resident's current rehabilitation
    plan in the official layout (health data: needs --user)."""
    from caremgr.rehab_report import collect_plan
    from reports.plan import render_plan

    if not args.code:
        raise Refused(_("Thiếu mã đối tượng: caremgr report plan MÃ --out TỆP.pdf"))
    _need_out(args)
    on = _at_date(args)
    _need_user(options, _("Kế hoạch phục hồi chức năng có thông tin sức khỏe của đối tượng"))
    _open(options)
    actor = _login(options)
    data = collect_plan(actor, args.code, on=on)
    _write_pdf(args.out, lambda path: render_plan(data, path))
    return 0


def _report_record(args, options) -> int:
    """``caremgr report record CODE --out FILE.pdf [--at DATE]``: one resident's profile and health record."""
    from caremgr.records import collect_record
    from reports.record import render_record

    if not args.code:
        raise Refused(_("Thiếu mã đối tượng: caremgr report record MÃ --out TỆP.pdf"))
    _need_out(args)
    on = _at_date(args)
    # Reading only, but the record holds health data: who printed it must be known.
    _need_user(options, _("Hồ sơ đối tượng có thông tin sức khỏe"))
    _open(options)
    actor = _login(options)
    data = collect_record(actor, args.code, on)
    _write_pdf(args.out, lambda path: render_record(data, path))
    return 0


def cmd_report(args, options) -> int:
    """``caremgr report KIND ...``: return, roster, insurance, training, plan, record (see CLI.md)."""
    handlers = {"insurance": _report_insurance, "plan": _report_plan, "training": _report_training,
                "return": _report_return, "roster": _report_roster, "record": _report_record}
    return handlers[args.kind](args, options)


def cmd_import(args, options) -> int:
    """``caremgr import residents|staff|training FILE [--errors PATH] [--sheet NAME]``: 0 when the file was
    read (even with rejected rows, written to FILE.errors.csv), 2 when it could not be read at all."""
    from caremgr import resident_io, staff_io, training_io
    from caremgr.sheets import SheetError

    notes_shown = 20  # the rest are counted, not printed
    _open(options)
    actor = _login(options)
    importer = {"residents": resident_io.import_residents, "staff": staff_io.import_staff,
                "training": training_io.import_training}[args.what]
    try:
        result = importer(actor, args.file, sheet=args.sheet)
    except SheetError as exc:
        raise CannotRun(str(exc)) from exc
    _say(result.counts_line())
    if result.unknown_columns:
        _say(_("Các cột không dùng: {columns}.").format(columns=", ".join(result.unknown_columns)))
    for note in result.notes[:notes_shown]:
        _say(note)
    if len(result.notes) > notes_shown:
        _say(_("… và {n} mục khác").format(n=len(result.notes) - notes_shown))
    if result.rejected:
        errors = args.errors or f"{args.file}.errors.csv"
        try:
            result.write_errors_csv(errors)
        except OSError as exc:
            raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
                file=errors, error=exc.strerror or exc)) from exc
        _say(_("Các dòng bị từ chối và lý do: {file}").format(file=errors))
    return 0


def cmd_export(args, options) -> int:
    """``caremgr export residents|staff FILE``: the same columns as the import; needs --user (personal
    data)."""
    if args.what == "training":
        return _export_training(args, options)
    from caremgr import resident_io, staff_io

    _open(options)
    actor = _login(options)
    exporter = {"residents": resident_io.export_residents, "staff": staff_io.export_staff}[args.what]
    try:
        count = exporter(actor, args.file)
    except OSError as exc:
        raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
            file=args.file, error=exc.strerror or exc)) from exc
    if args.what == "staff":
        _say(_("Đã xuất {n} nhân viên ra {file}").format(n=count, file=args.file))
    else:
        _say(_("Đã xuất {n} đối tượng ra {file}").format(n=count, file=args.file))
    return 0


def cmd_template(args, options) -> int:
    """``caremgr template residents|staff FILE.xlsx``: an empty import list; no database, no login."""
    if args.what == "training":
        return _template_training(args, options)
    from caremgr import resident_io, staff_io

    writer = {"residents": resident_io.write_template, "staff": staff_io.write_staff_template}[args.what]
    try:
        writer(args.file)
    except OSError as exc:
        raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
            file=args.file, error=exc.strerror or exc)) from exc
    _say(_("Đã tạo mẫu nhập liệu {file}").format(file=args.file))
    return 0


# --- training (caremgr import/export/template training, caremgr report training) ---------------------

def _export_training(args, options) -> int:
    """``caremgr export training FILE [--year Y]``: one row per attendance, the import's columns."""
    from caremgr import training_io

    _open(options)
    actor = _login(options)
    try:
        count = training_io.export_training(actor, args.file, year=args.year)
    except OSError as exc:
        raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
            file=args.file, error=exc.strerror or exc)) from exc
    _say(_("Đã xuất {n} lượt tham dự tập huấn ra {file}").format(n=count, file=args.file))
    return 0


def _template_training(args, options) -> int:
    """``caremgr template training FILE.xlsx``: an empty attendance list; no database, no login."""
    from caremgr import training_io

    try:
        training_io.write_training_template(args.file)
    except OSError as exc:
        raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
            file=args.file, error=exc.strerror or exc)) from exc
    _say(_("Đã tạo mẫu nhập liệu {file}").format(file=args.file))
    return 0


def _report_training(args, options) -> int:
    """``caremgr report training [--year Y] --out FILE.pdf [--at DATE]``: the year's courses, attendees and
    totals against the target (the current year by default; --at counts up to that day of the year)."""
    from datetime import date
    from pathlib import Path

    from caremgr.training_report import collect_training
    from reports.training import render_training

    _need_out(args)
    on = _at_date(args)
    year = args.year or (on.year if on else date.today().year)
    if not 1950 <= year <= 9999:
        raise Refused(_("Năm không hợp lệ: {year}.").format(year=year))
    _need_user(options, _("Báo cáo tập huấn có danh sách cán bộ, nhân viên"))
    _open(options)
    actor = _login(options)
    data = collect_training(actor, year, on=on)
    _write_all([(Path(args.out), lambda path: render_training(data, path))])
    totals = data["totals"]
    _say(_("Năm {year}: {courses} khóa, {turns} lượt người, {staff} người được tập huấn.").format(
        year=year, courses=totals["courses"], turns=totals["turns"], staff=totals["staff_trained"]))
    _say(_("Đã ghi {file}").format(file=args.out))
    return 0


def _write_all(targets: list) -> None:
    """Writes every ``(path, write)`` aside first, then puts them all in place: all or nothing."""
    import contextlib

    partials, current = [], None
    try:
        for out, write in targets:
            current = out
            partial = out.with_name(out.name + ".part")
            partials.append(partial)
            write(str(partial))
        for (out, _write), partial in zip(targets, partials, strict=True):
            current = out
            partial.replace(out)
    except OSError as exc:
        for partial in partials:  # a folder that is not there holds no half-written file
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
        raise CannotRun(_("Không ghi được tệp {file}: {error}").format(
            file=current, error=exc.strerror or exc)) from exc


def _report_roster(args, options) -> int:
    """``caremgr report roster --out FILE.pdf [--at DATE]``: the residents in care on the day (today by
    default), in Vietnamese name order, with the totals by group (personal data: needs --user)."""
    from pathlib import Path

    from caremgr.dates import format_date, parse_date
    from caremgr.roster import collect_roster
    from reports.roster import render_roster

    if not args.out:
        raise Refused(_("Thiếu --out TỆP.pdf: nơi ghi tệp PDF."))
    at = None
    if args.at:
        try:
            at = parse_date(args.at)
        except ValueError as exc:
            raise Refused(str(exc)) from None
    if not options.get("user"):
        raise Refused(_("Danh sách đối tượng có thông tin cá nhân: cần --user TÊN (mật khẩu từ CAREMGR_PASSWORD "
                        "hoặc hỏi)."))
    _open(options)
    actor = _login(options)
    data = collect_roster(actor, at)
    out = Path(args.out)
    _write_all([(out, lambda path: render_roster(data, path))])
    _say(_("{count} đối tượng đang được chăm sóc, nuôi dưỡng ngày {day}.").format(
        count=data["counts"]["total"], day=format_date(parse_date(data["at"]))))
    _say(_("Đã ghi {file}").format(file=out))
    return 0


def cmd_consolidate(args, options) -> int:
    """``caremgr consolidate RETURN.json ... --out FILE.pdf [--json FILE.json] [--name TÊN]``: the Sở's
    summary of the centres' JSON returns of one period. No database and no login: the files are
    all it reads. Exit 1 when a file is not a valid return, the periods differ or a centre comes
    twice; 2 when a file cannot be read or written."""
    import json
    from pathlib import Path

    from caremgr.consolidate import consolidate, load_returns
    from reports.returns_pdf import render_return

    if not args.out:
        raise Refused(_("Thiếu --out TỆP.pdf: nơi ghi tệp PDF."))
    try:
        returns = load_returns(args.files)
    except OSError as exc:
        raise CannotRun(_("Không đọc được tệp {file}: {error}").format(
            file=exc.filename or "", error=exc.strerror or exc)) from exc
    issuing = {key: value for key, value in (
        ("name", args.issuing), ("governing_body", args.governing_body), ("symbol", args.symbol),
        ("place", args.place), ("receiving_agency", args.to), ("recipients", args.recipient),
        ("director", args.signer), ("signer_title", args.signer_title)) if value}
    data = consolidate(returns, name=args.name, issuing=issuing or None, sources=list(args.files))

    def write_json(path: str) -> None:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    targets = [(Path(args.out), lambda path: render_return(data, path))]
    if args.json:
        targets.append((Path(args.json), write_json))
    _write_all(targets)
    _say(_("Đã tổng hợp {count} cơ sở, kỳ {period}: {in_care} đối tượng đang được chăm sóc.").format(
        count=len(data["centres"]), period=data["period"].get("title") or data["period"]["label"],
        in_care=data["residents"]["in_care"]))
    for out, _write in targets:
        _say(_("Đã ghi {file}").format(file=out))
    return 0


def _read_narrative(file: str) -> dict:
    """The return's free texts from a JSON file {"results", "difficulties", "proposals"}."""
    import json
    from pathlib import Path

    try:
        raw = Path(file).read_bytes()
    except OSError as exc:
        raise CannotRun(_("Không đọc được tệp {file}: {error}").format(file=file, error=exc.strerror or exc)) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(_("Tệp {file}: không đọc được nội dung JSON ({error}).").format(file=file, error=exc)) from None
    if not isinstance(data, dict):
        raise Refused(_("Tệp {file}: cần một đối tượng JSON với các mục results, difficulties, proposals.").format(
            file=file))
    return data


def _report_return(args, options) -> int:
    """``caremgr report return --period P --out FILE.pdf [--json FILE.json] [--at DATE] [--narrative-file
    FILE.json]``: issues the periodic return to the Sở (the next number of the issue date's year, kept
    with its figures in the history) and writes its PDF and JSON twin. ``--at`` is the issue date
    (default today). Needs --user allowed to issue returns; a file that cannot be written leaves no
    number issued."""
    import json
    from pathlib import Path

    from caremgr import returns
    from caremgr.auth import require
    from caremgr.dates import parse_date
    from caremgr.periods import parse_period

    if not args.period:
        raise Refused(_("Thiếu --period KỲ: 2026-H1, 2026-H2, 2026 hoặc TỪ:ĐẾN (ví dụ 2026-03-01:2026-05-31)."))
    if not args.out:
        raise Refused(_("Thiếu --out TỆP.pdf: nơi ghi tệp PDF."))
    try:
        period = parse_period(args.period)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    issued_on = None
    if args.at:
        try:
            issued_on = parse_date(args.at)
        except ValueError as exc:
            raise Refused(str(exc)) from None
    narrative = _read_narrative(args.narrative_file) if args.narrative_file else None
    if not options.get("user"):
        raise Refused(_("Cấp số báo cáo định kỳ cần biết ai cấp: cần --user TÊN (mật khẩu từ CAREMGR_PASSWORD "
                        "hoặc hỏi)."))
    _open(options)
    actor = _login(options)
    require(actor, returns.ISSUE)  # refused before anything is written or numbered
    try:
        from reports.returns_pdf import render_return
    except ImportError as exc:
        raise CannotRun(_("Phần in báo cáo định kỳ chưa có trong phiên bản này của caremgr ({error}).").format(
            error=exc)) from exc

    def write_json(data: dict, path: str) -> None:
        returns.validate(data)
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    written: list[Path] = []

    def deliver(issued) -> None:
        targets = [(Path(args.out), lambda path: render_return(issued.data, path))]
        if args.json:
            targets.append((Path(args.json), lambda path: write_json(issued.data, path)))
        _write_all(targets)
        written.extend(out for out, _write in targets)

    issued = returns.issue(actor, period, narrative, issued_on=issued_on, deliver=deliver)
    _say(_("Đã cấp số {number}: báo cáo {title}.").format(number=issued.number_text,
                                                          title=issued.data["period"]["title"]))
    for out in written:
        _say(_("Đã ghi {file}").format(file=out))
    if not (narrative or {}).get("results", "").strip():
        print(_("caremgr: lưu ý: báo cáo chưa có phần \"Kết quả\" (--narrative-file TỆP.json với "
                "\"results\"); bản in sẽ ghi \"Không có.\"."), file=sys.stderr)
    return 0


def _backup_passphrase(args) -> str | None:
    from caremgr.backup import PASSPHRASE_ENV

    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise Refused(_("Biến môi trường {env} chưa có mật khẩu sao lưu.").format(env=args.passphrase_env))
        return value
    return os.environ.get(PASSPHRASE_ENV) or None


def _counts_text(counts: dict) -> str:
    labels = {"residents": _("đối tượng"), "staff": _("nhân viên"), "users": _("người dùng"),
              "health_checks": _("lần khám sức khỏe"), "insurance_cards": _("thẻ BHYT"),
              "rehab_plans": _("kế hoạch PHCN"), "training_courses": _("khóa tập huấn"),
              "audit_entries": _("dòng nhật ký")}
    return ", ".join(f"{counts[k]} {label}" for k, label in labels.items() if k in counts)


def cmd_backup(args, options) -> int:
    """``caremgr backup [--to DIR] [--passphrase-env VAR]``: an online backup (administrator)."""
    from caremgr import backup

    _need_user(options, _("Sao lưu"))
    passphrase = _backup_passphrase(args)
    _open(options)
    actor = _login(options)
    info = backup.make_backup(actor, folder=args.to, passphrase=passphrase)
    _say(_("Đã sao lưu vào {file} ({size} KB{encrypted}).").format(
        file=info.path, size=max(1, round(info.size / 1024)),
        encrypted=_(", mã hóa") if info.encrypted else ""))
    _say(_("Nội dung: {counts}.").format(counts=_counts_text(info.counts)))
    return 0


def cmd_restore(args, options) -> int:
    """``caremgr restore FILE [--yes]``: checks the file, keeps a safety copy, replaces the database."""
    from pathlib import Path

    from caremgr import auth, backup
    from db.connection import describe, resolve_target

    if not Path(args.file).is_file():
        raise CannotRun(_("Không đọc được tệp {file}.").format(file=args.file))
    passphrase = _backup_passphrase(args)
    _open(options)
    # A new machine (a database without users yet) may be filled from a backup without logging in.
    actor = auth.SYSTEM if not auth.has_users() else None
    if actor is None:
        _need_user(options, _("Khôi phục"))
        actor = _login(options)
    info = backup.inspect_backup(args.file, passphrase)
    _say(_("Bản sao lưu ngày {date}: {counts}.").format(date=info.created_label, counts=_counts_text(info.counts)))
    if not args.yes:
        if not sys.stdin or not sys.stdin.isatty():
            raise Refused(_("Khôi phục sẽ thay toàn bộ dữ liệu hiện có: thêm --yes để xác nhận."))
        answer = input(_("Thay toàn bộ dữ liệu của {db} bằng bản sao lưu này? Gõ \"co\" để đồng ý: ").format(
            db=describe(resolve_target(options.get("db"))).location))
        if answer.strip().lower() not in ("co", "có", "yes", "y"):
            raise Refused(_("Đã hủy, dữ liệu không thay đổi."))
    result = backup.restore_backup(actor, args.file, passphrase=passphrase)
    restored = result.restored_from
    _say(_("Đã khôi phục bản sao lưu ngày {date} (phiên bản dữ liệu {version}): {counts}.").format(
        date=restored.created_label, version=restored.schema_version, counts=_counts_text(restored.counts)))
    _say(_("Dữ liệu trước khi khôi phục được giữ ở {file}").format(file=result.safety_copy))
    return 0


def _database_key(env: str | None, prompt: str, *, twice: bool, default: str | None = None) -> str:
    """A database key from the variable ``env`` (which must then be set), else ``default``, else asked."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise Refused(_("Biến môi trường {env} chưa có khóa cơ sở dữ liệu.").format(env=env))
        return value
    if default:
        return default
    if not sys.stdin or not sys.stdin.isatty():
        raise Refused(_("Cần khóa cơ sở dữ liệu: đặt biến môi trường CAREMGR_DB_KEY (hoặc --key-env BIẾN) hoặc "
                        "chạy trong cửa sổ dòng lệnh."))
    first = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Nhập lại khóa: ")) != first:
        raise Refused(_("Hai lần nhập khóa không khớp."))
    return first


def cmd_db(args, options) -> int:
    """``caremgr db encrypt|decrypt|rekey|status``: SQLCipher encryption of the SQLite file (the program
    must be closed on every PC meanwhile)."""
    from pathlib import Path

    from caremgr import audit
    from db import cipher
    from db.connection import close_database, describe, is_postgres_url, open_database, resolve_target

    target = resolve_target(options.get("db"))
    if args.db_command is None:
        raise Refused(_("Thiếu lệnh: encrypt, decrypt, rekey hoặc status."))
    if is_postgres_url(target):
        raise Refused(_("Mã hóa tệp chỉ dành cho cơ sở dữ liệu SQLite; với PostgreSQL, dữ liệu do máy chủ bảo vệ."))
    where = describe(target).location
    if not Path(where).is_file():
        raise CannotRun(_("Không tìm thấy tệp cơ sở dữ liệu {db}.").format(db=where))
    encrypted = cipher.is_encrypted(where)
    if args.db_command == "status":
        _say(_("Cơ sở dữ liệu {db}: {state}.").format(
            db=where, state=_("được mã hóa (SQLCipher)") if encrypted else _("chưa mã hóa")))
        if encrypted:
            _say(_("Khóa đã nhớ trên máy này: {answer}.").format(
                answer=_("có") if cipher.remembered_key(where) else _("không")))
            if not cipher.available():
                _say(encryption_message(EncryptionError("no_sqlcipher")))
        return 0
    try:
        if args.db_command == "encrypt":
            if encrypted:
                raise EncryptionError("already_encrypted")
            key = _database_key(args.key_env, _("Khóa cơ sở dữ liệu mới (ít nhất {n} ký tự): ").format(
                n=cipher.MIN_KEY_LENGTH), twice=True, default=os.environ.get(cipher.KEY_ENV))
            copy = cipher.encrypt_file(where, key)
            action, summary = "encrypt", "database encrypted (SQLCipher)"
        else:
            if not encrypted:
                raise EncryptionError("not_encrypted")
            key = _database_key(args.key_env, _("Khóa cơ sở dữ liệu hiện tại: "), twice=False,
                                default=cipher.find_key(where))
            if not cipher.key_works(where, key):
                raise DatabaseLocked(where, "wrong_key")
            copy = None
            if args.db_command == "decrypt":
                copy = cipher.decrypt_file(where, key)
                action, summary, key = "decrypt", "database decrypted", None
            else:
                new = _database_key(args.new_key_env, _("Khóa cơ sở dữ liệu mới (ít nhất {n} ký tự): ").format(
                    n=cipher.MIN_KEY_LENGTH), twice=True)
                cipher.change_key(where, key, new)
                action, summary, key = "rekey", "database key changed", new
    except EncryptionError as exc:
        raise Refused(encryption_message(exc)) from exc
    except DatabaseLocked as exc:
        raise Refused(database_locked_message(exc)) from exc
    if key and getattr(args, "remember", False):
        cipher.remember_key(where, key)
    open_database(where, key=key)
    try:
        audit.record(None, action, "database", summary=summary)
    finally:
        close_database()
    if action == "encrypt":
        _say(_("Đã mã hóa {db}. Từ nay cần khóa cơ sở dữ liệu để mở (nhập khi mở chương trình, hoặc biến môi "
               "trường CAREMGR_DB_KEY). Mất khóa thì không lấy lại được dữ liệu: hãy ghi khóa ra giấy, niêm phong "
               "và giao giám đốc giữ.").format(db=where))
    elif action == "decrypt":
        _say(_("Đã bỏ mã hóa {db}: tệp trở lại SQLite thường.").format(db=where))
    else:
        _say(_("Đã đổi khóa cơ sở dữ liệu {db}.").format(db=where))
    if action == "encrypt":
        _say(_("Bản sao của tệp trước khi mã hóa: {file} (bản sao lưu mã hóa, mật khẩu là khóa cơ sở dữ liệu; "
               "các bản sao lưu cũ hơn không đặt mật khẩu thì vẫn chưa mã hóa).").format(file=copy))
    elif copy is not None:
        _say(_("Bản sao của tệp trước khi bỏ mã hóa: {file} (mở bằng khóa cơ sở dữ liệu cũ).").format(file=copy))
    if cipher.remembered_key(where):
        _say(_("Khóa được nhớ trên máy này ({file}).").format(file=cipher.key_file_path()))
    return 0


def not_yet(args, options) -> int:
    raise CannotRun(_("Lệnh \"{command}\" chưa có trong phiên bản này của caremgr.").format(command=args.command))


COMMANDS: dict[str, Callable] = {
    "init": cmd_init,
    "user": cmd_user,
    "audit": cmd_audit,
    "import": cmd_import,
    "export": cmd_export,
    "template": cmd_template,
    "report": cmd_report,
    "consolidate": cmd_consolidate,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "db": cmd_db,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(os.environ.get("CAREMGR_LANG", "vi"))
    try:
        options, rest = split_global_options(argv)
        set_language(options.get("lang", os.environ.get("CAREMGR_LANG", "vi")))
        parser = build_parser()
        try:
            args = parser.parse_args(rest)
        except SystemExit as exit_:  # argparse: --help is 0, a usage error is 2 -> refused (1)
            return 0 if exit_.code == 0 else 1
        if args.version:
            from caremgr import __version__

            _say(f"caremgr {__version__}")
            return 0
        if args.self_test:
            from ui.self_test import run_self_test

            return run_self_test()
        if args.command is None:
            from ui.app import run

            return run(options.get("db"), demo=args.demo)
        return COMMANDS.get(args.command, not_yet)(args, options)
    except CannotRun as exc:
        print(f"caremgr: {exc}", file=sys.stderr)
        return 2
    except SchemaTooNew as exc:
        print(f"caremgr: {schema_too_new_message(exc)}", file=sys.stderr)
        return 2
    except (Refused, ValidationError, PermissionDenied, AuthenticationFailed, CaremgrError) as exc:
        print(f"caremgr: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, details only on request
        if os.environ.get("CAREMGR_DEBUG"):
            raise
        print(_("caremgr: lỗi không mong đợi ({kind}: {error}). Chạy lại với CAREMGR_DEBUG=1 để xem chi tiết.")
              .format(kind=type(exc).__name__, error=exc), file=sys.stderr)
        return 2
    finally:
        connection = sys.modules.get("db.connection")
        if connection is not None:  # --version, --help: nothing opened, so peewee is not even imported
            connection.close_database()


if __name__ == "__main__":
    sys.exit(main())
