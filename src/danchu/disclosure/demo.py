"""Demo disclosures for Xã Can Lộc (18406): a register that looks like a commune's real one.

About twenty items across the contents of Law 10/2022 Art. 11 — what a commune of the former
Can Lộc district publicises (budget execution, the poor-household review, the military call-up,
the democracy regulation, the administrative procedures, contributions for a village road, land
recovery for a provincial road, fees, a consultation, inspection results, support after a
storm) — with the history of how each was published: most on every required channel in time,
some late, some missing a channel, one taken down too early, one corrected by a second version
whose posting is still pending, one draft; and a few residents' requests for information.

Everything is created through the services (the demo's commune official and village heads as
actors). The services stamp "today" on publication and on receipt; the generated history is
then moved into the past by updating the demo's own rows (publication times, the website
record, creation and receipt times). Every date is in the past, relative to the day the demo
is loaded; the same seed gives the same register on the same day. Document numbers, figures
and the contractor's name are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from danchu.core import audit, calendar
from danchu.disclosure import files, services
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
    VersionVillage,
)
from danchu.disclosure.rules import Category, Channel, requirements
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["DEMO_OFFICIAL", "DemoDisclosures", "ITEMS", "demo_load", "demo_reset"]

# The demo's commune official (created by danchu.territory.demo) keeps the register; each
# village head records the postings and relays in their own village.
DEMO_OFFICIAL = "canbo1.canloc"
VILLAGE_HEAD = "truongthon{code}.canloc"
LOUDSPEAKER_TEAM = "Đài truyền thanh xã Can Lộc"

# Kinds of source documents: (name, number suffix, documents a year, issuer).
DOCS: dict[str, tuple[str, str, int, str]] = {
    "qd": ("Quyết định", "QĐ-UBND", 620, ""),
    "tb": ("Thông báo", "TB-UBND", 260, ""),
    "bc": ("Báo cáo", "BC-UBND", 380, ""),
    "kh": ("Kế hoạch", "KH-UBND", 230, ""),
    "ttr": ("Tờ trình", "TTr-UBND", 170, ""),
    "qd_tinh": ("Quyết định", "QĐ-UBND", 3100, " của UBND tỉnh Hà Tĩnh"),
    "kl_tinh": ("Kết luận thanh tra", "KL-TTr", 140, " của Thanh tra tỉnh Hà Tĩnh"),
    "tb_nvqs": ("Thông báo", "TB-HĐNVQS", 35, " của Hội đồng nghĩa vụ quân sự xã"),
    "bc_mttq": ("Báo cáo", "BC-MTTQ", 95, " của Ban Thường trực Ủy ban MTTQ Việt Nam xã"),
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# (low, high), (low, high, divisor) for one decimal, or ("diff", a, b): figure a minus figure b.
Figure = tuple[int, int] | tuple[int, int, int] | tuple[str, str, str]


@dataclass(frozen=True)
class Correction:
    """A second version (Art. 14: changed information is publicised again), still pending."""

    doc: str
    issued_ago: int
    published_ago: int
    change_note: str
    summary: str


@dataclass(frozen=True)
class Item:
    """One demo disclosure and how it was published.

    ``ago``: the source document was issued about this many days before the load. Channel
    starts are working days after the issue date (the law's deadline is 5: Art. 12(3)).
    ``skip``: required acts never done, as (channel, village code or None).
    """

    key: str
    category: Category
    title: str  # str.format() with the item's context (years, quarter, figures)
    summary: str
    doc: str
    ago: int
    villages: tuple[str, ...] = ()  # empty: the whole commune
    body: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)
    publish_wd: int = 1
    office_wd: int = 1
    village_wd: int = 2
    loudspeaker_wd: int = 2
    relay_wd: int = 3
    office_days: int | None = None  # None: taken down after 31–35 days (or still up)
    skip: frozenset[tuple[str, str | None]] = frozenset()
    draft: bool = False
    correction: Correction | None = None


@dataclass(frozen=True)
class Request:
    """A resident's request for information (Art. 14) about one demo item."""

    item: str
    requester: int  # index among the demo's resident accounts
    received_ago: int
    answered_ago: int | None
    reason: str
    subject: str
    message: str
    answer: str = ""


R = InformationRequest.Reason
C = Category

ITEMS: list[Item] = [
    Item(
        "quy_che", C.DEMOCRACY_REGULATION,
        "Quy chế thực hiện dân chủ ở cơ sở xã Can Lộc",
        "Quy chế gồm {chuong} chương, {dieu} điều: những nội dung công khai, nội dung Nhân dân "
        "bàn và quyết định, nội dung Nhân dân tham gia ý kiến, nội dung Nhân dân kiểm tra, giám "
        "sát; trách nhiệm của cán bộ, công chức xã. Niêm yết thường xuyên tại trụ sở UBND xã.",
        "qd", 118, figures={"chuong": (5, 6), "dieu": (28, 36)},
    ),
    Item(
        "quyet_toan", C.BUDGET,
        "Công khai quyết toán ngân sách xã năm {prev_year}",
        "Quyết toán thu ngân sách xã năm {prev_year}: {thu} triệu đồng; quyết toán chi: {chi} "
        "triệu đồng; kết dư chuyển năm sau {ketdu} triệu đồng, theo nghị quyết phê chuẩn của "
        "HĐND xã. Số liệu theo các biểu mẫu kèm Thông tư số 343/2016/TT-BTC.",
        "qd", 112,
        figures={"thu": (23500, 26800), "ketdu": (850, 1400), "chi": ("diff", "thu", "ketdu")},
        publish_wd=7, office_wd=9, village_wd=10,
    ),
    Item(
        "tthc", C.ADMIN_PROCEDURES,
        "Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã",
        "{so} thủ tục hành chính thuộc {linhvuc} lĩnh vực (hộ tịch, chứng thực, đất đai, bảo trợ "
        "xã hội, người có công…): thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí. Niêm yết "
        "thường xuyên tại nơi tiếp nhận và trả kết quả hồ sơ.",
        "qd_tinh", 101, figures={"so": (112, 126), "linhvuc": (14, 18)},
        correction=Correction(
            "qd_tinh", 4, 2,
            "Cập nhật theo quyết định công bố mới của UBND tỉnh: bổ sung 04 thủ tục lĩnh vực hộ "
            "tịch, chứng thực; bãi bỏ 02 thủ tục lĩnh vực đất đai.",
            "Danh mục sau khi cập nhật: bổ sung 04 thủ tục lĩnh vực hộ tịch, chứng thực và bãi bỏ "
            "02 thủ tục lĩnh vực đất đai theo quyết định công bố mới của UBND tỉnh. Niêm yết "
            "thường xuyên tại nơi tiếp nhận và trả kết quả hồ sơ.",
        ),
    ),
    Item(
        "phi_le_phi", C.FEES,
        "Công khai danh mục, mức thu các khoản phí, lệ phí và khoản đóng góp bắt buộc năm {year}",
        "Lệ phí hộ tịch, phí chứng thực, lệ phí đăng ký biến động đất đai và mức đóng góp Quỹ "
        "phòng, chống thiên tai theo quy định hiện hành. Người dân chỉ nộp các khoản có trong "
        "danh mục và được nhận biên lai.",
        "qd", 96, skip=frozenset({(Channel.LOUDSPEAKER.value, None)}),
    ),
    Item(
        "dai_doan_ket", C.OTHER,
        "Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm {year} ở các khu dân cư",
        "Ngày hội tổ chức tại 10 thôn, tổ dân phố từ ngày 01/11 đến ngày 18/11/{year}, nhân kỷ "
        "niệm ngày truyền thống Mặt trận Tổ quốc Việt Nam (18/11).",
        "kh", 91,
    ),
    Item(
        "thanh_tra", C.INSPECTION_RESULTS,
        "Kết luận thanh tra việc quản lý, sử dụng kinh phí xây dựng nông thôn mới giai đoạn "
        "{year_minus_3}–{prev_year}",
        "Kết luận chỉ ra một số thiếu sót trong hồ sơ nghiệm thu, thanh quyết toán {ct} công "
        "trình; yêu cầu thu hồi nộp ngân sách {tien} triệu đồng và kiểm điểm trách nhiệm tập "
        "thể, cá nhân có liên quan.",
        "kl_tinh", 85, figures={"ct": (3, 7), "tien": (120, 480)}, loudspeaker_wd=9,
    ),
    Item(
        "hoc_tap", C.SOCIAL_SUPPORT,
        "Danh sách học sinh được hỗ trợ chi phí học tập năm học {school_year}",
        "{so} học sinh thuộc hộ nghèo, hộ cận nghèo và học sinh có hoàn cảnh đặc biệt khó khăn "
        "được hỗ trợ chi phí học tập năm học {school_year}; danh sách theo từng trường và từng "
        "thôn, tổ dân phố.",
        "qd", 82, figures={"so": (140, 210)}, office_wd=7, village_wd=8, relay_wd=8,
    ),
    Item(
        "thu_hoi_dat", C.INVESTMENT_LAND,
        "Thông báo thu hồi đất để thực hiện dự án Nâng cấp, mở rộng đường tỉnh đoạn qua xã "
        "Can Lộc",
        "Dự kiến thu hồi {dt} m² đất (trong đó {dtnn} m² đất nông nghiệp) của {ho} hộ gia đình, "
        "cá nhân tại Tổ dân phố Trung Nghĩa, thôn Phú Hòa và thôn Tân Tiến; điều tra, khảo sát, "
        "đo đạc, kiểm đếm trong {thang} tháng.",
        "tb", 76, villages=("04", "06", "07"),
        body="Người có đất thu hồi phối hợp với Hội đồng bồi thường, hỗ trợ, tái định cư trong "
        "việc điều tra, khảo sát, đo đạc, kiểm đếm. Thông báo được gửi đến từng người có đất thu "
        "hồi và niêm yết tại trụ sở UBND xã, nhà văn hóa các khu dân cư nơi có đất thu hồi.",
        figures={"dt": (18500, 26400), "dtnn": (12100, 16900), "ho": (46, 78), "thang": (2, 4)},
    ),
    Item(
        "bao_tro", C.SOCIAL_SUPPORT,
        "Danh sách đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng tăng mới tháng "
        "{month}/{year}",
        "{so} người (người cao tuổi, người khuyết tật, trẻ em mồ côi) được hưởng trợ cấp xã hội "
        "hằng tháng theo Nghị định số 20/2021/NĐ-CP; danh sách theo từng thôn, tổ dân phố.",
        "qd", 72, figures={"so": (9, 24)},
    ),
    Item(
        "nha_van_hoa", C.PUBLIC_ASSETS,
        "Kết quả lựa chọn nhà thầu gói thầu thi công xây dựng nhà văn hóa thôn Thịnh Lộc",
        "Nhà thầu được lựa chọn: Công ty TNHH Xây dựng Nghèn Xanh (tên minh họa); giá trúng thầu "
        "{gia} triệu đồng; thời gian thực hiện {ngay} ngày. Nguồn vốn: ngân sách xã và Nhân dân "
        "thôn Thịnh Lộc đóng góp.",
        "qd", 69, villages=("09",), figures={"gia": (1450, 2380), "ngay": (120, 180)},
    ),
    Item(
        "duong_thon", C.FUNDS_CONTRIBUTIONS,
        "Kế hoạch huy động Nhân dân đóng góp xây dựng đường giao thông thôn Phú Thượng",
        "Tuyến đường trục thôn dài {dai} m, mặt đường bê tông rộng 3,5 m; tổng dự toán {dutoan} "
        "triệu đồng, trong đó ngân sách tỉnh hỗ trợ xi măng, Nhân dân đóng góp {donggop} triệu "
        "đồng theo nghị quyết hội nghị thôn. Mức đóng góp bình quân {muc} nghìn đồng/khẩu; hộ "
        "nghèo, hộ gia đình chính sách được miễn.",
        "qd", 66, villages=("05",), office_wd=8, village_wd=9,
        figures={"dai": (850, 1600), "dutoan": (1900, 3200), "donggop": (620, 980),
                 "muc": (300, 550)},
    ),
    Item(
        "ktxh", C.PLANS,
        "Báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội, quốc phòng - an ninh "
        "{months} tháng đầu năm {year}",
        "Tổng giá trị sản xuất ước đạt {gtsx} tỷ đồng, tăng {tang}% so với cùng kỳ; thu nhập "
        "bình quân đầu người {thunhap} triệu đồng; tỷ lệ hộ nghèo còn {ngheo}%. Báo cáo nêu "
        "các nhiệm vụ trọng tâm những tháng cuối năm.",
        "bc", 62,
        figures={"gtsx": (980, 1150), "tang": (62, 91, 10), "thunhap": (58, 66),
                 "ngheo": (15, 32, 10)},
    ),
    Item(
        "lay_y_kien", C.CONSULTATION,
        "Lấy ý kiến Nhân dân về dự thảo Kế hoạch phát triển kinh tế - xã hội năm {next_year}",
        "Dự thảo đặt mục tiêu tăng trưởng giá trị sản xuất {tang}%, thu nhập bình quân {thunhap} "
        "triệu đồng/người, giảm tỷ lệ hộ nghèo {giam}%. Nhân dân góp ý tại hội nghị thôn, tổ dân "
        "phố, qua hòm thư góp ý tại trụ sở UBND xã hoặc trên trang này đến hết ngày {until}.",
        "tb", 54, office_days=20,
        figures={"tang": (75, 95, 10), "thunhap": (66, 72), "giam": (4, 8, 10)},
    ),
    Item(
        "ns_quy", C.BUDGET,
        "Công khai tình hình thực hiện dự toán ngân sách xã quý {quarter} năm {quarter_year}",
        "Tổng thu ngân sách xã {quarter_months} tháng đạt {thu} triệu đồng, bằng {pthu}% dự toán "
        "năm; tổng chi {chi} triệu đồng, bằng {pchi}% dự toán. Số liệu theo các biểu mẫu kèm "
        "Thông tư số 343/2016/TT-BTC.",
        "qd", 48,
        body="Biểu số 1: Cân đối ngân sách xã; Biểu số 2: Thu ngân sách xã; Biểu số 3: Chi ngân "
        "sách xã. Ý kiến góp ý gửi về Văn phòng HĐND và UBND xã.",
        figures={"thu": (16800, 19900), "pthu": (68, 81), "chi": (15100, 17600),
                 "pchi": (63, 76)},
    ),
    Item(
        "bao", C.DISASTER_SUPPORT,
        "Danh sách hộ được hỗ trợ khắc phục thiệt hại do bão số {storm_no} "
        "(tháng {storm_month}/{storm_year})",
        "{ho} hộ có nhà ở bị tốc mái, hư hỏng tại thôn Vĩnh Phú, Thịnh Lộc và Hòa Bình được hỗ "
        "trợ tổng cộng {tien} triệu đồng từ ngân sách tỉnh và tiền ủng hộ của các tổ chức, cá "
        "nhân; mức hỗ trợ từ 2 đến {max} triệu đồng/hộ tùy mức độ thiệt hại.",
        "qd", 46, villages=("08", "09", "10"),
        skip=frozenset({(Channel.VILLAGE_HEAD.value, "10")}),
        figures={"ho": (64, 118), "tien": (410, 760), "max": (10, 20)},
    ),
    Item(
        "ho_ngheo", C.SOCIAL_SUPPORT,
        "Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year}",
        "Toàn xã có {ngheo} hộ nghèo (tỷ lệ {tl_ngheo}%) và {can_ngheo} hộ cận nghèo (tỷ lệ "
        "{tl_can}%) theo chuẩn nghèo đa chiều. Danh sách chi tiết theo từng thôn, tổ dân phố; ý "
        "kiến thắc mắc gửi Ban chỉ đạo rà soát xã trong thời gian niêm yết.",
        "qd", 40, skip=frozenset({(Channel.VILLAGE_POINT.value, "08")}),
        figures={"ngheo": (98, 140), "tl_ngheo": (17, 26, 10), "can_ngheo": (160, 230),
                 "tl_can": (28, 40, 10)},
    ),
    Item(
        "quy_pctt", C.FEES,
        "Kết quả thu Quỹ phòng, chống thiên tai năm {year} trên địa bàn xã",
        "Đã thu {thu} triệu đồng từ {ld} người lao động và các tổ chức trên địa bàn, đạt {pct}% "
        "kế hoạch, theo Nghị định số 78/2021/NĐ-CP về thành lập và quản lý Quỹ phòng, chống "
        "thiên tai.",
        "bc", 38, figures={"thu": (380, 520), "ld": (7800, 9400), "pct": (84, 97)},
    ),
    Item(
        "vi_nguoi_ngheo", C.FUNDS_CONTRIBUTIONS,
        "Công khai thu, chi Quỹ “Vì người nghèo” xã năm {year}",
        "Tổng số tiền vận động được {thu} triệu đồng; đã chi hỗ trợ xây mới, sửa chữa {nha} nhà "
        "đại đoàn kết và hỗ trợ sinh kế cho hộ nghèo {chi} triệu đồng; số dư {du} triệu đồng.",
        "bc_mttq", 21,
        figures={"thu": (620, 890), "nha": (3, 6), "du": (40, 120), "chi": ("diff", "thu", "du")},
    ),
    Item(
        "nvqs", C.MILITARY_SERVICE,
        "Danh sách công dân được gọi khám sức khỏe nghĩa vụ quân sự và nghĩa vụ tham gia Công "
        "an nhân dân năm {next_year}",
        "{so} công dân trong độ tuổi gọi nhập ngũ được gọi khám sức khỏe tại Trạm Y tế xã; danh "
        "sách theo từng thôn, tổ dân phố. Công dân thuộc diện tạm hoãn hoặc miễn gọi nhập ngũ "
        "liên hệ Ban Chỉ huy quân sự xã.",
        "tb_nvqs", 17, figures={"so": (96, 148)},
    ),
    Item(
        "du_toan", C.BUDGET,
        "Dự toán thu, chi ngân sách xã năm {next_year}",
        "Dự toán thu ngân sách xã {thu} triệu đồng, dự toán chi {thu} triệu đồng (cân đối thu, "
        "chi); trình HĐND xã xem xét, quyết định tại kỳ họp cuối năm.",
        "ttr", 3, draft=True, figures={"thu": (25400, 28900)},
    ),
]  # fmt: skip

REQUESTS: list[Request] = [
    Request(
        "quyet_toan", 0, 63, 35, R.NO_ACCESS,
        "Đề nghị cung cấp biểu quyết toán chi ngân sách xã năm {prev_year}",
        "Tôi đi làm xa nên không xem được bảng niêm yết tại nhà văn hóa thôn. Đề nghị UBND xã "
        "gửi các biểu quyết toán chi ngân sách xã năm {prev_year} qua tài khoản danchu.",
        "UBND xã gửi kèm các biểu công khai quyết toán ngân sách xã năm {prev_year} (Biểu số 1–3). "
        "Xin lỗi ông/bà vì trả lời chậm do Văn phòng đang tổng hợp số liệu của các xã cũ.",
    ),
    Request(
        "duong_thon", 1, 36, None, R.NOT_YET,
        "Đề nghị công khai bảng tổng hợp đóng góp làm đường thôn Phú Thượng",
        "Kế hoạch đã niêm yết nhưng chưa có bảng tổng hợp số tiền đóng góp của từng hộ và dự "
        "toán chi tiết tuyến đường. Đề nghị UBND xã công khai để bà con theo dõi.",
    ),
    Request(
        "bao", 2, 24, 17, R.NO_ACCESS,
        "Xin cung cấp tiêu chí và mức hỗ trợ sửa chữa nhà ở sau bão",
        "Nhà tôi bị tốc mái trong cơn bão vừa qua nhưng cuộc họp thôn chưa thông báo danh sách "
        "hỗ trợ. Đề nghị UBND xã cung cấp tiêu chí và mức hỗ trợ.",
        "UBND xã gửi ông/bà quyết định phê duyệt danh sách hỗ trợ và tiêu chí xét hỗ trợ theo "
        "mức độ thiệt hại. Danh sách đã niêm yết tại trụ sở UBND xã và nhà văn hóa các thôn; "
        "ông/bà liên hệ công chức Văn hóa - Xã hội nếu có thắc mắc.",
    ),
    Request(
        "lay_y_kien", 0, 2, None, R.EXPIRED,
        "Xin toàn văn dự thảo Kế hoạch phát triển kinh tế - xã hội năm {next_year}",
        "Thông báo lấy ý kiến tại trụ sở UBND xã đã được gỡ xuống. Đề nghị cung cấp toàn văn dự "
        "thảo và bản tổng hợp ý kiến của Nhân dân.",
    ),
]  # fmt: skip


@dataclass
class DemoDisclosures:
    """What the demo loaded."""

    disclosures: int = 0
    drafts: int = 0
    versions: int = 0
    records: int = 0
    requests: int = 0
    already_loaded: bool = False


# --- helpers ----------------------------------------------------------------------------------


def _vn(value: float, decimals: int = 0) -> str:
    """Vietnamese number format: 12.345 and 2,5."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Clock:
    """Working days of the demo commune, never after ``today``."""

    def __init__(self, commune: AdministrativeUnit, today: date) -> None:
        self.commune = commune
        self.today = today

    def on_or_before(self, day: date) -> date:
        while not calendar.is_working_day(day, commune=self.commune):
            day -= timedelta(days=1)
        return day

    def issued(self, ago: int) -> date:
        return self.on_or_before(self.today - timedelta(days=ago))

    def after(self, day: date, working_days: int) -> date:
        return calendar.add_working_days(day, working_days, commune=self.commune)


class _Numbers:
    """Document numbers that grow through the year, one sequence per kind of document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, int, int]] = set()

    def document(self, kind: str, issued: date) -> str:
        name, suffix, per_year, issuer = DOCS[kind]
        day = issued.timetuple().tm_yday
        number = max(1, round(per_year * day / 366)) + self.rng.randint(0, 4)
        while (suffix, issued.year, number) in self.used:
            number += 1
        self.used.add((suffix, issued.year, number))
        return f"{name} số {number}/{suffix}{issuer}"


