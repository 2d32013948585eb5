"""Pages anyone can open: the front page, the language switch and uploaded logos."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """The front page."""
    return render_template("public/home.html")


@bp.route("/bahasa", methods=["POST"])
def set_language():
    """Remember the chosen interface language and go back to the page it was chosen on."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("public.home"))


@bp.route("/unggahan/logo/<path:filename>")
def logo(filename: str):
    """An office logo (names are random, set by the upload check)."""
    return send_from_directory(current_app.config["UPLOAD_DIR"] / "logos", filename, max_age=7 * 24 * 3600)
