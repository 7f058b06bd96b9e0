"""What the audit log calls the actions of ``orgunits`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "orgunits.load_admin": "Nạp đơn vị hành chính",
    "orgunits.generate_schools": "Tạo trường học mô phỏng",
    "orgunit.rename": "Đổi tên đơn vị",
    "orgunit.move": "Chuyển đơn vị",
    "orgunit.merge": "Sáp nhập đơn vị",
    "orgunit.split": "Chia tách đơn vị",
}
