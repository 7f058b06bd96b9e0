"""What the audit log calls the actions of ``inspections`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "inspection_plan.create": "Lập kế hoạch kiểm tra",
    "inspection_plan.update": "Sửa kế hoạch kiểm tra",
    "inspection.create": "Lên lịch cuộc kiểm tra",
    "inspection.update": "Sửa lịch cuộc kiểm tra",
    "inspection.team": "Cử đoàn kiểm tra",
    "inspection.checklist_add": "Thêm mục kiểm tra",
    "inspection.checklist_remove": "Bỏ mục kiểm tra",
    "inspection.results": "Ghi kết quả kiểm tra",
    "inspection.findings": "Ghi kết luận của đoàn",
    "inspection.conclude": "Ban hành kết luận kiểm tra",
    "recommendation.add": "Thêm kiến nghị",
    "recommendation.update": "Sửa kiến nghị",
    "recommendation.delete": "Bỏ kiến nghị",
}

# How the audit log words the changes (accounts.selectors.audit_view).
AUDIT_FIELD_LABELS = {
    "members": "Thành viên đoàn",
    "recommendations": "Số kiến nghị",
    "conclusion": "Văn bản kết luận",
}
