"""Pages anyone can open: the language switch, uploaded images and the site icon."""

from flask import Blueprint, current_app, redirect, request, send_from_directory, session, url_for

from eventapp.edges import safe_next

bp = Blueprint("public", __name__)


@bp.route("/bahasa", methods=["POST"])
def set_language():
    """Remember the chosen interface language and go back to the page it was chosen on."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("public_events.index"))


@bp.route("/unggahan/<any(logos, posters):folder>/<filename>")
def upload(folder: str, filename: str):
    """An office logo or event poster; names are random, given by the upload check."""
    return send_from_directory(current_app.config["UPLOAD_DIR"] / folder, filename, max_age=7 * 24 * 3600)


@bp.route("/favicon.ico")
def favicon():
    """Browsers and link previews ask for this address whatever the page declares."""
    return current_app.send_static_file("favicon.svg")
