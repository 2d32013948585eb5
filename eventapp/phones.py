"""Indonesian phone numbers: one normal form (E.164) for storage, matching and wa.me links."""

from urllib.parse import quote

import phonenumbers
from flask_babel import lazy_gettext as _l


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """'0812-3456-7890', '62812…' or '+62 812…' → '+6281234567890'; raises InvalidPhone."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(str(_l("Nomor HP kosong.")))
    # People often write the country code without the plus sign.
    if text.startswith("62") and not text.startswith("620"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(str(_l("Nomor HP tidak dikenali: gunakan angka, misalnya 0812 3456 7890.")))
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(str(_l("Nomor HP tidak valid: periksa jumlah digit dan awalannya.")))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """'+6281234567890' → '0812-3456-7890', the way Indonesians write it."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str | None) -> str:
    """'+6281234567890' → '08•• •••• 7890': enough for its owner to recognise, nothing more."""
    shown = display_phone(e164).replace("-", " ")
    digits = sum(ch.isdigit() for ch in shown)
    seen = 0
    masked = []
    for ch in shown:
        if ch.isdigit():
            seen += 1
            masked.append(ch if seen <= 2 or seen > digits - 4 else "•")
        else:
            masked.append(ch)
    return "".join(masked)


def whatsapp_url(phone: str | None = None, text: str = "") -> str:
    """A wa.me link: a chat with `phone` (E.164), or with nobody chosen yet (to share), with
    `text` typed in. The one place these links are built."""
    number = (phone or "").lstrip("+")
    return f"https://wa.me/{number}" + (f"?text={quote(text)}" if text else "")


def mask_contact(contact: str) -> str:
    """A phone masked as above, or an e-mail address as 's•••@example.org'."""
    if "@" in contact:
        local, _at, domain = contact.partition("@")
        return f"{local[:1]}•••@{domain}"
    return mask_phone(contact)
