"""What the audit log calls the actions of ``orgunits`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "orgunits.load_admin": "Nạp đơn vị hành chính",
    "orgunits.generate_schools": "Tạo trường học mô phỏng",
    "orgunit.rename": "Đổi tên đơn vị",
    "orgunit.move": "Chuyển đơn vị",
    "orgunit.merge": "Sáp nhập đơn vị",
    "orgunit.split": "Chia tách đơn vị",
}

AUDIT_FIELD_LABELS = {
    "orgunit.successor": "Đơn vị kế thừa",
    "orgunit.successors": "Các đơn vị kế thừa",
    "orgunit.merged": "Các đơn vị sáp nhập vào",
    "orgunit.predecessor": "Tách từ đơn vị",
    "orgunit.created": "Đơn vị đã tạo",
    "orgunit.updated": "Đơn vị đã cập nhật",
    "orgunit.events": "Sự kiện đã ghi",
    "orgunit.seed": "Số khởi tạo ngẫu nhiên",
    "orgunit.scale": "Hệ số quy mô",
}
AUDIT_FIELD_MODELS = {
    "orgunit.successor": "orgunits.orgunit",
    "orgunit.successors": "orgunits.orgunit",
    "orgunit.merged": "orgunits.orgunit",
    "orgunit.predecessor": "orgunits.orgunit",
}
AUDIT_OBJECTS = {
    "orgunitplacement": ("unit",),
    "orgunitsuccession": ("predecessor", "successor"),
}
