"""What the audit log calls the actions of ``reporting`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "report.request": "Soạn dự thảo báo cáo",
    "report.finish": "Hoàn tất dự thảo báo cáo",
    "report.fail": "Dự thảo báo cáo không soạn được",
    "report_template.upload": "Tải lên mẫu báo cáo riêng",
    "report_template.retire": "Bỏ mẫu báo cáo riêng",
}
AUDIT_FIELD_LABELS = {
    "kind": "loại báo cáo",
    "school_year": "năm học",
    "version": "lần soạn",
    "directive": "văn bản cấp trên",
    "template": "mẫu",
    "original_name": "tên tệp",
}
