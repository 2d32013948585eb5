"""Proving a contact with a one-time code: a six-digit code sent over WhatsApp (or e-mail)
to the phone (or address) someone typed, short-lived, tried a few times at most, and asked
for a few times an hour at most. A proven contact is remembered in the person's session for a
while, so one code opens "Sertifikat saya", a KIM chair's group registration or an event's
registration that asks for a verified number."""
