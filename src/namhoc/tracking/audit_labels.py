"""What the audit log calls the actions of ``tracking`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "assignment.create": "Giao nhiệm vụ",
    "assignment.update": "Điều chỉnh phân công",
    "assignment.delete": "Xóa phân công",
    "assignment.carry_over": "Chuyển phân công sang bản sửa đổi",
    "progress.post": "Cập nhật tiến độ",
    "progress.review": "Xem xét báo cáo tiến độ",
}

# How the audit log words the changes (accounts.selectors.audit_view).
AUDIT_FIELD_LABELS = {
    "task": "Nhiệm vụ",
    "unit": "Đơn vị",
    "assignment": "Phân công",
    "author": "Người báo cáo",
    "assigned_by": "Người giao",
}
AUDIT_OBJECTS = {"progressupdate": ("assignment",)}
