"""Forms organizers build from questions, used three ways: extra questions on an event's
registration form, the evaluation (evaluasi) after an event, and a bimtek's pre-test and
post-test. One model, one way of showing and checking answers, one results page."""
