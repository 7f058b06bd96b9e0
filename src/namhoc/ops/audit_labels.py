"""What the audit log calls the actions of operations (ADR 0010)."""

AUDIT_LABELS = {
    "privacy.export": "Xuất dữ liệu cá nhân",
    "privacy.erase": "Xóa dữ liệu cá nhân (ẩn danh hóa)",
}
