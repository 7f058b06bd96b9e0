"""What the audit log calls the actions of ``notifications`` (collected by
``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "notifications.preferences": "Đổi cách nhận thông báo",
    "notifications.webhook.create": "Tạo webhook",
    "notifications.webhook.update": "Sửa webhook",
    "notifications.webhook.rotate": "Đổi khóa ký webhook",
    "notifications.webhook.delete": "Xóa webhook",
    "notifications.delivery.retry": "Gửi lại thông báo bị lỗi",
}
AUDIT_FIELD_LABELS = {
    "quiet_start": "giờ yên lặng từ",
    "quiet_end": "giờ yên lặng đến",
    "email_enabled": "nhận thư điện tử",
    "secret_rotated_at": "đổi khóa ký lúc",
}
