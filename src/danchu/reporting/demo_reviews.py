"""Demo data for the steering reports: the reviews part (idempotent).

For the demo commune (Xã Can Lộc), through :mod:`danchu.reporting.reviews` with the demo's
chair as the actor:

* the half-year review of the second half of 2026 (2026-H2), issued today: number 01. The
  pillars' demo data lies in the months before today, so this is the half-year it fills
  (reviews are issued before the period ends, with the figures up to the day of issue);
* the five-year review 2021–2026, issued today: number 02. Its figures span the merger of
  1 July 2025 — the commune's scope includes Thị trấn Nghèn, Xã Thiên Lộc and Xã Vượng Lộc,
  whose history ``demo_history`` loads before this part;
* a draft of the annual review 2026, with its figures and no text yet.

The narrative sections are written for the demo (official register, not taken from any real
report).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.reporting import reviews
from danchu.reporting.models import ReviewNumberCounter, ReviewReport
from danchu.reporting.periods import Period

__all__ = ["load", "reset"]

CHAIR = "chutich.canloc"

FIVE_YEAR = reviews.ReviewText(
    title="",
    results=(
        "Giai đoạn 2021–2026, cấp ủy, chính quyền xã (trước ngày 01/7/2025 là cấp ủy, chính "
        "quyền Thị trấn Nghèn, xã Thiên Lộc và xã Vượng Lộc) đã quán triệt, triển khai đầy đủ "
        "Luật Thực hiện dân chủ ở cơ sở và các văn bản hướng dẫn thi hành; ban hành quy chế "
        "thực hiện dân chủ trong hoạt động của chính quyền xã, kiện toàn Ban Chỉ đạo thực hiện "
        "dân chủ ở cơ sở sau khi sắp xếp đơn vị hành chính.\n"
        "Việc công khai thông tin được thực hiện bằng nhiều hình thức: niêm yết tại trụ sở Ủy "
        "ban nhân dân xã và nhà văn hóa các thôn, tổ dân phố; đăng tải trên trang thông tin "
        "điện tử; thông báo trên hệ thống truyền thanh cơ sở. Từ năm 2026, việc công khai, lấy "
        "ý kiến và biểu quyết được theo dõi trên phần mềm danchu.\n"
        "Nhân dân được bàn và quyết định trực tiếp việc xây dựng công trình công cộng, hương "
        "ước, quy ước và mức đóng góp; nhiều tuyến đường giao thông nông thôn, kênh mương nội "
        "đồng và nhà văn hóa thôn được xây dựng, nâng cấp theo phương châm Nhà nước và Nhân dân "
        "cùng làm.\n"
        "Công tác tiếp công dân, đối thoại, giải quyết khiếu nại, kiến nghị, phản ánh được duy "
        "trì nền nếp; Ban Thanh tra nhân dân và Ban Giám sát đầu tư của cộng đồng hoạt động "
        "thường xuyên, kịp thời kiến nghị khắc phục những tồn tại ở cơ sở."
    ),
    limitations=(
        "Việc công khai ở một số thôn, tổ dân phố có lúc chưa đúng thời hạn; hình thức công "
        "khai qua mạng viễn thông chưa đến được với nhiều hộ gia đình.\n"
        "Tỷ lệ hộ gia đình tham gia biểu quyết trực tuyến còn thấp; một bộ phận người cao tuổi "
        "còn gặp khó khăn khi sử dụng thiết bị số.\n"
        "Nguyên nhân: việc sắp xếp đơn vị hành chính năm 2025 làm thay đổi tổ chức bộ máy, địa "
        "bàn rộng hơn; cán bộ thôn, tổ dân phố kiêm nhiệm nhiều việc; kinh phí cho bảng tin và "
        "hệ thống truyền thanh còn hạn chế."
    ),
    lessons=(
        "Cần có sự lãnh đạo, chỉ đạo sát sao của cấp ủy, vai trò gương mẫu của người đứng đầu; "
        "phát huy vai trò của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội.\n"
        "Những việc liên quan trực tiếp đến đời sống Nhân dân phải được công khai, lấy ý kiến "
        "rộng rãi trước khi quyết định; kết quả thực hiện phải được kiểm tra, giám sát và thông "
        "báo lại cho Nhân dân."
    ),
    next_tasks=(
        "Tiếp tục tuyên truyền, phổ biến Luật Thực hiện dân chủ ở cơ sở đến từng hộ gia đình, "
        "nhất là tại các thôn, tổ dân phố được sáp nhập.\n"
        "Thực hiện thống nhất việc công khai, lấy ý kiến và biểu quyết trên phần mềm; hướng "
        "dẫn người dân tham gia biểu quyết trực tuyến đối với những nội dung pháp luật cho "
        "phép.\n"
        "Nâng cao chất lượng hoạt động của Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng "
        "đồng; trả lời đầy đủ, đúng thời hạn các kiến nghị."
    ),
    recommendations=(
        "Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí hỗ trợ nâng cấp hệ thống truyền thanh cơ "
        "sở và bảng tin tại các thôn, tổ dân phố.\n"
        "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ thực hiện dân chủ ở cơ sở cho cán bộ xã "
        "và thôn, tổ dân phố sau sắp xếp."
    ),
)
HALF_YEAR = reviews.ReviewText(
    title="",
    results=(
        "Trong 6 tháng cuối năm 2026, Ủy ban nhân dân xã đã ban hành kế hoạch triển khai 08 "
        "nhiệm vụ trọng tâm thực hiện dân chủ ở cơ sở, phân công nhiệm vụ cụ thể cho công chức "
        "và trưởng thôn, tổ trưởng tổ dân phố.\n"
        "Các nội dung thuộc diện phải công khai được niêm yết và đăng tải theo quy định; các "
        "thôn tổ chức hội nghị để Nhân dân bàn và quyết định mức đóng góp xây dựng đường giao "
        "thông nông thôn và sửa chữa nhà văn hóa.\n"
        "Việc tiếp công dân định kỳ được duy trì; các kiến nghị, phản ánh của Nhân dân được "
        "tiếp nhận, phân loại và giải quyết theo thẩm quyền."
    ),
    limitations=(
        "Một số thôn chậm gửi biên bản hội nghị về Ủy ban nhân dân xã; việc cập nhật số liệu "
        "trên phần mềm ở một số đơn vị chưa kịp thời.\n"
        "Nguyên nhân: cán bộ thôn, tổ dân phố mới được kiện toàn sau sắp xếp, chưa quen quy "
        "trình."
    ),
    next_tasks=(
        "Hoàn thành các nhiệm vụ trọng tâm còn lại của năm 2026; tổ chức hội nghị đối thoại giữa "
        "Chủ tịch Ủy ban nhân dân xã với Nhân dân; xây dựng kế hoạch thực hiện dân chủ ở cơ sở "
        "năm 2027."
    ),
    recommendations=(
        "Đề nghị Ban Chỉ đạo thực hiện dân chủ ở cơ sở tỉnh hướng dẫn thống nhất biểu mẫu số "
        "liệu sau sắp xếp đơn vị hành chính."
    ),
)


def _chair() -> Any:
    from danchu.accounts.models import User

    return User.objects.filter(username=CHAIR).first()


def _write(actor: Any, report: ReviewReport, text: reviews.ReviewText) -> ReviewReport:
    filled = reviews.ReviewText(
        **{**text.__dict__, "title": report.title, "place": report.place,
           "recipients": report.recipients, "signer_authority": report.signer_authority,
           "signer_title": report.signer_title, "signer_name": actor.full_name},
    )  # fmt: skip
    return reviews.review_update(actor=actor, report=report, text=filled)


@transaction.atomic
def load(commune: Any, *, seed: int, stdout: Any) -> None:
    """Load this part's demo data for commune (does nothing when already loaded)."""
    chair = _chair()
    today = timezone.localdate()
    if chair is None or today < date(2026, 7, 1):
        return
    if ReviewReport.objects.filter(unit=commune).exists():
        return
    half = reviews.review_create(
        actor=chair, unit=commune, kind=ReviewReport.Kind.HALF_YEAR, period=Period.half(2026, 2)
    )
    half = _write(chair, half, HALF_YEAR)
    reviews.review_issue(actor=chair, report=half, issued_on=today)
    term = reviews.review_create(
        actor=chair, unit=commune, kind=ReviewReport.Kind.FIVE_YEAR,
        period=Period.years(2021, 2026),
    )  # fmt: skip
    term = _write(chair, term, FIVE_YEAR)
    reviews.review_issue(actor=chair, report=term, issued_on=today)
    reviews.review_create(
        actor=chair, unit=commune, kind=ReviewReport.Kind.ANNUAL, period=Period.year(2026)
    )
    stdout.write(
        _("Demo reviews: %(issued)d issued report(s), %(drafts)d draft(s).")
        % {"issued": 2, "drafts": 1}
    )


def reset(commune: Any) -> None:
    """Remove this part's demo data for commune."""
    ReviewReport.objects.filter(unit=commune).delete()
    ReviewNumberCounter.objects.filter(unit=commune).delete()
