"""Screenshots of the Compose screen (called by screenshots.py).

No photo of a real person may appear, so the picture is drawn here (cartoon children on a
field) and the faces' boxes and identities are given directly rather than found by face
recognition: the screens then apply the demo register's real consents to them, exactly as
they do to a scan's result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
from PIL import Image
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from croftpost.core.demo import DEMO_PASSWORD
from croftpost.core.photo_check import UNKNOWN, FaceResult, PhotoCheck, PhotoResult
from croftpost.core.photos import file_sha256
from croftpost.core.services import Services
from croftpost.core.video import Sighting, Track, VideoScan
from croftpost.ui.main_window import MainWindow
from croftpost.ui.views.compose_view import ComposeView
from croftpost.ui.workers import ImmediateTaskRunner

Save = Callable[[QApplication, QWidget, str], None]
WIDTH, HEIGHT = 1200, 800
# (centre x, head radius, shirt colour, pupil id or None for a visitor nobody knows)
CHILDREN = ((300, 62, "#d9473b", "D001"), (600, 66, "#2f6fb3", None), (900, 60, "#f2b134", "D002"))
HEAD_Y = 330


def draw_sports_day(path: Path) -> list[tuple[int, int, int, int]]:
    """A cartoon sports day; returns each head's box (top, right, bottom, left)."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, HEIGHT * 0.6)
    sky.setColorAt(0, QColor("#8ec5f0"))
    sky.setColorAt(1, QColor("#d8eefc"))
    painter.fillRect(0, 0, WIDTH, HEIGHT, sky)
    painter.fillRect(0, int(HEIGHT * 0.6), WIDTH, HEIGHT, QColor("#6dbb4f"))
    painter.setPen(QPen(QColor("#ffffff"), 6))
    for y in (560, 660, 760):
        painter.drawLine(0, y, WIDTH, y)
    for n in range(14):  # bunting
        x = n * 90
        painter.setBrush(QColor(("#e94f37", "#f6c445", "#3f88c5", "#44bba4")[n % 4]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon([QPointF(x, 40), QPointF(x + 70, 40), QPointF(x + 35, 100)])
    boxes = []
    for x, r, shirt, _pupil in CHILDREN:
        painter.setBrush(QColor(shirt))
        painter.drawRoundedRect(QRectF(x - 80, HEAD_Y + r - 5, 160, 230), 40, 40)
        painter.setBrush(QColor("#f1c9a5"))
        painter.drawEllipse(QPointF(x, HEAD_Y), r, r)
        painter.setBrush(QColor("#3b2a20"))
        painter.drawChord(QRectF(x - r, HEAD_Y - r, 2 * r, 2 * r), 0, 180 * 16)
        painter.setBrush(QColor("#1f2933"))
        painter.drawEllipse(QPointF(x - r / 3, HEAD_Y + 8), 6, 6)
        painter.drawEllipse(QPointF(x + r / 3, HEAD_Y + 8), 6, 6)
        painter.setPen(QPen(QColor("#8a3b2a"), 4))
        painter.drawArc(QRectF(x - r / 2.5, HEAD_Y + 10, 2 * r / 2.5, r / 2.2), 200 * 16,
                        140 * 16)
        painter.setPen(Qt.PenStyle.NoPen)
        boxes.append((HEAD_Y - r, x + r, HEAD_Y + r, x - r))
    _child_turned_away(painter)
    painter.end()
    if not image.save(str(path), "JPEG", 92):
        raise SystemExit(f"could not write {path}")
    return boxes


TURNED_AWAY = (1080, 300, 26)  # centre x, centre y, head radius: a child no detector sees
TURNED_AWAY_BOX = (274, 1108, 330, 1052)  # what a teacher draws round them


def _child_turned_away(painter: QPainter) -> None:
    """A small child at the back, facing away: hair and shoulders, no face to detect."""
    x, y, r = TURNED_AWAY
    painter.setBrush(QColor("#7d5ba6"))
    painter.drawRoundedRect(QRectF(x - 34, y + r - 4, 68, 96), 18, 18)
    painter.setBrush(QColor("#5a3a22"))
    painter.drawEllipse(QPointF(x, y), r, r)


def drawn_check(path: Path, channel: str) -> PhotoCheck:
    boxes = draw_sports_day(path)
    faces = tuple(FaceResult(box, UNKNOWN, pupil, 0.31 if pupil else None,
                             "matched" if pupil else "no_match")
                  for box, (_x, _r, _c, pupil) in zip(boxes, CHILDREN, strict=True))
    photo = PhotoResult(str(path), file_sha256(path), WIDTH, HEIGHT, False, "JPEG", 40, faces)
    return PhotoCheck(channel, (photo,))


def add_drawn_photo(view: ComposeView, path: Path) -> None:
    """What a scan would hand back, with today's consents applied by the real service."""
    check = drawn_check(path, view.channel())
    view.photos.add_checked(check, {str(path): QImage(str(path))}, [str(path)])
    view.refresh_consents()


def add_drawn_clip(view: ComposeView, folder: Path) -> None:
    """A three-second clip of the cartoon sports day, the visitor walking in after a second:
    tracks given as a check would find them, judged by the real consents."""
    picture = folder / "sports-day-clip.jpg"
    boxes = draw_sports_day(picture)
    clip = folder / "sports-day.mp4"
    frame = Image.open(picture).convert("RGB")
    with av.open(str(clip), "w") as out:
        stream = out.add_stream("libx264", rate=4)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for _ in range(12):
            out.mux(stream.encode(av.VideoFrame.from_image(frame)))
        out.mux(stream.encode(None))
    tracks = []
    for box, (_x, _r, _c, pupil) in zip(boxes, CHILDREN, strict=True):
        start = 1.0 if pupil is None else 0.0
        seen = tuple(Sighting(start + n / 4, box, None) for n in range(int((3 - start) * 4)))
        tracks.append(Track(seen, UNKNOWN, pupil, 0.31 if pupil else None,
                            "matched" if pupil else "no_match"))
    scan = VideoScan(str(clip), file_sha256(clip), 3.0, WIDTH, HEIGHT, 0, True, True, 12,
                     tuple(tracks))
    faces = {(str(clip), n): QImage(str(picture)).copy(b[3], b[0], b[1] - b[3], b[2] - b[0])
             for n, b in enumerate(boxes)}
    view.model.add_checked_clips(view.model.judged([scan]), faces, [str(clip)],
                                 {str(clip): QImage(str(picture))})


def compose_window(services: Services, username: str, folder: Path) -> tuple[MainWindow,
                                                                               ComposeView]:
    session = services.accounts.login(username, DEMO_PASSWORD)
    window = MainWindow(services, session, tasks=ImmediateTaskRunner())
    window.resize(1366, 768)
    window.show()
    view = window.show_page("compose")
    assert isinstance(view, ComposeView)
    view.posting.open_url = lambda url: True  # never launch a browser from the script
    view.posting.confirm = lambda *args: True
    view.posting.export_root = folder / "exports"
    return window, view


def compose_screens(app: QApplication, services: Services, folder: Path, save: Save) -> None:
    window, view = compose_window(services, "head", folder)
    view.editor.setPlainText(
        "What a sports day! Ava Thornton won the sack race! Thank you to every family who "
        "came to cheer. Questions? Ring Mrs Day on 07700 900123. Please donate what you can "
        "for our new reading corner at the office.")
    view.check_text_now()
    add_drawn_photo(view, folder / "sports-day.jpg")
    save(app, window, "50-compose-blocked")
    viewer = view.open_photo(0)
    assert viewer is not None
    viewer.faces.setCurrentRow(1)
    save(app, viewer, "51-compose-faces")
    view.photo_flow.mark(0, "drawn", TURNED_AWAY_BOX)  # as dragging a box round them does
    save(app, viewer, "56-compose-hand-drawn-face")
    viewer.faces.setCurrentRow(1)
    viewer.identify_button.click()
    identify = view.current_dialog
    assert identify is not None
    identify.search.setText("Year 3")  # type: ignore[attr-defined]
    save(app, identify, "57-compose-identify")
    identify.reject()
    viewer.blur_all_button.click()
    save(app, viewer, "52-compose-faces-blurred")
    viewer.accept()
    view.editor.setPlainText(
        "What a sports day! Ava Thornton won the sack race! Thank you to every family who "
        "came to cheer. Please donate what you can for our new reading corner at the office.")
    view.check_text_now()
    view.posting.prepare_button.click()
    dialog = view.current_dialog
    assert dialog is not None
    dialog.reason.setPlainText("The PTA's own appeal, agreed with the headteacher.")  # type: ignore[attr-defined]
    save(app, dialog, "53-compose-warning-reason")
    dialog.ok_button.click()  # type: ignore[attr-defined]
    save(app, window, "54-compose-prepared")
    window.close()
    window, view = compose_window(services, "teacher", folder)
    view.channel_box.setCurrentIndex(view.channel_box.findData("dojo"))
    view.editor.setPlainText("Year 3 had a brilliant sports day. Well done, everyone!")
    view.check_text_now()
    add_drawn_photo(view, folder / "sports-day-dojo.jpg")
    view.photos.blur_all_without_consent()
    save(app, window, "55-compose-dojo-story")
    window.close()
    window, view = compose_window(services, "head", folder)
    view.editor.setPlainText("Sports day: the Year 3 sack race.")
    view.check_text_now()
    add_drawn_clip(view, folder)
    save(app, window, "59-compose-clip")
    window.close()
