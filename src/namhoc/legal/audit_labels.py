"""What the audit log calls the actions of ``legal`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "legal.document_create": "Thêm văn bản vào danh mục pháp lý",
    "legal.document_update": "Sửa văn bản trong danh mục pháp lý",
}

# Kept by the use cases from other fields; never typed, never worth a line in the log.
AUDIT_HIDDEN_FIELDS = ("number_key", "search_folded")