def _context(item: Item, issued: date, rng: random.Random) -> dict[str, Any]:
    quarter = (issued.month - 1) // 3  # the quarter before the issue date's
    quarter_year = issued.year if quarter else issued.year - 1
    quarter = quarter or 4
    months = issued.month if issued.day >= 20 else issued.month - 1
    storm = issued - timedelta(days=9)
    school = issued.year if issued.month >= 8 else issued.year - 1
    context: dict[str, Any] = {
        "year": issued.year,
        "prev_year": issued.year - 1,
        "next_year": issued.year + 1,
        "year_minus_3": issued.year - 3,
        "month": f"{issued.month:02d}",
        "months": max(months, 1),
        "quarter": _ROMAN[quarter],
        "quarter_year": quarter_year,
        "quarter_months": 3 * quarter,
        "storm_no": rng.choice([5, 6, 7]),
        "storm_month": f"{storm.month:02d}",
        "storm_year": storm.year,
        "school_year": f"{school}–{school + 1}",
        "until": f"{issued + timedelta(days=30):%d/%m/%Y}",
    }
    raw: dict[str, int] = {}
    for name, figure in item.figures.items():
        if figure[0] == "diff":
            raw[name] = raw[str(figure[1])] - raw[str(figure[2])]
            context[name] = _vn(raw[name])
            continue
        low, high, *divisor = (int(n) for n in figure)
        raw[name] = rng.randint(low, high)
        context[name] = _vn(raw[name] / divisor[0], 1) if divisor else _vn(raw[name])
    return context


