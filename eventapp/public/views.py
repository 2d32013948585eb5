"""Pages anyone can open: the language switch and uploaded images."""

from flask import Blueprint, current_app, redirect, request, send_from_directory, session, url_for

bp = Blueprint("public", __name__)


@bp.route("/bahasa", methods=["POST"])
def set_language():
    """Remember the chosen interface language and go back to the page it was chosen on."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("public_events.index")
    return redirect(back)


@bp.route("/unggahan/<any(logos, posters):folder>/<filename>")
def upload(folder: str, filename: str):
    """An office logo or event poster; names are random, given by the upload check."""
    return send_from_directory(current_app.config["UPLOAD_DIR"] / folder, filename, max_age=7 * 24 * 3600)
