"""What the audit log calls the actions of ``directives`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "source.upload": "Tải lên văn bản",
    "source.read": "Đọc văn bản",
    "source.read_failed": "Đọc văn bản thất bại",
    "source.retry": "Đọc lại văn bản",
    "directive.create": "Tạo văn bản",
    "directive.update": "Sửa thông tin văn bản",
    "directive.publish": "Ban hành văn bản",
    "directive.revise": "Tạo bản sửa đổi",
    "directive.set_upper": "Chọn văn bản cấp trên",
    "directive.suggest_links": "Đề xuất liên kết nhiệm vụ",
    "link.confirm": "Xác nhận liên kết nhiệm vụ",
    "link.reject": "Bỏ liên kết nhiệm vụ",
    "task.create": "Thêm nhiệm vụ",
    "task.update": "Sửa nhiệm vụ",
    "task.merge": "Gộp nhiệm vụ",
    "task.split": "Tách nhiệm vụ",
    "task.delete": "Xóa nhiệm vụ",
    "citation.create": "Thêm văn bản dẫn",
    "citation.update": "Sửa văn bản dẫn",
    "citation.delete": "Xóa văn bản dẫn",
    "target.create": "Thêm chỉ tiêu",
    "target.update": "Sửa chỉ tiêu",
    "target.delete": "Xóa chỉ tiêu",
}

# How the audit log words the changes (accounts.selectors.audit_view).
AUDIT_FIELD_LABELS = {
    "directive": "Văn bản",
    "task": "Nhiệm vụ",
    "upper_task": "Nhiệm vụ cấp trên",
    "directive.upper": "Văn bản cấp trên",
    "directive.previous": "Bản trước",
    "directive.revision": "Lần sửa",
    "directive.suggestions": "Số liên kết được đề xuất",
    "directivetask.merged": "Nhiệm vụ được gộp vào",
    "directivetask.new_task": "Nhiệm vụ tách ra",
    "decided_by": "Người quyết định",
    "uploaded_by": "Người tải lên",
    "created_by": "Người tạo",
    "published_by": "Người ban hành",
}
AUDIT_FIELD_MODELS = {
    "directive.upper": "directives.directive",
    "directive.previous": "directives.directive",
    "directivetask.new_task": "directives.directivetask",
}
AUDIT_OBJECTS = {"tasklink": ("task", "upper_task")}
AUDIT_HIDDEN_FIELDS = ("position",)
