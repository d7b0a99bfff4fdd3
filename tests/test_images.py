"""The shared photo pipeline: what a resident's phone sends is re-encoded, stripped and bounded."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image, ImageCms

from xietang import images
from xietang.images import (
    MAX_LONG_SIDE,
    THUMB_LONG_SIDE,
    MultipleImageField,
    process_image_upload,
)

EXIF_MAKE = 0x010F
EXIF_ORIENTATION = 0x0112
GPS_IFD = 0x8825


def image_bytes(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_upload(name: str = "photo.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    return upload(name, image_bytes(Image.new("RGB", size, "green")))


def phone_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "XietangPhone"
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (31.0, 17.0, 36.0)  # a home in 斜塘
    gps[3], gps[4] = "E", (120.0, 44.0, 24.0)
    return exif


def opened(content) -> Image.Image:
    content.seek(0)
    return Image.open(io.BytesIO(content.read()))


def refusal(callable_, *args) -> list[str]:
    with pytest.raises(ValidationError) as error:
        callable_(*args)
    return error.value.messages


def png_claiming_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header (IHDR, with a valid CRC) claims width x height."""
    data = bytearray(image_bytes(Image.new("RGB", (1, 1), "red"), "PNG"))
    ihdr = 8 + 4  # signature, then the chunk's length
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 4 + 13]))
    data[ihdr + 4 + 13 : ihdr + 4 + 17] = struct.pack(">I", crc)
    return bytes(data)


# process_image_upload: metadata, orientation, size


def test_exif_gps_and_icc_profile_are_stripped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = image_bytes(Image.new("RGB", (64, 48), "orange"), exif=phone_exif(), icc_profile=icc)
    sent = Image.open(io.BytesIO(content))
    assert sent.getexif().get_ifd(GPS_IFD) and "icc_profile" in sent.info  # the input really carries them

    result = process_image_upload(upload("IMG_0001.jpg", content))

    for output in (result.full, result.thumbnail):
        image = opened(output)
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        output.seek(0)
        assert b"XietangPhone" not in output.read()


def test_exif_orientation_is_applied():
    # Stored sideways, as phones do: the left half (red) is the top of the real picture.
    stored = Image.new("RGB", (300, 200), "blue")
    stored.paste("red", (0, 0, 150, 200))
    content = image_bytes(stored, exif=phone_exif(orientation=6))

    result = process_image_upload(upload("sideways.jpg", content))

    image = opened(result.full)
    assert (result.width, result.height) == image.size == (200, 300)
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 280))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert not image.getexif()  # the orientation tag went with the rest


def test_large_photo_is_capped_and_thumbnailed():
    result = process_image_upload(jpeg_upload("IMG_2024.JPG", size=(4000, 3000)))

    assert (result.width, result.height) == (MAX_LONG_SIDE, 1536) == (2048, 1536)
    assert opened(result.full).size == (2048, 1536)
    assert opened(result.thumbnail).size == (THUMB_LONG_SIDE, 240) == (320, 240)
    assert result.full.name == "IMG_2024.jpg"
    assert result.thumbnail.name == "IMG_2024_thumb.jpg"


def test_small_photo_keeps_its_size():
    result = process_image_upload(jpeg_upload(size=(200, 100)))

    assert (result.width, result.height) == (200, 100)
    assert opened(result.thumbnail).size == (200, 100)


def test_transparent_png_becomes_rgb_jpeg_on_white():
    drawing = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    drawing.paste((200, 0, 0, 255), (0, 0, 50, 100))
    content = image_bytes(drawing, "PNG")

    result = process_image_upload(upload("签名.png", content, "image/png"))

    image = opened(result.full)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert result.full.name == "签名.jpg"
    assert min(image.getpixel((80, 50))) > 245  # transparent → white, not black
    red = image.getpixel((20, 50))
    assert red[0] > 180 and red[1] < 40


@pytest.mark.parametrize("fmt", ["WEBP", "GIF", "BMP"])
def test_other_common_formats_are_accepted(fmt):
    result = process_image_upload(upload(f"photo.{fmt.lower()}", image_bytes(Image.new("RGB", (30, 20)), fmt)))
    assert opened(result.full).format == "JPEG"


# process_image_upload: refusals


def test_text_file_named_jpg_is_refused():
    assert refusal(process_image_upload, upload("photo.jpg", "这不是照片\n".encode() * 20)) == [
        "「photo.jpg」不是图片,请上传 JPG 或 PNG 照片。"
    ]


def test_pdf_is_refused():
    content = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
    assert refusal(process_image_upload, upload("x.pdf", content, "application/pdf")) == [
        "「x.pdf」不是图片,请上传 JPG 或 PNG 照片。"
    ]


def test_format_pillow_reads_but_we_do_not_accept_is_refused():
    content = image_bytes(Image.new("RGB", (30, 20)), "TIFF")
    assert "不是图片" in refusal(process_image_upload, upload("scan.tif", content, "image/tiff"))[0]


def test_truncated_photo_is_refused_as_damaged():
    content = image_bytes(Image.effect_noise((400, 300), 60).convert("RGB"))[:3000]
    assert refusal(process_image_upload, upload("cut.jpg", content)) == [
        "「cut.jpg」无法读取,文件可能已损坏,请重新选择照片。"
    ]


