"""The words of HTTP errors, shared by the pages (``web.errors``) and the JSON API (``api.api``):
a stable code for programs and a Vietnamese sentence for people, per status."""

from __future__ import annotations

# status -> (stable code, Vietnamese message): the answer when nothing more precise is known.
GENERIC: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthenticated", "Bạn cần đăng nhập."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Địa chỉ này không nhận phương thức {method}."),
    406: ("not_acceptable", "Không có dạng trả lời phù hợp với yêu cầu."),
    409: ("conflict", "Dữ liệu đã thay đổi; hãy tải lại rồi thử lại."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", "Kiểu dữ liệu gửi lên không được hỗ trợ."),
    422: ("invalid", "Dữ liệu gửi lên không hợp lệ."),
    429: ("too_many_requests", "Quá nhiều yêu cầu; vui lòng thử lại sau."),
    500: ("server_error", "Lỗi hệ thống. Yêu cầu chưa được thực hiện; vui lòng thử lại sau."),
}

CSRF_MESSAGE = (
    "Trang đã cũ hoặc phiên làm việc đã thay đổi (thiếu mã bảo vệ CSRF). "
    "Hãy tải lại trang rồi gửi lại."
)


def generic(status: int, method: str = "") -> tuple[str, str]:
    """The code and message for ``status`` (the nearest class of error when it has none)."""
    code, message = GENERIC.get(status, GENERIC[500 if status >= 500 else 400])
    return code, message.format(method=method or "này")
