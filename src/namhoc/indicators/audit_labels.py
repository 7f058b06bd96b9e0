"""What the audit log calls the actions of ``indicators`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "indicators.value_create": "Nhập số liệu",
    "indicators.value_update": "Sửa số liệu",
    "indicators.value_delete": "Xóa số liệu",
    "indicators.approve": "Phê duyệt số liệu",
    "indicators.unapprove": "Hủy phê duyệt số liệu",
    "indicators.target_set": "Giao chỉ tiêu",
}