def test_file_over_the_byte_limit_is_refused_before_it_is_opened(settings, monkeypatch):
    settings.UPLOAD_IMAGE_MAX_BYTES = 1024 * 1024
    opens = []
    monkeypatch.setattr(images.Image, "open", lambda *args, **kwargs: opens.append(args))
    content = image_bytes(Image.new("RGB", (40, 30)))
    big = upload("big.jpg", content + b"\0" * (1024 * 1024 + 1 - len(content)))

    assert refusal(process_image_upload, big) == ["「big.jpg」超过 1 MB,请压缩后再上传。"]
    assert opens == []


def test_file_at_the_byte_limit_is_accepted(settings):
    content = image_bytes(Image.new("RGB", (40, 30)))
    settings.UPLOAD_IMAGE_MAX_BYTES = len(content)
    assert process_image_upload(upload("exact.jpg", content)).width == 40


def test_default_limits_read_10_mb_and_40_million_pixels():
    content = image_bytes(Image.new("RGB", (40, 30)))
    big = upload("big.jpg", content + b"\0" * (10 * 1024 * 1024))
    assert refusal(process_image_upload, big) == ["「big.jpg」超过 10 MB,请压缩后再上传。"]
    huge = upload("huge.png", png_claiming_size(8000, 5001), "image/png")  # 40,008,000 pixels
    assert refusal(process_image_upload, huge) == ["「huge.png」像素过大(超过 4000 万像素)。"]


def test_too_many_pixels_is_refused_from_the_header(settings, monkeypatch):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10_000
    loads = []
    monkeypatch.setattr(images.ImageOps, "exif_transpose", lambda image, **kw: loads.append(image))

    assert refusal(process_image_upload, jpeg_upload("wide.jpg", size=(201, 50))) == [
        "「wide.jpg」像素过大(超过 1 万像素)。"
    ]
    assert loads == []  # refused before anything was decoded
    monkeypatch.undo()
    assert process_image_upload(jpeg_upload("edge.jpg", size=(200, 50))).width == 200


def test_png_whose_header_claims_a_huge_size_is_refused():
    # Far beyond Pillow's own limit too: its DecompressionBombError is our refusal as well.
    for width, height in ((7000, 7000), (100_000, 100_000)):
        content = png_claiming_size(width, height)
        assert refusal(process_image_upload, upload("bomb.png", content, "image/png")) == [
            "「bomb.png」像素过大(超过 4000 万像素)。"
        ]


def test_pillow_decompression_bomb_warning_is_a_refusal(settings, monkeypatch):
    # With our limit set above Pillow's, Pillow's warning still stops the file.
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)

    messages = refusal(process_image_upload, jpeg_upload("warned.jpg", size=(150, 100)))

    assert messages and "像素过大" in messages[0]


# MultipleImageField


class PhotosForm(forms.Form):
    photos = MultipleImageField(required=False)


def test_widget_offers_several_images():
    html = str(PhotosForm()["photos"])
    assert 'type="file"' in html and "multiple" in html and 'accept="image/*"' in html


def test_form_returns_processed_photos():
    files = MultiValueDict({"photos": [jpeg_upload("a.jpg"), jpeg_upload("b.png")]})
    form = PhotosForm(data={}, files=files)

    assert form.is_valid(), form.errors
    assert [photo.full.name for photo in form.cleaned_data["photos"]] == ["a.jpg", "b.jpg"]
    assert all(isinstance(photo, images.ProcessedImage) for photo in form.cleaned_data["photos"])


def test_not_required_and_nothing_sent_is_an_empty_list():
    form = PhotosForm(data={}, files=MultiValueDict())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["photos"] == []


def test_required_and_nothing_sent_is_refused():
    assert refusal(MultipleImageField().clean, []) == ["请选择要上传的照片。"]


def test_seven_photos_are_refused():
    field = MultipleImageField()
    assert refusal(field.clean, [jpeg_upload(f"{n}.jpg") for n in range(7)]) == ["最多上传 6 张照片。"]
    assert len(field.clean([jpeg_upload(f"{n}.jpg") for n in range(6)])) == 6


def test_max_count_is_configurable():
    assert refusal(MultipleImageField(max_count=2).clean, [jpeg_upload() for _ in range(3)]) == [
        "最多上传 2 张照片。"
    ]


def test_the_bad_photo_among_good_ones_is_named():
    sent = [jpeg_upload("门口.jpg"), upload("说明.pdf", b"%PDF-1.4\n", "application/pdf"), jpeg_upload("楼道.jpg")]
    assert refusal(MultipleImageField().clean, sent) == ["「说明.pdf」不是图片,请上传 JPG 或 PNG 照片。"]


def test_every_bad_photo_is_reported_at_once(settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 1024 * 1024
    big = upload("big.jpg", image_bytes(Image.new("RGB", (40, 30))) + b"\0" * 1024 * 1024)
    sent = [jpeg_upload("good.jpg"), upload("notes.jpg", b"hello"), big]

    assert refusal(MultipleImageField().clean, sent) == [
        "「notes.jpg」不是图片,请上传 JPG 或 PNG 照片。",
        "「big.jpg」超过 1 MB,请压缩后再上传。",
    ]
