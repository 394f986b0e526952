"""Duplicate detection: same person and subject, or near-identical text (diacritics ignored)."""

from __future__ import annotations

from danchu.petitions import services
from danchu.petitions.tests.requests_helpers import file

TEXT = "Cống thoát nước ở xóm Bến bị tắc, nước tràn vào nhà dân mỗi khi mưa to."


def test_near_identical_text_without_diacritics_is_flagged(commune):
    first = file(commune, content=TEXT, full_name="Lê Văn Hùng", phone="0911111111")
    second = file(
        commune, subject="Cong thoat nuoc bi tac",
        content="Cong thoat nuoc o xom Ben bi tac, nuoc tran vao nha dan moi khi mua to.",
        full_name="Phạm Thị Lan", phone="0922222222",
    )  # fmt: skip
    assert second.possible_duplicate_of == first


def test_same_person_and_subject_is_flagged_even_with_other_words(commune):
    first = file(commune, subject="Đèn đường hỏng", content="Đèn ở ngã ba không sáng.")
    second = file(
        commune, subject="den duong hong", content="Tối qua đi về thấy tối om, rất nguy hiểm.",
        full_name="TRAN VAN NAM", phone="098 765 4321",
    )  # fmt: skip
    assert second.possible_duplicate_of == first


def test_a_different_request_is_not_flagged(commune):
    file(commune, content=TEXT)
    other = file(
        commune, subject="Xin cấp giấy xác nhận",
        content="Đề nghị xã hướng dẫn thủ tục xác nhận cư trú cho con tôi đi học.",
        full_name="Hoàng Minh", phone="0933333333",
    )  # fmt: skip
    assert other.possible_duplicate_of is None


def test_just_below_the_similarity_threshold_is_not_flagged(commune):
    base = "a" * 90 + "b" * 10
    file(commune, subject="x1", content=base, full_name="A", phone="0944444444")
    # 90 of 100 characters in common (ratio 0.9 exactly is a duplicate; 0.89 is not).
    exact = file(commune, subject="x2", content="a" * 90 + "c" * 10, full_name="B", phone="09555")
    assert exact.possible_duplicate_of is not None
    below = file(commune, subject="x3", content="a" * 89 + "d" * 11, full_name="C", phone="0966")
    assert below.possible_duplicate_of is None


def test_a_closed_request_is_not_a_duplicate_target(commune, official):
    first = file(commune, content=TEXT)
    services.request_answer(actor=official, request=first, answer="Đã thông cống")
    again = file(commune, content=TEXT, full_name="Khác", phone="0977777777")
    assert again.possible_duplicate_of is None
