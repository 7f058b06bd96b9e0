"""Pages for directives: upload, reading progress, review and correction, publish, revise,
cascade links and coverage. Each view: parse input -> access -> service/selector -> render."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, NotFound
from namhoc.directives import selectors, services
from namhoc.directives.access import access_directive, access_source, access_task
from namhoc.directives.cascade import embedding_available
from namhoc.directives.files import CONTENT_TYPES
from namhoc.directives.models import Directive, SourceDocument
from namhoc.directives.services import StaleEdit
from namhoc.tracking import services as tracking_services
from namhoc.web.access import with_domain_errors
from namhoc.web.downloads import stored_file_response
from namhoc.web.paging import paginate

# --- forms ----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    unit = forms.ChoiceField(label="Đơn vị ban hành")
    file = forms.FileField(label="Tệp văn bản (.docx, .pdf, .html, .txt)", required=False)
    text = forms.CharField(label="Hoặc dán nội dung văn bản", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.key, u.name) for u in units]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Hãy chọn tệp hoặc dán nội dung văn bản.")
        return data


class HeaderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    doc_type = forms.CharField(label="Loại văn bản", max_length=60, required=False)
    number = forms.CharField(label="Số, ký hiệu", max_length=80, required=False)
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    issued_on = forms.DateField(
        label="Ngày ban hành", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label="Địa danh", max_length=120, required=False)
    title = forms.CharField(label="Trích yếu", max_length=500, required=False)
    school_year = forms.CharField(label="Năm học", max_length=9, required=False)
    theme = forms.CharField(label="Chủ đề năm học", max_length=500, required=False)


class TaskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.CharField(label="Số hiệu", max_length=20, required=False)
    title = forms.CharField(label="Tên nhiệm vụ", max_length=500)
    text = forms.CharField(
        label="Nội dung", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class SplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    before = forms.CharField(
        label="Tách ra nhiệm vụ mới bắt đầu từ đoạn",
        max_length=300,
        help_text="Dán vài chữ đầu của phần cần tách.",
    )


class CitationForm(forms.Form):
    number = forms.CharField(label="Số, ký hiệu", max_length=80)
    doc_type = forms.CharField(label="Loại", max_length=60, required=False)
    issued_on = forms.DateField(
        label="Ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TargetForm(forms.Form):
    value = forms.DecimalField(label="Giá trị", max_digits=14, decimal_places=4)
    unit_label = forms.CharField(label="Đơn vị tính", max_length=40, required=False)
    task = forms.IntegerField(label="Nhiệm vụ", required=False)


class TargetAddForm(forms.Form):
    # The value is parsed by ``services.target_value_parse`` ("97,5" or "97.5"), so the
    # message for a bad value is ours, in Vietnamese, the same on the page and in the API.
    value = forms.CharField(label="Giá trị", max_length=40, required=False)
    unit_label = forms.CharField(label="Đơn vị tính", max_length=200, required=False)
    sentence = forms.CharField(label="Câu nêu chỉ tiêu", max_length=2000, required=False)
    task = forms.CharField(label="Nhiệm vụ", max_length=20, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class UpperForm(forms.Form):
    upper = forms.IntegerField(label="Văn bản cấp trên", required=False)


class LinkForm(forms.Form):
    task = forms.IntegerField()
    upper_task = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("confirm", "Xác nhận"), ("reject", "Bỏ")])


# --- helpers --------------------------------------------------------------------------------

DIRECTIVES_PER_PAGE = 50


def _upload_units(user: Any) -> list[Any]:
    return list(
        visible_units(user, role=Role.SPECIALIST)
        .filter(valid_to__isnull=True)
        .exclude(kind="district")
        .order_by("path")[:500]
    )


def _review_url(directive: Directive) -> str:
    return reverse("directives:detail", args=[directive.pk])


def _can_edit(user: Any, directive: Directive) -> bool:
    try:
        access_directive(user, directive.pk, need=Role.SPECIALIST)
    except DomainError:
        return False
    return True


def _review(
    request: HttpRequest,
    directive: Directive,
    *,
    status: int = 200,
    error: DomainError | None = None,
    header_form: HeaderForm | None = None,
    task_forms: dict[int, forms.Form] | None = None,
    stale: StaleEdit | None = None,
    stale_task_id: int | None = None,
    target_form: TargetAddForm | None = None,
) -> HttpResponse:
    directive = selectors.directive_with_parts(directive)
    tasks = list(directive.tasks.all())
    can_edit = _can_edit(request.user, directive)
    header_form = header_form or HeaderForm(
        initial={
            "version": directive.version,
            **{name: getattr(directive, name) for name in services.HEADER_FIELDS},
        }
    )
    task_forms = task_forms or {}
    rows = []
    for task in tasks:
        rows.append(
            {
                "task": task,
                "form": task_forms.get(task.pk)
                or TaskForm(
                    initial={
                        "version": task.version,
                        "label": task.label,
                        "title": task.title,
                        "text": task.text,
                    },
                    prefix=f"t{task.pk}",
                ),
                "split": SplitForm(initial={"version": task.version}, prefix=f"s{task.pk}"),
            }
        )
    context = {
        "directive": directive,
        "source": directive.source,
        "outline": (directive.source.extraction or {}).get("outline", []),
        "warnings": (directive.source.extraction or {}).get("warnings", []),
        "rows": rows,
        "segments": selectors.source_segments(directive.source, tasks),
        "header_form": header_form,
        "can_edit": can_edit and directive.is_draft,
        "can_manage": can_edit,
        "error": error,
        "stale": stale,
        "stale_task_id": stale_task_id,
        "target_form": target_form,
        "difference": selectors.revision_diff(directive),
        "upper_choices": selectors.upper_candidates(request.user, directive) if can_edit else [],
        "next_revision": Directive.objects.filter(previous=directive).first(),
    }
    return render(request, "directives/review.html", context, status=status)


# --- list, upload, reading progress ---------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def directive_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("nam_hoc", "")[:9]
    status = request.GET.get("trang_thai", "")
    if status not in ("", *Directive.Status.values):
        status = ""
    directives = selectors.directive_list(
        request.user, school_year=year, status=status, search=request.GET.get("q", "")[:100]
    )
    pager = paginate(request, directives, per_page=DIRECTIVES_PER_PAGE, noun="văn bản")
    return render(
        request,
        "directives/list.html",
        {
            "directives": pager.page.object_list,
            "pager": pager,
            "year": year,
            "status": status,
            "statuses": Directive.Status.choices,
            "q": request.GET.get("q", ""),
            "can_upload": bool(_upload_units(request.user)),
        },
    )


@login_required
@with_domain_errors
def upload(request: HttpRequest) -> HttpResponse:
    units = _upload_units(request.user)
    if not units:
        raise NotFound()  # nowhere to upload: the page does not exist for this user
    if request.method != "POST":
        return render(request, "directives/upload.html", {"form": UploadForm(units=units)})
    form = UploadForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        return render(request, "directives/upload.html", {"form": form}, status=400)
    unit = access_unit(request.user, form.cleaned_data["unit"], need=Role.SPECIALIST)
    try:
        upload_file = form.cleaned_data.get("file")
        if upload_file:
            if upload_file.size > int(request_limit()):
                raise DomainError("too_large", "Tệp quá lớn.", field="file")
            source, created = services.source_upload(
                actor=request.user,
                unit=unit,
                data=upload_file.read(),
                filename=upload_file.name,
            )
        else:
            source, created = services.source_paste(
                actor=request.user, unit=unit, text=form.cleaned_data["text"]
            )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "directives/upload.html", {"form": form}, status=400)
    if not created:
        messages.info(request, "Tệp này đã được tải lên trước đây; mở bản đã có.")
    return redirect("directives:source", source.pk)


def request_limit() -> int:
    from django.conf import settings

    return int(settings.UPLOAD_MAX_BYTES)


@login_required
@require_GET
@with_domain_errors
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = access_source(request.user, source_id)
    return render(
        request, "directives/source.html", {"source": source, "directive": _first(source)}
    )


def _first(source: SourceDocument) -> Directive | None:
    return source.directives.order_by("revision").first()


@login_required
@require_GET
@with_domain_errors
def source_status(request: HttpRequest, source_id: int) -> HttpResponse:
    """The progress fragment htmx polls; once read, tells the browser to open the review."""
    source = access_source(request.user, source_id)
    directive = _first(source)
    response = render(
        request, "directives/_source_status.html", {"source": source, "directive": directive}
    )
    if (
        getattr(request, "htmx", False)
        and source.status == SourceDocument.Status.READY
        and directive is not None
    ):
        response["HX-Redirect"] = _review_url(directive)
    return response


@login_required
@require_POST
@with_domain_errors
def source_retry(request: HttpRequest, source_id: int) -> HttpResponse:
    source = access_source(request.user, source_id, need=Role.SPECIALIST)
    try:
        services.source_retry(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("directives:source", source.pk)


@login_required
@require_GET
@with_domain_errors
def source_download(request: HttpRequest, source_id: int) -> HttpResponse:
    source = access_source(request.user, source_id)
    return stored_file_response(
        source.file.name or "", source.filename, CONTENT_TYPES[source.format]
    )


# --- review and correction ------------------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id)
    return _review(request, directive)


@login_required
@require_POST
@with_domain_errors
def header_update(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = HeaderForm(request.POST)
    if not form.is_valid():
        return _review(request, directive, status=400, header_form=form)
    data = form.cleaned_data
    try:
        services.directive_update(
            actor=request.user,
            directive=directive,
            version=data.pop("version"),
            values=data,
        )
    except StaleEdit as exc:
        return _review(request, directive, status=409, header_form=form, stale=exc, error=exc)
    except DomainError as exc:
        return _review(request, directive, status=400, header_form=form, error=exc)
    messages.success(request, "Đã lưu thông tin văn bản.")
    return redirect(_review_url(directive))


@login_required
@require_POST
@with_domain_errors
def task_update(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id, need=Role.SPECIALIST)
    if task.directive_id != directive_id:
        raise NotFound()
    form = TaskForm(request.POST, prefix=f"t{task.pk}")
    if not form.is_valid():
        return _review(request, task.directive, status=400, task_forms={task.pk: form})
    try:
        services.task_update(actor=request.user, task=task, **form.cleaned_data)
    except StaleEdit as exc:
        # Keep what the user typed; show what the other person saved beside it.
        return _review(
            request,
            task.directive,
            status=409,
            task_forms={task.pk: form},
            stale=exc,
            stale_task_id=task.pk,
            error=exc,
        )
    except DomainError as exc:
        return _review(request, task.directive, status=400, task_forms={task.pk: form}, error=exc)
    messages.success(request, f"Đã lưu nhiệm vụ {task.label}.".replace("  ", " "))
    return redirect(f"{_review_url(task.directive)}#nhiem-vu-{task.pk}")


def _task_action(request: HttpRequest, directive_id: int, task_id: int) -> Any:
    task = access_task(request.user, task_id, need=Role.SPECIALIST)
    if task.directive_id != directive_id:
        raise NotFound()
    return task


@login_required
@require_POST
@with_domain_errors
def task_merge(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    task = _task_action(request, directive_id, task_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _review(
            request, task.directive, status=400, error=DomainError("invalid", "Thiếu phiên bản.")
        )
    try:
        services.task_merge_next(
            actor=request.user, task=task, version=form.cleaned_data["version"]
        )
    except DomainError as exc:
        return _review(request, task.directive, status=exc.status, error=exc)
    messages.success(request, "Đã gộp với nhiệm vụ kế tiếp.")
    return redirect(f"{_review_url(task.directive)}#nhiem-vu-{task.pk}")


@login_required
@require_POST
@with_domain_errors
def task_split(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    task = _task_action(request, directive_id, task_id)
    form = SplitForm(request.POST, prefix=f"s{task.pk}")
    if not form.is_valid():
        return _review(
            request,
            task.directive,
            status=400,
            error=DomainError("invalid", "Hãy nhập đoạn cần tách."),
        )
    at = task.text.find(form.cleaned_data["before"].strip())
    try:
        if at <= 0:
            raise DomainError(
                "bad_split", "Không tìm thấy đoạn này giữa nội dung nhiệm vụ.", field="before"
            )
        services.task_split(
            actor=request.user, task=task, version=form.cleaned_data["version"], at=at
        )
    except DomainError as exc:
        return _review(request, task.directive, status=exc.status, error=exc)
    messages.success(request, "Đã tách thành hai nhiệm vụ.")
    return redirect(f"{_review_url(task.directive)}#nhiem-vu-{task.pk}")


@login_required
@require_POST
@with_domain_errors
def task_delete(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    task = _task_action(request, directive_id, task_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _review(
            request, task.directive, status=400, error=DomainError("invalid", "Thiếu phiên bản.")
        )
    try:
        services.task_delete(actor=request.user, task=task, version=form.cleaned_data["version"])
    except DomainError as exc:
        return _review(request, task.directive, status=exc.status, error=exc)
    messages.success(request, "Đã xóa nhiệm vụ.")
    return redirect(_review_url(task.directive))


@login_required
@require_POST
@with_domain_errors
def task_add(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = TaskForm({**request.POST.dict(), "version": 1})
    if not form.is_valid():
        return _review(
            request, directive, status=400, error=DomainError("invalid", "Nhiệm vụ cần có tên.")
        )
    data = form.cleaned_data
    try:
        services.task_add(
            actor=request.user,
            directive=directive,
            label=data["label"],
            title=data["title"],
            text=data["text"],
        )
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    messages.success(request, "Đã thêm nhiệm vụ.")
    return redirect(_review_url(directive))


@login_required
@require_POST
@with_domain_errors
def citation_save(
    request: HttpRequest, directive_id: int, citation_id: int | None = None
) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    citation = None
    if citation_id is not None:
        citation = directive.citations.filter(pk=citation_id).first()
        if citation is None:
            raise NotFound()
    try:
        if citation is not None and request.POST.get("delete"):
            services.citation_delete(actor=request.user, citation=citation)
        else:
            form = CitationForm(request.POST)
            if not form.is_valid():
                raise DomainError("invalid", "Cần số, ký hiệu văn bản; ngày phải hợp lệ.")
            if citation is None:
                services.citation_add(actor=request.user, directive=directive, **form.cleaned_data)
            else:
                services.citation_update(actor=request.user, citation=citation, **form.cleaned_data)
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    return redirect(f"{_review_url(directive)}#van-ban-dan")


@login_required
@require_POST
@with_domain_errors
def target_save(request: HttpRequest, directive_id: int, target_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    target = directive.targets.filter(pk=target_id).first()
    if target is None:
        raise NotFound()
    try:
        if request.POST.get("delete"):
            services.target_delete(actor=request.user, target=target)
        else:
            form = TargetForm(request.POST)
            if not form.is_valid():
                raise DomainError("invalid", "Giá trị chỉ tiêu phải là một số.")
            task_id = form.cleaned_data["task"]
            task = directive.tasks.filter(pk=task_id).first() if task_id else None
            if task_id and task is None:
                raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.")
            services.target_update(
                actor=request.user,
                target=target,
                value=form.cleaned_data["value"],
                unit_label=form.cleaned_data["unit_label"],
                task=task,
            )
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    return redirect(f"{_review_url(directive)}#chi-tieu")


@login_required
@require_POST
@with_domain_errors
def target_add(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = TargetAddForm(request.POST)
    try:
        if not form.is_valid():  # only lengths can fail here: the service says which
            raise DomainError("invalid", "Nội dung chỉ tiêu quá dài.")
        data = form.cleaned_data
        task, raw_task = None, data["task"].strip()
        if raw_task:
            task = directive.tasks.filter(pk=int(raw_task)).first() if raw_task.isdigit() else None
            if task is None:
                raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task")
        services.target_add(
            actor=request.user,
            directive=directive,
            value=services.target_value_parse(data["value"]),
            unit_label=data["unit_label"],
            task=task,
            sentence=data["sentence"],
        )
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc, target_form=form)
    messages.success(request, "Đã thêm chỉ tiêu.")
    return redirect(f"{_review_url(directive)}#chi-tieu")


@login_required
@require_POST
@with_domain_errors
def publish(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _review(
            request, directive, status=400, error=DomainError("invalid", "Thiếu phiên bản.")
        )
    try:
        tracking_services.directive_publish(
            actor=request.user, directive_id=directive.pk, version=form.cleaned_data["version"]
        )
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    messages.success(request, "Đã ban hành văn bản trên hệ thống.")
    return redirect(_review_url(directive))


@login_required
@require_POST
@with_domain_errors
def revise(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    try:
        revision = services.directive_revise(actor=request.user, directive=directive)
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    messages.success(request, f"Đã mở bản sửa đổi lần {revision.revision}.")
    return redirect(_review_url(revision))


@login_required
@require_POST
@with_domain_errors
def set_upper(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = UpperForm(request.POST)
    if not form.is_valid():
        return _review(
            request, directive, status=400, error=DomainError("invalid", "Chọn văn bản cấp trên.")
        )
    upper = None
    if form.cleaned_data["upper"]:
        upper = access_directive(request.user, form.cleaned_data["upper"])
    try:
        services.directive_set_upper(actor=request.user, directive=directive, upper=upper)
    except DomainError as exc:
        return _review(request, directive, status=exc.status, error=exc)
    messages.success(request, "Đã ghi văn bản cấp trên.")
    return redirect("directives:links", directive.pk)


# --- cascade --------------------------------------------------------------------------------


def _links_page(
    request: HttpRequest,
    directive: Directive,
    *,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    directive = selectors.directive_with_parts(directive)
    upper = selectors.directive_with_parts(directive.upper) if directive.upper else None
    return render(
        request,
        "directives/links.html",
        {
            "directive": directive,
            "upper": upper,
            "can_edit": _can_edit(request.user, directive),
            "upper_choices": selectors.upper_candidates(request.user, directive),
            "embeddings": embedding_available(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def links(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id)
    return _links_page(request, directive)


@login_required
@require_POST
@with_domain_errors
def links_suggest(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    try:
        count = services.links_suggest(actor=request.user, directive=directive)
    except DomainError as exc:
        return _links_page(request, directive, status=exc.status, error=exc)
    messages.success(request, f"Đã đề xuất {count} liên kết; hãy xác nhận hoặc bỏ từng liên kết.")
    return redirect("directives:links", directive.pk)


@login_required
@require_POST
@with_domain_errors
def link_decide(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _links_page(
            request, directive, status=400, error=DomainError("invalid", "Thiếu nhiệm vụ.")
        )
    task = directive.tasks.filter(pk=form.cleaned_data["task"]).first()
    upper_task = (
        directive.upper.tasks.filter(pk=form.cleaned_data["upper_task"]).first()
        if directive.upper
        else None
    )
    if task is None or upper_task is None:
        return _links_page(
            request,
            directive,
            status=400,
            error=DomainError(
                "bad_task", "Nhiệm vụ không thuộc văn bản này hoặc văn bản cấp trên."
            ),
        )
    try:
        services.link_decide(
            actor=request.user,
            task=task,
            upper_task=upper_task,
            confirmed=form.cleaned_data["decision"] == "confirm",
        )
    except DomainError as exc:
        return _links_page(request, directive, status=exc.status, error=exc)
    return redirect(f"{reverse('directives:links', args=[directive.pk])}#nhiem-vu-{task.pk}")


@login_required
@require_GET
@with_domain_errors
def coverage(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id)
    report = selectors.coverage(directive, within=visible_units(request.user))
    return render(
        request,
        "directives/coverage.html",
        {"directive": directive, "report": report, "uncovered": report.uncovered_task_ids},
    )
