"""What the audit log calls the actions of ``indicators`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "indicators.value_create": "Nhập số liệu",
    "indicators.value_update": "Sửa số liệu",
    "indicators.value_delete": "Xóa số liệu",
    "indicators.approve": "Phê duyệt số liệu",
    "indicators.unapprove": "Hủy phê duyệt số liệu",
    "indicators.target_set": "Giao chỉ tiêu",
}

# How the audit log words the changes (accounts.selectors.audit_view): a figure is named by its
# element, unit and period, not by its ids.
AUDIT_FIELD_LABELS = {
    "unit": "Đơn vị",
    "element": "Chỉ số",
    "period": "Kỳ báo cáo",
    "data_set": "Biểu",
    "indicator": "Chỉ tiêu",
    "approved_by": "Người phê duyệt",
    "approval.approved": "Đã phê duyệt",
    "approval.reason": "Lý do hủy phê duyệt",
}
AUDIT_OBJECTS = {
    "datavalue": ("element", "unit", "period"),
    "approval": ("data_set", "unit", "period"),
    "target": ("indicator", "unit", "school_year"),
}
AUDIT_HIDDEN_FIELDS = ("updated_by",)
