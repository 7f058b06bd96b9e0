"""What the audit log calls the actions of ``tracking`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "assignment.create": "Giao nhiệm vụ",
    "assignment.update": "Điều chỉnh phân công",
    "assignment.delete": "Xóa phân công",
    "assignment.carry_over": "Chuyển phân công sang bản sửa đổi",
    "progress.post": "Cập nhật tiến độ",
    "progress.review": "Xem xét báo cáo tiến độ",
}