# --- loading ----------------------------------------------------------------------------------


class _Loader:
    def __init__(self, commune: AdministrativeUnit, seed: int, today: date) -> None:
        from danchu.accounts.models import User

        self.commune = commune
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
        self.clock = _Clock(commune, today)
        self.today = today
        self.now = timezone.now() - timedelta(minutes=1)
        self.numbers = _Numbers(self.rng)
        self.official = User.objects.get(username=DEMO_OFFICIAL)
        self.villages = {v.code: v for v in Village.objects.filter(commune=commune, is_active=True)}
        self.heads = {
            u.username: u
            for u in User.objects.filter(
                username__in=[VILLAGE_HEAD.format(code=c) for c in self.villages]
            )
        }
        self.result = DemoDisclosures()
        self.disclosures: dict[str, Disclosure] = {}
        self.contexts: dict[str, dict[str, Any]] = {}

    # One disclosure --------------------------------------------------------------------------

    def item(self, item: Item) -> None:
        issued = self.clock.issued(item.ago)
        context = _context(item, issued, self.rng)
        self.contexts[item.key] = context
        scope = [self.villages[c] for c in item.villages if c in self.villages]
        data = services.DisclosureData(
            category=item.category,
            title=item.title.format(**context),
            summary=item.summary.format(**context),
            body=item.body.format(**context),
            source_document=self.numbers.document(item.doc, issued),
            source_issued_on=issued,
            village_ids=[v.pk for v in scope],
        )
        disclosure = services.disclosure_create(
            actor=self.official, commune=self.commune, data=data
        )
        self.disclosures[item.key] = disclosure
        self.result.disclosures += 1
        self.result.versions += 1
        if item.draft:
            self.result.drafts += 1
            created = self.past(_at(issued, 16, 20))  # recorded the day its source was issued
            Disclosure.objects.filter(pk=disclosure.pk).update(created_at=created)
            DisclosureVersion.objects.filter(disclosure=disclosure).update(created_at=created)
            return
        disclosure = services.disclosure_publish(actor=self.official, disclosure=disclosure)
        version = disclosure.public_version
        assert version is not None
        published_on = min(self.clock.after(issued, item.publish_wd), self.today)
        records = self.acts(item, version, issued, scope)
        # Generated demo history: the services stamped today on publication; move it back to
        # the day this item was published on the website.
        published_at = self.past(_at(published_on, 9, self.rng.randint(0, 59)))
        created_at = published_at - timedelta(minutes=self.rng.randint(20, 90))
        DisclosureVersion.objects.filter(pk=version.pk).update(
            published_at=published_at, created_at=created_at
        )
        PublishingRecord.objects.filter(version=version, channel=Channel.WEBSITE).update(
            started_on=published_on, recorded_at=published_at
        )
        Disclosure.objects.filter(pk=disclosure.pk).update(
            published_at=published_at, first_published_at=published_at, created_at=created_at
        )
        for record in records:
            day = record.ended_on or record.started_on
            record.recorded_at = self.past(_at(day, 16, self.rng.randint(0, 59)))
        PublishingRecord.objects.bulk_update(records, ["recorded_at"])
        self.result.records += len(records) + 1
        if item.correction is not None:
            self.correct(item, disclosure, version, context)

    def acts(
        self, item: Item, version: DisclosureVersion, issued: date, scope: list[Village]
    ) -> list[PublishingRecord]:
        """Record every act the law requires (Art. 13) except those the item skips."""
        village_ids = [v.pk for v in scope] if scope else [v.pk for v in self.villages.values()]
        by_id = {v.pk: v for v in self.villages.values()}
        done: list[PublishingRecord] = []
        for requirement in requirements(item.category, village_ids):
            channel = requirement.channel
            if channel == Channel.WEBSITE:
                continue  # publishing recorded it
            village = by_id.get(requirement.village_id) if requirement.village_id else None
            if (channel.value, village.code if village else None) in item.skip:
                continue
            jitter = self.rng.choice([0, 0, 1]) if village is not None else 0
            start, end, note, performer = self.plan(item, requirement, village, issued, jitter)
            if start > self.today:
                continue  # not done yet
            actor = self.official
            if village is not None:
                actor = self.heads.get(VILLAGE_HEAD.format(code=village.code), self.official)
            done.append(
                services.publishing_record_add(
                    actor=actor,
                    version=version,
                    channel=channel,
                    village=village,
                    started_on=start,
                    ended_on=end,
                    performed_by=performer,
                    note=note,
                )  # fmt: skip
            )
        return done

    def plan(
        self, item: Item, requirement: Any, village: Village | None, issued: date, jitter: int
    ) -> tuple[date, date | None, str, str]:
        channel = requirement.channel
        if channel == Channel.COMMUNE_OFFICE:
            start = self.clock.after(issued, item.office_wd)
            if requirement.permanent:
                return start, None, "Niêm yết thường xuyên tại trụ sở UBND xã.", ""
            days = item.office_days or self.rng.randint(31, 35)
            note = "Niêm yết tại bảng tin trụ sở UBND xã."
            if item.office_days and item.office_days < (requirement.min_days or 0):
                note = "Bảng tin trụ sở được thay mới, thông báo bị gỡ trước hạn."
            return start, self._end(start, days), note, ""
        if channel == Channel.VILLAGE_POINT:
            assert village is not None
            start = self.clock.after(issued, item.village_wd + jitter)
            end = self._end(start, self.rng.randint(31, 35))
            return start, end, f"Niêm yết tại nhà văn hóa {village.name}.", ""
        if channel == Channel.LOUDSPEAKER:
            start = self.clock.after(issued, item.loudspeaker_wd)
            # Three consecutive days, morning and afternoon (Art. 13(3)).
            end = start + timedelta(days=2)
            note = "Phát buổi sáng và buổi chiều trên hệ thống truyền thanh xã."
            return start, end if end < self.today else None, note, LOUDSPEAKER_TEAM
        assert village is not None  # the village head relays it (Art. 13(4))
        day = self.clock.after(issued, item.relay_wd + jitter)
        note = f"Thông báo tại cuộc họp {village.name} và qua nhóm Zalo của khu dân cư."
        return day, day, note, ""

    def past(self, moment: datetime) -> datetime:
        """Demo history never lies in the future (an act dated today, loaded this morning)."""
        return min(moment, self.now)

    def _end(self, start: date, days: int) -> date | None:
        """The last day up; None while the notice is still up today."""
        end = start + timedelta(days=days)
        return end if end < self.today else None

    def correct(
        self,
        item: Item,
        disclosure: Disclosure,
        first: DisclosureVersion,
        context: dict[str, Any],
    ) -> None:
        """Version 2 (a correction): published on the website; its postings are pending."""
        change = item.correction
        assert change is not None
        issued = self.clock.issued(change.issued_ago)
        changed_on = max(self.clock.issued(change.published_ago), issued)
        data = services.DisclosureData(
            category=item.category,
            title=first.title,
            summary=change.summary.format(**context),
            body=first.body,
            source_document=self.numbers.document(change.doc, issued),
            source_issued_on=issued,
            village_ids=list(first.scope_rows.values_list("village_id", flat=True)),
            change_note=change.change_note,
        )
        services.disclosure_update(actor=self.official, disclosure=disclosure, data=data)
        disclosure = services.disclosure_publish(actor=self.official, disclosure=disclosure)
        second = disclosure.public_version
        assert second is not None
        # Generated demo history: the change (the day its duty started, Art. 14) and its
        # publication happened on ``changed_on``, not today.
        published_at = self.past(_at(changed_on, 10, self.rng.randint(0, 59)))
        DisclosureVersion.objects.filter(pk=second.pk).update(
            duty_starts_on=changed_on,
            deadline=services.publish_deadline(changed_on, commune=self.commune),
            published_at=published_at,
            created_at=published_at - timedelta(minutes=35),
        )
        PublishingRecord.objects.filter(version=first, channel=Channel.WEBSITE).update(
            ended_on=changed_on
        )
        PublishingRecord.objects.filter(version=second, channel=Channel.WEBSITE).update(
            started_on=changed_on, recorded_at=published_at
        )
        Disclosure.objects.filter(pk=disclosure.pk).update(published_at=published_at)
        self.result.versions += 1
        self.result.records += 1

    # Requests --------------------------------------------------------------------------------

    def requests(self) -> None:
        from danchu.accounts.models import User

        requesters = list(
            User.objects.filter(
                resident__commune=self.commune, resident__is_representative=True
            ).order_by("resident__household__code")[:3]
        )
        if not requesters:
            return
        for n, spec in enumerate(REQUESTS):
            disclosure = self.disclosures.get(spec.item)
            if disclosure is None:
                continue
            context = self.contexts[spec.item]
            request = services.information_request_submit(
                actor=requesters[spec.requester % len(requesters)],
                commune=self.commune,
                subject=spec.subject.format(**context),
                message=spec.message.format(**context),
                reason=spec.reason,
                disclosure=disclosure,
            )
            if spec.answered_ago is not None:
                request = services.information_request_answer(
                    actor=self.official, request=request, answer=spec.answer.format(**context)
                )
            # Generated demo history: received (and answered) in the past; the due date
            # follows the receipt day (services.information_request_due).
            received_on = self.clock.issued(spec.received_ago)
            update: dict[str, Any] = {
                "received_at": self.past(_at(received_on, 9 + n, self.rng.randint(0, 59))),
                "due_on": services.information_request_due(received_on, commune=self.commune),
            }
            if spec.answered_ago is not None:
                answered_on = max(self.clock.issued(spec.answered_ago), received_on)
                update["answered_at"] = self.past(_at(answered_on, 15, self.rng.randint(0, 59)))
            InformationRequest.objects.filter(pk=request.pk).update(**update)
            self.result.requests += 1


