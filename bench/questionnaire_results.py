"""Evaluation results and their export with 1,000 responses to 30 questions.

    .venv/bin/python bench/questionnaire_results.py [--responses 1000] [--questions 30]

Builds a throw-away SQLite database with one event, an evaluation of 30 questions (scales,
choices, yes/no, numbers, open text) and `--responses` answered forms (written in bulk),
then, as a signed-in organizer, opens the results page, the PDF summary and the XLSX export
of every answer, at 100 responses and at the full size. Prints the SQL statements and the
median time of each (5 runs), and the export's peak Python memory: the statement counts must
not grow with the responses, and the page must stay well under a second.
"""

import argparse
import statistics
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import (
    confirmed_registrations,
    fresh_app,
    published_event,
    signed_in_client,
    statement_log,
    timed_gets,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    app, _folder = fresh_app()

    from datetime import time as clock

    from sqlalchemy import insert, select

    from eventapp.dbtypes import utcnow
    from eventapp.extensions import db
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Answer, Purpose, Response
    from eventapp.registration.models import Registration
    from tests import factories

    kinds = [
        ("skala", {}),
        ("pilihan", {"options": ["Sangat setuju", "Setuju", "Ragu", "Tidak setuju"]}),
        ("ya_tidak", {}),
        ("angka", {"min_number": 0, "max_number": 100}),
        ("paragraf", {}),
    ]
    with app.app_context():
        admin, event = published_event("Bimtek besar", "bimtek", clock(8), clock(16))
        user = factories.staff(
            event.organization, "bench@example.org", "organizer", password="bench-password"
        )
        evaluation = forms.create(admin, event, Purpose.EVALUATION, utcnow())
        for n in range(args.questions):
            kind, extra = kinds[n % len(kinds)]
            forms.save_question(
                admin, evaluation, forms.QuestionData(kind, f"Pertanyaan {n + 1}", **extra), utcnow()
            )
        confirmed_registrations(event, args.responses)
        questions = list(evaluation.questions)
        ids = list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)))

        def answer(question, k: int) -> dict:
            row = {"question_id": question.id, "person_id": None, "text": None, "number": None}
            row |= {"day": None, "choices": None, "correct": None}
            if question.kind == "skala":
                row["number"] = float(1 + k % 5)
            elif question.kind == "pilihan":
                row["choices"] = [k % 4]
            elif question.kind == "ya_tidak":
                row["text"] = ("ya", "tidak")[k % 2]
            elif question.kind == "angka":
                row["number"] = float(k % 101)
            else:
                row["text"] = f"Saran nomor {k}: waktu praktik ditambah dan materi dibagikan lebih awal."
            return row

        def add(registration_ids: list[int]) -> None:
            now = utcnow()
            for rid in registration_ids:
                response_id = db.session.execute(
                    insert(Response).values(
                        questionnaire_id=evaluation.id, registration_id=rid, started_at=now, submitted_at=now
                    )
                ).inserted_primary_key[0]
                db.session.execute(
                    insert(Answer), [answer(q, rid) | {"response_id": response_id} for q in questions]
                )
            db.session.commit()

        add(ids[:100])
        event_id, email = event.id, user.email

    client = signed_in_client(app, email)
    statements = statement_log(app)
    base = f"/kelola/acara/{event_id}/formulir/evaluasi"
    pages = {
        "results page": f"{base}/hasil",
        "PDF summary": f"{base}/hasil.pdf",
        "XLSX, every answer": f"{base}/hasil.xlsx",
    }

    def measure(size: int) -> None:
        for label, url in pages.items():
            timings, counts, body = timed_gets(client, statements, url)
            print(
                f"{size:>9} {label:<22} {max(counts):>10} {statistics.median(timings):>10.1f} "
                f"{min(timings):>8.1f}–{max(timings):<8.1f} {len(body) // 1024:>6} KB"
            )

    print(f"{'responses':>9} {'page':<22} {'statements':>10} {'median ms':>10} {'range ms':>17} {'size':>9}")
    measure(100)
    with app.app_context():
        add(ids[100:])
    measure(args.responses)
    tracemalloc.start()
    client.get(pages["XLSX, every answer"]).get_data()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"XLSX of {args.responses} × {args.questions} answers: peak Python memory {peak / 2**20:.1f} MB "
        "(rows are read from the database as they are written)"
    )


if __name__ == "__main__":
    main()
