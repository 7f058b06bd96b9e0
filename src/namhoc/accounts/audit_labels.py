"""What the audit log calls the actions of ``accounts`` (collected by ``namhoc.core.audit``)."""

AUDIT_LABELS = {
    "user.create": "Tạo người dùng",
    "user.update": "Sửa thông tin người dùng",
    "user.set_password": "Đặt lại mật khẩu",
    "user.password_link": "Tạo liên kết đặt mật khẩu",
    "user.disable": "Khóa tài khoản",
    "user.enable": "Mở khóa tài khoản",
    "membership.grant": "Cấp vai trò",
    "membership.revoke": "Thu hồi vai trò",
}

# How the audit log words the changes (accounts.selectors.audit_view), where the models' own
# field names are not enough.
AUDIT_FIELD_LABELS = {
    "user": "Người dùng",
    "unit": "Đơn vị",
    "password": "Mật khẩu",
}
