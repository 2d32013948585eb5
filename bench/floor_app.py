"""The least a registration POST can cost on this stack: the yardstick between "hello" and eventapp.

Served under the same gunicorn settings as the other two, on the database named by DATABASE_URL:

- POST /insert reads the posted fields from `request.form` and inserts one row (SQLAlchemy Core).
- POST /form first validates a Flask-WTF form with the registration form's fields and
  validators, CSRF token included, then inserts the same row. This is what the issue's
  definition of a registration (real form, CSRF token, validation, database write) costs
  with nothing else: no seat lock, no duplicate check, no ORM, no templates.
- GET /form hands out the CSRF token and session cookie the load test posts back.
- GET /p/<id>, where both POSTs redirect, reads the saved row back: the floor's participant
  page, the last step of the journey.

The bench calls `reset_table()` before each run and `count_rows()` after it.
"""

from flask import Flask, redirect, request
from flask_wtf import CSRFProtect, FlaskForm
from markupsafe import escape
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

# The database URL as eventapp reads it, and for SQLite eventapp's connection settings
# (WAL, synchronous=NORMAL, busy timeout).
import eventapp.extensions  # noqa: F401
from config import Config

FIELDS = ("name", "phone", "gender", "occupation", "institution", "position")

app = Flask(__name__)
app.config["SECRET_KEY"] = "bench"
csrf = CSRFProtect(app)
engine = create_engine(Config.SQLALCHEMY_DATABASE_URI)
rows = Table(
    "floor_registrations",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("phone", String(30), unique=True),
    *(Column(name, String(200)) for name in FIELDS if name != "phone"),
)
insert_row = rows.insert()


class RegistrationForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=150)])
    phone = StringField(validators=[Optional(), Length(max=30)])
    email = EmailField(validators=[Optional(), Email(), Length(max=254)])
    gender = RadioField(choices=[("L", "Laki-laki"), ("P", "Perempuan")])
    occupation = SelectField(choices=[("petani", "Petani"), ("lainnya", "Lainnya")])
    kabupaten = SelectField(validate_choice=False)
    kim_id = SelectField(validate_choice=False)
    institution = StringField(validators=[Optional(), Length(max=200)])
    position = StringField(validators=[Optional(), Length(max=150)])
    consent = BooleanField()


def reset_table() -> None:
    rows.drop(engine, checkfirst=True)
    rows.create(engine)


def count_rows() -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(rows))


def save(values: dict) -> int:
    with engine.begin() as connection:
        return connection.execute(insert_row, {name: values[name] for name in FIELDS}).inserted_primary_key[0]


@app.post("/insert")
@csrf.exempt
def insert_only():
    return redirect(f"/p/{save(request.form)}")


@app.route("/form", methods=["GET", "POST"])
def form_and_insert():
    form = RegistrationForm()
    if form.validate_on_submit():
        return redirect(f"/p/{save(form.data)}")
    return f'<input name="csrf_token" type="hidden" value="{form.csrf_token.current_token}">', (
        400 if request.method == "POST" else 200
    )


@app.get("/p/<int:row_id>")
def saved(row_id: int):
    """The floor's participant page: the row just saved, read back."""
    with engine.connect() as connection:
        row = connection.execute(select(rows).where(rows.c.id == row_id)).one()
    return f"<p>{escape(row.name)} {escape(row.phone)}</p>"
