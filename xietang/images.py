"""The shared photo upload pipeline: resident requests (and later micro-projects) attach photos.

Every photo is decoded and re-encoded as a plain JPEG: what we store holds only
pixels, never the EXIF of a resident's phone (GPS position of their home, device,
time) nor a file that merely claims to be an image.
"""

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.forms.widgets import FILE_INPUT_CONTRADICTION
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_LONG_SIDE = 2048  # sharp on a staff monitor, ~0.5 MB as JPEG
THUMB_LONG_SIDE = 320
JPEG_QUALITY = 85
# Formats Pillow decodes out of the box that phones and browsers send. Passed to
# Image.open, so no other decoder ever sees the bytes. Multi-picture JPEGs from
# phones open through the JPEG decoder as "MPO".
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
# What a damaged or hostile file can raise inside Pillow's decoders.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
_NAME_STEM_MAX = 50  # leaves room under FileField's max_length=100 for upload_to


@dataclass(frozen=True)
class ProcessedImage:
    full: ContentFile  # JPEG, long side at most MAX_LONG_SIDE
    thumbnail: ContentFile  # JPEG, long side at most THUMB_LONG_SIDE
    width: int  # of `full`
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _wan_pixels(pixels: int) -> str:
    return f"{pixels / 10_000:g}"  # 万像素, as phones advertise cameras in China


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("「%(name)s」不是图片,请上传 JPG 或 PNG 照片。"), code="not_image", params={"name": name}
    )


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _("「%(name)s」像素过大(超过 %(wan)s 万像素)。"),
        code="too_many_pixels",
        params={"name": name, "wan": _wan_pixels(settings.UPLOAD_IMAGE_MAX_PIXELS)},
    )


def _check_pixels(name: str, size: tuple[int, int]) -> None:
    if size[0] * size[1] > settings.UPLOAD_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(name)


def process_image_upload(upload: UploadedFile) -> ProcessedImage:
    """Check an uploaded photo and return it re-encoded, with a thumbnail.

    Raises ValidationError, naming the file, when it is too large, not an image
    of an allowed format, damaged, or has too many pixels to decode safely.
    """
    name = Path(upload.name or "").name
    if upload.size > settings.UPLOAD_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("「%(name)s」超过 %(mb)s MB,请压缩后再上传。"),
            code="too_large",
            params={"name": name, "mb": _megabytes(settings.UPLOAD_IMAGE_MAX_BYTES)},
        )
    if not upload.size:
        raise ValidationError(_("「%(name)s」是空文件,请重新选择照片。"), code="empty", params={"name": name})

    try:
        # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice that; the
        # warning becomes an error too. catch_warnings is process-global, which is
        # safe under gunicorn's sync workers and Celery's prefork pool.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=ALLOWED_FORMATS) as probe:
                _check_pixels(name, probe.size)  # header only: nothing decoded yet
                probe.verify()
            # verify() leaves the image unusable; decode from a fresh handle.
            upload.seek(0)
            with Image.open(upload, formats=ALLOWED_FORMATS) as image:
                # In place and capped before the metadata-free copy: at most two
                # full-size bitmaps are alive at any moment.
                ImageOps.exif_transpose(image, in_place=True)
                pixels = _flatten_to_rgb(image)
    except UnidentifiedImageError:
        raise _not_an_image(name) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except _DECODE_ERRORS:
        raise ValidationError(
            _("「%(name)s」无法读取,文件可能已损坏,请重新选择照片。"), code="damaged", params={"name": name}
        ) from None

    pixels.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    full = _fresh_copy(pixels)
    thumbnail = full.copy()
    thumbnail.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.LANCZOS)

    stem = Path(name).stem[:_NAME_STEM_MAX] or "photo"
    return ProcessedImage(
        full=ContentFile(_encode_jpeg(full), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_encode_jpeg(thumbnail), name=f"{stem}_thumb.jpg"),
        width=full.width,
        height=full.height,
    )


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (JPEG has no alpha; black would hide dark strokes)."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16-bit grey (scanners): convert() would clip at 255 and turn it white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _fresh_copy(image: Image.Image) -> Image.Image:
    # convert(), resize() and copy() all carry `info` (exif, icc_profile, xmp, ...)
    # along; a new image with the pixels pasted in carries nothing.
    fresh = Image.new("RGB", image.size)
    fresh.paste(image)
    return fresh


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


class MultipleImageInput(forms.ClearableFileInput):
    """<input type="file" multiple accept="image/*">: phones offer the camera and the gallery."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", **(attrs or {})})


class MultipleImageField(forms.FileField):
    """Up to `max_count` photos, each checked and re-encoded by process_image_upload.

    clean() returns a list of ProcessedImage ([] when not required and nothing was
    sent). Every file is checked, and all problems are reported together, so a
    resident fixes one photo without guessing about the others.
    """

    widget = MultipleImageInput
    default_error_messages: ClassVar[dict] = {
        "required": gettext_lazy("请选择要上传的照片。"),
        "too_many": gettext_lazy("最多上传 %(max)s 张照片。"),
    }

    def __init__(self, *, max_count: int = 6, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[ProcessedImage]:
        if data is FILE_INPUT_CONTRADICTION:
            raise ValidationError(self.error_messages["contradiction"], code="contradiction")
        uploads = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_count:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_count})

        processed: list[ProcessedImage] = []
        errors: list[ValidationError] = []
        for upload in uploads:
            if not isinstance(upload, UploadedFile):
                errors.append(ValidationError(self.error_messages["invalid"], code="invalid"))
                continue
            try:
                processed.append(process_image_upload(upload))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return processed

    def has_changed(self, initial, data) -> bool:
        return not self.disabled and bool(data)


def stream_photo(stored, *, public: bool = False, max_age: int = 3600) -> FileResponse:
    """Stream a stored JPEG from `process_image_upload`; 404 when it is empty or gone.

    Media are never served directly: each caller has checked who may see the photo.
    `public` photos (of public projects, after-photos named by Open311) may sit in
    shared caches; the others only in the viewer's browser.
    """
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    if public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
    return response
