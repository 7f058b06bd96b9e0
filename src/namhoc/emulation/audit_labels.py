"""What the audit log calls the actions of ``emulation`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "emulation_round.open": "Mở đợt thi đua",
    "emulation_round.update": "Sửa đợt thi đua",
    "emulation_round.advance": "Chuyển giai đoạn thi đua",
    "emulation_round.decide": "Ghi quyết định khen thưởng",
    "council.add": "Thêm thành viên hội đồng thi đua",
    "council.remove": "Bỏ thành viên hội đồng thi đua",
    "registration.create": "Đăng ký danh hiệu thi đua",
    "registration.withdraw": "Rút đăng ký danh hiệu",
    "registration.assess": "Nộp tự đánh giá thi đua",
    "registration.result": "Kết quả xét danh hiệu",
    "vote.cast": "Bỏ phiếu thi đua",
}

# How the audit log words the changes (accounts.selectors.audit_view).
AUDIT_FIELD_LABELS = {
    "votes": "Phiếu đồng ý, không đồng ý, số thành viên",
    "vote": "Phiếu",
    "awarded": "Số được công nhận",
    "not_awarded": "Số không được công nhận",
    "evidence": "Số tệp minh chứng",
}