@transaction.atomic
def demo_load(
    commune: AdministrativeUnit, *, seed: int = 2025, today: date | None = None
) -> DemoDisclosures:
    """Load the demo register for ``commune`` once; a commune that has disclosures is left as
    it is (``danchu demo --reset`` removes them first, through :func:`demo_reset`)."""
    existing = Disclosure.objects.filter(commune=commune).count()
    if existing:
        return DemoDisclosures(disclosures=existing, already_loaded=True)
    loader = _Loader(commune, seed, today or timezone.localdate())
    # Oldest first, so that ids grow with time as in a register kept day by day.
    for item in sorted(ITEMS, key=lambda i: -i.ago):
        loader.item(item)
    loader.requests()
    audit.record(
        actor=None, action="disclosure.demo.load", object_type="territory.administrativeunit",
        object_id=commune.pk, commune_id=commune.pk,
        after={"seed": seed, "disclosures": loader.result.disclosures,
               "records": loader.result.records, "requests": loader.result.requests,
               "note": "generated demo history: dates moved into the past"},
    )  # fmt: skip
    return loader.result


@transaction.atomic
def demo_reset(commune: AdministrativeUnit) -> int:
    """Remove the commune's register (demo data); stored files no other row uses go too.

    Returns the number of disclosures removed. The audit trail stays.
    """
    paths = set(Attachment.objects.filter(commune=commune).values_list("path", flat=True))
    Attachment.objects.filter(commune=commune).delete()
    PublishingRecord.objects.filter(commune=commune).delete()
    InformationRequest.objects.filter(commune=commune).delete()
    disclosures = Disclosure.objects.filter(commune=commune)
    count = disclosures.count()
    # Unlink the versions first (status back to draft: a published row keeps its version).
    disclosures.update(status=Disclosure.Status.DRAFT, current_version=None, public_version=None)
    VersionVillage.objects.filter(commune=commune).delete()
    DisclosureVersion.objects.filter(commune=commune).delete()
    disclosures.delete()
    orphans = paths - set(Attachment.objects.filter(path__in=paths).values_list("path", flat=True))

    def unlink() -> None:
        for path in orphans:
            files.stored_path(path).unlink(missing_ok=True)

    transaction.on_commit(unlink)
    if count:
        audit.record(
            actor=None, action="disclosure.demo.reset",
            object_type="territory.administrativeunit", object_id=commune.pk,
            commune_id=commune.pk, before={"disclosures": count},
        )  # fmt: skip
    return count
